package io.cinnabar.server.internal.command;

import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigException;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.keyspace.mem.OffHeapLimitException;

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
    /** The databases, lookups, expiry and the listener seam. */
    public final Keyspace keyspace;
    /** Scratch state of the command being executed, shared by every client. */
    public final CallContext ctx = new CallContext();
    /** The databases of {@link #keyspace} (the same array). */
    public final Db[] dbs;
    public final Long2ObjectHashMap<Client> clients = new Long2ObjectHashMap<>();
    public final List<Client> monitors = new ArrayList<>();
    public final SlowLog slowlog = new SlowLog();
    public final LatencyMonitor latency = new LatencyMonitor();
    public long nextClientId = 1;
    public final long startMs = System.currentTimeMillis();
    public final String runId;
    /** "standalone" or "sentinel" (INFO redis_mode, the startup log). */
    public String mode = "standalone";
    /** Work of the server's mode run by the cron (the sentinel timer, MIGRATE's idle connections), or null. */
    public Runnable modeCron;
    /** The number of connections MIGRATE keeps for reuse (INFO stats migrate_cached_sockets); wired by Assembly. */
    public java.util.function.IntSupplier migrateCachedSockets = () -> 0;
    public String replId;
    /** The network layer (net.EventLoop), set when it is created. */
    public Connections loop;
    /** How long the event loop polls before it sleeps, after a busy selection (cinnabar-busy-poll, in ns; 0 never). */
    public long busyPollNs;
    /** Outgoing connections, extra listeners and cross-thread tasks (the event loop; see {@link Outbound}). */
    public Outbound outbound;
    public long lastSave = System.currentTimeMillis() / 1000;
    public volatile boolean shutdownAsap;
    /** The dataset load in progress, if any (Redis's server.loading and its INFO fields). */
    public final Loading loading = new Loading(this);
    public String shutdownReason;
    public long maxInputBufferSeen;
    public long maxOutputBufferSeen;
    public long pauseEndMs;
    /** oom-score-adj: /proc/self/oom_score_adj for the server's role. */
    public final OomScoreAdj oomScoreAdj = new OomScoreAdj();
    public boolean pauseWritesOnly;
    public final ArrayDeque<Client> paused = new ArrayDeque<>();
    /** Clients blocked on keys (BLPOP ... BZMPOP) and their wake-up, timeout and reprocessing. */
    public BlockedClients blocking;
    /** Where executed commands are propagated (propagate.Propagator, wired by Assembly). */
    public PropagationHook propagation;
    /** MULTI/EXEC queuing and WATCH (multi.Transactions, wired by Assembly). */
    public Transactions transactions;
    /** The append-only file (persist.aof.AppendOnlyFile, wired by Assembly), or null. */
    public Durability durability;
    /** SAVE/BGSAVE state, save points, MISCONF, shutdown save, load at startup (persist.rdb, wired by Assembly). */
    public PersistenceHook persistence;
    /** Pub/Sub and client-side caching (pubsub.PubSubService, wired by Assembly). */
    public PubSub pubsub;
    /** Replication (replication.Replication, wired by Assembly), or null. */
    public ReplicationHook replication;
    /** Redis Cluster (cluster.Cluster, wired by Assembly when cluster-enabled is yes), or null. */
    public ClusterRouting cluster;
    /** Users and permissions (acl.Acl, wired by Assembly); null only before Assembly wires it. */
    public AccessControl acl;
    /** DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call commands flagged noscript (Redis's test hook). */
    public boolean disableDenyScripts;
    /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE and FUNCTION RESTORE accept a payload with a wrong CRC64. */
    public boolean skipChecksumValidation;
    /**
     * Whether a connection must authenticate before running commands: the default user has a password or is
     * off (Redis's authRequired). Kept by the ACL code.
     */
    public boolean defaultAuthRequired;
    /** The CLIENT LIST line of a client (admin's formatter, wired by Assembly), for ACL LOG's client-info. */
    /** The software watchdog (watchdog-period). */
    public final Watchdog watchdog;
    public java.util.function.Function<Client, String> clientInfo = c -> "id=" + c.id;
    public Client current;
    /** used_memory, maxmemory eviction, client eviction, lazy free (evict.MemoryLimits, wired by Assembly). */
    public MemoryManager memory;
    /**
     * Whether the memory was above maxmemory when the command being executed started, after evicting (Redis's
     * pre_command_oom_state): scripts refuse their first denyoom command on it.
     */
    public boolean preCommandOom;
    /** Scripting's numbers for INFO (scripting.Scripting, wired by Assembly). */
    public ScriptingInfo scripting;
    /**
     * Set while a script runs past busy-reply-threshold (scripting sets it, Redis's isInsideYieldingLongCommand):
     * the error every command without the allow-busy flag gets meanwhile; null otherwise.
     */
    public String busyReply;
    /** Commands being executed (1 for a command, 2 inside EXEC): 0 between commands (Redis's execution_nesting). */
    public int nesting;
    /** DEBUG PAUSE-CRON: the cron does nothing while set. */
    public boolean pauseCron;
    /** DEBUG REPLYBUFFER: how often a client's reply buffer peak resets (ms, -1 never) and whether the cron resizes. */
    public long replyBufferPeakResetTime = 5000;
    public boolean replyBufferResizing = true;
    public long memPeak;
    /** Heap in use once the server was initialized (INFO used_memory_startup). */
    public long memStartup;

    // cached configuration
    public int hz;
    public long timeoutSec;
    public long maxclients;
    public boolean protectedMode;
    public long queryBufLimit;
    public long protoMaxBulkLen;
    public long outHard;
    public long outSoft;
    public long outSoftSecs;
    /** The pubsub class of client-output-buffer-limit: clients subscribed to something. */
    public long outPubsubHard;
    public long outPubsubSoft;
    public long outPubsubSoftSecs;
    /** The replica (slave) class of client-output-buffer-limit. */
    public long outReplicaHard;
    /** repl-backlog-size: a replica's hard output limit below it counts as it (Redis's checkClientOutputBufferLimits). */
    public long replBacklogSize;
    public long outReplicaSoft;

    /**
     * The hard output limit of a replica: client-output-buffer-limit's, raised to repl-backlog-size when lower (a
     * partial resync would fill the buffer past it at once and the replica would be dropped, Redis's
     * checkClientOutputBufferLimits); 0 for none.
     */
    public long replicaHardLimit() {
        return outReplicaHard > 0 && outReplicaHard < replBacklogSize ? replBacklogSize : outReplicaHard;
    }
    public long outReplicaSoftSecs;
    public long maxmemory;
    boolean noSharedIntegers;
    long slowlogThreshold;
    long slowlogMaxLen;
    public long latencyThreshold;
    public String debugCommand;
    boolean latencyTracking;

    Server(Config config, ServerLog log) {
        this.config = config;
        this.log = log;
        this.watchdog = new Watchdog(log);
        this.runId = randomHex(40);
        this.replId = randomHex(40);
        int n = (int) config.getLong("databases");
        keyspace = new Keyspace(n);
        dbs = keyspace.dbs;
        for (String name : List.of("hz", "timeout", "maxclients", "requirepass", "protected-mode",
                "client-query-buffer-limit", "proto-max-bulk-len", "client-output-buffer-limit", "maxmemory-policy",
                "lfu-log-factor", "lfu-decay-time", "maxmemory", "active-expire-effort", "slowlog-log-slower-than",
                "slowlog-max-len", "latency-monitor-threshold", "enable-debug-command", "loglevel",
                "latency-tracking", "notify-keyspace-events", "activedefrag", "replica-read-only",
                "repl-backlog-size", "watchdog-period", "cinnabar-busy-poll")) {
            configChanged(name);
        }
        limits.load(config);
        updateClock(System.currentTimeMillis());
    }

    /** Creates the server state after the configuration is loaded (applies logfile, logs as the main process). */
    public static Server create(Config config, ServerLog log) throws java.io.IOException {
        log.setFile(ServerLog.logPath(config));
        log.setRole('M');
        log.notice("monotonic clock: JVM System.nanoTime");
        return new Server(config, log);
    }

    /**
     * Called once the listeners are bound, before the loop starts: loads the data (the AOF when appendonly is on);
     * false when loading failed fatally (logged; the server must exit with status 1).
     */
    public boolean started() {
        if (cluster != null) {
            mode = "cluster";
        }
        log.notice("Cinnabar " + Config.VERSION + " (Redis " + Config.VERSION + " compatible) 64 bit, " + mode + " mode, "
            + "Port: " + config.get("port") + ", PID: " + log.pid());
        log.notice("Running mode=" + mode + ", port=" + config.get("port") + ".");
        if (cluster != null && !cluster.start()) {
            return false;
        }
        log.notice("Server initialized");
        oomScoreAdj.apply(this);
        // Redis's loadDataFromDisk: the AOF when appendonly is on, else the RDB file
        try {
            if (durability != null && config.getBool("appendonly")) {
                if (!durability.loadAtStartup()) {
                    return false;
                }
            } else if (persistence != null) {
                persistence.loadAtStartup();
            }
        } catch (Loading.Aborted e) {
            return true; // a SHUTDOWN during the load succeeded: the loop stops at its first iteration
        }
        if (shutdownPrepared) {
            return true;
        }
        if (memory == null) {
            memStartup = usedMemory();
        }
        if (loop.port() != 0 || !config.get("port").equals("0")) {
            log.notice("Ready to accept connections tcp");
        }
        if (!config.get("unixsocket").isEmpty()) {
            log.notice("Ready to accept connections unix");
        }
        return true;
    }

    /**
     * Redis's iAmMaster: in cluster mode whether myself is a master node, else whether no master is followed. A
     * replica keeps the keys already expired when it loads a file (its master drives their expiry).
     */
    public boolean iAmMaster() {
        return cluster != null ? cluster.myselfIsMaster() : replication == null || !replication.isReplica();
    }

    /** Called by a signal handler thread: the event loop shuts down at its next iteration. */
    public void requestShutdown(String signal) {
        if (shutdownAsap && signal.equals("SIGINT")) {
            // Redis's sigShutdownHandler: a second SIGINT quits at once, without the save or the replicas
            log.fromHandler("You insist... exiting now.");
            try {
                java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(config.get("dir"), "temp-" + log.pid() + ".rdb"));
            } catch (java.io.IOException | RuntimeException e) {
                // exiting anyway, as Redis's rdbRemoveTempFile
            }
            Runtime.getRuntime().halt(1);
        }
        shutdownReason = signal;
        log.fromHandler("Received " + signal + " scheduling shutdown...");
        shutdownAsap = true;
    }

    /** The last shutdown attempt succeeded: the event loop stops at its next iteration, nothing runs it again. */
    private boolean shutdownPrepared;

    /**
     * True once a shutdown succeeded and the server is stopping (nothing more may run or propagate): the event
     * loop stops at its next iteration, a load in progress stops.
     */
    public boolean shutdownPrepared() {
        return shutdownPrepared;
    }

    /** SHUTDOWN's wait for replicas is in progress until this time (unix ms); 0 when none (Redis's shutdown_mstime). */
    private long shutdownDeadlineMs;

    /** When SHUTDOWN's wait for replicas ends (unix ms), 0 when no wait is in progress (INFO shutdown_in_milliseconds). */
    public long shutdownDeadlineMs() {
        return shutdownDeadlineMs;
    }

    private boolean shutdownSave;
    private boolean shutdownNosave;
    private boolean shutdownForce;
    /** The pause in effect before the wait paused writes, restored when the shutdown is cancelled. */
    private long pauseEndBeforeShutdown;
    private boolean pauseWritesOnlyBeforeShutdown;
    /** The SHUTDOWN clients blocked while the shutdown waits for replicas (Redis's BLOCKED_SHUTDOWN). */
    private final java.util.ArrayList<Client> shutdownClients = new java.util.ArrayList<>();

    /** What {@link Client#blocked} holds for a SHUTDOWN client that waits for replicas. */
    private static final BlockedClients.Ticket SHUTDOWN_TICKET = new BlockedClients.Ticket() { };

    /** {@link #shutdown} results: the server stops, the shutdown failed (logged), or it waits for replicas. */
    public static final int SHUTDOWN_DONE = 0;
    public static final int SHUTDOWN_FAILED = 1;
    public static final int SHUTDOWN_WAITING = 2;

    /**
     * The SHUTDOWN command (Redis's shutdownCommand + prepareForShutdown): without {@code now}, a positive
     * {@code shutdown-timeout} and replicas that have not acknowledged the whole stream, writes are paused, the
     * replicas are asked for an ACK and c stays blocked (no reply) until the replicas caught up or the timeout passed
     * (the server then stops) or the shutdown failed or was aborted (c then gets the error). A SHUTDOWN while one
     * waits joins it.
     */
    public int shutdown(Client c, boolean save, boolean nosave, boolean force, boolean now) {
        if (shutdownDeadlineMs != 0) {
            block(c);
            return SHUTDOWN_WAITING;
        }
        int r = prepareShutdown(save, nosave, force, now);
        if (r == SHUTDOWN_WAITING) {
            block(c);
        }
        return r;
    }

    /** Clients blocked in a SHUTDOWN that waits for replicas (INFO blocked_clients counts them, as Redis). */
    public int shutdownBlockedClients() {
        int n = 0;
        for (Client c : shutdownClients) {
            n += !c.closed && c.blocked == SHUTDOWN_TICKET ? 1 : 0;
        }
        return n;
    }

    private void block(Client c) {
        c.blocked = SHUTDOWN_TICKET;
        shutdownClients.add(c);
    }

    private int prepareShutdown(boolean save, boolean nosave, boolean force, boolean now) {
        if (shutdownPrepared) {
            return SHUTDOWN_DONE;
        }
        if (loading.active) {
            // Redis's prepareForShutdown: a half-loaded dataset must never overwrite the file
            save = false;
            nosave = true;
        }
        log.warning("User requested shutdown...");
        if (!now && config.getLong("shutdown-timeout") != 0 && replication != null && !replication.replicasInSync()) {
            shutdownSave = save;
            shutdownNosave = nosave;
            shutdownForce = force;
            shutdownDeadlineMs = System.currentTimeMillis() + config.getLong("shutdown-timeout") * 1000;
            replication.requestAcks();
            pauseEndBeforeShutdown = pauseEndMs;
            pauseWritesOnlyBeforeShutdown = pauseWritesOnly;
            pauseWritesOnly = pauseEndMs == 0 || pauseWritesOnly; // a CLIENT PAUSE ALL in effect stays ALL
            pauseEndMs = Long.MAX_VALUE;
            shutdownAsap = true; // the event loop checks the wait each iteration (shutdownFromLoop)
            log.notice("Waiting for replicas before shutting down.");
            return SHUTDOWN_WAITING;
        }
        return finishShutdown(save, nosave, force) ? SHUTDOWN_DONE : SHUTDOWN_FAILED;
    }

    /**
     * Redis's finishShutdown: logs the replicas' sync after a wait, stops a background RDB save, then the AOF
     * rewrite (refused while the AOF waits for its first rewrite, unless {@code force}), writes and fsyncs the AOF,
     * and saves when save points exist or {@code save}, unless {@code nosave}. False when the server must keep
     * running (logged as Redis logs it; a wait is cancelled and its clients get the error).
     */
    private boolean finishShutdown(boolean save, boolean nosave, boolean force) {
        if (shutdownDeadlineMs != 0 && replication != null) {
            replication.logShutdownSync();
        }
        boolean ok = persistence == null || persistence.stopForShutdown(force);
        if (ok && durability != null) {
            durability.prepareShutdown();
        }
        ok = ok && (persistence == null || persistence.saveForShutdown(save, nosave, force));
        if (!ok) {
            log.warning("Errors trying to shut down the server. Check the logs for more information.");
            cancelShutdown();
            return false;
        }
        shutdownPrepared = true;
        shutdownAsap = true;
        if (loop != null) {
            loop.stopListening();
        }
        return true;
    }

    /** Redis's cancelShutdown: clears the wait, answers its blocked clients with the error and lifts the pause. */
    private void cancelShutdown() {
        shutdownAsap = false;
        if (shutdownDeadlineMs == 0) {
            return;
        }
        shutdownDeadlineMs = 0;
        for (Client c : shutdownClients) {
            if (!c.closed && c.blocked == SHUTDOWN_TICKET) {
                c.blocked = null;
                c.error("ERR Errors trying to SHUTDOWN. Check logs.");
                loop.wantWrite(c);
                loop.processInput(c);
            }
        }
        shutdownClients.clear();
        if (pauseEndBeforeShutdown == 0) {
            unpause();
        } else {
            pauseEndMs = pauseEndBeforeShutdown;
            pauseWritesOnly = pauseWritesOnlyBeforeShutdown;
        }
    }

    /**
     * The event loop's check once {@link #shutdownAsap} is set (Redis's serverCron): a SHUTDOWN that succeeded
     * stops the loop; a wait for replicas finishes once they caught up or the timeout passed; a signal shuts down
     * with the flags of {@code shutdown-on-sigterm}/{@code shutdown-on-sigint}. False while the server keeps running
     * (a failed attempt was logged and cleared).
     */
    public boolean shutdownFromLoop() {
        if (shutdownPrepared) {
            return true;
        }
        if (pauseCron) {
            return false; // Redis runs this check in serverCron: DEBUG PAUSE-CRON keeps the shutdown pending
        }
        if (shutdownDeadlineMs != 0) {
            if (System.currentTimeMillis() >= shutdownDeadlineMs || replication == null || replication.replicasInSync()) {
                return finishShutdown(shutdownSave, shutdownNosave, shutdownForce);
            }
            return false;
        }
        String flags = switch (String.valueOf(shutdownReason)) {
            case "SIGTERM" -> config.get("shutdown-on-sigterm");
            case "SIGINT" -> config.get("shutdown-on-sigint");
            default -> "default";
        };
        boolean save = false;
        boolean nosave = false;
        boolean force = false;
        boolean now = false;
        for (String f : flags.split(" ")) {
            switch (f) {
                case "save" -> save = true;
                case "nosave" -> nosave = true;
                case "force" -> force = true;
                case "now" -> now = true;
                default -> { } // "default"
            }
        }
        int r = prepareShutdown(save, nosave, force, now);
        if (r == SHUTDOWN_FAILED) {
            shutdownAsap = false;
        }
        return r == SHUTDOWN_DONE;
    }

    /**
     * SHUTDOWN ABORT (Redis's abortShutdown): cancels a wait for replicas (its clients get the error) or a signal's
     * shutdown the event loop has not run yet.
     */
    public boolean abortShutdown() {
        if (shutdownPrepared || !shutdownAsap && shutdownDeadlineMs == 0) {
            return false;
        }
        cancelShutdown();
        log.notice("Shutdown manually aborted.");
        return true;
    }

    /** Called after the event loop has stopped. */
    public void stopped() {
        watchdog.close();
        if (!shutdownPrepared) {
            log.warning("User requested shutdown...");
        }
        if (durability != null) {
            durability.shutdown();
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
        log.warning((mode.equals("sentinel") ? "Sentinel" : "Redis") + " is now ready to exit, bye bye...");
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
        String primary = Config.primary(Config.lookup(name)).name;
        configChanged0(primary);
        if (memory != null) {
            memory.configChanged(primary);
        }
        if (replication != null) {
            replication.configChanged(primary);
        }
        if (cluster != null) {
            cluster.configChanged(primary);
        }
    }

    private void configChanged0(String primary) {
        switch (primary) {
            case "hz" -> {
                // Redis's updateHZ clamps server.config_hz itself: CONFIG GET and INFO configured_hz show 1..500
                hz = (int) Math.max(1, Math.min(500, config.getLong("hz")));
                if (config.getLong("hz") != hz) {
                    config.putRaw("hz", Integer.toString(hz));
                }
            }
            case "cinnabar-busy-poll" -> busyPollNs = config.getLong("cinnabar-busy-poll") * 1000;
            case "watchdog-period" -> {
                long asked = config.getLong("watchdog-period");
                long applied = watchdog.apply(asked, hz); // Redis's applyWatchdogPeriod raises a short period
                if (applied != asked) {
                    config.putRaw("watchdog-period", Long.toString(applied));
                }
            }
            case "activedefrag", "active-defrag-ignore-bytes", "active-defrag-threshold-lower",
                    "active-defrag-threshold-upper", "active-defrag-cycle-min", "active-defrag-cycle-max" ->
                keyspace.configureDefrag(config.getBool("activedefrag"), config.getLong("active-defrag-ignore-bytes"),
                    (int) config.getLong("active-defrag-threshold-lower"),
                    (int) config.getLong("active-defrag-threshold-upper"),
                    (int) config.getLong("active-defrag-cycle-min"), (int) config.getLong("active-defrag-cycle-max"));
            case "timeout" -> timeoutSec = config.getLong("timeout");
            case "maxclients" -> maxclients = config.getLong("maxclients");
            case "requirepass" -> {
                if (acl != null) {
                    acl.requirepass(config.get("requirepass"));
                }
            }
            case "protected-mode" -> protectedMode = config.getBool("protected-mode");
            case "client-query-buffer-limit" -> queryBufLimit = config.getLong("client-query-buffer-limit");
            case "proto-max-bulk-len" -> protoMaxBulkLen = config.getLong("proto-max-bulk-len");
            case "client-output-buffer-limit" -> {
                String[] t = config.get("client-output-buffer-limit").split(" ");
                outHard = Config.unsignedValue(t[1]);
                outSoft = Config.unsignedValue(t[2]);
                outSoftSecs = Config.unsignedValue(t[3]);
                for (int i = 0; i + 3 < t.length; i += 4) {
                    if (t[i].equals("pubsub")) {
                        outPubsubHard = Config.unsignedValue(t[i + 1]);
                        outPubsubSoft = Config.unsignedValue(t[i + 2]);
                        outPubsubSoftSecs = Config.unsignedValue(t[i + 3]);
                    } else if (t[i].equals("slave")) {
                        outReplicaHard = Config.unsignedValue(t[i + 1]);
                        outReplicaSoft = Config.unsignedValue(t[i + 2]);
                        outReplicaSoftSecs = Config.unsignedValue(t[i + 3]);
                    }
                }
            }
            case "maxmemory-policy", "maxmemory" -> {
                String p = config.get("maxmemory-policy");
                keyspace.lfu = p.endsWith("lfu");
                maxmemory = config.getLong("maxmemory");
                noSharedIntegers = maxmemory != 0 && (p.endsWith("lru") || p.endsWith("lfu"));
            }
            case "lfu-log-factor" -> keyspace.lfuLogFactor = config.getLong("lfu-log-factor");
            case "lfu-decay-time" -> keyspace.lfuDecayTime = config.getLong("lfu-decay-time");
            case "active-expire-effort" -> keyspace.activeExpireEffort = (int) config.getLong("active-expire-effort");
            case "replica-read-only" -> keyspace.replicaReadOnly = config.getBool("replica-read-only");
            case "repl-backlog-size" -> replBacklogSize = config.getLong("repl-backlog-size");
            case "slowlog-log-slower-than" -> slowlogThreshold = config.getLong("slowlog-log-slower-than");
            case "slowlog-max-len" -> {
                slowlogMaxLen = config.getLong("slowlog-max-len");
                slowlog.trim(slowlogMaxLen);
            }
            case "latency-monitor-threshold" -> latencyThreshold = config.getLong("latency-monitor-threshold");
            case "enable-debug-command" -> debugCommand = config.get("enable-debug-command");
            case "loglevel" -> log.setLevel(config.get("loglevel"));
            case "latency-tracking" -> latencyTracking = config.getBool("latency-tracking");
            case "notify-keyspace-events" -> keyspace.events.setFlags(config.notifyFlags());
            default -> limits.load(config);
        }
    }

    void updateClock(long nowMs) {
        keyspace.updateClock(nowMs);
    }

    // ---- command pipeline

    /**
     * Runs one command for a client without a socket ({@link Client#detached}): the whole pipeline (lookup,
     * arity, execution, statistics, propagation, serving blocked clients); the reply is left in c's reply buffer.
     */
    public void execute(Client c, byte[]... argv) {
        c.setArgs(argv);
        processCommand(c);
    }

    /** Runs the command whose arguments are in c (argc &gt; 0). */
    public void processCommand(Client c) {
        current = c;
        keyspace.cmdTimeMs = System.currentTimeMillis();
        Command cmd = commands.lookup(c.argBuf, c.argOff[0], c.argLen[0]);
        if (cmd == null) {
            unknownCommand(c);
            flagTransaction(c);
            return;
        }
        if (!cmd.subcommands.isEmpty() && (c.argc > 1 || cmd.handler == null)) {
            if (c.argc == 1) {
                reject(c, cmd, "ERR wrong number of arguments for '" + cmd.name + "' command");
                return;
            }
            Command sub = cmd.sub(c.argBuf, c.argOff[1], c.argLen[1]);
            if (sub == null) {
                c.cmd = null; // Redis's lookupCommand finds no command: its lastcmd is named "<unknown>"
                c.error("ERR unknown subcommand '" + abbrev(c.argString(1)) + "'. Try "
                    + cmd.name.toUpperCase(java.util.Locale.ROOT) + " HELP.");
                flagTransaction(c);
                return;
            }
            cmd = sub;
        }
        c.cmd = cmd; // Redis's lastcmd, set at lookup: a refusal below names this command in a replica's log lines
        if (cmd.arity > 0 && cmd.arity != c.argc || c.argc < -cmd.arity) {
            reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName + "' command");
            return;
        }
        if (defaultAuthRequired && !c.authenticated && !cmd.has(Command.NO_AUTH)) {
            reject(c, cmd, "NOAUTH Authentication required.");
            return;
        }
        if (loading.active && !c.isDetached() && c.replRole != Client.ROLE_MASTER
                && ((c.inMulti && cmd.fullName.equals("exec") ? execFlags(c, cmd) : cmd.flags) & Command.LOADING) == 0) {
            reject(c, cmd, Loading.ERROR); // Redis's is_denyloading_command (EXEC: every queued command must allow it)
            return;
        }
        if (busyReply != null && !cmd.has(Command.ALLOW_BUSY)) {
            reject(c, cmd, busyReply);
            return;
        }
        if (c.inMulti && cmd.has(Command.NO_MULTI)) {
            reject(c, cmd, "ERR Command not allowed inside a transaction");
            return;
        }
        AccessControl.User user = c.user;
        if (user != null && !user.unrestricted() && !acl.permits(c, cmd)) {
            cmd.rejectedCalls++;
            if (c.inMulti) {
                transactions.flagError(c);
            }
            return;
        }
        if (cluster != null && !cluster.route(c, cmd)) {
            cmd.rejectedCalls++;
            flagTransaction(c);
            return;
        }
        if (memory != null && !memoryAllows(c, cmd)) {
            return;
        }
        boolean scriptCall = scripting != null && isScriptCall(cmd);
        if ((persistence != null || durability != null)
                && (cmd.has(Command.WRITE) || c.inMulti && (c.queuedFlags & Command.WRITE) != 0
                    && cmd.fullName.equals("exec") || cmd.fullName.equals("ping") || scriptCall)) {
            // Redis's writeCommandsDeniedByDiskError: MISCONF after a failed background save, then AOF write errors
            String err = persistence != null ? persistence.writeError() : null;
            if (err == null && durability != null) {
                err = durability.denyWrites();
            }
            if (err != null && scriptCall && (scriptFlags(c, cmd) & Command.WRITE) == 0) {
                err = null; // a script without the write flag (EVAL without shebang, or no-writes)
            }
            if (err != null) {
                reject(c, cmd, err);
                return;
            }
        }
        if (replication != null) {
            // a script's flags are looked up (hashing an EVAL body with a shebang) only where they matter
            String denied = replication.deny(c, scriptCall && (replication.isReplica() || c.inMulti)
                ? scriptFlags(c, cmd) : c.inMulti && cmd.fullName.equals("exec") ? execFlags(c, cmd) : cmd.flags);
            if (denied != null) {
                reject(c, cmd, denied);
                return;
            }
        }
        if (c.pubsub && c.resp == 2 && !allowedWhileSubscribed(cmd)) {
            reject(c, cmd, "ERR Can't execute '" + cmd.fullName
                + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if ((c.replRole == Client.ROLE_REPLICA || c.monitor) && touchesKeyspace(c, cmd, scriptCall)) {
            // Redis's processCommand: a replica (a MONITOR client is one too) must not use the keyspace, or it
            // could write through the pause it is exempt from
            reject(c, cmd, "ERR Replica can't interact with the keyspace");
            return;
        }
        if (pauseEndMs != 0 && c.replRole != Client.ROLE_REPLICA && !c.isDetached()
                && pausedFor(c, cmd, scriptCall)) {
            postpone(c);
            return;
        }
        if (pubsub.trackingClients() != 0) {
            pubsub.beforeCommand();
        }
        if (c.inMulti) {
            if (!controlsTransaction(cmd)) {
                int f = scriptCall ? scriptFlags(c, cmd) : cmd.flags;
                c.queuedFlags |= f;
                c.queuedInvFlags |= ~f;
                transactions.queue(c, cmd);
                return;
            }
        } else if (cmd.fullName.equals("multi")) {
            c.queuedFlags = 0;
            c.queuedInvFlags = 0;
        }
        call(c, cmd);
        pubsub.afterCommand(c, cmd);
        if (busyReply == null) {
            // not while a timed-out script serves other clients (Redis's isInsideYieldingLongCommand): a client
            // blocked on a key the script wrote is served after the script, with everything it wrote
            blocking.handleReady();
        }
    }

    /**
     * Redis's is_read_command || is_write_command || is_may_replicate_command: the command's flags (a script's
     * declared ones), and for EXEC those of the queued commands.
     */
    private boolean touchesKeyspace(Client c, Command cmd, boolean scriptCall) {
        int f = scriptCall ? scriptFlags(c, cmd) : cmd.flags;
        if (c.inMulti && cmd.fullName.equals("exec")) {
            f |= c.queuedFlags;
        }
        return (f & (Command.READONLY | Command.WRITE | Command.MAY_REPLICATE)) != 0;
    }

    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    /**
     * Redis's processCommand memory steps: client eviction (maxmemory-clients), then, with maxmemory set, eviction
     * and the OOM refusal of a denyoom command (any command but EXEC, DISCARD, QUIT and RESET inside MULTI; EXEC
     * when a queued command is denyoom, answered EXECABORT). False when c must not run the command.
     */
    private boolean memoryAllows(Client c, Command cmd) {
        memory.evictClients(c);
        if (c.closed) {
            return false; // evicted itself
        }
        preCommandOom = false;
        if (busyReply != null || !memory.limited()) {
            return true;
        }
        boolean oom = memory.evictionsFailed();
        preCommandOom = oom;
        if (!oom || c.obeyed()) {
            return true;
        }
        boolean exec = cmd.fullName.equals("exec");
        boolean deny = cmd.has(Command.DENYOOM) || exec && (c.queuedFlags & Command.DENYOOM) != 0
            || scripting != null && isScriptCall(cmd) && (scriptFlags(c, cmd) & Command.DENYOOM) != 0;
        if (c.inMulti && !exec && !controlsTransaction(cmd)) {
            deny = true; // queuing may take any amount of memory
        }
        if (!deny) {
            return true;
        }
        cmd.rejectedCalls++;
        if (exec && c.inMulti) {
            transactions.abort(c, OOM);
            if (!monitors.isEmpty()) {
                feedMonitors(c);
            }
        } else {
            c.error(OOM);
            flagTransaction(c);
        }
        return false;
    }

    private static boolean isScriptCall(Command cmd) {
        return cmd.scriptCall; // a field: the switch on the name it replaces cost 2-3% of a short command (JFR)
    }

    /**
     * Whether the pause in effect holds c's command (Redis's processCommand): every command under CLIENT PAUSE
     * ALL; under WRITE, a write or may-replicate command (a script by its declared flags), and EXEC when a queued
     * command is one. Whether it would be queued inside MULTI does not matter.
     */
    private boolean pausedFor(Client c, Command cmd, boolean scriptCall) {
        if (!pauseWritesOnly) {
            return true;
        }
        int f = scriptCall ? scriptFlags(c, cmd) : cmd.flags;
        if (c.inMulti && cmd.fullName.equals("exec")) {
            f |= c.queuedFlags;
        }
        return (f & (Command.WRITE | Command.MAY_REPLICATE)) != 0;
    }

    /**
     * Holds c's command until the pause ends (Redis's blockPostponeClient): its arguments are copied aside (the
     * query buffer moves on) and {@link Connections#resumePaused} runs it then; c counts as a blocked client.
     */
    private void postpone(Client c) {
        int total = 0;
        for (int i = 0; i < c.argc; i++) {
            total += c.argLen[i];
        }
        byte[] buf = new byte[total];
        int[] off = new int[c.argc];
        int[] len = new int[c.argc];
        int at = 0;
        for (int i = 0; i < c.argc; i++) {
            System.arraycopy(c.argBuf, c.argOff[i], buf, at, c.argLen[i]);
            off[i] = at;
            len[i] = c.argLen[i];
            at += len[i];
        }
        c.postponed = new Client.Postponed(buf, off, len);
        paused.add(c);
    }

    /**
     * Redis's getCommandFlags: the flags of c's command as the pipeline checks them, a script call's being its
     * script's when it declares them (a shebang script without no-writes is a write).
     */
    public int commandFlags(Client c, Command cmd) {
        return scripting != null && isScriptCall(cmd) ? scriptFlags(c, cmd) : cmd.flags;
    }

    /** The flags of a script call as the pipeline checks them: the script's when it declares them. */
    private int scriptFlags(Client c, Command cmd) {
        Command saved = c.cmd;
        c.cmd = cmd;
        try {
            return scripting.commandFlags(c, cmd.flags);
        } finally {
            c.cmd = saved;
        }
    }

    /** The commands a RESP2 client may send while subscribed (Redis's processCommand). */
    private static boolean allowedWhileSubscribed(Command cmd) {
        return switch (cmd.fullName) {
            case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe",
                 "quit", "reset" -> true;
            default -> false;
        };
    }

    /**
     * The flags the replication checks see for EXEC (Redis's processCommand): a write when a queued command writes,
     * stale-ok and loading-ok only when every queued command is.
     */
    private static int execFlags(Client c, Command cmd) {
        int f = cmd.flags | (c.queuedFlags & (Command.WRITE | Command.NO_ASYNC_LOADING));
        return f & ~(c.queuedInvFlags & (Command.STALE | Command.LOADING));
    }

    /**
     * Redis's rejectCommand: counts the rejection, flags c's transaction, and answers an EXEC with EXECABORT naming
     * the error (the transaction and the watches are discarded) instead of the plain error. That holds for any EXEC,
     * in MULTI or not: after RESET (out of MULTI, logged out) an EXEC answers "EXECABORT ... NOAUTH ...".
     */
    private void reject(Client c, Command cmd, String error) {
        cmd.rejectedCalls++;
        if (cmd.fullName.equals("exec")) {
            // the refusals Redis formats (arity, subscribed context...) carry no ERR code inside the EXECABORT
            transactions.abort(c, error.startsWith("ERR ") ? error.substring(4) : error);
            if (!monitors.isEmpty()) {
                feedMonitors(c); // MONITOR saw the MULTI: it sees the transaction end (execCommandAbort)
            }
            return;
        }
        c.error(error);
        flagTransaction(c);
    }

    /** A command refused while c is in MULTI makes its EXEC fail with EXECABORT (Redis's flagTransaction). */
    private void flagTransaction(Client c) {
        if (c.inMulti) {
            transactions.flagError(c);
        }
    }

    /** The commands that run at once inside MULTI instead of being queued. */
    private static boolean controlsTransaction(Command cmd) {
        return switch (cmd.fullName) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
            default -> false;
        };
    }

    private static String abbrev(String s) {
        return cPrefix(s, 128);
    }

    /** What C's {@code %.<max>s} prints of an argument: at most max bytes, and nothing from its first NUL byte on. */
    private static String cPrefix(String s, int max) {
        int nul = s.indexOf('\0');
        int end = Math.min(nul < 0 ? s.length() : nul, max);
        return end == s.length() ? s : s.substring(0, end);
    }

    private void unknownCommand(Client c) {
        c.cmd = null; // Redis's lastcmd of an unknown command (named "<unknown>" in an error to the master)
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < c.argc && args.length() < 128; i++) {
            String a = cPrefix(c.argString(i), 128 - args.length()); // the room before this argument's quote
            args.append('\'').append(a).append("' ");
        }
        c.error("ERR unknown command '" + abbrev(c.argString(0)) + "', with args beginning with: " + args);
    }

    /**
     * An error answered to our master or to a replica (Redis's afterErrorReply): they never read it, so it is logged
     * ("== CRITICAL =="; for the master's stream with the latest backlog bytes) and counted in INFO stats
     * unexpected_error_replies. With propagation-error-behavior panic or panic-on-replicas a read-only replica stops,
     * as Redis's serverPanic does.
     */
    public void unexpectedErrorReply(Client c, String msg) {
        if (c.replyMode == Client.REPLY_REPLICA) {
            replicaGeneratedReply(c); // first, as Redis's addReplyError -> _addReplyToBufferOrList, then afterErrorReply
        }
        boolean fromMaster = c.replRole == Client.ROLE_MASTER;
        String from = fromMaster ? "replica" : "master";
        String to = fromMaster ? "master" : "replica";
        String name = c.cmd != null ? c.cmd.fullName : "<unknown>";
        // as Redis's callers pass it: a formatted error without its "ERR ", a shared one (WRONGTYPE ...) with its "-"
        String shown = msg.startsWith("ERR ") ? msg.substring(4) : "-" + msg;
        shown = shown.length() > 4096 ? shown.substring(0, 4096) : shown;
        log.warning("== CRITICAL == This " + from + " is sending an error to its " + to + ": '" + shown
            + "' after processing the command '" + name + "'");
        if (fromMaster && replication != null) {
            String dump = replication.latestBacklog();
            if (dump != null) {
                log.warning("Latest backlog is: '" + dump + "'");
            }
        }
        stats.unexpectedErrorReplies++;
        String behavior = config.get("propagation-error-behavior");
        if (fromMaster && config.getBool("replica-read-only") && !behavior.equals("ignore")) {
            log.warning("Guru Meditation: This " + from + " panicked sending an error to its " + to
                + " after processing the command '" + name + "'");
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * A replica's command produced a reply (Redis's _addReplyToBufferOrList / addReplyDeferredLen on a replica
     * client): the replication link carries the stream only, so the replica is logged and disconnected, and the
     * reply is never sent. Once per client: the first reply closes it.
     */
    public void replicaGeneratedReply(Client c) {
        if (c.replyMode == Client.REPLY_REPLICA) {
            c.replyMode = Client.REPLY_DROPPED; // as Redis's CLIENT_CLOSE_ASAP: nothing more is written
        }
        if (c.closed) {
            return;
        }
        log.warning("Replica generated a reply to command '" + (c.cmd != null ? c.cmd.fullName : "<unknown>")
            + "', disconnecting it: " + clientInfo.apply(c));
        loop.closeAsync(c);
    }

    /** Runs a command (also the re-execution of a blocked command once one of its keys is ready). */
    public void call(Client c, Command cmd) {
        // MONITOR sees a command after it ran (as Redis's call()), once, not when a blocked one is re-run; scripts
        // show first so that the commands they call follow them (Redis's evalCommand / fcallCommand)
        boolean monitored = !monitors.isEmpty() && !blocking.reprocessing(c);
        if (monitored && isScriptCall(cmd)) {
            feedMonitors(c);
        }
        c.cmd = cmd;
        long errorsBefore = stats.totalErrorReplies;
        long dirtyBefore = keyspace.dirty;
        propagation.beginCall();
        long t0 = System.nanoTime();
        long usec;
        nesting++;
        try {
            try {
                cmd.handler.run(c);
            } catch (OutOfMemoryError e) {
                // last resort: one command needed more than the free heap (a huge SETRANGE offset, APPEND growth).
                // Its allocation failed, so the heap is usable again: refuse it with Redis's OOM text, keep serving
                log.warning("Out of memory executing '" + cmd.fullName + "': " + e.getMessage());
                c.error(OOM);
            } catch (OffHeapLimitException e) {
                // the keyspace's direct memory is exhausted (-XX:MaxDirectMemorySize): nothing was allocated by the
                // failed call; refuse the command and let eviction (or refusal) hold the memory below this point
                log.warning("Out of off-heap memory executing '" + cmd.fullName + "': " + e.getMessage());
                memory.allocationFailed(e.getMessage());
                c.error(OOM);
            } catch (RuntimeException e) {
                // a defect in one command's code must not take the event loop (and every other client) down with
                // it: log it with its stack, answer this client with an error, keep serving
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                log.warning("Internal error executing '" + cmd.fullName + "': " + trace);
                c.error("ERR internal error executing '" + cmd.fullName + "': " + e.getClass().getSimpleName());
            }
            usec = (System.nanoTime() - t0) / 1000;
            if (nesting == 1) {
                stats.eventloopDurationCmdSum += usec; // Redis's EL_DURATION_TYPE_CMD: top-level commands only
            }
            keyspace.settle(); // re-measure the keys the command changed (used_memory)
            if (pubsub.trackingClients() != 0) {
                pubsub.afterCall(c, cmd);
            }
        } finally {
            nesting--;
        }
        if (nesting == 0 || nesting == 1 && keyspace.viewsOutstanding() >= Keyspace.VIEWS_BATCH) {
            // no code holds an entry between top-level commands; nested calls come from EXEC and scripts, whose
            // own code holds none either (released in batches there)
            keyspace.releaseViews();
        }
        c.lastCmd = cmd.fullName;
        if (monitored && !cmd.has(Command.SKIP_MONITOR) && !cmd.has(Command.ADMIN)) {
            feedMonitors(c);
        }
        if (c.blocked != null) {
            propagation.afterCall(c, false); // what it did before blocking (an expired key's DEL) still goes
            return; // as in Redis 7.2, a blocked command is counted once it completes (BlockingKeys)
        }
        boolean unit = ctx.propagatedAsUnit;
        ctx.propagatedAsUnit = false; // EXEC, scripts: their commands propagated, the calling command does not
        propagation.afterCall(c, !unit && keyspace.dirty > dirtyBefore); // SAVE resets dirty: not a change
        long mark = errorMark > errorsBefore && errorMark <= stats.totalErrorReplies ? errorMark : errorsBefore;
        // greater, not different: CONFIG RESETSTAT zeroes the count during its own call (Redis: a positive delta)
        commandDone(c, cmd, usec, stats.totalErrorReplies > mark);
        errorMark = stats.totalErrorReplies;
    }

    /**
     * The error count when the last command completed or a command a script called was refused (Redis's
     * prev_err_count, which incrCommandStatsOnError moves): a command fails when errors were counted after it, so
     * an error of a command run inside EXEC or a script is that command's failure, not also EXEC's or EVAL's.
     */
    public long errorMark;

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
            slowlog.add(c, usec, keyspace.cmdTimeMs / 1000, slowlogMaxLen);
        }
        if (latencyThreshold > 0 && usec / 1000 >= latencyThreshold) {
            latency.add(cmd.has(Command.FAST) ? "fast-command" : "command", keyspace.cmdTimeMs / 1000, usec / 1000);
        }
        if (c.replyMode == Client.REPLY_SKIP) {
            c.repliesOn();
        } else if (c.replyMode == Client.REPLY_SKIP_NEXT) {
            c.replyMode = Client.REPLY_SKIP;
        }
    }

    private void feedMonitors(Client c) {
        StringBuilder b = new StringBuilder("+");
        // One reading of the wall clock to the microsecond, as Redis's gettimeofday: a millisecond clock with the
        // microseconds of System.nanoTime() added went backwards within a millisecond (lines out of order).
        java.time.Instant now = java.time.Instant.now();
        int micros = now.getNano() / 1000;
        b.append(now.getEpochSecond()).append('.');
        for (int d = 100_000; d > 1 && micros < d; d /= 10) {
            b.append('0');
        }
        b.append(micros);
        b.append(" [").append(c.dbIndex).append(' ').append(c.unix ? "unix:" + c.laddr : c.addr).append("]");
        long redacted = Redaction.mask(c);
        for (int i = 0; i < c.argc; i++) {
            b.append(' ');
            if (Redaction.redacted(redacted, i)) {
                b.append("\"(redacted)\"");
                continue;
            }
            SdsArgs.repr(b, c.argBuf, c.argOff[i], c.argLen[i]);
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

    // ---- keyspace access: thin forms of the keyspace API taking a command argument as the key

    /** {@link Keyspace#lookupRead} of argument arg in c's database. */
    public Entry lookupRead(Client c, int arg) {
        return keyspace.lookupRead(c.db, c.argBuf, c.argOff[arg], c.argLen[arg], c.noTouch);
    }

    /** {@link Keyspace#lookupWrite} of argument arg in c's database. */
    public Entry lookupWrite(Client c, int arg) {
        return keyspace.lookupWrite(c.db, c.argBuf, c.argOff[arg], c.argLen[arg], c.noTouch);
    }

    /** {@link Keyspace#lookupQuiet}. */
    public Entry lookupQuiet(Db db, byte[] b, int off, int len) {
        return keyspace.lookupQuiet(db, b, off, len);
    }

    /** Whether a value of this integer would be a shared object in Redis (OBJECT REFCOUNT 2147483647). */
    public boolean sharedInteger(long v) {
        return v >= 0 && v < 10000 && !noSharedIntegers;
    }

    /** Slow cycle (from the cron): up to 25% of a cron period. Fast cycle: 1 ms, from before each poll. */
    public void activeExpireCycle(boolean fast) {
        keyspace.activeExpireCycle(fast, hz);
    }

    // ---- cron

    /** Redis's serverCron: runs hz times per second on the event loop. */
    public void cron() {
        // as Redis re-arms its SIGALRM first thing in serverCron, even with the cron paused; not while a replica's
        // blocking load runs (its own thread here; Redis's main thread is inside the load, where only
        // whileBlockedCron runs, which does not re-arm): a load longer than the period logs the watchdog's block
        if (watchdog.enabled() && (replication == null || replication.loadingState() != 1)) {
            watchdog.arm();
        }
        long now = System.currentTimeMillis();
        updateClock(now);
        if (pauseCron) {
            return; // DEBUG PAUSE-CRON 1: no cron work (expiry, client timeouts and limits, stats) until resumed
        }
        stats.sample(now);
        loop.clientsCron(now);
        if (memory != null) {
            memory.cron(now);
        }
        activeExpireCycle(false);
        if (persistence != null) {
            persistence.cron(now);
        }
        if (durability != null) {
            durability.cron();
        }
        if (replication != null) {
            replication.cron(now);
        }
        if (cluster != null) {
            cluster.cron(now);
        }
        if (pubsub.trackingClients() != 0) {
            // as Redis's serverCron: the tracking table is also held to tracking-table-max-keys while idle (a CONFIG
            // SET that lowers it takes effect without another command); no client is current there (Redis's
            // current_client is NULL), so a NOLOOP client is told too
            Client was = current;
            current = null;
            pubsub.beforeCommand();
            current = was;
        }
        if (config.getBool("activerehashing")) {
            rehashOneDb();
        }
        keyspace.defragCron(hz);
        if (pauseEndMs != 0 && now >= pauseEndMs) {
            unpause();
        }
        if (modeCron != null) {
            modeCron.run();
        }
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

    /** The server became a replica or a master (Redis calls setOOMScoreAdj in replicationSetMaster/UnsetMaster). */
    public void roleChanged() {
        oomScoreAdj.apply(this);
    }

    public void unpause() {
        pauseEndMs = 0;
        loop.resumePaused();
    }

    /** INFO used_memory (see evict.MemoryLimits); the JVM heap in use before the memory manager is wired. */
    public long usedMemory() {
        if (memory != null) {
            return memory.usedMemory();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
