package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Redis 7.0.15's replication tcl files (integration/replication-3, replication-4, unit/expire) found, each
 * checked side by side with a redis-server replica of the same redis-server master: a writable replica expires the
 * keys its own clients gave a TTL (expireSlaveKeys) and deletes a logically expired key a write looks up; an error
 * the master's stream causes on a replica is logged and counted (DEBUG REPLICATE makes one); DEBUG OBJECT shows a
 * logically expired key without deleting it.
 */
class ReplSuiteFindingsTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private int[] replicas(RealRedis master, String... options) throws Exception {
        String[] redisArgs = new String[options.length];
        for (int i = 0; i < options.length; i += 2) {
            redisArgs[i] = "--" + options[i];
            redisArgs[i + 1] = options[i + 1];
        }
        RealRedis redis = nodes.redisReplicaOf(master.port(), redisArgs);
        int cinnabar = nodes.cinnabarReplicaOf(master.port(), options);
        return new int[] {redis.port(), cinnabar};
    }

    private static String who(int[] ports, int port) {
        return port == ports[0] ? "redis" : "cinnabar";
    }

    @Test
    void writableReplicaExpiresTheKeysItsClientsGaveATtl() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        Nodes.call(master.port(), "DEBUG", "SET-ACTIVE-EXPIRE", "0");
        int[] ports = replicas(master, "replica-read-only", "no");
        // the master's key with a TTL is not the replicas' to expire: it stays (logically expired) until a DEL
        Nodes.call(master.port(), "SET", "m", "1", "PX", "30");
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
            try (RespClient c = new RespClient(port)) {
                c.call("SELECT", "5");
                c.call("SET", "k1", "1", "PX", "100");
                c.call("SET", "k2", "2", "PX", "100");
                c.call("SET", "k3", "3");
                c.call("PEXPIRE", "k3", "100");
                c.call("SET", "live", "4", "EX", "100");
                c.call("SELECT", "0");
                c.call("SET", "k1", "0", "PX", "100"); // the same name in another database
                assertEquals("4", Nodes.info(port, "slave_expires_tracked_keys"), who(ports, port));
            }
        }
        for (int port : ports) {
            String p = who(ports, port);
            Nodes.awaitInfo(port, "expired_keys", "4"); // both k1, k2, k3, by the replica's cron
            Nodes.awaitInfo(port, "slave_expires_tracked_keys", "1"); // "live"
            assertEquals(":1\r\n", Nodes.call(port, "DBSIZE"), p); // m, logically expired
            assertEquals(":0\r\n", Nodes.call(port, "EXISTS", "m"), p);
            try (RespClient c = new RespClient(port)) {
                c.call("SELECT", "5");
                assertEquals(":1\r\n", c.call("DBSIZE"), p);
                assertEquals(":1\r\n", c.call("EXISTS", "live"), p);
            }
        }
        // FLUSHDB keeps the list (the cron drops names it finds gone), FLUSHALL forgets it
        for (int port : ports) {
            String p = who(ports, port);
            try (RespClient c = new RespClient(port)) {
                c.call("SET", "t", "1", "EX", "100");
                assertEquals("2", Nodes.info(port, "slave_expires_tracked_keys"), p);
                c.call("FLUSHDB");
                assertEquals("2", Nodes.info(port, "slave_expires_tracked_keys"), p);
                c.call("FLUSHALL");
                assertEquals("0", Nodes.info(port, "slave_expires_tracked_keys"), p);
            }
        }
    }

    @Test
    void writableReplicaDeletesALogicallyExpiredKeyAWriteLooksUp() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        Nodes.call(master.port(), "DEBUG", "SET-ACTIVE-EXPIRE", "0");
        int[] ports = replicas(master);
        Nodes.call(master.port(), "SET", "key1", "5", "PX", "10");
        Nodes.call(master.port(), "SET", "key2", "5", "PX", "10");
        Thread.sleep(30);
        for (int port : ports) {
            String p = who(ports, port);
            Nodes.awaitSynced(master.port(), port);
            assertEquals(":2\r\n", Nodes.call(port, "DBSIZE"), p);
            assertEquals(":0\r\n", Nodes.call(port, "EXISTS", "key1", "key2"), p);
            // a read-only replica answers the write with -READONLY and keeps the key
            assertTrue(Nodes.call(port, "INCR", "key1").startsWith("-READONLY"), p);
            Nodes.call(port, "CONFIG", "SET", "replica-read-only", "no");
            assertEquals(":1\r\n", Nodes.call(port, "INCR", "key1"), p); // deleted, then created without a TTL
            assertEquals(":-1\r\n", Nodes.call(port, "TTL", "key1"), p);
            assertEquals("$-1\r\n", Nodes.call(port, "GET", "key2"), p); // a read does not delete
            assertEquals(":2\r\n", Nodes.call(port, "DBSIZE"), p);
            assertEquals("1", Nodes.info(port, "expired_keys"), p);
            // DEBUG OBJECT shows a logically expired key and leaves it
            assertTrue(Nodes.call(port, "DEBUG", "OBJECT", "key2").startsWith("+Value at:"), p);
            assertEquals(":2\r\n", Nodes.call(port, "DBSIZE"), p);
        }
    }

    @Test
    void anErrorTheMastersStreamCausesIsLoggedAndCounted() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        int[] ports = replicas(master);
        Nodes.call(master.port(), "SET", "before", "1"); // so that the replicas' backlogs hold something
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
        }
        assertEquals("+OK\r\n", Nodes.call(master.port(), "DEBUG", "REPLICATE", "fake-command-1"));
        Nodes.call(master.port(), "SET", "foo", "bar");
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
            assertEquals("1", Nodes.info(port, "unexpected_error_replies"), who(ports, port));
            assertEquals("1", Nodes.info(port, "total_error_replies"), who(ports, port));
            assertEquals("$3\r\nbar\r\n", Nodes.call(port, "GET", "foo"), who(ports, port));
        }
        int cinnabar = ports[1];
        String log = nodes.log(cinnabar);
        assertTrue(log.contains("== CRITICAL == This replica is sending an error to its master: 'unknown command "
            + "'fake-command-1', with args beginning with: ' after processing the command '<unknown>'"), log);
        assertTrue(log.contains("Latest backlog is: '\""), log);
        // a writable replica's own data diverges: the master's INCRBY fails there, is logged with its name
        for (int port : ports) {
            Nodes.call(port, "CONFIG", "SET", "replica-read-only", "no");
            Nodes.call(port, "SET", "number2", "foo");
        }
        Nodes.call(master.port(), "INCRBY", "number2", "1");
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
            assertEquals("2", Nodes.info(port, "unexpected_error_replies"), who(ports, port));
            assertEquals("$3\r\nfoo\r\n", Nodes.call(port, "GET", "number2"), who(ports, port));
        }
        assertTrue(nodes.log(cinnabar).contains("to its master: 'value is not an integer or out of range' after "
            + "processing the command 'incrby'"), nodes.log(cinnabar));
    }

    @Test
    void debugReplicateOfACinnabarMasterReachesItsReplicas() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        RealRedis redis = nodes.redisReplicaOf(master);
        int replica = nodes.cinnabarReplicaOf(master);
        Nodes.call(master, "SELECT", "0");
        assertEquals("+OK\r\n", Nodes.call(master, "DEBUG", "REPLICATE", "SET", "only-on-replicas", "1"));
        for (int port : new int[] {redis.port(), replica}) {
            Nodes.awaitSynced(master, port);
            assertEquals("$1\r\n1\r\n", Nodes.call(port, "GET", "only-on-replicas"));
        }
        assertEquals("$-1\r\n", Nodes.call(master, "GET", "only-on-replicas"));
    }

    @Test
    void configResetstatResetsTheSyncCounters() throws Exception {
        RealRedis redisMaster = nodes.redis("--repl-diskless-sync-delay", "0");
        nodes.redisReplicaOf(redisMaster.port());
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        nodes.cinnabarReplicaOf(master);
        for (int port : new int[] {redisMaster.port(), master}) {
            String p = port == master ? "cinnabar" : "redis";
            assertEquals("1", Nodes.info(port, "sync_full"), p);
            assertEquals("+OK\r\n", Nodes.call(port, "CONFIG", "RESETSTAT"), p);
            assertEquals("0", Nodes.info(port, "sync_full"), p);
            Nodes.call(port, "CLIENT", "KILL", "TYPE", "replica");
            Nodes.awaitInfo(port, "sync_partial_ok", "1");
            assertEquals("0", Nodes.info(port, "sync_full"), p);
        }
    }

    @Test
    void theMastersStreamWaitsWhileAScriptIsBusyAndRunsAfterIt() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabarReplicaOf(master.port(), "busy-reply-threshold", "100");
        RespClient script = nodes.client(replica);
        // busy for three seconds by the server's clock (TIME inside the script)
        script.sendRaw(RespClient.encode("EVAL", "local s = redis.call('TIME') while true do "
            + "local n = redis.call('TIME') if (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 3000000 then break end "
            + "end return 1", "0"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Nodes.call(replica, "PING").startsWith("-BUSY")) {
            assertTrue(System.currentTimeMillis() < deadline, "the script never became busy");
            Thread.sleep(10);
        }
        for (int i = 0; i < 50; i++) {
            Nodes.call(master.port(), "SET", "k" + i, "v" + i);
        }
        Nodes.call(master.port(), "RPUSH", "list", "a", "b");
        assertEquals(":1\r\n", script.read());
        Nodes.awaitSynced(master.port(), replica);
        assertEquals(Nodes.digest(master.port()), Nodes.digest(replica));
        assertEquals("0", Nodes.info(replica, "unexpected_error_replies"));
    }

    @Test
    void aReplicaHardLimitBelowTheBacklogSizeCountsAsTheBacklogSize() throws Exception {
        String[] opts = {"repl-diskless-sync-delay", "0", "repl-backlog-size", "16mb",
            "client-output-buffer-limit", "replica 256k 0 0"};
        String[] redisOpts = new String[opts.length];
        for (int i = 0; i < opts.length; i += 2) {
            redisOpts[i] = "--" + opts[i];
            redisOpts[i + 1] = opts[i + 1];
        }
        RealRedis redisMaster = nodes.redis(redisOpts);
        nodes.redisReplicaOf(redisMaster.port());
        int master = nodes.cinnabar(opts);
        nodes.cinnabarReplicaOf(master);
        String big = "A".repeat(2 * 1024 * 1024);
        for (int port : new int[] {redisMaster.port(), master}) {
            String p = port == master ? "cinnabar" : "redis";
            try (RespClient c = new RespClient(port)) {
                // the replica reconnects during the sleep; its partial resync gets 4 MB of backlog at once
                c.call("MULTI");
                c.call("CLIENT", "KILL", "TYPE", "replica");
                c.call("SET", "key", big);
                c.call("SET", "key", big);
                c.call("DEBUG", "SLEEP", "1.5");
                c.call("EXEC");
                c.call("SET", "key", big);
            }
            Nodes.awaitInfo(port, "sync_partial_ok", "1");
            Nodes.awaitInfo(port, "connected_slaves", "1");
            assertEquals("1", Nodes.info(port, "sync_full"), p);
        }
    }

    /** propagation-error-behavior panic-on-replicas: the replica stops (a child JVM: the stop is the process's exit). */
    @Test
    void aReadOnlyReplicaPanicsOnAnErrorFromItsMasterWhenConfiguredTo() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cinnabar-panic");
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
            "io.cinnabar.server.Launcher", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
            "--dir", dir.toString(), "--cinnabar-rdb-version", "10", "--propagation-error-behavior",
            "panic-on-replicas", "--replicaof", "127.0.0.1", Integer.toString(master.port()))
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile())
            .start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                try {
                    Nodes.call(port, "PING");
                    break;
                } catch (java.io.IOException e) {
                    assertTrue(p.isAlive() && System.currentTimeMillis() < deadline, "the replica did not start");
                    Thread.sleep(50);
                }
            }
            Nodes.awaitSynced(master.port(), port);
            Nodes.call(master.port(), "DEBUG", "REPLICATE", "fake-command-1");
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "the replica did not stop");
            assertEquals(1, p.exitValue());
            String log = java.nio.file.Files.readString(dir.resolve("server.log"));
            assertTrue(log.contains("Guru Meditation: This replica panicked sending an error to its master after "
                + "processing the command '<unknown>'"), log);
        } finally {
            p.destroyForcibly().waitFor();
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
