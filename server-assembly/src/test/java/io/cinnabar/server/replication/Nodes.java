package io.cinnabar.server.replication;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nodes of a replication test (embedded Cinnabar servers and real redis-server processes), a random write load,
 * and the checks: in sync (equal offsets, link up) and equal DEBUG DIGEST. A JUnit extension: registered as a field
 * ({@code @RegisterExtension final Nodes nodes = Nodes.withRedis();}) it skips tests without redis-server and closes
 * everything a test started after it ({@link #close()}).
 */
final class Nodes implements AutoCloseable, org.junit.jupiter.api.extension.BeforeEachCallback,
        org.junit.jupiter.api.extension.AfterEachCallback {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final boolean needsRedis;

    /** Nodes of a test with embedded Cinnabar servers only; as a field with {@code @RegisterExtension}. */
    Nodes() {
        this(false);
    }

    private Nodes(boolean needsRedis) {
        this.needsRedis = needsRedis;
    }

    @Override
    public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) {
        if (needsRedis) {
            org.junit.jupiter.api.Assumptions.assumeTrue(RealRedis.available(), "redis-server not installed");
        }
    }

    /** Everything a test started is stopped after it, whatever its outcome. */
    @Override
    public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
        close();
    }
    /** The temp dir of each Cinnabar server, by port (its log is {@code server.log} there). */
    private final java.util.Map<Integer, java.nio.file.Path> dirs = new java.util.HashMap<>();

    /**
     * The nodes of a test that needs redis-server, as a field with {@code @RegisterExtension}: each test is skipped
     * (JUnit assumption) where it is not installed.
     */
    static Nodes withRedis() {
        return new Nodes(true);
    }

    /** A Cinnabar server on a free port; options are name, value pairs. */
    int cinnabar(String... options) throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cinnabar-repl");
        open.add(() -> deleteTree(dir));
        java.io.PrintStream log = new java.io.PrintStream(
            java.nio.file.Files.newOutputStream(dir.resolve("server.log")), true);
        open.add(log);
        CinnabarServer.Builder b = CinnabarServer.builder().port(0).config("enable-debug-command", "yes")
            .config("cinnabar-rdb-version", "10").config("dir", dir.toString()).log(log);
        for (int i = 0; i + 1 < options.length; i += 2) {
            b.config(options[i], options[i + 1].isEmpty() ? new String[] {""} : options[i + 1].split(" "));
        }
        CinnabarServer s = b.start();
        open.add(s);
        dirs.put(s.port(), dir);
        return s.port();
    }

    /** A Cinnabar replica of master (options as {@link #cinnabar}), returned once it is in sync. */
    int cinnabarReplicaOf(int master, String... options) throws IOException, InterruptedException {
        String[] all = java.util.Arrays.copyOf(options, options.length + 2);
        all[options.length] = "replicaof";
        all[options.length + 1] = "127.0.0.1 " + master;
        int port = cinnabar(all);
        awaitSynced(master, port);
        return port;
    }

    /** A redis-server replica of master (extra arguments as {@link #redis}), returned once it is in sync. */
    RealRedis redisReplicaOf(int master, String... args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(master)));
        a.addAll(List.of(args));
        RealRedis r = redis(a.toArray(new String[0]));
        awaitSynced(master, r.port());
        return r;
    }

    /** The temp dir of the Cinnabar server on port. */
    java.nio.file.Path dir(int port) {
        return dirs.get(port);
    }

    /** What the Cinnabar server on port logged so far. */
    String log(int port) throws IOException {
        return java.nio.file.Files.readString(dirs.get(port).resolve("server.log"));
    }

    /** Waits (10 s at most) until the Cinnabar server on port logged text. */
    void awaitLog(int port, String text) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!log(port).contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("port " + port + " never logged '" + text + "':\n" + log(port));
            }
            Thread.sleep(10);
        }
    }

    /** Waits (10 s at most) until INFO field of the server on port has the value. */
    static void awaitInfo(int port, String field, String value) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        String v;
        while (!value.equals(v = info(port, field))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("port " + port + ": " + field + " is " + v + ", not " + value);
            }
            Thread.sleep(5);
        }
    }

    private static void deleteTree(java.nio.file.Path dir) throws IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    /** A real redis-server 7.0 with the given extra arguments. */
    RealRedis redis(String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("--enable-debug-command", "yes"));
        a.addAll(List.of(args));
        RealRedis r = RealRedis.start(a.toArray(new String[0]));
        open.add(r);
        return r;
    }

    RespClient client(int port) throws IOException {
        RespClient c = new RespClient(port);
        open.add(c);
        return c;
    }

    static String call(int port, String... args) throws IOException {
        try (RespClient c = new RespClient(port)) {
            return c.call(args);
        }
    }

    static String info(int port, String field) throws IOException {
        String s = call(port, "INFO", "everything");
        Matcher m = Pattern.compile("(?m)^" + field + ":([^\r\n]*)").matcher(s);
        return m.find() ? m.group(1) : null;
    }

    static String digest(int port) throws IOException {
        return call(port, "DEBUG", "DIGEST");
    }

    /** Waits until replica's link is up and it processed everything master produced so far. */
    /**
     * The replica holds the master's data: waits (10 s at most) until, with the replica caught up, the replica's
     * DEBUG DIGEST equals the master's taken just before and just after it. Expiry DELs still in flight between the
     * two digests make a single comparison race; a real difference stays and fails, with the keys that differ.
     */
    static void assertSameData(int master, int replica) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            awaitSynced(master, replica);
            String before = digest(master);
            awaitSynced(master, replica);
            String r = digest(replica);
            if (before.equals(r) && before.equals(digest(master))) {
                return;
            }
            Thread.sleep(100);
        }
        awaitSynced(master, replica);
        org.junit.jupiter.api.Assertions.assertEquals(digest(master), digest(replica), () -> explain(master, replica));
    }

    static void awaitSynced(int master, int replica) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            String link = info(replica, "master_link_status");
            String mo = info(master, "master_repl_offset");
            String ro = info(replica, "slave_repl_offset");
            last = "link=" + link + " master=" + mo + " replica=" + ro;
            if ("up".equals(link) && mo != null && mo.equals(ro)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("replica on port " + replica + " did not catch up with " + master + ": " + last);
    }

    /**
     * A random write load: strings with and without expiry (some expiring within milliseconds), lists with blocking
     * pops served by pushes, hashes, sets, sorted sets, MULTI/EXEC blocks over several databases, EVAL scripts.
     */
    static void load(int port, long seed, int ops) throws IOException {
        Random r = new Random(seed);
        try (RespClient c = new RespClient(port); RespClient blocker = new RespClient(port)) {
            for (int i = 0; i < ops; i++) {
                String k = "k" + r.nextInt(200);
                switch (r.nextInt(12)) {
                    case 0 -> c.call("SET", k, "v" + i);
                    case 1 -> c.call("SET", k, "e" + i, "PX", Integer.toString(1 + r.nextInt(30)));
                    case 2 -> c.call("SET", k, "x" + i, "EX", "1000");
                    case 3 -> c.call("INCRBY", "n" + r.nextInt(20), Integer.toString(r.nextInt(100)));
                    case 4 -> c.call("HSET", "h" + r.nextInt(20), "f" + r.nextInt(10), "v" + i);
                    case 5 -> c.call("ZADD", "z" + r.nextInt(20), Integer.toString(r.nextInt(1000)), "m" + i);
                    case 6 -> c.call("SADD", "s" + r.nextInt(20), "m" + r.nextInt(50));
                    case 7 -> {
                        String l = "list" + r.nextInt(5);
                        blocker.sendRaw(RespClient.encode("BLPOP", l, "1"));
                        c.call("RPUSH", l, "a" + i, "b" + i);
                        blocker.read();
                    }
                    case 8 -> {
                        c.call("MULTI");
                        c.call("SELECT", Integer.toString(r.nextInt(3)));
                        c.call("SET", k, "m" + i);
                        c.call("LPUSH", "ml", "x" + i);
                        c.call("SELECT", "0");
                        c.call("EXEC");
                    }
                    case 9 -> c.call("EVAL", "redis.call('set', KEYS[1], ARGV[1]) return redis.call('incr', KEYS[2])",
                        "2", k + "{s}", "cnt", "s" + i);
                    case 10 -> c.call("DEL", k);
                    default -> c.call("PEXPIRE", k, Integer.toString(1 + r.nextInt(20)));
                }
            }
        }
    }

    /**
     * Which keys differ between two servers (for a failure message), read without expiring anything: per db, the
     * candidates are both sides' KEYS (which skip logically expired keys but delete none) and every name
     * {@link #load} writes; DEBUG DIGEST-VALUE (no lookup, so no lazy expiry) is taken for all of them on both sides
     * first, then PTTL (a read that may expire) only for the keys that differ in value or in having an expire. A key
     * held logically expired on one side and gone on the other shows as value digest vs 0000.
     */
    static String explain(int a, int b) {
        StringBuilder out = new StringBuilder();
        try {
            for (int db = 0; db < 3; db++) {
                java.util.Set<String> names = new java.util.TreeSet<>(candidates());
                names.addAll(keys(a, db));
                names.addAll(keys(b, db));
                String[] list = names.toArray(new String[0]);
                List<String> va = digestValues(a, db, list);
                List<String> vb = digestValues(b, db, list);
                List<String> ta = ttls(a, db, list);
                List<String> tb = ttls(b, db, list);
                out.append("db").append(db).append(':');
                int n = 0;
                for (int i = 0; i < list.length; i++) {
                    boolean expA = !ta.get(i).equals("-1");
                    boolean expB = !tb.get(i).equals("-1");
                    if (!va.get(i).equals(vb.get(i)) || expA != expB) {
                        out.append(' ').append(list[i]).append('=').append(va.get(i), 0, 8).append('/')
                            .append(ta.get(i)).append(" vs ").append(vb.get(i), 0, 8).append('/').append(tb.get(i))
                            .append(';');
                        n++;
                    }
                }
                out.append(n == 0 ? " same\n" : "\n");
            }
        } catch (IOException | RuntimeException e) {
            out.append(e);
        }
        return out.toString();
    }

    /** Every key name {@link #load} may write. */
    private static List<String> candidates() {
        List<String> c = new ArrayList<>(List.of("ml", "cnt"));
        for (int i = 0; i < 200; i++) {
            c.add("k" + i);
            c.add("k" + i + "{s}");
        }
        for (int i = 0; i < 20; i++) {
            c.addAll(List.of("n" + i, "h" + i, "z" + i, "s" + i));
        }
        for (int i = 0; i < 5; i++) {
            c.add("list" + i);
        }
        return c;
    }

    private static List<String> keys(int port, int db) throws IOException {
        try (RespClient c = new RespClient(port)) {
            c.call("SELECT", Integer.toString(db));
            return elements(c.call("KEYS", "*"));
        }
    }

    /** The elements of a flat array reply of bulk or simple strings / integers, as text. */
    private static List<String> elements(String reply) {
        List<String> r = new ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("$")) {
                r.add(lines[++i]);
            } else {
                r.add(l.substring(1));
            }
        }
        return r;
    }

    private static List<String> digestValues(int port, int db, String[] keys) throws IOException {
        try (RespClient c = new RespClient(port)) {
            c.call("SELECT", Integer.toString(db));
            String[] cmd = new String[keys.length + 2];
            cmd[0] = "DEBUG";
            cmd[1] = "DIGEST-VALUE";
            System.arraycopy(keys, 0, cmd, 2, keys.length);
            return elements(c.call(cmd));
        }
    }

    private static List<String> ttls(int port, int db, String[] keys) throws IOException {
        List<String> r = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            c.call("SELECT", Integer.toString(db));
            for (String k : keys) {
                r.add(c.call("PTTL", k).substring(1).trim());
            }
        }
        return r;
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // closing everything anyway
            }
        }
        open.clear();
    }
}
