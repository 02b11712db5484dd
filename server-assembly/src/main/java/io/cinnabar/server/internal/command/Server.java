package io.cinnabar.server.internal.command;

import io.cinnabar.server.internal.admin.Commands;
import io.cinnabar.server.internal.blocking.BlockingKeys;
import io.cinnabar.server.internal.config.Args;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.net.EventLoop;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The server's state, owned by the event-loop thread: configuration, databases, clients, statistics, and the
 * command pipeline of Redis's {@code processCommand}/{@code call}: lookup, arity, authentication, execution with
 * the time frozen, statistics, slow log, MONITOR feed.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Server {
    public final Config config;
    /** Encoding thresholds of lists, sets, sorted sets and hashes. */
    public final TypeLimits limits = new TypeLimits();
    public final ServerLog log;
    public final Stats stats = new Stats();
    public final CommandTable commands = new CommandTable();
    public Db[] dbs;
    public final Long2ObjectHashMap<Client> clients = new Long2ObjectHashMap<>();
    public final List<Client> monitors = new ArrayList<>();
    public final SlowLog slowlog = new SlowLog();
    public final LatencyMonitor latency = new LatencyMonitor();
    public long nextClientId = 1;
    public final long startMs = System.currentTimeMillis();
    public final String runId;
    public String replId;
    public EventLoop loop;
    /** Time of the command being executed (Redis 7.2 freezes it for the whole command), ms. */
    public long cmdTimeMs;
    public long dirty;
    public long lastSave = System.currentTimeMillis() / 1000;
    public int lruClock;
    public volatile boolean shutdownAsap;
    public String shutdownReason;
    public boolean activeExpireEnabled = true;
    public long maxInputBufferSeen;
    public long maxOutputBufferSeen;
    public long pauseEndMs;
    public boolean pauseWritesOnly;
    public final ArrayDeque<Client> paused = new ArrayDeque<>();
    /** Clients blocked on keys (BLPOP ... BZMPOP) and their wake-up, timeout and reprocessing. */
    public final BlockingKeys blocking;
    public Client current;
    public long memPeak;
    /** Heap in use once the server was initialized (INFO used_memory_startup). */
    public long memStartup;

    // cached configuration
    public int hz;
    public long timeoutSec;
    public long maxclients;
    public String requirepass;
    public boolean protectedMode;
    public long queryBufLimit;
    public long protoMaxBulkLen;
    public long outHard;
    public long outSoft;
    public long outSoftSecs;
    public boolean lfu;
    long lfuLogFactor;
    long lfuDecayTime;
    public long maxmemory;
    boolean noSharedIntegers;
    int activeExpireEffort;
    long slowlogThreshold;
    long slowlogMaxLen;
    public long latencyThreshold;
    public String debugCommand;
    boolean latencyTracking;

    Server(Config config, ServerLog log) {
        this.config = config;
        this.log = log;
        this.runId = randomHex(40);
        this.replId = randomHex(40);
        int n = (int) config.getLong("databases");
        dbs = new Db[n];
        for (int i = 0; i < n; i++) {
            dbs[i] = new Db(i);
        }
        blocking = new BlockingKeys(this, n);
        for (Db d : dbs) {
            d.blocking = blocking;
        }
        for (String name : List.of("hz", "timeout", "maxclients", "requirepass", "protected-mode",
                "client-query-buffer-limit", "proto-max-bulk-len", "client-output-buffer-limit", "maxmemory-policy",
                "lfu-log-factor", "lfu-decay-time", "maxmemory", "active-expire-effort", "slowlog-log-slower-than",
                "slowlog-max-len", "latency-monitor-threshold", "enable-debug-command", "loglevel",
                "latency-tracking")) {
            configChanged(name);
        }
        limits.load(config);
        Commands.registerAll(commands);
        updateClock(System.currentTimeMillis());
    }

    /** Creates the server state after the configuration is loaded (applies logfile, logs as the main process). */
    public static Server create(Config config, ServerLog log) throws java.io.IOException {
        log.setFile(config.get("logfile"));
        log.setRole('M');
        log.notice("monotonic clock: JVM System.nanoTime");
        return new Server(config, log);
    }

    /** Called once the listeners are bound, before the loop starts. */
    public void started() {
        log.notice("Cinnabar " + Config.VERSION + " (Redis " + Config.VERSION + " compatible) 64 bit, standalone mode, "
            + "Port: " + config.get("port") + ", PID: " + log.pid());
        log.notice("Running mode=standalone, port=" + config.get("port") + ".");
        log.notice("Server initialized");
        memStartup = usedMemory();
        if (loop.port() != 0 || !config.get("port").equals("0")) {
            log.notice("Ready to accept connections tcp");
        }
        if (!config.get("unixsocket").isEmpty()) {
            log.notice("Ready to accept connections unix");
        }
    }

    /** Called by a signal handler thread: the event loop shuts down at its next iteration. */
    public void requestShutdown(String signal) {
        shutdownReason = signal;
        log.warning("Received " + signal + " scheduling shutdown...");
        shutdownAsap = true;
    }

    /** Called after the event loop has stopped. */
    public void stopped() {
        log.notice("User requested shutdown...");
        if (!config.get("save").isEmpty()) {
            log.warning("Not saving the final RDB snapshot: RDB persistence is not implemented by this server yet.");
        }
        String pidfile = config.get("pidfile");
        if (!pidfile.isEmpty()) {
            log.notice("Removing the pid file.");
            try {
                java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(pidfile));
            } catch (java.io.IOException e) {
                log.warning("Error removing the pid file: " + e.getMessage());
            }
        }
        log.warning("Redis is now ready to exit, bye bye...");
    }

    public static String randomHex(int n) {
        StringBuilder b = new StringBuilder(n);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    /** Refreshes the cached copy of an option after it changed. */
    public void configChanged(String name) {
        switch (Config.primary(Config.lookup(name)).name) {
            case "hz" -> hz = (int) Math.max(1, Math.min(500, config.getLong("hz")));
            case "timeout" -> timeoutSec = config.getLong("timeout");
            case "maxclients" -> maxclients = config.getLong("maxclients");
            case "requirepass" -> {
                String p = config.get("requirepass");
                requirepass = p.isEmpty() ? null : p;
            }
            case "protected-mode" -> protectedMode = config.getBool("protected-mode");
            case "client-query-buffer-limit" -> queryBufLimit = config.getLong("client-query-buffer-limit");
            case "proto-max-bulk-len" -> protoMaxBulkLen = config.getLong("proto-max-bulk-len");
            case "client-output-buffer-limit" -> {
                String[] t = config.get("client-output-buffer-limit").split(" ");
                outHard = Long.parseLong(t[1]);
                outSoft = Long.parseLong(t[2]);
                outSoftSecs = Long.parseLong(t[3]);
            }
            case "maxmemory-policy", "maxmemory" -> {
                String p = config.get("maxmemory-policy");
                lfu = p.endsWith("lfu");
                maxmemory = config.getLong("maxmemory");
                noSharedIntegers = maxmemory != 0 && (p.endsWith("lru") || p.endsWith("lfu"));
            }
            case "lfu-log-factor" -> lfuLogFactor = config.getLong("lfu-log-factor");
            case "lfu-decay-time" -> lfuDecayTime = config.getLong("lfu-decay-time");
            case "active-expire-effort" -> activeExpireEffort = (int) config.getLong("active-expire-effort");
            case "slowlog-log-slower-than" -> slowlogThreshold = config.getLong("slowlog-log-slower-than");
            case "slowlog-max-len" -> {
                slowlogMaxLen = config.getLong("slowlog-max-len");
                slowlog.trim(slowlogMaxLen);
            }
            case "latency-monitor-threshold" -> latencyThreshold = config.getLong("latency-monitor-threshold");
            case "enable-debug-command" -> debugCommand = config.get("enable-debug-command");
            case "loglevel" -> log.setLevel(config.get("loglevel"));
            case "latency-tracking" -> latencyTracking = config.getBool("latency-tracking");
            default -> limits.load(config);
        }
    }

    void updateClock(long nowMs) {
        lruClock = (int) ((nowMs / 1000) & 0xFFFFFF);
    }

    // ---- command pipeline

    /** Runs the command whose arguments are in c (argc &gt; 0). */
    public void processCommand(Client c) {
        current = c;
        cmdTimeMs = System.currentTimeMillis();
        Command cmd = commands.lookup(c.argBuf, c.argOff[0], c.argLen[0]);
        if (cmd == null) {
            unknownCommand(c);
            return;
        }
        if (!cmd.subcommands.isEmpty() && (c.argc > 1 || cmd.handler == null)) {
            if (c.argc == 1) {
                c.error("ERR wrong number of arguments for '" + cmd.name + "' command");
                cmd.rejectedCalls++;
                return;
            }
            Command sub = cmd.sub(c.argBuf, c.argOff[1], c.argLen[1]);
            if (sub == null) {
                c.error("ERR unknown subcommand '" + abbrev(c.argString(1)) + "'. Try "
                    + cmd.name.toUpperCase(java.util.Locale.ROOT) + " HELP.");
                return;
            }
            cmd = sub;
        }
        if (cmd.arity > 0 && cmd.arity != c.argc || c.argc < -cmd.arity) {
            c.error("ERR wrong number of arguments for '" + cmd.fullName + "' command");
            cmd.rejectedCalls++;
            return;
        }
        if (requirepass != null && !c.authenticated && !cmd.has(Command.NO_AUTH)) {
            c.error("NOAUTH Authentication required.");
            cmd.rejectedCalls++;
            return;
        }
        call(c, cmd);
        blocking.handleReady();
    }

    private static String abbrev(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    private void unknownCommand(Client c) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < c.argc && args.length() < 128; i++) {
            String a = c.argString(i);
            int room = 128 - args.length();
            args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        c.error("ERR unknown command '" + abbrev(c.argString(0)) + "', with args beginning with: " + args);
    }

    /** Runs a command (also the re-execution of a blocked command once one of its keys is ready). */
    public void call(Client c, Command cmd) {
        if (!monitors.isEmpty() && !cmd.has(Command.SKIP_MONITOR) && !cmd.has(Command.ADMIN)
                && !blocking.reprocessing(c)) {
            feedMonitors(c);
        }
        c.cmd = cmd;
        long errorsBefore = stats.totalErrorReplies;
        long t0 = System.nanoTime();
        cmd.handler.run(c);
        long usec = (System.nanoTime() - t0) / 1000;
        c.lastCmd = cmd.fullName;
        if (c.blocked != null) {
            return; // as in Redis 7.2, a blocked command is counted once it completes (BlockingKeys)
        }
        commandDone(c, cmd, usec, stats.totalErrorReplies != errorsBefore);
    }

    /** Statistics, slow log and CLIENT REPLY SKIP bookkeeping of a completed command. */
    public void commandDone(Client c, Command cmd, long usec, boolean failed) {
        cmd.calls++;
        cmd.usec += usec;
        if (failed) {
            cmd.failedCalls++;
        }
        if (latencyTracking) {
            cmd.latency.record(usec);
        }
        stats.commandsProcessed++;
        if (slowlogThreshold >= 0 && usec >= slowlogThreshold && !cmd.has(Command.SKIP_SLOWLOG)) {
            slowlog.add(c, usec, cmdTimeMs / 1000, slowlogMaxLen);
        }
        if (latencyThreshold > 0 && usec / 1000 >= latencyThreshold) {
            latency.add(cmd.has(Command.FAST) ? "fast-command" : "command", cmdTimeMs / 1000, usec / 1000);
        }
        if (c.replyMode == Client.REPLY_SKIP) {
            c.replyMode = Client.REPLY_ON;
        } else if (c.replyMode == Client.REPLY_SKIP_NEXT) {
            c.replyMode = Client.REPLY_SKIP;
        }
    }

    private void feedMonitors(Client c) {
        StringBuilder b = new StringBuilder("+");
        long now = System.currentTimeMillis();
        b.append(now / 1000).append('.').append(String.format("%06d", (now % 1000) * 1000 + (System.nanoTime() / 1000) % 1000));
        b.append(" [").append(c.dbIndex).append(' ').append(c.unix ? "unix:" + c.laddr : c.addr).append("]");
        for (int i = 0; i < c.argc; i++) {
            b.append(' ');
            Args.repr(b, c.argBuf, c.argOff[i], c.argLen[i]);
        }
        b.append("\r\n");
        byte[] line = b.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (Client m : monitors) {
            if (m != c) {
                m.raw(line);
                loop.wantWrite(m);
            }
        }
    }

    // ---- keyspace access

    /** Looks up a key for reading: lazy expiry, hit/miss stats, access time. */
    public Entry lookupRead(Client c, int arg) {
        Entry e = c.db.find(c.argBuf, c.argOff[arg], c.argLen[arg]);
        if (e != null && c.db.expired(e, cmdTimeMs)) {
            expireEntry(c.db, e);
            e = null;
        }
        if (e == null) {
            stats.keyspaceMisses++;
            return null;
        }
        stats.keyspaceHits++;
        touch(c, e);
        return e;
    }

    /** Looks up a key for writing: lazy expiry and access time, no hit/miss stats. */
    public Entry lookupWrite(Client c, int arg) {
        Entry e = c.db.find(c.argBuf, c.argOff[arg], c.argLen[arg]);
        if (e != null && c.db.expired(e, cmdTimeMs)) {
            expireEntry(c.db, e);
            return null;
        }
        if (e != null) {
            touch(c, e);
        }
        return e;
    }

    /** Looks up without touching access time or stats (but still expiring). */
    public Entry lookupQuiet(Db db, byte[] b, int off, int len) {
        Entry e = db.find(b, off, len);
        if (e != null && db.expired(e, cmdTimeMs)) {
            expireEntry(db, e);
            return null;
        }
        return e;
    }

    public void expireEntry(Db db, Entry e) {
        db.remove(e);
        stats.expiredKeys++;
    }

    public void touch(Client c, Entry e) {
        if (!c.noTouch) {
            forceTouch(e);
        }
    }

    public void forceTouch(Entry e) {
        if (lfu) {
            lfuUpdate(e);
        } else {
            e.lru = lruClock;
        }
    }

    /** Initial access data of a new key. */
    public void initAccess(Entry e) {
        if (lfu) {
            e.lru = (lfuMinutes() << 8) | 5;
        } else {
            e.lru = lruClock;
        }
    }

    private int lfuMinutes() {
        return (int) ((cmdTimeMs / 60000) & 0xFFFF);
    }

    public int lfuDecr(Entry e) {
        int ldt = e.lru >>> 8;
        int counter = e.lru & 0xFF;
        int now = lfuMinutes();
        int elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
        long periods = lfuDecayTime > 0 ? elapsed / lfuDecayTime : 0;
        return periods > counter ? 0 : (int) (counter - periods);
    }

    private void lfuUpdate(Entry e) {
        int counter = lfuDecr(e);
        if (counter < 255) {
            double r = ThreadLocalRandom.current().nextDouble();
            double base = counter - 5;
            if (base < 0) {
                base = 0;
            }
            double p = 1.0 / (base * lfuLogFactor + 1);
            if (r < p) {
                counter++;
            }
        }
        e.lru = (lfuMinutes() << 8) | counter;
    }

    /** Idle time of a key in ms, from the LRU clock (1 s resolution). */
    public long idleMs(Entry e) {
        int now = lruClock;
        long d = now >= e.lru ? now - e.lru : (0xFFFFFF - e.lru) + now;
        return d * 1000;
    }

    /** Whether a value of this integer would be a shared object in Redis (OBJECT REFCOUNT 2147483647). */
    public boolean sharedInteger(long v) {
        return v >= 0 && v < 10000 && !noSharedIntegers;
    }

    // ---- active expiry (Redis's activeExpireCycle)

    private int expireDbCursor;
    private boolean lastExpireExitedOnTime;
    private long lastFastCycleUs;
    private long expireStaleAvg; // stale percentage x100, running average

    /** Slow cycle (from the cron): up to 25% of a cron period. Fast cycle: 1 ms, from before each poll. */
    public void activeExpireCycle(boolean fast) {
        if (!activeExpireEnabled) {
            return;
        }
        int effort = activeExpireEffort - 1;
        int keysPerLoop = 20 + 20 / 4 * effort;
        long fastDuration = 1000 + 1000 / 4 * effort;
        int acceptableStale = 10 - effort;
        long startUs = System.nanoTime() / 1000;
        if (fast) {
            if (!lastExpireExitedOnTime && expireStaleAvg < acceptableStale * 100L) {
                return;
            }
            if (startUs < lastFastCycleUs + fastDuration * 2) {
                return;
            }
            lastFastCycleUs = startUs;
        }
        long limitUs = fast ? fastDuration : 1_000_000L * (25 + 2 * effort) / hz / 100;
        if (limitUs <= 0) {
            limitUs = 1;
        }
        cmdTimeMs = System.currentTimeMillis();
        lastExpireExitedOnTime = false;
        long totalSampled = 0;
        long totalExpired = 0;
        int dbsPerCall = Math.min(16, dbs.length);
        outer:
        for (int j = 0; j < dbsPerCall; j++) {
            Db db = dbs[expireDbCursor % dbs.length];
            expireDbCursor++;
            int iteration = 0;
            while (true) {
                int num = Math.min(db.volCount, keysPerLoop);
                if (num == 0) {
                    db.avgTtl = 0;
                    break;
                }
                int expired = 0;
                int sampled = 0;
                long ttlSum = 0;
                int ttlSamples = 0;
                for (int k = 0; k < num && db.volCount > 0; k++) {
                    if (db.expireCursor >= db.volCount) {
                        db.expireCursor = 0;
                    }
                    Entry e = db.vol[db.expireCursor];
                    long when = db.volExpire[db.expireCursor];
                    sampled++;
                    if (when < cmdTimeMs) {
                        expireEntry(db, e); // the last entry moved into this slot: do not advance
                        expired++;
                    } else {
                        ttlSum += when - cmdTimeMs;
                        ttlSamples++;
                        db.expireCursor++;
                    }
                }
                totalSampled += sampled;
                totalExpired += expired;
                if (ttlSamples > 0) {
                    long avg = ttlSum / ttlSamples;
                    db.avgTtl = db.avgTtl == 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
                }
                if ((++iteration & 0xf) == 0 && System.nanoTime() / 1000 - startUs > limitUs) {
                    lastExpireExitedOnTime = true;
                    stats.expiredTimeCapReached++;
                    break outer;
                }
                if (sampled == 0 || expired * 100 / sampled <= acceptableStale) {
                    break;
                }
            }
        }
        long elapsedUs = System.nanoTime() / 1000 - startUs;
        stats.expireCycleCpuMs += elapsedUs / 1000;
        long perc = totalSampled == 0 ? 0 : totalExpired * 10000 / totalSampled;
        expireStaleAvg = (long) (perc * 0.05 + expireStaleAvg * 0.95);
        stats.expiredStalePerc = expireStaleAvg;
    }

    // ---- cron

    /** Redis's serverCron: runs hz times per second on the event loop. */
    public void cron() {
        long now = System.currentTimeMillis();
        updateClock(now);
        stats.sample(now);
        loop.clientsCron(now);
        activeExpireCycle(false);
        if (config.getBool("activerehashing")) {
            rehashOneDb();
        }
        if (pauseEndMs != 0 && now >= pauseEndMs) {
            unpause();
        }
    }

    private double[] scoreScratch = new double[16];

    /**
     * A scratch array of at least n doubles for the scores of one command (ZADD, ZINCRBY): commands run one at a
     * time on the event loop, so one array serves them all; its contents are undefined between commands.
     */
    public double[] scores(int n) {
        if (scoreScratch.length < n) {
            scoreScratch = new double[Math.max(n, scoreScratch.length * 2)];
        }
        return scoreScratch;
    }

    /** Redis's databasesCron: 1 ms of incremental rehashing for the first database that is resizing. */
    private void rehashOneDb() {
        for (Db db : dbs) {
            if (db.rehashing()) {
                db.rehashFor(1000);
                return;
            }
        }
    }

    public void unpause() {
        pauseEndMs = 0;
        loop.resumePaused();
    }

    public long usedMemory() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
