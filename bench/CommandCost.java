import io.cinnabar.server.CinnabarServer;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one command costs the server's event loop, in numbers that a busy machine disturbs little: an embedded server
 * (the jar on the class path), one connection sending each command P times per batch (pipelined) and reading every
 * reply, and for each command the event-loop thread's own counters per command (com.sun.management.ThreadMXBean):
 * CPU time and user time in ns (the smallest of ROUNDS rounds: time stolen by other processes only adds) and bytes
 * allocated. With P = 1 each command pays one read and one write system call; with P = 100 those are shared and the
 * numbers are parsing, execution and reply building. Used for issue #15 (what XADD/XRANGE/XREAD cost beyond SET).
 * Usage: java -cp server-assembly/target/cinnabar-server.jar bench/CommandCost.java [N [P [ROUNDS]]]
 *        (default N=200000 commands per round, P=100, ROUNDS=5); COMMANDS (';'-separated) replaces the commands.
 */
public class CommandCost {
    public static void main(String[] a) throws Exception {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 200_000;
        int p = a.length > 1 ? Integer.parseInt(a[1]) : 100;
        int rounds = a.length > 2 ? Integer.parseInt(a[2]) : 5;
        String cmds = System.getenv().getOrDefault("COMMANDS",
            "PING;SET key v;GET key;XADD s2 * f v;XRANGE s - + COUNT 10;XREVRANGE s + - COUNT 10;"
                + "XREAD COUNT 10 STREAMS s 0-0;XLEN s");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (CinnabarServer server = CinnabarServer.builder().port(0).config("save", "")
            .log(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).start();
             SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            long tid = loopThread();
            Conn c = new Conn(ch);
            byte[] fill = encode("XADD", "s", "*", "f", "0123456789");
            c.run(fill, 100, 10_000); // the stream the reads read (bench/streams.sh's FILL)
            System.out.printf("per command, N=%d P=%d, best of %d rounds (event-loop thread)%n", n, p, rounds);
            System.out.printf("%-34s %9s %9s %9s%n", "command", "cpu ns", "user ns", "alloc B");
            for (String cmd : cmds.split(";")) {
                byte[] one = encode(cmd.trim().split(" +"));
                c.run(one, p, 2 * n); // warm-up: the JIT compiles the path
                long cpu = Long.MAX_VALUE;
                long user = Long.MAX_VALUE;
                long alloc = Long.MAX_VALUE;
                for (int r = 0; r < rounds; r++) {
                    long c0 = mx.getThreadCpuTime(tid);
                    long u0 = mx.getThreadUserTime(tid);
                    long b0 = mx.getThreadAllocatedBytes(tid);
                    c.run(one, p, n);
                    cpu = Math.min(cpu, mx.getThreadCpuTime(tid) - c0);
                    user = Math.min(user, mx.getThreadUserTime(tid) - u0);
                    alloc = Math.min(alloc, mx.getThreadAllocatedBytes(tid) - b0);
                }
                System.out.printf("%-34s %9d %9d %9.1f%n", cmd.trim(), cpu / n, user / n, (double) alloc / n);
            }
        }
    }

    static long loopThread() {
        long found = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("cinnabar-event-loop")) {
                found = Math.max(found, t.threadId());
            }
        }
        if (found < 0) {
            throw new IllegalStateException("no event-loop thread");
        }
        return found;
    }

    static byte[] encode(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String s : args) {
            b.append('$').append(s.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(s).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A blocking connection that sends batches and skips the replies (RESP2). */
    static final class Conn {
        final SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocate(1 << 20);
        int pos;

        Conn(SocketChannel ch) {
            this.ch = ch;
            in.limit(0);
        }

        void run(byte[] one, int p, int total) throws Exception {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 0; i < p; i++) {
                b.writeBytes(one);
            }
            ByteBuffer batch = ByteBuffer.wrap(b.toByteArray());
            for (int sent = 0; sent < total; sent += p) {
                batch.clear();
                while (batch.hasRemaining()) {
                    ch.write(batch);
                }
                for (int i = 0; i < p; i++) {
                    skip();
                }
            }
        }

        private int get() throws Exception {
            if (!in.hasRemaining()) {
                in.clear();
                if (ch.read(in) < 0) {
                    throw new IllegalStateException("closed");
                }
                in.flip();
            }
            return in.get();
        }

        private long line() throws Exception {
            long v = 0;
            boolean neg = false;
            int ch;
            while ((ch = get()) != '\r') {
                if (ch == '-') {
                    neg = true;
                } else if (ch >= '0' && ch <= '9') {
                    v = v * 10 + (ch - '0');
                }
            }
            get();
            return neg ? -v : v;
        }

        private void skip() throws Exception {
            int t = get();
            switch (t) {
                case '+', ':' -> line();
                case '-' -> throw new IllegalStateException("error reply " + (char) t);
                case '$' -> {
                    long len = line();
                    for (long i = 0; len >= 0 && i < len + 2; i++) {
                        get();
                    }
                }
                case '*' -> {
                    long len = line();
                    for (long i = 0; i < len; i++) {
                        skip();
                    }
                }
                default -> throw new IllegalStateException("bad reply type " + t);
            }
        }
    }
}
