package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SHUTDOWN and SIGTERM while the AOF waits for its first rewrite ({@code CONFIG SET appendonly yes} at runtime,
 * Redis's AOF_WAIT_REWRITE), against redis-server: SHUTDOWN, SHUTDOWN NOSAVE, SHUTDOWN SAVE and SIGTERM are refused
 * (the dataset is in no AOF yet) with Redis's replies and log lines, SHUTDOWN ABORT finds nothing to abort, the
 * server keeps serving, and SHUTDOWN FORCE exits leaving the same files (the temporary incremental file with what
 * was written meanwhile, no manifest). Then a SIGKILL after the first rewrite completed: every write acknowledged
 * before, during and after the rewrite is loaded at restart.
 */
class AofShutdownWaitRewriteTest {
    private static final int KEYS = 20;

    /** A server under test: its port, log file and dir. */
    private record Target(int port, Path log, Path dir) {
    }

    /** Cinnabar in a child JVM (-Xmx256m) on dir and port, logging to dir/server.log. */
    private static ChildServer cinnabar(Path dir, int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--logfile", dir.resolve("server.log").toString()));
        args.addAll(List.of(extra));
        return ChildServer.start(dir, port, List.of("-Xmx256m"), args.toArray(String[]::new));
    }

    private static long pid(RespClient c) throws IOException {
        for (String l : c.call("INFO", "server").split("\r\n")) {
            if (l.startsWith("process_id:")) {
                return Long.parseLong(l.substring(11));
            }
        }
        throw new AssertionError("no process_id");
    }

    private static String info(RespClient c, String field) throws IOException {
        for (String l : c.call("INFO", "persistence").split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        return null;
    }

    private static long count(Path log, String text) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
    }

    /**
     * The scenario; returns the replies, the shutdown-related log lines (pids and timestamps removed) and the files
     * left under dir afterwards (name -> content).
     */
    private static List<String> scenario(Target t, List<String> logLines, Map<String, String> files)
            throws Exception {
        List<String> replies = new ArrayList<>();
        ProcessHandle server;
        try (RespClient c = new RespClient(t.port())) {
            server = ProcessHandle.of(pid(c)).orElseThrow();
            for (int i = 0; i < KEYS; i++) {
                c.call("SET", "k" + i, "v" + i);
            }
            c.call("CONFIG", "SET", "rdb-key-save-delay", "1000000"); // 1 s a key: the first rewrite lasts 20 s
            replies.add(c.call("CONFIG", "SET", "appendonly", "yes"));
            replies.add(c.call("SET", "a", "1"));
            replies.add(info(c, "aof_rewrite_in_progress"));
            replies.add(c.call("SHUTDOWN"));
            replies.add(c.call("SHUTDOWN", "NOSAVE"));
            replies.add(c.call("SHUTDOWN", "SAVE"));
            replies.add(c.call("SHUTDOWN", "ABORT"));
            server.destroy(); // SIGTERM
            for (int i = 0; i < 500 && count(t.log(), "Errors trying to shut down the server") < 4; i++) {
                Thread.sleep(10);
            }
            replies.add(c.call("PING"));
            replies.add(info(c, "aof_enabled") + " " + info(c, "aof_rewrite_in_progress"));
            replies.add(c.call("SET", "b", "2"));
            c.sendRaw(RespClient.encode("SHUTDOWN", "FORCE"));
            replies.add("closed " + c.closedByServer());
        }
        server.onExit().get(30, TimeUnit.SECONDS); // SHUTDOWN FORCE exits
        boolean after = false;
        for (String l : Files.readAllLines(t.log(), StandardCharsets.UTF_8)) {
            if (l.contains("Background append only file rewriting started")) {
                after = true;
                continue;
            }
            // pid:role date mark message, or pid:signal-handler (time) message; the forked child's line is skipped
            int mark = l.indexOf(" # ") >= 0 ? l.indexOf(" # ") : l.indexOf(" * ");
            if (!after || l.contains(" in child") || mark < 0 && !l.contains(":signal-handler")) { // no child here
                continue;
            }
            String msg = l.contains(":signal-handler") ? "signal " + l.substring(l.indexOf(") ") + 2)
                : l.substring(mark + 1);
            logLines.add(msg.replaceAll("\\d+", "N"));
        }
        try (Stream<Path> s = Files.walk(t.dir())) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = t.dir().relativize(p).toString();
                if (!name.endsWith(".log")) {
                    files.put(name, Files.readString(p, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return replies;
    }

    @Test
    void shutdownWhileTheFirstRewriteRunsAsRedis() throws Exception {
        List<String> redisLog = new ArrayList<>();
        Map<String, String> redisFiles = new TreeMap<>();
        List<String> redisReplies;
        try (RealRedis r = RealRedis.start()) {
            redisReplies = scenario(new Target(r.port(), r.dir().resolve("redis.log"), r.dir()), redisLog, redisFiles);
        }
        Path dir = Files.createTempDirectory("aof-wait-rewrite");
        int port = RealRedis.freePort();
        List<String> ourLog = new ArrayList<>();
        Map<String, String> ourFiles = new TreeMap<>();
        List<String> ourReplies;
        try (ChildServer s = cinnabar(dir, port)) {
            ourReplies = scenario(new Target(port, dir.resolve("server.log"), dir), ourLog, ourFiles);
            assertTrue(s.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, s.process().exitValue());
        }
        assertEquals(redisReplies, ourReplies);
        assertEquals(List.of("+OK\r\n", "+OK\r\n", "1", "-ERR Errors trying to SHUTDOWN. Check logs.\r\n",
            "-ERR Errors trying to SHUTDOWN. Check logs.\r\n", "-ERR Errors trying to SHUTDOWN. Check logs.\r\n",
            "-ERR No shutdown in progress.\r\n", "+PONG\r\n", "1 1", "+OK\r\n", "closed true"),
            ourReplies);
        assertEquals(redisLog, ourLog);
        assertEquals(redisFiles, ourFiles);
        assertEquals(List.of("appendonlydir/temp-appendonly.aof.incr"), List.copyOf(ourFiles.keySet()));
    }

    private static final int CLIENTS = 4;
    private static final int PRELOAD = 300;

    /**
     * appendonly switched on at runtime under a write load (appendfsync always, the first rewrite stretched by
     * rdb-key-save-delay so that pushes are acknowledged while it runs), SIGKILL shortly after the rewrite completed;
     * restarted with appendonly yes: every push acknowledged before, during or after the rewrite is there, as are the
     * preloaded keys. Both kinds of base.
     */
    @Test
    void killAfterTheFirstRewriteLosesNothingAcknowledged() throws Exception {
        for (String preamble : new String[] {"yes", "no"}) {
            Path dir = Files.createTempDirectory("aof-first-rewrite-kill");
            int port = RealRedis.freePort();
            AtomicLongArray acked = new AtomicLongArray(CLIENTS);
            long atSwitch;
            long atEnd;
            try (ChildServer s = cinnabar(dir, port, "--appendfsync", "always", "--aof-use-rdb-preamble", preamble,
                    "--auto-aof-rewrite-percentage", "0"); RespClient c = new RespClient(port)) {
                for (int i = 0; i < PRELOAD; i++) {
                    c.call("SET", "k" + i, "v" + i);
                }
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> ts = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int id = i;
                    Thread t = new Thread(() -> {
                        try (RespClient w = new RespClient(port)) {
                            while (!stop.get()) {
                                long n = acked.get(id);
                                if (w.call("RPUSH", "l" + id, Long.toString(n)).startsWith(":")) {
                                    acked.set(id, n + 1);
                                }
                            }
                        } catch (IOException e) {
                            // killed: what was acknowledged is counted
                        }
                    });
                    t.start();
                    ts.add(t);
                }
                Thread.sleep(100);
                c.call("CONFIG", "SET", "rdb-key-save-delay", "1000"); // ~0.3 s for the first base
                atSwitch = sum(acked);
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
                for (int i = 0; i < 3000 && "1".equals(info(c, "aof_rewrite_in_progress")); i++) {
                    Thread.sleep(5);
                }
                atEnd = sum(acked);
                assertEquals("0", info(c, "aof_rewrite_in_progress"));
                assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
                Thread.sleep(150);
                s.process().destroyForcibly(); // SIGKILL
                assertTrue(s.process().waitFor(30, TimeUnit.SECONDS));
                stop.set(true);
                for (Thread t : ts) {
                    t.join(10_000);
                }
            }
            assertTrue(atEnd > atSwitch, "pushes were acknowledged while the first rewrite ran");
            try (ChildServer s = cinnabar(dir, port, "--appendonly", "yes"); RespClient c = new RespClient(port)) {
                for (int i = 0; i < CLIENTS; i++) {
                    long len = Long.parseLong(c.call("LLEN", "l" + i).substring(1).trim());
                    assertTrue(len >= acked.get(i), "list " + i + ": " + len + " < acknowledged " + acked.get(i));
                    assertEquals("$" + Long.toString(len - 1).length() + "\r\n" + (len - 1) + "\r\n",
                        c.call("LINDEX", "l" + i, "-1"));
                    assertEquals("$1\r\n0\r\n", c.call("LINDEX", "l" + i, "0"));
                }
                assertEquals(":" + (PRELOAD + CLIENTS) + "\r\n", c.call("DBSIZE"));
            }
        }
    }

    private static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }
}
