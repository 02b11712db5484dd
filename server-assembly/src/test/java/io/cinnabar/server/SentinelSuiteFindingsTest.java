package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What Redis's own Sentinel test suite (tests/sentinel, {@code ./runtest-sentinel}) found, each checked against a real
 * {@code redis-sentinel} 7.0.15 given the same file or the same servers:
 * <ul>
 * <li>per-master options may come before their master's {@code monitor} line (the suite's base config does);</li>
 * <li>relative script paths are taken from the {@code dir} directory, where redis-sentinel runs (it chdir()s);</li>
 * <li>a master that refuses SUBSCRIBE (-NOAUTH: requirepass set, no auth-pass) shows {@code disconnected};</li>
 * <li>a change whose config file cannot be saved is answered with Redis's error, not OK;</li>
 * <li>SENTINEL SET takes {@code rename-command old new} (three words) and its errors are redis-sentinel's;</li>
 * <li>with {@code announce-hostnames no} a master given by host name is shown by its IP.</li>
 * </ul>
 */
class SentinelSuiteFindingsTest {
    private SentinelGroup group;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(RealRedis.available() && RealRedis.binary("redis-sentinel") != null, "redis-sentinel missing");
        group = new SentinelGroup();
    }

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (group != null) {
            group.close();
        }
    }

    /** A real redis-sentinel on a config file (run from dir, as the suite runs it); its port once it answers. */
    private int realSentinel(Path conf, Path dir) throws Exception {
        int port = RealRedis.freePort();
        Files.writeString(conf, Files.readString(conf) + "port " + port + "\n");
        Process p = new ProcessBuilder(RealRedis.binary("redis-sentinel").toString(), conf.toString())
            .directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(group.dir.resolve("real-" + port + ".out").toFile()).start();
        started.add(p);
        SentinelGroup.await(Duration.ofSeconds(10), "redis-sentinel answers", () -> {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                return "PONG".equals(j.ping());
            }
        });
        return port;
    }

    private CinnabarServer ours(Path conf) {
        CinnabarServer s = CinnabarServer.builder().sentinel(conf).port(0).start();
        group.sentinels.add(s);
        return s;
    }

    @Test
    void perMasterOptionsMayPrecedeTheirMonitorLine() throws Exception {
        int dead = RealRedis.freePort();
        String text = "# options first, as in tests/sentinel/tests/includes/sentinel.conf\n"
            + "sentinel down-after-milliseconds setmaster 20000\n"
            + "sentinel parallel-syncs setmaster 2\n"
            + "sentinel failover-timeout setmaster 240000\n"
            + "sentinel monitor setmaster 127.0.0.1 " + dead + " 2\n"
            + "sentinel myid 0123456789abcdef0123456789abcdef01234567\n";
        Path realConf = group.dir.resolve("real.conf");
        Path ourConf = group.dir.resolve("ours.conf");
        Files.writeString(realConf, text);
        Files.writeString(ourConf, text);
        int realPort = realSentinel(realConf, group.dir);
        CinnabarServer s = ours(ourConf);
        try (Jedis r = new Jedis("127.0.0.1", realPort); Jedis o = new Jedis("127.0.0.1", s.port())) {
            Map<String, String> expected = r.sentinelMaster("setmaster");
            Map<String, String> actual = o.sentinelMaster("setmaster");
            for (String k : List.of("down-after-milliseconds", "parallel-syncs", "failover-timeout", "quorum")) {
                assertEquals(expected.get(k), actual.get(k), k);
            }
            assertEquals("20000", actual.get("down-after-milliseconds"));
            assertEquals(r.sentinelMyId(), o.sentinelMyId());
        }
        // FLUSHCONFIG keeps the file's lines where they are (the suite compares them line by line)
        assertEquals("OK", reply(realPort, List.of("FLUSHCONFIG")));
        assertEquals("OK", reply(s.port(), List.of("FLUSHCONFIG")));
        List<String> want = Files.readAllLines(realConf).subList(0, 5);
        assertEquals(want, Files.readAllLines(ourConf).subList(0, 5));
    }

    @Test
    void relativeScriptPathsAreTakenFromDir() throws Exception {
        int dead = RealRedis.freePort();
        Path work = Files.createDirectories(group.dir.resolve("work"));
        Path script = work.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1\" >> ran.txt\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path conf = group.dir.resolve("s.conf");
        Files.writeString(conf, "dir " + work + "\n"
            + "sentinel monitor m 127.0.0.1 " + dead + " 1\n"
            + "sentinel down-after-milliseconds m 500\n"
            + "sentinel notification-script m notify.sh\n"
            + "sentinel deny-scripts-reconfig no\n");
        Path realConf = group.dir.resolve("real.conf");
        Files.copy(conf, realConf);
        // the JVM's directory is not work: only a path taken from dir finds the script
        int realPort = realSentinel(realConf, group.dir);
        CinnabarServer s = ours(conf);
        for (int port : new int[] {realPort, s.port()}) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
                    () -> j.sentinelSet("m", Map.of("notification-script", "missing.sh")));
                assertEquals("ERR Notification script seems non existing or non executable", e.getMessage());
                assertEquals("notify.sh", j.sentinelMaster("m").get("notification-script"), "port " + port);
                assertEquals("OK", j.sentinelSet("m", Map.of("notification-script", "notify.sh")));
            }
        }
        // the master's port is closed: +sdown runs the script, in dir (both sentinels append to work/ran.txt)
        SentinelGroup.await(Duration.ofSeconds(10), "both sentinels ran the script in dir", () -> {
            try {
                Path ran = work.resolve("ran.txt");
                return Files.exists(ran) && Files.readAllLines(ran).stream().filter("+sdown"::equals).count() >= 2;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void masterRefusingSubscribeShowsDisconnected() throws Exception {
        group.startServers();
        try (Jedis m = new Jedis("127.0.0.1", group.masterPort)) {
            m.configSet("requirepass", "secret");
        }
        // no SDOWN (PING is answered -NOAUTH) within the test, so no failover either
        String slow = "sentinel down-after-milliseconds mymaster 60000";
        int realPort = group.startRealSentinel(1, slow);
        int oursPort = group.startSentinel(0, new String[] {slow}, null).port();
        for (int port : new int[] {realPort, oursPort}) {
            SentinelGroup.await(Duration.ofSeconds(10), "disconnected flag on " + port,
                () -> SentinelGroup.master(port).get("flags").contains("disconnected"));
        }
        for (int port : new int[] {realPort, oursPort}) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                assertEquals("OK", j.sentinelSet("mymaster", Map.of("auth-pass", "secret")));
            }
        }
        for (int port : new int[] {realPort, oursPort}) {
            SentinelGroup.awaitStable(Duration.ofSeconds(15), Duration.ofMillis(2500), "connected on " + port,
                () -> SentinelGroup.master(port).get("flags").equals("master"));
        }
    }

    @Test
    void changeThatCannotBeSavedIsAnError() throws Exception {
        int dead = RealRedis.freePort();
        String text = "sentinel monitor m 127.0.0.1 " + dead + " 1\n";
        Path realConf = group.dir.resolve("real.conf");
        Path ourConf = group.dir.resolve("ours.conf");
        Files.writeString(realConf, text);
        Files.writeString(ourConf, text);
        int realPort = realSentinel(realConf, group.dir);
        CinnabarServer s = ours(ourConf);
        for (Path conf : List.of(realConf, ourConf)) {
            Files.move(conf, conf.resolveSibling(conf.getFileName() + ".bak"));
            Files.createDirectory(conf);
        }
        List<List<String>> commands = List.of(List.of("SET", "m", "quorum", "2"), List.of("FLUSHCONFIG"),
            List.of("MONITOR", "n", "127.0.0.1", Integer.toString(dead), "1"), List.of("REMOVE", "n"),
            List.of("CONFIG", "SET", "resolve-hostnames", "yes"));
        for (List<String> cmd : commands) {
            String expected = reply(realPort, cmd);
            assertEquals("ERR Failed to save config file. Check server logs.", expected, cmd.toString());
            assertEquals(expected, reply(s.port(), cmd), cmd.toString());
        }
        // the change itself was made, as in redis-sentinel
        try (Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertEquals("2", j.sentinelMaster("m").get("quorum"));
        }
        for (Path conf : List.of(realConf, ourConf)) {
            Files.delete(conf);
            Files.move(conf.resolveSibling(conf.getFileName() + ".bak"), conf);
        }
        assertEquals("OK", reply(s.port(), List.of("FLUSHCONFIG")));
    }

    @Test
    void setTakesRenameCommandAndReportsErrorsAsRedis() throws Exception {
        int dead = RealRedis.freePort();
        String text = "sentinel monitor m 127.0.0.1 " + dead + " 1\n";
        Path realConf = group.dir.resolve("real.conf");
        Path ourConf = group.dir.resolve("ours.conf");
        Files.writeString(realConf, text);
        Files.writeString(ourConf, text);
        int realPort = realSentinel(realConf, group.dir);
        CinnabarServer s = ours(ourConf);
        List<List<String>> commands = List.of(List.of("SET", "m", "rename-command", "PING", "PONG"),
            List.of("SET", "m", "quorum", "1", "rename-command", "CONFIG", "MYCONFIG"),
            List.of("SET", "m", "rename-command", "PING"), List.of("SET", "m", "quorum", "2", "parallel-syncs"),
            List.of("SET", "m", "rename-command", "", "PONG"), List.of("SET", "m", "rename-command", "PING", ""),
            List.of("SET", "m", "FakeOption", "v"), List.of("SET", "m", "Quorum", "x"), List.of("SET", "m", "quorum"),
            List.of("SET", "m", "notification-script", "/bin/true"),
            List.of("SET", "m", "rename-command", "PING", "PING"));
        for (List<String> cmd : commands) {
            assertEquals(reply(realPort, cmd), reply(s.port(), cmd), cmd.toString());
        }
        try (Jedis r = new Jedis("127.0.0.1", realPort); Jedis o = new Jedis("127.0.0.1", s.port())) {
            assertEquals(r.sentinelMaster("m").get("quorum"), o.sentinelMaster("m").get("quorum"));
        }
        // the renaming is saved as given (PING back to itself removed it; CONFIG stays renamed)
        assertEquals("OK", reply(realPort, List.of("FLUSHCONFIG")));
        assertEquals("OK", reply(s.port(), List.of("FLUSHCONFIG")));
        for (Path conf : List.of(realConf, ourConf)) {
            String saved = Files.readString(conf);
            assertTrue(saved.contains("sentinel rename-command m CONFIG MYCONFIG\n") && !saved.contains("PONG"),
                saved);
        }
    }

    @Test
    void announceHostnamesOffShowsTheResolvedAddress() throws Exception {
        int dead = RealRedis.freePort();
        String text = "sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n"
            + "sentinel monitor m localhost " + dead + " 1\n";
        Path realConf = group.dir.resolve("real.conf");
        Path ourConf = group.dir.resolve("ours.conf");
        Files.writeString(realConf, text);
        Files.writeString(ourConf, text);
        int realPort = realSentinel(realConf, group.dir);
        CinnabarServer s = ours(ourConf);
        for (String announce : List.of("yes", "no", "yes")) {
            for (int port : new int[] {realPort, s.port()}) {
                assertEquals("OK", reply(port, List.of("CONFIG", "SET", "announce-hostnames", announce)));
            }
            try (Jedis r = new Jedis("127.0.0.1", realPort); Jedis o = new Jedis("127.0.0.1", s.port())) {
                List<String> expected = r.sentinelGetMasterAddrByName("m");
                assertEquals(announce.equals("yes") ? "localhost" : expected.get(0), expected.get(0));
                assertEquals(expected, o.sentinelGetMasterAddrByName("m"), "announce-hostnames " + announce);
                assertEquals(r.sentinelMaster("m").get("ip"), o.sentinelMaster("m").get("ip"));
                String realInfo = r.info("sentinel");
                String ourInfo = o.info("sentinel");
                String addr = "address=" + expected.get(0) + ":" + dead;
                assertTrue(realInfo.contains(addr) && ourInfo.contains(addr), ourInfo);
            }
        }
    }

    private static String reply(int port, List<String> args) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            Object r = j.sendCommand(() -> "SENTINEL".getBytes(), args.toArray(new String[0]));
            return r instanceof byte[] b ? new String(b) : String.valueOf(r);
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }
}
