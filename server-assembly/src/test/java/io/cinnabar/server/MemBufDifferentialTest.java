package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What Redis's tcl files unit/client-eviction, integration/replication-buffer and unit/maxmemory found different in
 * the memory accounting, checked against real Redis 7.0.15 as transcripts:
 * <ul>
 *   <li>a big bulk argument (32 KB or more) counts its declared size in tot-mem as soon as its header is read, and
 *   a client whose header passes maxmemory-clients is evicted before the next command of another client (ours
 *   grew the buffer with the bytes read and evicted at the next command or cron, closing asynchronously);</li>
 *   <li>tot-mem counts the MULTI queue (multi-mem: the queued arguments plus a pointer each), watched keys,
 *   Pub/Sub subscriptions (channels, patterns, shard channels) exactly as Redis's getClientMemoryUsage;</li>
 *   <li>clients are evicted largest first, only until the total is under the limit, at CONFIG SET time; DEBUG
 *   CLIENT-EVICTION lists the memory buckets.</li>
 * </ul>
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class MemBufDifferentialTest {
    private static final Pattern FIELD = Pattern.compile("(?:^| )([a-z-]+)=(\\S*)");

    /** One client's CLIENT LIST line as fields, or null when no client has that name. */
    private static java.util.Map<String, String> client(RespClient control, String name) throws IOException {
        String list = control.call("CLIENT", "LIST");
        for (String line : list.split("\r?\n")) {
            if (line.contains(" name=" + name + " ")) {
                return fields(line);
            }
        }
        return null;
    }

    /** A CLIENT LIST line's fields. */
    private static java.util.Map<String, String> fields(String line) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        Matcher mt = FIELD.matcher(line);
        while (mt.find()) {
            m.put(mt.group(1), mt.group(2));
        }
        return m;
    }

    private static long field(RespClient control, String name, String f) throws IOException {
        var m = client(control, name);
        if (m == null) {
            throw new AssertionError("no client " + name);
        }
        return Long.parseLong(m.get(f));
    }

    private static boolean waitFor(BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return cond.getAsBoolean();
    }

    private interface IoCheck {
        boolean test() throws IOException;
    }

    private static BooleanSupplier io(IoCheck c) {
        return () -> {
            try {
                return c.test();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static RespClient named(int port, String name) throws IOException {
        RespClient c = new RespClient(port);
        c.call("CLIENT", "SETNAME", name);
        return c;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- a client that has sent nothing yet

    @Test
    void aClientThatSentNothingHoldsNoQueryBuffer(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("silent client's query buffer", silentTranscript(servers.redisPort()),
            silentTranscript(servers.oursPort()));
    }

    /** Redis's createClient starts with sdsempty(): qbuf=0 and (jemalloc's slack only) qbuf-free=4; ours 0. */
    private static List<String> silentTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient control = named(port, "control");
             java.net.Socket silent = new java.net.Socket("127.0.0.1", port)) {
            String addr = "addr=127.0.0.1:" + silent.getLocalPort() + " ";
            t.add("listed: " + waitFor(io(() -> control.call("CLIENT", "LIST").contains(addr))));
            for (String line : control.call("CLIENT", "LIST").split("\r?\n")) {
                if (line.contains(addr)) {
                    java.util.Map<String, String> m = fields(line);
                    t.add("cmd=" + m.get("cmd") + " qbuf=" + m.get("qbuf"));
                    t.add("qbuf-free under 64: " + (Long.parseLong(m.get("qbuf-free")) < 64));
                }
            }
        }
        return t;
    }

    // ---- unit/client-eviction

    @Test
    void bigArgumentCountsItsDeclaredSizeAndItsHeaderAloneEvicts(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("big argument reserved up front", bigArgTranscript(servers.redisPort()),
            bigArgTranscript(servers.oursPort()));
    }

    private static List<String> bigArgTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient control = named(port, "control")) {
            t.add(control.call("CLIENT", "NO-EVICT", "on"));
            t.add(control.call("CONFIG", "SET", "maxmemory-clients", "3000000"));
            long evictedBefore = evictedClients(control);
            try (RespClient big = named(port, "big")) {
                // 1000 bytes of a 220200-byte argument: Redis's buffer is sized for the whole argument already
                big.sendRaw(ascii("*2\r\n$3\r\nfoo\r\n$220200\r\n" + "v".repeat(1000)));
                t.add("qbuf reaches 1000: " + waitFor(io(() -> field(control, "big", "qbuf") == 1000)));
                long tot = field(control, "big", "tot-mem");
                t.add("tot-mem counts the whole argument: " + (tot >= 220200 && tot < 220200 + 64 * 1024));
                t.add("qbuf-free is the rest of it: " + (field(control, "big", "qbuf-free") >= 219000));
                try (RespClient huge = named(port, "huge")) {
                    huge.sendRaw(ascii("*1\r\n$3000001\r\nvvvv"));
                    // the header alone passes the limit: gone before the control's next command is served
                    t.add("evicted on its header: " + waitFor(io(() -> client(control, "huge") == null)));
                    t.add("closed by the server: " + huge.closedByServer());
                }
                t.add("evicted_clients +1: " + (evictedClients(control) - evictedBefore));
                t.add("the smaller client stays: " + (client(control, "big") != null));
            } finally {
                control.call("CONFIG", "SET", "maxmemory-clients", "0");
            }
        }
        return t;
    }

    private static long evictedClients(RespClient c) throws IOException {
        Matcher m = Pattern.compile("evicted_clients:(\\d+)").matcher(c.call("INFO", "stats"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    void multiWatchAndSubscriptionsCountInTotMem(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("tot-mem of MULTI, WATCH, subscriptions", structuresTranscript(servers.redisPort()),
            structuresTranscript(servers.oursPort()));
    }

    /** tot-mem of client "c" as its CLIENT LIST line shows it, after it ran cmd (read from the control). */
    private static long totAfter(RespClient control, RespClient c, String... cmd) throws IOException {
        c.call(cmd);
        return field(control, "c", "tot-mem");
    }

    private static List<String> structuresTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient control = named(port, "control"); RespClient c = named(port, "c")) {
            control.call("CONFIG", "SET", "maxmemory-clients", "0");
            long base = totAfter(control, c, "PING");
            long watched = totAfter(control, c, "WATCH", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10");
            t.add("10 watched keys: +" + (watched - base));
            long multi = totAfter(control, c, "MULTI");
            t.add("MULTI: +" + (multi - watched));
            long one = totAfter(control, c, "SET", "key", "v".repeat(100));
            t.add("first queued command: +" + (one - multi) + " multi-mem=" + field(control, "c", "multi-mem"));
            long two = totAfter(control, c, "SET", "key", "v".repeat(100));
            long three = totAfter(control, c, "INCR", "counter");
            t.add("second and third: +" + (two - one) + " +" + (three - two) + " multi-mem="
                + field(control, "c", "multi-mem") + " multi=" + field(control, "c", "multi"));
            long exec = totAfter(control, c, "EXEC");
            t.add("EXEC frees queue and watches: " + (exec - base));
            subscribe(c, "SUBSCRIBE", "a", "b", "c", "d");
            long four = field(control, "c", "tot-mem");
            t.add("4 channels: +" + (four - exec));
            subscribe(c, "PSUBSCRIBE", "p1", "p2", "p3");
            long pats = field(control, "c", "tot-mem");
            t.add("3 patterns: +" + (pats - four));
            subscribe(c, "SSUBSCRIBE", "s1", "s2");
            long shard = field(control, "c", "tot-mem");
            t.add("2 shard channels: +" + (shard - pats));
            subscribe(c, "UNSUBSCRIBE", "a", "b", "c", "d");
            t.add("no channel: -" + (shard - field(control, "c", "tot-mem")));
        }
        return t;
    }

    /** Sends a (un)subscription and reads its confirmations, one per channel. */
    private static void subscribe(RespClient c, String... cmd) throws IOException {
        c.sendRaw(RespClient.encode(cmd));
        for (int i = 1; i < cmd.length; i++) {
            c.read();
        }
    }

    @Test
    void largestClientsEvictedFirstUntilUnderTheLimit(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("eviction order and DEBUG CLIENT-EVICTION", orderTranscript(servers.redisPort()),
            orderTranscript(servers.oursPort()));
    }

    private static List<String> orderTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        List<RespClient> open = new ArrayList<>();
        try (RespClient control = named(port, "control")) {
            t.add(control.call("CLIENT", "NO-EVICT", "on"));
            t.add(control.call("DEBUG", "CLIENT-EVICTION"));
            int[] sizes = {70_000, 400_000, 1_600_000}; // each clear of a bucket bound, whatever rbs is (1 or 16 KB)
            long total = 0;
            for (int i = 0; i < sizes.length; i++) {
                for (int j = 0; j < (i == 2 ? 1 : 2); j++) { // one largest: Redis's order inside a bucket varies
                    RespClient c = named(port, "client-" + i + "-" + j);
                    open.add(c);
                    c.sendRaw(ascii("*2\r\n$" + sizes[i] + "\r\n" + "v".repeat(sizes[i])));
                    String name = "client-" + i + "-" + j;
                    int size = sizes[i];
                    t.add(name + " buffered: " + waitFor(io(() -> field(control, name, "qbuf") == size)));
                    total += field(control, name, "tot-mem");
                }
            }
            t.add(control.call("CONFIG", "SET", "maxmemory-clients", "100mb"));
            t.add(maskBuckets(control.call("DEBUG", "CLIENT-EVICTION")));
            // room for all but half the largest: it goes, and only it
            long limit = total - field(control, "client-2-0", "tot-mem") / 2;
            t.add(control.call("CONFIG", "SET", "maxmemory-clients", Long.toString(limit)));
            t.add("left: " + left(control));
            // room for the smallest two only: the middle ones go, the smallest stay
            t.add(control.call("CONFIG", "SET", "maxmemory-clients",
                Long.toString(field(control, "client-0-0", "tot-mem") * 2 + field(control, "control", "tot-mem")
                    + 100_000)));
            t.add("left: " + left(control));
        } finally {
            for (RespClient c : open) {
                c.close();
            }
            try (RespClient reset = new RespClient(port)) {
                reset.call("CONFIG", "SET", "maxmemory-clients", "0");
            }
        }
        return t;
    }

    private static String left(RespClient control) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : control.call("CLIENT", "LIST").split("\r?\n")) {
            Matcher m = Pattern.compile(" name=(client-\\S+) ").matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        names.sort(null);
        return names.toString();
    }

    /** DEBUG CLIENT-EVICTION's lines with the clients' memory masked: the bucket bounds and counts stay. */
    private static String maskBuckets(String reply) {
        return reply.replaceAll("tot-mem: +\\d+", "tot-mem: N");
    }

    // ---- integration/replication-buffer, integration/shutdown

    @Test
    void replicationBuffersGrowWithAReplicaThatDoesNotReadAndShrinkWhenItGoes(DifferentialServers servers)
            throws Exception {
        Pair.assertSameTranscripts("mem_total_replication_buffers", replBufferTranscript(servers.redisPort()),
            replBufferTranscript(servers.oursPort()));
    }

    private static long infoLong(RespClient c, String field) throws IOException {
        Matcher m = Pattern.compile(field + ":(\\d+)").matcher(c.call("INFO"));
        assertTrue(m.find(), field);
        return Long.parseLong(m.group(1));
    }

    private static List<String> replBufferTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            // the disk-based sync writes the RDB file into the server's dir ("dir" and "dbfilename" are protected
            // configs): remove it afterwards unless it was there before, so nothing is left where the server runs
            String dir = c.call("CONFIG", "GET", "dir").split("\r\n")[4];
            String name = c.call("CONFIG", "GET", "dbfilename").split("\r\n")[4];
            java.nio.file.Path file = java.nio.file.Path.of(dir, name);
            boolean existed = java.nio.file.Files.exists(file);
            try {
                replBufferSteps(port, c, t);
            } finally {
                if (!existed) {
                    java.nio.file.Files.deleteIfExists(file);
                }
            }
        }
        return t;
    }

    private static void replBufferSteps(int port, RespClient c, List<String> t) throws Exception {
        {
            c.call("CONFIG", "SET", "repl-backlog-size", "16384");
            c.call("CONFIG", "SET", "repl-diskless-sync", "no");
            c.call("CONFIG", "SET", "client-output-buffer-limit", "replica 0 0 0");
            try (RespClient replica = new RespClient(port)) {
                // a replica that asks for a full resync and then reads nothing: the stream stays in the buffer
                replica.sendRaw(RespClient.encode("PSYNC", "?", "-1"));
                t.add("replica attached: " + waitFor(io(() -> infoLong(c, "connected_slaves") == 1)));
                // its (small) RDB sent, it is online: from now on the stream is its to hold
                t.add("replica online: " + waitFor(io(() -> c.call("INFO", "replication").contains("state=online"))));
                String value = "v".repeat(1024 * 1024);
                for (int i = 0; i < 6; i++) {
                    c.call("SET", "big" + i, value);
                }
                long total = infoLong(c, "mem_total_replication_buffers");
                t.add("the buffer holds the 6 MB the replica has not read: " + (total > 5 * 1024 * 1024));
                t.add("counted once, not per copy: " + (total < 12 * 1024 * 1024));
            }
            t.add("replica gone: " + waitFor(io(() -> infoLong(c, "connected_slaves") == 0)));
            t.add("back to about the backlog: "
                + waitFor(io(() -> infoLong(c, "mem_total_replication_buffers") < 1024 * 1024)));
            c.call("DEL", "big0", "big1", "big2", "big3", "big4", "big5");
        }
    }

    // ---- unit/maxmemory: a client evicted by its own reply

    @Test
    void aClientEvictedForItsOwnReplyLeavesUsedMemoryBeforeTheNextCommand(DifferentialServers servers)
            throws Exception {
        Pair.assertSameTranscripts("self-evicted client's memory", selfEvictTranscript(servers.redisPort()),
            selfEvictTranscript(servers.oursPort()));
    }

    /**
     * A client whose own reply took the clients past maxmemory-clients is freed before the next command's key
     * eviction (Redis's freeClient at once): the keys stay. Ours kept its buffers in used_memory until the end of
     * the loop iteration, and the next client's command in the same iteration evicted keys for them (unit/maxmemory
     * "eviction due to output buffers of many MGET clients, client eviction: true" failed a third of its runs).
     * The two commands are sent while DEBUG SLEEP holds the server, so that one iteration serves both.
     */
    private static List<String> selfEvictTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient control = named(port, "control")) {
            control.call("FLUSHALL");
            control.call("CLIENT", "NO-EVICT", "on");
            String value = "x".repeat(100_000);
            String[] mget = new String[21];
            mget[0] = "MGET";
            for (int i = 0; i < 20; i++) {
                control.call("SET", "k" + i, value);
                mget[i + 1] = "k" + i;
            }
            byte[] request = RespClient.encode(mget);
            try (java.net.Socket a = new java.net.Socket()) {
                a.setReceiveBufferSize(4096); // it reads nothing: its replies stay in the server's buffers
                a.connect(new java.net.InetSocketAddress("127.0.0.1", port));
                var out = a.getOutputStream();
                out.write(RespClient.encode("CLIENT", "SETNAME", "a"));
                for (int i = 0; i < 3; i++) {
                    out.write(request); // 6 MB: more than the kernel's socket buffers take, the rest stays
                }
                out.flush();
                t.add("a ran its MGETs: " + waitFor(io(() -> {
                    var m = client(control, "a");
                    return m != null && "mget".equals(m.get("cmd")) && Long.parseLong(m.get("qbuf")) == 0;
                })));
                long totA = field(control, "a", "tot-mem");
                for (long prev = -1; totA != prev; totA = field(control, "a", "tot-mem")) {
                    prev = totA;
                    Thread.sleep(100); // what the kernel takes of the replies, it has taken
                }
                t.add("a's buffers hold a reply: " + (totA > 100_000));
                // room for a's replies so far, not for one more; the data has 1 MB to spare, less than a reply
                control.call("CONFIG", "SET", "maxmemory-clients", Long.toString(totA + 500_000));
                control.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
                control.call("CONFIG", "RESETSTAT");
                long used = infoLong(control, "used_memory");
                control.call("CONFIG", "SET", "maxmemory", Long.toString(used + 1_000_000));
                try (RespClient b = named(port, "b")) {
                    control.sendRaw(RespClient.encode("DEBUG", "SLEEP", "0.5"));
                    Thread.sleep(100);
                    out.write(request); // its second reply evicts it
                    out.flush();
                    Thread.sleep(50);
                    b.sendRaw(RespClient.encode("SET", "b", "1")); // the next command, in the same iteration
                    t.add("sleep: " + control.read());
                    t.add("b: " + b.read());
                    t.add("a gone: " + waitFor(io(() -> client(control, "a") == null)));
                    t.add("evicted_clients " + infoLong(control, "evicted_clients") + " evicted_keys "
                        + infoLong(control, "evicted_keys") + " dbsize " + control.call("DBSIZE"));
                }
            } finally {
                control.call("CONFIG", "SET", "maxmemory", "0");
                control.call("CONFIG", "SET", "maxmemory-clients", "0");
                control.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
                control.call("FLUSHALL");
            }
        }
        return t;
    }
}
