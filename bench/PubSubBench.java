import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Pub/Sub fan-out load for bench/pubsub.sh (run with the JDK's source launcher: java PubSubBench.java ...):
 * SUBSCRIBERS connections subscribe to one channel, one publisher sends MESSAGES pipelined PUBLISH commands
 * (fixed-size payload), and the program waits until every subscriber received every message (it counts bytes:
 * each message has the same encoded size). Prints: deliveries, seconds, deliveries/s, and the server's CPU time
 * per delivery (utime+stime of the server pid from /proc, in clock ticks of 10 ms).
 * Usage: java PubSubBench.java PORT SERVER_PID SUBSCRIBERS MESSAGES PAYLOAD_BYTES
 */
public class PubSubBench {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        long pid = Long.parseLong(a[1]);
        int subs = Integer.parseInt(a[2]);
        int messages = Integer.parseInt(a[3]);
        int payload = Integer.parseInt(a[4]);
        String chan = "bench";
        String body = "x".repeat(payload);
        String msg = "*3\r\n$7\r\nmessage\r\n$" + chan.length() + "\r\n" + chan + "\r\n$" + payload + "\r\n" + body + "\r\n";
        long perSub = (long) msg.length() * messages;
        Selector sel = Selector.open();
        SocketChannel[] s = new SocketChannel[subs];
        long[] got = new long[subs];
        byte[] sub = ("*2\r\n$9\r\nSUBSCRIBE\r\n$" + chan.length() + "\r\n" + chan + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        int ackLen = ("*3\r\n$9\r\nsubscribe\r\n$" + chan.length() + "\r\n" + chan + "\r\n:1\r\n").length();
        for (int i = 0; i < subs; i++) {
            s[i] = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            s[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
            s[i].write(ByteBuffer.wrap(sub));
            ByteBuffer ack = ByteBuffer.allocate(ackLen);
            while (ack.hasRemaining()) {
                if (s[i].read(ack) < 0) {
                    throw new IOException("subscriber closed");
                }
            }
            s[i].configureBlocking(false);
            s[i].register(sel, SelectionKey.OP_READ, i);
        }
        SocketChannel pub = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        byte[] one = ("*3\r\n$7\r\nPUBLISH\r\n$" + chan.length() + "\r\n" + chan + "\r\n$" + payload + "\r\n" + body
            + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        long cpu0 = cpu(pid);
        long t0 = System.nanoTime();
        Thread publisher = new Thread(() -> {
            try {
                int batch = 100;
                ByteBuffer buf = ByteBuffer.allocate(one.length * batch);
                ByteBuffer replies = ByteBuffer.allocate(1 << 16);
                for (int sent = 0; sent < messages; sent += batch) {
                    int n = Math.min(batch, messages - sent);
                    buf.clear();
                    for (int i = 0; i < n; i++) {
                        buf.put(one);
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        pub.write(buf);
                    }
                    int lines = 0;
                    while (lines < n) { // one ":<receivers>\r\n" per PUBLISH
                        replies.clear();
                        int r = pub.read(replies);
                        if (r < 0) {
                            throw new IOException("publisher closed");
                        }
                        for (int i = 0; i < r; i++) {
                            if (replies.get(i) == '\n') {
                                lines++;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        publisher.start();
        ByteBuffer rb = ByteBuffer.allocateDirect(1 << 20);
        int done = 0;
        while (done < subs) {
            sel.select(1000);
            for (SelectionKey k : sel.selectedKeys()) {
                int i = (Integer) k.attachment();
                rb.clear();
                int r = s[i].read(rb);
                if (r < 0) {
                    throw new IOException("subscriber " + i + " was disconnected");
                }
                got[i] += r;
                if (got[i] >= perSub) {
                    k.cancel();
                    done++;
                }
            }
            sel.selectedKeys().clear();
        }
        publisher.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        long ticks = cpu(pid) - cpu0;
        long deliveries = (long) subs * messages;
        System.out.printf("deliveries=%d seconds=%.2f deliveries_per_s=%.0f server_cpu_ns_per_delivery=%.1f%n",
            deliveries, secs, deliveries / secs, ticks * 10_000_000.0 / deliveries);
    }

    static long cpu(long pid) throws IOException {
        String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
