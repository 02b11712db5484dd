package io.cinnabar.server;

import io.cinnabar.testkit.RealRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;

/**
 * What the sentinel tests start and always stop: a real Redis master with two real replicas (REPLICAOF), and
 * Cinnabar sentinels in this JVM watching it as "mymaster" with quorum 2, each with its own config file in a temp
 * directory. Short timings: down-after-milliseconds 1000, failover-timeout 6000, and through SENTINEL DEBUG an
 * INFO period of 1 s and a hello period of 0.5 s, so a failover and the rejoin of the old master take seconds.
 */
final class SentinelGroup implements AutoCloseable {
    final List<RealRedis> servers = new ArrayList<>();
    final List<CinnabarServer> sentinels = new ArrayList<>();
    final List<Process> extra = new ArrayList<>();
    final Path dir;
    int masterPort;

    SentinelGroup() throws IOException {
        dir = Files.createTempDirectory("sentinel-group");
    }

    void startServers() throws IOException {
        RealRedis master = RealRedis.start();
        servers.add(master);
        masterPort = master.port();
        for (int i = 0; i < 2; i++) {
            servers.add(RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(masterPort)));
        }
    }

    Path sentinelConfig(int n, String... extraLines) throws IOException {
        Path conf = dir.resolve("sentinel-" + n + ".conf");
        StringBuilder b = new StringBuilder();
        b.append("sentinel monitor mymaster 127.0.0.1 ").append(masterPort).append(" 2\n");
        b.append("sentinel down-after-milliseconds mymaster 1000\n");
        b.append("sentinel failover-timeout mymaster 6000\n");
        for (String l : extraLines) {
            b.append(l).append('\n');
        }
        Files.writeString(conf, b.toString());
        return conf;
    }

    CinnabarServer startSentinel(int n) throws IOException {
        CinnabarServer s = CinnabarServer.builder().sentinel(sentinelConfig(n)).port(0).start();
        sentinels.add(s);
        fast(s.port());
        return s;
    }

    /** INFO every second and hello every half second (SENTINEL DEBUG), for tests that must take seconds. */
    static void fast(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.sendCommand(() -> "SENTINEL".getBytes(), "DEBUG", "INFO-PERIOD", "1000", "PUBLISH-PERIOD", "500");
        }
    }

    static Map<String, String> master(int sentinelPort) {
        try (Jedis j = new Jedis("127.0.0.1", sentinelPort)) {
            return j.sentinelMaster("mymaster");
        }
    }

    static List<String> masterAddr(int sentinelPort) {
        try (Jedis j = new Jedis("127.0.0.1", sentinelPort)) {
            return j.sentinelGetMasterAddrByName("mymaster");
        }
    }

    /** Waits until every sentinel knows the two replicas and the other sentinels. */
    void awaitDiscovery(int otherSentinels, int... sentinelPorts) {
        await(Duration.ofSeconds(20), "sentinels and replicas discovered", () -> {
            for (int p : sentinelPorts) {
                Map<String, String> m = master(p);
                if (!m.get("num-slaves").equals("2")
                        || Integer.parseInt(m.get("num-other-sentinels")) != otherSentinels) {
                    return false;
                }
            }
            return true;
        });
    }

    static String role(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            List<?> r = (List<?>) j.sendCommand(redis.clients.jedis.Protocol.Command.ROLE);
            String role = str(r.get(0));
            return role.equals("slave") ? "slave of " + str(r.get(1)) + ":" + str(r.get(2)) : role;
        } catch (RuntimeException e) {
            return "unreachable";
        }
    }

    private static String str(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** kill -9 of a real server (by the pid its INFO reports). */
    static void kill9(int port) {
        long pid;
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            String info = j.info("server");
            pid = Long.parseLong(info.lines().filter(l -> l.startsWith("process_id:")).findFirst().orElseThrow()
                .substring("process_id:".length()).strip());
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroyForcibly();
            try {
                h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("redis-server " + pid + " did not die", e);
            }
        });
    }

    /** Restarts a real server on a given port (the killed master), stopped by {@link #close()}. */
    void restart(int port) throws IOException {
        Path d = Files.createTempDirectory(dir, "restart");
        Process p = new ProcessBuilder(RealRedis.binary("redis-server").toString(), "--port", Integer.toString(port),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", d.toString(), "--logfile",
            d.resolve("redis.log").toString()).redirectErrorStream(true).redirectOutput(d.resolve("out").toFile())
            .start();
        extra.add(p);
        await(Duration.ofSeconds(10), "restarted server answers", () -> !role(port).equals("unreachable"));
    }

    static void await(Duration timeout, String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        for (CinnabarServer s : sentinels) {
            s.close();
        }
        for (Process p : extra) {
            p.destroyForcibly();
        }
        for (RealRedis r : servers) {
            r.close();
        }
    }
}
