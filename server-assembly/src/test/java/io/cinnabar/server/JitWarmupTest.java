package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher's JIT warm-up ({@code cinnabar-jit-warmup}) is invisible: a server started with it answers INFO,
 * CLIENT LIST, CLIENT ID, DBSIZE, SLOWLOG, LATENCY and CONFIG GET exactly as one started without it, apart from what
 * differs between any two starts (times, ports, pid, run ids, RSS, the JVM heap, CPU time, durations); and the option
 * is a hidden one that CONFIG GET * does not list.
 */
class JitWarmupTest {
    /** INFO fields that differ between any two starts of the same server (with or without warm-up). */
    private static final Pattern PER_START = Pattern.compile("run_id|process_id|tcp_port|uptime_in_.*|server_time_usec"
        + "|lru_clock|executable|used_memory_rss.*|used_memory_heap.*|mem_fragmentation_.*|rdb_last_save_time"
        + "|master_replid.*|instantaneous_.*|eventloop_.*|used_cpu_.*|total_net_.*|mem_clients_normal"
        + "|expire_cycle_cpu_milliseconds" // CPU time, as used_cpu_: a cold start's interpreted cycles took 4 ms
        + "|used_memory|used_memory_human|used_memory_peak.*|used_memory_overhead|used_memory_dataset.*"
        + "|client_recent_max_.*|listener\\d+");

    /** The background warm-up's last log line. */
    private static final Pattern BACKGROUND_DONE = Pattern.compile("JIT warm-up \\(background\\): waited \\d+ times");

    private static final Pattern WARMUP_COMMAND = Pattern.compile("(?i)\\$\\d+\r\n(set|get|incr|del|expire|hset|hget"
        + "|hgetall|lpush|rpop|sadd|zadd|zscore|mget|mset|hello|select|exists)\r\n");

    @Test
    void aServerStartedWithWarmupLooksLikeOneStartedWithout() throws Exception {
        try (ChildServer cold = ChildServer.start("jit-cold", List.of(), "--loglevel", "debug",
                "--cinnabar-jit-warmup", "no");
             ChildServer warm = ChildServer.start("jit-warm", List.of(), "--loglevel", "debug",
                "--cinnabar-jit-warmup", "yes")) {
            assertTrue(warm.output().contains("JIT warm-up: "), warm.output());
            assertFalse(cold.output().contains("JIT warm-up"), cold.output());
            Map<String, String> a = observe(cold.port());
            Map<String, String> b = observe(warm.port());
            assertEquals(a, b);
            // after the warm-up the launcher moved the compiler threads to SCHED_IDLE (policy 5), where chrt exists
            if (Files.isDirectory(Path.of("/proc/self/task")) && onPath("chrt")) {
                assertEquals(List.of(5), policies(warm.process().pid(), "C2 CompilerThre"), warm.output());
                assertEquals(List.of(0), policies(cold.process().pid(), "C2 CompilerThre"));
                assertTrue(warm.output().contains("SCHED_IDLE threads after the JIT warm-up: "), warm.output());
            }
        }
    }

