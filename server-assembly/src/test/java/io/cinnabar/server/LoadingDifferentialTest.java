package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Serving clients while the dataset loads, against redis-server 7.0.15: a load made slow with key-load-delay (the
 * test option Redis's own suite uses) and loading-process-events-interval-bytes 1024, clients connecting during it.
 * The replies (-LOADING for commands without the {@code loading} flag, what the flagged ones answer, MULTI/EXEC,
 * CONFIG SET of a DENY_LOADING option), INFO persistence's loading fields, and what happens after the load (the
 * whole dataset, no loading_* fields) must be the same. Loads: DEBUG RELOAD, the RDB file at startup, an AOF at
 * startup, a replica loading its master's RDB from disk; a SHUTDOWN during a load stops the server without saving.
 * Each load is cut short once checked: CONFIG SET key-load-delay 0 during the load acts on the keys that follow.
 */
class LoadingDifferentialTest {
    private static final int KEYS = 1000;
    /** Microseconds per key: 1000 keys load in at least 5 s, far longer than the checks take. */
    private static final String DELAY = "5000";
    private static final String LOADING = "-LOADING Redis is loading the dataset in memory\r\n";

    private final List<AutoCloseable> started = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Path> dirs = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                // stopping the others anyway
            }
        }
        for (Path d : dirs) {
            try (Stream<Path> s = Files.walk(d)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path tempDir() throws IOException {
        Path d = Files.createTempDirectory("loading-diff");
        dirs.add(d);
        return d;
    }

    private RealRedis realRedis(String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("--enable-debug-command", "yes", "--rdbcompression", "no",
            "--loading-process-events-interval-bytes", "1024"));
        a.addAll(List.of(args));
        RealRedis r = RealRedis.start(a.toArray(new String[0]));
        started.add(r);
        return r;
    }

    private CinnabarServer ours(Path dir, String... config) {
        CinnabarServer.Builder b = CinnabarServer.builder().port(0).config("save", "").config("dir", dir.toString())
            .config("enable-debug-command", "yes").config("rdbcompression", "no")
            .config("loading-process-events-interval-bytes", "1024").log(new PrintStream(OutputStream.nullOutputStream()));
        for (int i = 0; i < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        CinnabarServer s = b.start();
        started.add(s);
        return s;
    }

    /** Fills the server with KEYS keys of 1000-byte values and makes the next load slow. */
    private static void populateAndSlowDown(RespClient c) throws IOException {
        assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", String.valueOf(KEYS), "key", "1000"));
        assertEquals("+OK\r\n", c.call("CONFIG", "SET", "key-load-delay", DELAY));
    }

    /** Polls PING on a new connection until it answers -LOADING; returns that connection. */
    private RespClient connectWhileLoading(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            RespClient c;
            try {
                c = new RespClient(port);
            } catch (IOException e) {
                Thread.sleep(20); // a server starting in the background: not listening yet
                continue;
            }
            String r = c.call("PING");
            if (r.equals(LOADING)) {
                started.add(c);
                return c;
            }
            c.close();
            Thread.sleep(5);
        }
        throw new AssertionError("the server never answered -LOADING on port " + port);
    }

    /** What a client sees while the server loads: the replies, one line per command. */
    private static List<String> duringLoad(RespClient c) throws IOException {
        String[][] cmds = {
            {"PING"}, {"GET", "key:1"}, {"SET", "x", "y"}, {"DBSIZE"}, {"ECHO", "hi"}, {"SELECT", "1"},
            {"CONFIG", "GET", "loading-process-events-interval-bytes"}, {"CONFIG", "SET", "appendonly", "yes"},
            {"CONFIG", "SET", "maxmemory-clients", "0"}, {"CLIENT", "SETNAME", "during-load"},
            {"CLIENT", "GETNAME"}, {"MULTI"}, {"SET", "a", "b"}, {"PUBLISH", "ch", "m"}, {"EXEC"}, {"MULTI"},
            {"PUBLISH", "ch", "m"}, {"EXEC"}, {"EVAL", "return 1", "0"}, {"FUNCTION", "LIST"}, {"KEYS", "*"},
            {"SAVE"}, {"BGSAVE"}, {"LASTSAVE"}, {"DEBUG", "LOG", "still loading"}, {"QUIT"}};
        List<String> out = new ArrayList<>();
        for (String[] cmd : cmds) {
            String r = c.call(cmd);
            out.add(String.join(" ", cmd) + " -> " + (cmd[0].equals("LASTSAVE") ? r.charAt(0) : r.trim()));
        }
        return out;
    }

    /** INFO persistence as a map. */
    private static Map<String, String> persistence(int port) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (RespClient c = new RespClient(port)) {
            for (String line : c.call("INFO", "persistence").split("\r\n")) {
                int i = line.indexOf(':');
                if (i > 0) {
                    m.put(line.substring(0, i), line.substring(i + 1));
                }
            }
        }
        return m;
    }

    /**
     * INFO persistence while loading: the field names that start with "loading", loading:1, the total the size of
     * the file being loaded, the progress within it.
     */
    private static List<String> loadingInfo(int port, Path file) throws IOException {
        Map<String, String> m = persistence(port);
        long fileSize = Files.size(file);
        List<String> names = new ArrayList<>(m.keySet().stream().filter(k -> k.startsWith("loading")).toList());
        assertEquals("1", m.get("loading"), m.toString());
        assertEquals("0", m.get("async_loading"));
        assertEquals(String.valueOf(fileSize), m.get("loading_total_bytes"));
        long loaded = Long.parseLong(m.get("loading_loaded_bytes"));
        assertTrue(loaded > 0 && loaded <= fileSize, m.toString());
        double perc = Double.parseDouble(m.get("loading_loaded_perc"));
        assertTrue(perc > 0 && perc <= 100, m.toString());
        assertTrue(Long.parseLong(m.get("loading_eta_seconds")) >= 0, m.toString());
        long start = Long.parseLong(m.get("loading_start_time"));
        assertTrue(Math.abs(start - System.currentTimeMillis() / 1000) < 120, m.toString());
        return names;
    }

    /** Ends the slow load (the keys that follow load without delay) and waits until PING answers PONG. */
    private static void finishLoad(int port) throws Exception {
        try (RespClient c = new RespClient(port)) {
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "key-load-delay", "0"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!c.call("PING").equals("+PONG\r\n")) {
                assertTrue(System.nanoTime() < deadline, "the load did not end");
                Thread.sleep(5);
            }
        }
    }

    /** After the load: the whole dataset, no loading_* fields. */
    private static List<String> afterLoad(int port) throws IOException {
        List<String> out = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            out.add(c.call("DBSIZE").trim());
            out.add(String.valueOf(c.call("GET", "key:1").length()));
        }
        Map<String, String> m = persistence(port);
        out.add("loading:" + m.get("loading"));
        out.add(m.keySet().stream().filter(k -> k.startsWith("loading_")).toList().toString());
        return out;
    }

    private record Seen(List<String> replies, List<String> info, List<String> after) {
    }

    /** A DEBUG RELOAD made slow: what another client sees during it and after it. */
    private Seen debugReload(int port, Path rdb) throws Exception {
        RespClient a = new RespClient(port);
        started.add(a);
        populateAndSlowDown(a);
        a.sendRaw(RespClient.encode("DEBUG", "RELOAD"));
        RespClient b = connectWhileLoading(port);
        List<String> replies = duringLoad(b);
        List<String> info = loadingInfo(port, rdb);
        assertEquals("1", persistence(port).get("loading"), "the checks outlived the load");
        finishLoad(port);
        assertEquals("+OK\r\n", a.read());
        return new Seen(replies, info, afterLoad(port));
    }

    @Test
    void clientsDuringDebugReloadGetLoadingAndTheFlaggedCommandsRun() throws Exception {
        RealRedis redis = realRedis();
        Seen expected = debugReload(redis.port(), redis.dir().resolve("dump.rdb"));
        Path dir = tempDir();
        CinnabarServer s = ours(dir);
        Seen actual = debugReload(s.port(), dir.resolve("dump.rdb"));
        assertEquals(expected.replies(), actual.replies());
        assertEquals(expected.info(), actual.info());
        assertEquals(expected.after(), actual.after());
        assertTrue(expected.replies().get(0).endsWith("-LOADING Redis is loading the dataset in memory"));
        assertEquals(":" + KEYS, expected.after().get(0));
    }

    /** Writes an RDB of KEYS keys (by a real redis-server) into each of dirs. */
    private void writeDataset(Path... targets) throws Exception {
        try (RealRedis r = RealRedis.start("--enable-debug-command", "yes", "--rdbcompression", "no");
             RespClient c = new RespClient(r.port())) {
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", String.valueOf(KEYS), "key", "1000"));
            assertEquals("+OK\r\n", c.call("SAVE"));
            for (Path t : targets) {
                Files.copy(r.dir().resolve("dump.rdb"), t.resolve("dump.rdb"));
            }
        }
    }

    /** Starts redis-server on dir without waiting for it to answer (it loads dir/dump.rdb first). */
    private int startRealLoading(Path dir, String... args) throws IOException {
        int port = RealRedis.freePort();
        List<String> cmd = new ArrayList<>(List.of(RealRedis.binary("redis-server").toString(), "--port",
            String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString(), "--logfile",
            dir.resolve("redis.log").toString(), "--enable-debug-command", "yes",
            "--loading-process-events-interval-bytes", "1024", "--key-load-delay", DELAY));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
            .start();
        started.add(() -> {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        });
        return port;
    }

    /** Starts ours on dir and port in the background (its start returns once the load ended). */
    private CompletableFuture<CinnabarServer> startOursLoading(Path dir, int port, String... config) {
        CompletableFuture<CinnabarServer> f = CompletableFuture.supplyAsync(() -> {
            String[] all = Stream.concat(Stream.of("port", String.valueOf(port), "key-load-delay", DELAY),
                Stream.of(config)).toArray(String[]::new);
            return ours(dir, all);
        });
        started.add(() -> f.get(60, TimeUnit.SECONDS)); // stopped by the list once started
        return f;
    }

    private Seen startupLoad(int port, Path rdb) throws Exception {
        RespClient b = connectWhileLoading(port);
        List<String> replies = duringLoad(b);
        List<String> info = loadingInfo(port, rdb);
        assertEquals("1", persistence(port).get("loading"), "the checks outlived the load");
        finishLoad(port);
        return new Seen(replies, info, afterLoad(port));
    }

    @Test
    void clientsDuringTheStartupRdbLoadGetLoading() throws Exception {
        Path redisDir = tempDir();
        Path ourDir = tempDir();
        writeDataset(redisDir, ourDir);
        Seen expected = startupLoad(startRealLoading(redisDir), redisDir.resolve("dump.rdb"));
        int port = RealRedis.freePort();
        CompletableFuture<CinnabarServer> ours = startOursLoading(ourDir, port);
        Seen actual = startupLoad(port, ourDir.resolve("dump.rdb"));
        ours.get(60, TimeUnit.SECONDS);
        assertEquals(expected.replies(), actual.replies());
        assertEquals(expected.info(), actual.info());
        assertEquals(expected.after(), actual.after());
    }

    private static long countKeys(Path rdb) throws IOException {
        long[] n = new long[1];
        RdbReader.open(rdb).read(new RdbVisitor() {
            @Override
            public void beginKey(RdbKey k) {
                n[0]++;
            }
        });
        return n[0];
    }

    /**
     * SHUTDOWN SAVE during the startup load: the server stops without saving (a half-loaded dataset never
     * overwrites the file), the SHUTDOWN connection is closed without a reply.
     */
    @Test
    void shutdownDuringTheStartupLoadStopsWithoutSaving() throws Exception {
        Path redisDir = tempDir();
        Path ourDir = tempDir();
        writeDataset(redisDir, ourDir);
        int redisPort = startRealLoading(redisDir);
        RespClient rb = connectWhileLoading(redisPort);
        int port = RealRedis.freePort();
        CompletableFuture<CinnabarServer> ours = startOursLoading(ourDir, port);
        RespClient ob = connectWhileLoading(port);
        rb.sendRaw(RespClient.encode("SHUTDOWN", "SAVE"));
        ob.sendRaw(RespClient.encode("SHUTDOWN", "SAVE"));
        assertTrue(rb.closedByServer());
        assertTrue(ob.closedByServer());
        ours.get(60, TimeUnit.SECONDS); // the start returned: the loop stops at once
        assertEquals(KEYS, countKeys(redisDir.resolve("dump.rdb")));
        assertEquals(KEYS, countKeys(ourDir.resolve("dump.rdb")));
    }

    /**
     * Redis's HIDDEN_CONFIG options (key-load-delay, loading-process-events-interval-bytes, ...) appear in CONFIG GET
     * by exact name only; shutdown-on-sigint shows its flags in the enum's order.
     */
    @Test
    void hiddenConfigsAndFlagOrder() throws Exception {
        RealRedis redis = realRedis();
        Path dir = tempDir();
        CinnabarServer s = ours(dir);
        List<List<String>> seen = new ArrayList<>();
        for (int port : new int[] {redis.port(), s.port()}) {
            List<String> out = new ArrayList<>();
            try (RespClient c = new RespClient(port)) {
                String all = c.call("CONFIG", "GET", "*");
                for (String name : List.of("key-load-delay", "loading-process-events-interval-bytes",
                        "rdb-key-save-delay", "use-exit-on-panic", "maxmemory")) {
                    out.add(name + " in * " + all.contains("\r\n" + name + "\r\n"));
                }
                out.add(sortedNames(c.call("CONFIG", "GET", "*load*")));
                out.add(c.call("CONFIG", "GET", "key-load-delay"));
                out.add(c.call("CONFIG", "GET", "loading-process-events-interval-bytes"));
                out.add(c.call("CONFIG", "SET", "shutdown-on-sigint", "nosave force now"));
                out.add(c.call("CONFIG", "GET", "shutdown-on-sigint"));
                out.add(c.call("CONFIG", "SET", "shutdown-on-sigint", "default save"));
                out.add(c.call("CONFIG", "GET", "shutdown-on-sigint"));
                out.add(c.call("CONFIG", "SET", "shutdown-on-sigint", "default"));
                out.add(c.call("CONFIG", "GET", "shutdown-on-sigint"));
            }
            seen.add(out);
        }
        assertEquals(seen.get(0), seen.get(1));
        assertTrue(seen.get(0).contains("key-load-delay in * false"));
        assertTrue(seen.get(0).contains("maxmemory in * true"));
    }

    /** The option names of a CONFIG GET reply (RESP2: name, value, ...), sorted. */
    private static String sortedNames(String reply) {
        String[] lines = reply.split("\r\n");
        List<String> names = new ArrayList<>();
        for (int i = 2; i < lines.length; i += 4) {
            names.add(lines[i]);
        }
        names.sort(null);
        return names.toString();
    }

    /** The FATAL CONFIG FILE ERROR line a server started with args prints (">>> ..." and the reason). */
    private static String configError(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server did not exit: " + cmd);
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int i = out.indexOf(">>> ");
            assertTrue(i >= 0, out);
            int end = out.indexOf('\n', i);
            // the ">>> 'option values'" line; the reason after it may name 7.2's choices (loglevel "nothing")
            return out.substring(i, end < 0 ? out.length() : end).trim();
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * The launcher joins its arguments as redis-server's main() does: a lone "--name" takes the next words as its
     * values even when they start with "--"; --save alone is an empty save.
     */
    @Test
    void commandLineArgumentsJoinAsRedisDoes() throws Exception {
        List<String> ours = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
            System.getProperty("java.class.path"), "io.cinnabar.server.Launcher");
        List<String> redis = List.of(RealRedis.binary("redis-server").toString());
        List<List<String>> cases = List.of(List.of("--port", "--loglevel", "verbose"),
            List.of("--port", "6379", "6380"), List.of("--port", "--bla", "--loglevel", "verbose"),
            List.of("--logfile", "--my--log--file", "--loglevel", "--bla"), List.of("--shutdown-on-sigint"),
            List.of("--save", "--port", "x"));
        for (List<String> args : cases) {
            List<String> r = new ArrayList<>(redis);
            r.addAll(args);
            List<String> o = new ArrayList<>(ours);
            o.addAll(args);
            assertEquals(configError(r), configError(o), args.toString());
        }
    }

    private static long oomScoreAdj(RespClient c) throws IOException {
        String info = c.call("INFO", "server");
        int i = info.indexOf("process_id:");
        String pid = info.substring(i + 11, info.indexOf('\r', i));
        return Long.parseLong(Files.readString(Path.of("/proc", pid, "oom_score_adj")).trim());
    }

    /**
     * unit/introspection's "CONFIG SET rollback on apply error": when a later option fails to apply (a port in use),
     * oom-score-adj, whose apply succeeded, is rolled back in /proc too.
     */
    @Test
    void configSetRollbackRestoresOomScoreAdj() throws Exception {
        RealRedis redis = realRedis();
        try (ChildServer ours = ChildServer.start("loading-oom", List.of());
             java.net.ServerSocket used = new java.net.ServerSocket(0, 1,
                 java.net.InetAddress.getByName("127.0.0.1"))) {
            List<String> seen = new ArrayList<>();
            for (int port : new int[] {redis.port(), ours.port()}) {
                try (RespClient c = new RespClient(port)) {
                    long before = oomScoreAdj(c);
                    String err = c.call("CONFIG", "SET", "oom-score-adj", "yes", "oom-score-adj-values", "1 1 1",
                        "maxmemory", "10000001", "port", String.valueOf(used.getLocalPort()));
                    seen.add(err.substring(0, err.indexOf(" - ")) + " / oom_score_adj back: "
                        + (oomScoreAdj(c) == before) + " / " + c.call("CONFIG", "GET", "maxmemory").trim());
                }
            }
            assertEquals(seen.get(0), seen.get(1));
            assertTrue(seen.get(0).contains("oom_score_adj back: true"), seen.get(0));
        }
    }
}
