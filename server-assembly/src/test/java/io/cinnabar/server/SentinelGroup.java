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

    /** Cinnabar servers in this JVM instead: a master and two replicas (REPLICAOF); their ports. */
    final List<CinnabarServer> cinnabarServers = new ArrayList<>();

    /** A Cinnabar server builder writing its files (replication's sync RDB, a restart's dump) into a fresh dir here. */
    CinnabarServer.Builder cinnabar() {
        try {
            return CinnabarServer.builder().config("dir", Files.createTempDirectory(dir, "node").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    int[] startCinnabarServers() {
        CinnabarServer master = cinnabar().port(0).start();
        cinnabarServers.add(master);
        masterPort = master.port();
        int[] ports = {masterPort, 0, 0};
        for (int i = 1; i < 3; i++) {
            CinnabarServer r = cinnabar().port(0)
                .config("replicaof", "127.0.0.1", Integer.toString(masterPort)).start();
            cinnabarServers.add(r);
            ports[i] = r.port();
        }
        return ports;
    }

    /** Cinnabar servers as child JVMs (so a test can SIGKILL them), by port; each with a config file in its own dir. */
    final Map<Integer, Process> processes = new java.util.LinkedHashMap<>();

    /**
     * Starts a Cinnabar master and two Cinnabar replicas as separate processes, each with a config file (so that a
     * sentinel's CONFIG REWRITE has a file to rewrite) holding the given extra lines; their ports, master first.
     */
    int[] startCinnabarProcesses(String... extraLines) throws IOException {
        int[] ports = {RealRedis.freePort(), RealRedis.freePort(), RealRedis.freePort()};
        masterPort = ports[0];
        for (int i = 0; i < 3; i++) {
            Path node = Files.createDirectories(dir.resolve("node-" + ports[i]));
            StringBuilder b = new StringBuilder();
            b.append("port ").append(ports[i]).append("\nbind 127.0.0.1\nsave \"\"\ndir ").append(node).append('\n');
            if (i > 0) {
                b.append("replicaof 127.0.0.1 ").append(masterPort).append('\n');
            }
            for (String l : extraLines) {
                b.append(l).append('\n');
            }
            Files.writeString(node.resolve("cinnabar.conf"), b.toString());
            launchProcess(ports[i]);
        }
        for (int p : ports) {
            await(Duration.ofSeconds(30), "cinnabar process " + p + " answers", () -> !roleWith(p, extraLines)
                .equals("unreachable"));
        }
        return ports;
    }

    /** Starts (again) the Cinnabar process of a port from its config file. */
    void launchProcess(int port) throws IOException {
        Path node = dir.resolve("node-" + port);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
            System.getProperty("java.class.path"), "io.cinnabar.server.Launcher", node.resolve("cinnabar.conf")
                .toString()).directory(node.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(node.resolve("server.log").toFile())).start();
        processes.put(port, p);
    }

    /** SIGKILL of a Cinnabar process started by {@link #startCinnabarProcesses}. */
    void kill9Process(int port) throws InterruptedException {
        Process p = processes.get(port);
        p.destroyForcibly();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("process on " + port + " did not die");
        }
    }

    Path nodeConfig(int port) {
        return dir.resolve("node-" + port).resolve("cinnabar.conf");
    }

    /** The config file of a Cinnabar process as it is now. */
    String nodeConfigText(int port) {
        try {
            return Files.readString(nodeConfig(port));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** ROLE as {@link #role(int)}, authenticating first when the extra config lines set a requirepass. */
    static String roleWith(int port, String... configLines) {
        String pass = null;
        for (String l : configLines) {
            if (l.startsWith("requirepass ")) {
                pass = l.substring("requirepass ".length());
            }
        }
        return pass == null ? role(port) : role(port, "default", pass);
    }

    /** ROLE with AUTH user pass first. */
    static String role(int port, String user, String pass) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.auth(user, pass);
            List<?> r = (List<?>) j.sendCommand(redis.clients.jedis.Protocol.Command.ROLE);
            String role = str(r.get(0));
            return role.equals("slave") ? "slave of " + str(r.get(1)) + ":" + str(r.get(2)) : role;
        } catch (RuntimeException e) {
            return "unreachable";
        }
    }

    /** A real redis-sentinel watching "mymaster" like the Cinnabar ones, with INFO/hello periods made short; its port. */
    int startRealSentinel(int n, String... extraLines) throws IOException {
        int port = RealRedis.freePort();
        String[] lines = new String[extraLines.length + 1];
        lines[0] = "port " + port;
        System.arraycopy(extraLines, 0, lines, 1, extraLines.length);
        Path conf = sentinelConfig(n, lines);
        Process p = new ProcessBuilder(RealRedis.binary("redis-sentinel").toString(), conf.toString(), "--logfile",
            dir.resolve("real-sentinel-" + n + ".log").toString()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("real-sentinel-" + n + ".out").toFile()).start();
        extra.add(p);
        String pass = null;
        for (String l : extraLines) {
            if (l.startsWith("requirepass ")) {
                pass = l.substring("requirepass ".length());
            }
        }
        String auth = pass;
        await(Duration.ofSeconds(10), "redis-sentinel answers", () -> {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                if (auth != null) {
                    j.auth(auth);
                }
                return "PONG".equals(j.ping());
            } catch (RuntimeException e) {
                return false;
            }
        });
        fast(port, auth);
        return port;
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
        return startSentinel(n, new String[0], null);
    }

    /** A Cinnabar sentinel with extra config lines; credentials, when given, are what the tests authenticate with. */
    CinnabarServer startSentinel(int n, String[] extraLines, String[] credentials) throws IOException {
        java.io.PrintStream log = new java.io.PrintStream(Files.newOutputStream(dir.resolve("sentinel-" + n + ".log")),
            true, java.nio.charset.StandardCharsets.UTF_8);
        CinnabarServer s = CinnabarServer.builder().sentinel(sentinelConfig(n, extraLines)).port(0).log(log).start();
        sentinels.add(s);
        if (credentials != null) {
            credentials(s.port(), credentials[0], credentials[1]);
        }
        fast(s.port());
        return s;
    }

    /** INFO every second and hello every half second (SENTINEL DEBUG), for tests that must take seconds. */
    static void fast(int port) {
        fast(port, null);
    }

    static void fast(int port, String pass) {
        try (Jedis j = connect(port)) {
            if (pass != null) {
                j.auth(pass);
            }
            j.sendCommand(() -> "SENTINEL".getBytes(), "DEBUG", "INFO-PERIOD", "1000", "PUBLISH-PERIOD", "500");
        }
    }

    /** Credentials ({user, pass}) the static helpers authenticate with on a port (servers or sentinels with ACLs). */
    static final Map<Integer, String[]> CREDENTIALS = new java.util.concurrent.ConcurrentHashMap<>();

    private final List<Integer> credentialPorts = new ArrayList<>();

    /** Makes the helpers authenticate on port as user (forgotten when the group closes). */
    void credentials(int port, String user, String pass) {
        CREDENTIALS.put(port, new String[] {user, pass});
        credentialPorts.add(port);
    }

    /** A connection to a port, authenticated when {@link #CREDENTIALS} has an entry for it. */
    static Jedis connect(int port) {
        Jedis j = new Jedis("127.0.0.1", port);
        String[] c = CREDENTIALS.get(port);
        if (c != null) {
            try {
                j.auth(c[0], c[1]);
            } catch (RuntimeException e) {
                j.close();
                throw e;
            }
        }
        return j;
    }

    static Map<String, String> master(int sentinelPort) {
        try (Jedis j = connect(sentinelPort)) {
            return j.sentinelMaster("mymaster");
        }
    }

    static List<String> masterAddr(int sentinelPort) {
        try (Jedis j = connect(sentinelPort)) {
            return j.sentinelGetMasterAddrByName("mymaster");
        }
    }

    /** Starts one sentinel (Cinnabar's or a real one); its port. */
    interface SentinelStarter {
        int start(int n) throws IOException;
    }

    /** Starts sentinels 0, 1, 2 and waits until each knows both replicas and the other two sentinels; their ports. */
    int[] startDiscoveredSentinels(SentinelStarter starter) throws IOException {
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            ports[i] = starter.start(i);
        }
        awaitDiscovery(2, ports);
        return ports;
    }

    /**
     * Waits (at most 30 s) until every sentinel reports a master other than oldMaster; the new master's port, as the
     * first sentinel reports it.
     */
    static int awaitNewMaster(String what, int oldMaster, int... sentinelPorts) {
        await(Duration.ofSeconds(30), what, () -> {
            for (int p : sentinelPorts) {
                if (Integer.parseInt(masterAddr(p).get(1)) == oldMaster) {
                    return false;
                }
            }
            return true;
        });
        return Integer.parseInt(masterAddr(sentinelPorts[0]).get(1));
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
        try (Jedis j = connect(port)) {
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
        try (Jedis j = connect(port)) {
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

    /**
     * A Pub/Sub subscriber on one sentinel: what it hears as "channel message", in order. Subscribed when this
     * returns; unsubscribed by {@link #close()} of the group (or its own close).
     */
    Subscriber subscribe(int port, String... channels) {
        Subscriber s = new Subscriber(port, channels);
        subscribers.add(s);
        await(Duration.ofSeconds(10), "subscribed on " + port, () -> s.subscribed.getCount() == 0);
        return s;
    }

    final List<Subscriber> subscribers = new ArrayList<>();

    static final class Subscriber extends redis.clients.jedis.JedisPubSub implements AutoCloseable {
        final List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch subscribed;
        private final Thread thread;

        Subscriber(int port, String... channels) {
            subscribed = new java.util.concurrent.CountDownLatch(channels.length);
            thread = new Thread(() -> {
                try (Jedis j = connect(port)) {
                    j.subscribe(this, channels);
                } catch (RuntimeException e) {
                    // the sentinel stopped or the subscriber was closed
                }
            }, "subscriber-" + port);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void onMessage(String channel, String message) {
            heard.add(channel + " " + message);
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            subscribed.countDown();
        }

        /** The messages heard on one channel. */
        List<String> on(String channel) {
            return heard.stream().filter(m -> m.startsWith(channel + " ")).map(m -> m.substring(channel.length() + 1))
                .toList();
        }

        @Override
        public void close() {
            try {
                if (isSubscribed()) {
                    unsubscribe();
                }
            } catch (RuntimeException e) {
                // already gone with its sentinel
            }
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until cond has held at every poll for a whole period (a state that must last, not flicker). */
    static void awaitStable(Duration timeout, Duration period, String what, BooleanSupplier cond) {
        long[] since = {0};
        await(timeout, what + " for " + period.toMillis() + " ms", () -> {
            if (!holds(cond)) {
                since[0] = 0;
                return false;
            }
            if (since[0] == 0) {
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] >= period.toNanos();
        });
    }

    static void await(Duration timeout, String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!holds(cond)) {
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

    /** A connection that fails now (a loaded machine, a server restarting) counts as "not yet", not as a failure. */
    private static boolean holds(BooleanSupplier cond) {
        try {
            return cond.getAsBoolean();
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            return false;
        }
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (int p : credentialPorts) {
            CREDENTIALS.remove(p);
        }
        for (Subscriber s : subscribers) {
            s.close();
        }
        for (CinnabarServer s : sentinels) {
            s.close();
        }
        for (Process p : extra) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : extra) {
            waitFor(p);
        }
        for (Process p : processes.values()) {
            waitFor(p);
        }
        for (CinnabarServer s : cinnabarServers) {
            s.close();
        }
        for (RealRedis r : servers) {
            r.close();
        }
    }
}