    @Test
    void aServerWarmingUpInTheBackgroundServesAtOnceAndLooksLikeOneStartedWithout() throws Exception {
        try (ChildServer cold = ChildServer.start("jit-cold", List.of(), "--loglevel", "debug",
                "--cinnabar-jit-warmup", "no");
             ChildServer bg = ChildServer.start("jit-bg", List.of("-Dcinnabar.jitWarmup.idleMillis=1000"), "--loglevel",
                "debug", "--cinnabar-jit-warmup", "background")) {
            // it answered PING (ChildServer.start waits for that) before its warm-up ended
            String early = bg.output();
            assertFalse(early.contains("JIT warm-up (background)"), early);
            try (RespClient c = new RespClient(bg.port()); RespClient d = new RespClient(cold.port())) {
                assertEquals("*2\r\n$19\r\ncinnabar-jit-warmup\r\n$10\r\nbackground\r\n",
                    c.call("CONFIG", "GET", "cinnabar-jit-warmup"));
                assertEquals("*2\r\n$19\r\ncinnabar-jit-warmup\r\n$2\r\nno\r\n",
                    d.call("CONFIG", "GET", "cinnabar-jit-warmup")); // the same connection and command on both
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!BACKGROUND_DONE.matcher(bg.output()).find() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String out = bg.output();
            // the lean plan: one private server, no replica sync, no collection (a pause the clients would see)
            assertTrue(out.contains("JIT warm-up: 600") && out.contains("collection later, 0 replica syncs"), out);
            // the compiler threads wait for an idle core for a while (here a second), then are back at SCHED_OTHER;
            // where they could not be moved back, they are not moved at all (on busy cores they would wait for ever)
            boolean moves = Files.isDirectory(Path.of("/proc/self/task")) && onPath("chrt")
                && io.cinnabar.server.internal.warmup.IdleThreads.restorable();
            Pattern idle = Pattern.compile("JIT warm-up \\(background\\): ([2-9]) threads at SCHED_IDLE for 1000 ms");
            while (moves && !idle.matcher(bg.output()).find() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            out = bg.output();
            java.util.regex.Matcher m = idle.matcher(out);
            assertEquals(moves, m.find(), out);
            if (moves) { // the trim waits 6 s after the warm-up before the threads move back: time to look
                assertEquals(List.of(5), policies(bg.process().pid(), "C2 CompilerThre"), out);
                String back = "JIT warm-up (background): " + m.group(1) + " threads back at SCHED_OTHER";
                while (!bg.output().contains(back) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                out = bg.output();
                assertTrue(out.contains(back), out);
            }
            if (Files.isDirectory(Path.of("/proc/self/task")) && onPath("chrt")) {
                assertEquals(List.of(0), policies(bg.process().pid(), "C2 CompilerThre"), out);
                assertFalse(policies(bg.process().pid(), "cinnabar-bucket").contains(5), out);
            }
            // the warm-up's threads are gone: its driver (once it logged), the private servers' loops, the replica
            // reader
            List<String> left = threadNames(bg.process().pid(), "cinnabar-jit-wa");
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                left = threadNames(bg.process().pid(), "cinnabar-jit-wa");
            }
            assertEquals(List.of(), left);
            Map<String, String> a = observe(cold.port());
            Map<String, String> b = observe(bg.port());
            // CONFIG GET * does not list the hidden option, so the two configurations compare whole
            assertEquals(a, b);
        }
    }

    /** The names (Linux's 15-character comm) of a process's threads that start with prefix. */
    private static List<String> threadNames(long pid, String prefix) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        if (!Files.isDirectory(Path.of("/proc/" + pid + "/task"))) {
            return names;
        }
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    if (comm.startsWith(prefix)) {
                        names.add(comm);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    /** The distinct scheduling policies of a process's threads whose name starts with prefix. */
    private static List<Integer> policies(long pid, String prefix) throws IOException {
        java.util.TreeSet<Integer> seen = new java.util.TreeSet<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                if (Files.readString(t.resolve("comm")).startsWith(prefix)) {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    seen.add(Integer.parseInt(f[41 - 3])); // field 41: policy
                }
            }
        }
        return List.copyOf(seen);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** What a client sees of a freshly started server, minus what differs between any two starts. */
    private static Map<String, String> observe(int port) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (RespClient c = new RespClient(port)) {
            m.put("client id", c.call("CLIENT", "ID"));
            m.put("dbsize", c.call("DBSIZE"));
            m.put("client list", c.call("CLIENT", "LIST").replaceAll(" (addr|laddr|fd|age|idle)=\\S*", ""));
            // a command of the test itself may be slower than 10 ms on a busy machine: what must not be there is a
            // command of the warm-up's mix
            m.put("slowlog holds a warm-up command", Boolean.toString(WARMUP_COMMAND.matcher(
                c.call("SLOWLOG", "GET", "-1")).find()));
            m.put("latency latest", c.call("LATENCY", "LATEST"));
            m.put("config", c.call("CONFIG", "GET", "*").replaceAll("\\$\\d+\r\nport\r\n\\$\\d+\r\n\\d+", "port")
                .replaceAll("\\$\\d+\r\ndir\r\n\\$\\d+\r\n[^\r]*", "dir"));
            long memory = 0;
            long clients = 0;
            for (String line : c.call("INFO", "everything").split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0 || line.startsWith("$")) {
                    continue;
                }
                String k = line.substring(0, colon);
                String v = line.substring(colon + 1);
                if (k.equals("used_memory")) {
                    memory = Long.parseLong(v);
                } else if (k.equals("mem_clients_normal")) {
                    clients = Long.parseLong(v);
                }
                if (PER_START.matcher(k).matches()) {
                    continue;
                }
                if (k.startsWith("cmdstat_")) {
                    v = v.replaceAll("(^|,)usec(_per_call)?=[^,]*", ""); // calls, rejected and failed stay
                } else if (k.startsWith("latency_percentiles_usec_")) {
                    v = "";
                }
                m.put("info " + k, v);
            }
            // used_memory less the clients' buffers: used_memory counts this client's buffers at once, INFO's
            // mem_clients_normal once the cron (10 times a second) measured them, so the figure is read until two
            // readings 150 ms apart agree (a cron ran between them)
            long net = memory - clients;
            for (int i = 0; i < 20; i++) {
                Thread.sleep(150);
                long again = usedMemoryLessClients(c);
                if (again == net) {
                    break;
                }
                net = again;
            }
            m.put("used_memory - mem_clients_normal", Long.toString(net));
        }
        return m;
    }

    private static long usedMemoryLessClients(RespClient c) throws IOException {
        long memory = 0;
        long clients = 0;
        for (String line : c.call("INFO", "memory").split("\r\n")) {
            if (line.startsWith("used_memory:")) {
                memory = Long.parseLong(line.substring("used_memory:".length()));
            } else if (line.startsWith("mem_clients_normal:")) {
                clients = Long.parseLong(line.substring("mem_clients_normal:".length()));
            }
        }
        return memory - clients;
    }

    @Test
    void configRewriteAddsNoLineForTheEnvironmentsChoice() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jit-rewrite");
        java.nio.file.Path conf = dir.resolve("r.conf");
        java.nio.file.Files.writeString(conf, "maxclients 77\n");
        int port = io.cinnabar.testkit.RealRedis.freePort();
        // CINNABAR_JIT_WARMUP=yes: the option's value differs from its default (no), and comes from the environment
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
            System.getProperty("java.class.path"), "-Dcinnabar.jitWarmup.commands=2000", "io.cinnabar.server.Launcher",
            conf.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--dir",
            dir.toString())
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().put("CINNABAR_JIT_WARMUP", "yes");
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            String pong = "";
            while (!pong.equals("+PONG\r\n") && System.nanoTime() < deadline && p.isAlive()) {
                try (RespClient c = new RespClient(port)) {
                    pong = c.call("PING");
                } catch (java.io.IOException e) {
                    Thread.sleep(50);
                }
            }
            try (RespClient c = new RespClient(port)) {
                assertEquals("*2\r\n$19\r\ncinnabar-jit-warmup\r\n$3\r\nyes\r\n",
                    c.call("CONFIG", "GET", "cinnabar-jit-warmup"));
                assertEquals("+OK\r\n", c.call("CONFIG", "REWRITE"));
            }
            String text = java.nio.file.Files.readString(conf);
            assertTrue(text.contains("maxclients 77"), text);
            assertFalse(text.contains("jit"), text);
        } finally {
            p.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            try (var files = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        }
    }

    @Test
    void theEmbeddedServerWarmsUpWhenAsked() throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        try (CinnabarServer s = CinnabarServer.builder().config("cinnabar-jit-warmup", "yes")
                .config("loglevel", "debug").log(new java.io.PrintStream(log, true)).start();
             RespClient c = new RespClient(s.port())) {
            assertTrue(log.toString().contains("JIT warm-up: "), log.toString());
            assertEquals(":0\r\n", c.call("DBSIZE"));
            assertEquals("*2\r\n$19\r\ncinnabar-jit-warmup\r\n$3\r\nyes\r\n",
                c.call("CONFIG", "GET", "cinnabar-jit-warmup"));
        }
    }

    @Test
    void theEmbeddedServerWarmsUpInTheBackgroundWhenAsked() throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        try (CinnabarServer s = CinnabarServer.builder().config("cinnabar-jit-warmup", "background")
                .config("loglevel", "debug").log(new java.io.PrintStream(log, true)).start();
             RespClient c = new RespClient(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!BACKGROUND_DONE.matcher(log.toString()).find() && System.nanoTime() < deadline) {
                // nothing of the warm-up's keys while it runs; asked only now and then, as the warm-up waits for
                // 50 ms with no command before each of its rounds
                if (!log.toString().contains("JIT warm-up: ")) {
                    assertEquals(":0\r\n", c.call("DBSIZE"));
                }
                Thread.sleep(500);
            }
            assertTrue(log.toString().contains("JIT warm-up: "), log.toString());
            assertEquals(":0\r\n", c.call("DBSIZE"));
            // an embedding JVM keeps its threads' scheduling (no SCHED_IDLE for its compiler threads) and its C
            // library's heap (no trim: the driver ends with its log line)
            assertFalse(log.toString().contains("SCHED_IDLE"), log.toString());
            assertFalse(log.toString().contains("Trim native heap"), log.toString());
            if (Files.isDirectory(Path.of("/proc/self/task"))) {
                assertEquals(List.of(0), policies(ProcessHandle.current().pid(), "C2 CompilerThre"));
            }
        }
    }

    @Test
    void closingTheEmbeddedServerStopsItsBackgroundWarmup() throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        CinnabarServer s = CinnabarServer.builder().config("cinnabar-jit-warmup", "background")
            .config("loglevel", "debug").log(new java.io.PrintStream(log, true)).start();
        Thread.sleep(50); // the warm-up's private server is being made or driven (its run takes 0.5-2 s)
        s.close();
        // close waited for the warm-up's thread: its private servers are stopped with their threads
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (warmupThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, warmupThreads(), log.toString());
        assertTrue(log.toString().contains("JIT warm-up (background): stopped with its server"), log.toString());
    }

    private static long warmupThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("cinnabar-jit-warmup")).count();
    }

    /**
     * bin/cinnabar-server's default (-Dcinnabar.jitWarmup.default=background): a standalone server warms up in the
     * background; one whose command line or config file names the option keeps what it says, and a cluster node has
     * none (its bus's failure detection is not what the warm-up paces on).
     */
    @Test
    void theLaunchersDefaultWarmsAStandaloneServerUpInTheBackground() throws Exception {
        List<String> script = List.of("-Dcinnabar.jitWarmup.default=background");
        List<String> env = List.of(Launcher.WARMUP_ENV); // the build sets it to no for the tests' children
        try (ChildServer plain = ChildServer.start("jit-default", script, env, "--loglevel", "debug");
             ChildServer off = ChildServer.start("jit-off", script, env, "--loglevel", "debug",
                "--cinnabar-jit-warmup", "no");
             ChildServer cluster = ChildServer.start("jit-cluster", script, env, "--loglevel", "debug",
                "--cluster-enabled", "yes");
             RespClient a = new RespClient(plain.port()); RespClient b = new RespClient(off.port());
             RespClient c = new RespClient(cluster.port())) {
            assertEquals("*2\r\n$19\r\ncinnabar-jit-warmup\r\n$10\r\nbackground\r\n",
                a.call("CONFIG", "GET", "cinnabar-jit-warmup"));
            String no = "*2\r\n$19\r\ncinnabar-jit-warmup\r\n$2\r\nno\r\n";
            assertEquals(no, b.call("CONFIG", "GET", "cinnabar-jit-warmup"));
            assertEquals(no, c.call("CONFIG", "GET", "cinnabar-jit-warmup"));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!BACKGROUND_DONE.matcher(plain.output()).find() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(BACKGROUND_DONE.matcher(plain.output()).find(), plain.output());
            // the launcher's process gives the C library's free memory back once the server is quiet
            while (!plain.output().contains("JIT warm-up (background): Trim native heap: ")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(plain.output().contains("JIT warm-up (background): Trim native heap: "), plain.output());
            assertFalse(off.output().contains("JIT warm-up"), off.output());
            assertFalse(cluster.output().contains("JIT warm-up"), cluster.output());
        }
    }

    /** The file and the command line win over the launcher's default; the environment variable too. */
    @Test
    void theLaunchersDefaultAppliesOnlyWhereNothingNamesTheOption() throws Exception {
        assertEquals("background", scriptDefault("background", null, "port 6379\n", List.of()));
        assertEquals(null, scriptDefault("background", null, "cinnabar-jit-warmup no\n", List.of()));
        assertEquals(null, scriptDefault("background", null, "", List.of("--cinnabar-jit-warmup", "background")));
        assertEquals(null, scriptDefault("background", null, "cluster-enabled yes\n", List.of()));
        assertEquals(null, scriptDefault("background", null, "", List.of("--cluster-enabled", "yes")));
        assertEquals(null, scriptDefault("background", "no", "", List.of()));
        assertEquals(null, scriptDefault(null, null, "", List.of()));
        assertEquals(null, Launcher.scriptWarmupDefault("background", null, null, true)); // sentinel
    }

    private static String scriptDefault(String dflt, String env, String file, List<String> args) throws Exception {
        Path conf = Files.createTempFile("jit-conf", ".conf");
        try {
            Files.writeString(conf, file);
            io.cinnabar.server.internal.config.Config probe = new io.cinnabar.server.internal.config.Config();
            probe.putRaw("cinnabar-jit-warmup", "");
            io.cinnabar.server.internal.config.ConfigFile.load(probe, conf,
                io.cinnabar.server.internal.config.ConfigFile.optionsToText(args));
            return Launcher.scriptWarmupDefault(dflt, env, probe, false);
        } finally {
            Files.deleteIfExists(conf);
        }
    }

    @Test
    void theOptionIsHiddenImmutableAndOffInTheEmbeddedServer() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().start(); RespClient c = new RespClient(s.port())) {
            assertFalse(c.call("CONFIG", "GET", "*").contains("jit"));
            assertFalse(c.call("CONFIG", "GET", "cinnabar-*").contains("jit"));
            assertEquals("*2\r\n$19\r\ncinnabar-jit-warmup\r\n$2\r\nno\r\n",
                c.call("CONFIG", "GET", "cinnabar-jit-warmup"));
            assertTrue(c.call("CONFIG", "SET", "cinnabar-jit-warmup", "yes").startsWith("-ERR"));
        }
    }
}
