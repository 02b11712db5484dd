package io.cinnabar.server.internal.warmup;

import io.cinnabar.resp.ReplyDecoder;
import io.cinnabar.resp.ReplyVisitor;
import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.persist.DurableFiles;
import io.cinnabar.server.internal.persist.rdb.RdbFileSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The launcher's JIT warm-up ({@code cinnabar-jit-warmup yes}, issue #12): before the user's server exists, private
 * servers are assembled in this JVM from a default configuration, one after the other, each listening on an ephemeral
 * 127.0.0.1 port, and a small loopback client drives the request path through them; then the warm-up waits until the
 * compiler queues hold no method of the server (so what the rounds made hot is compiled by C2), and collects the
 * garbage it made. Without it, the first ~250k requests after a start run the network path (selector wake-up, read,
 * RESP parse, dispatch, command, reply encoding, write) in the interpreter and C1, which is where the set phase's max
 * and most of its p99 came from.
 * <h2>What runs</h2>
 * Three private servers ({@code SERVERS}), each with a third of the commands: what a fresh server does once (the first
 * latency histogram of a command, a table's first bucket chunk, a database never written) is profiled too, so the code
 * compiled for the first one does not fall back to the interpreter at the user's first commands ("unstable if"
 * deoptimizations, seen with {@code -Xlog:deoptimization=debug} when there was one server). Eight connections per server, three pipelined 16 deep (redis-benchmark's {@code -P 16}; one of them in RESP3 after
 * {@code HELLO 3}), three 4 deep, one sending one command at a time, one reading an empty database one command at a
 * time. A round writes every connection's batch, then reads every reply; each command's reply is checked to be
 * complete (its content is not: a warm-up serves nobody). The commands are the common ones: PING (inline too), SET
 * (int, embstr and raw values, one byte to 1000, with EX), GET (hits and misses), INCR, DEL, EXPIRE,
 * HSET/HGET/HGETALL, LPUSH/RPOP, SADD, ZADD/ZSCORE, MGET/MSET, EXISTS, over 4096 keys ({@code KEYS}) per type of one to
 * 40 bytes, a quarter of the names in lower case (as redis-cli sends what is typed), so the tables rehash and values
 * are overwritten in place and moved; one command in a hundred is what clients send besides data (CONFIG GET, CLIENT
 * SETNAME, INFO, SELECT) or an error ({@link #rare}). Each round also connects, sends one command and closes
 * ({@link #churn}: the accept and close paths), and the private servers' cron runs at {@code hz 500}
 * ({@link #CRON_HZ}). Each server first fills database 0 past load 3/4 of a whole bucket chunk with DEBUG POPULATE
 * (where a growth's slab is prepared), and the first one slow-logs every command.
 * Once the compiler queues drained, further servers (at most {@code MAX_EXTRA_PASSES}) run a sixth of the commands
 * each, the queues drained after each, until one pass compiles less than {@code SETTLED_COMPILE_MS}: with C2's queue
 * long during the first pass its thresholds were scaled up (tiered load feedback), and the per-event network methods
 * (EventLoop.read/write/handle, the selector) and much of the command path were left at tier 3 until the user's
 * first requests. Even so, the event loop's own methods, which run once per ready socket or loop turn rather than
 * per command, stayed at tier 3 (jcmd Compiler.codelist after four starts, session 12): the launcher's options add
 * {@code -XX:CompileCommand=CompileThresholdScaling,io.cinnabar.server.internal.net.EventLoop::*,0.1} with the
 * warm-up (bin/lib/java-opts.sh); a JVM started otherwise should add it too. An {@link Odd} client covers the
 * request path's less common shapes (a command split across reads, a reply left pending).
 * Without these, the user's first slow command (DEBUG POPULATE), redis-benchmark's CONFIG GET and the first table
 * nearing a big growth each took a branch C2 had compiled as never taken: Server.call, processCommand and the table's
 * add path were deoptimized and recompiled during the benchmark's first million requests (session 11,
 * {@code -Xlog:deoptimization=debug} and {@code -XX:+PrintCompilation} of bench/latency.sh's sequence).
 * <h2>Why nothing leaks into the user's server</h2>
 * Everything a Redis client can observe is per server: client ids, INFO stats and commandstats, the latency monitor
 * and histograms, slowlog, keyspace notifications, the keyspace and its off-heap allocators, the AOF and replication
 * streams live in the private servers' objects, which are dropped. Their log goes nowhere, they load and save no file,
 * install no signal handler and set no oom-score-adj ({@code Server.started()} is never called), and they are stopped
 * with their threads (loop named {@code cinnabar-jit-warmup}, lazy-free worker) before the user's server is created,
 * so none appears in a later crash report or thread dump. What is per process stays shared, as in any JVM: the
 * compiled code (the point), RSS, the CPU time of INFO cpu; the heap in use and the direct memory go back to what they
 * were by a collection at the end ({@code collect}). {@code JitWarmupTest} compares a server started with and
 * without it.
 * <h2>In the background</h2>
 * With {@code cinnabar-jit-warmup background} (bin/cinnabar-server's default for a standalone server) a smaller run,
 * {@link Plan#LEAN} (one private server, a fifth of the commands, no replica sync, no further pass), happens while
 * the user's server already serves ({@link #run(Plan, long, long, Pacer)}, from the launcher's
 * {@code cinnabar-jit-warmup-driver} thread): each round and replica sync first waits on a {@link Pacer} until the
 * user's server has run no command for 50 ms, there is no final collection (a pause its clients would see: the
 * young generation collects the garbage in its turn), and an interrupt (the embedded server's close) stops the run
 * with its private server. The per-server isolation above holds all the same: the two servers share nothing a client
 * can see, only the JVM (its cores, heap and compiled code).
 * <p><b>Note:</b> This class is threadsafe: {@link #run} uses only objects it creates.
 */
public final class JitWarmup {
    static final int CONNECTIONS = 8;
    /** Commands per batch of each connection: the first three as redis-benchmark's -P 16, then -P 4, then single. */
    private static final int[] DEPTHS = {16, 16, 16, 4, 4, 4, 1, 1};
    static final int KEYS = 4096;
    /** Keys DEBUG POPULATE puts in each server's database 0 first: past 3/4 of an 8192-bucket table. */
    static final int POPULATE = 7000;
    private static final long POLL_MS = 20;
    private static final long GC_WAIT_MS = 500;
    /**
     * Private servers run one after the other, each with its share of the commands: what a fresh server does once
     * (a command's first latency histogram, a table's first bucket chunk, a first connection) is profiled too, so
     * the code compiled for the warm-up's servers does not fall back to the interpreter on the user's first
     * commands (an "unstable if" deoptimization).
     */
    static final int SERVERS = 3;
    /** Each further pass (after the compiler queues drained) runs this fraction of the commands: 1/6. */
    static final int EXTRA_PASS_SHARE = 6;
    /**
     * At most this many further passes (system property {@code cinnabar.jitWarmup.extraPasses}, default 2: each
     * pass after the second still compiled 0.4-0.8 s, mostly code recompiled for a new server instance).
     */
    static final int MAX_EXTRA_PASSES = Integer.getInteger("cinnabar.jitWarmup.extraPasses", 2);
    /** A further pass whose compilations took less than this (ms, all compiler threads) ends the warm-up. */
    static final long SETTLED_COMPILE_MS = 30;
    /** The last connection (one command at a time) is replaced by a new one every this many rounds. */
    private static final int RECONNECT_ROUNDS = 32;
    /** The odd client ({@code Odd}) runs one of its rounds every this many rounds. */
    private static final int ODD_ROUNDS = 8;
    /**
     * The private servers' {@code hz} (system property {@code cinnabar.jitWarmup.hz}, default 500, Redis's highest):
     * the cron's code compiled before the user's server exists.
     */
    static final int CRON_HZ = Integer.getInteger("cinnabar.jitWarmup.hz", 500);
    /**
     * Rounds per short-lived connection ({@link #churn}: connect, one command, close; system property
     * {@code cinnabar.jitWarmup.churnRounds}, default every round). Clients come and go at every benchmark start
     * and with every connection pool: before, the accept and close paths ran a few hundred times in
     * the warm-up and were compiled by C2 at the user's first connections (50 at once for redis-benchmark), in the
     * middle of the first requests ({@code -XX:+PrintCompilation} of bench/latency.sh's set phase, session 15).
     * About 6 300 connections per start (the log line counts them): most end in TIME_WAIT on the warm-up's side for
     * a minute, out of the 28 000 ephemeral ports of Linux's default range, which Linux reuses for new loopback
     * connections anyway ({@code net.ipv4.tcp_tw_reuse} 2, the default).
     */
    static final int CHURN_ROUNDS = Math.max(1, Integer.getInteger("cinnabar.jitWarmup.churnRounds", 1));
    /** The first server's slow log takes every command for this fraction of its rounds: 1/4. */
    private static final int SLOWLOG_SHARE = 4;
    private static final byte[] SELECT_1 = command("SELECT", "1");
    /** Distinct pre-encoded batches a connection cycles through. */
    private static final int BATCHES = 128;

    /**
     * What a run did: commands answered, the wall time of the command rounds, then of the wait for the compiler
     * queues, and whether they drained (false: the bound was reached, or the JVM cannot tell), the wall time of the
     * final collection (-1: none, the background warm-up's), the diskless
     * full syncs the private servers streamed to the warm-up's replica readers, and
     * the short-lived connections ({@link #churn}) they accepted and closed.
     */
    public record Result(long commands, long nanos, long drainNanos, boolean drained, long gcNanos, long syncs,
            long connections) {
    }

    /**
     * How much a run does: about {@code commands} commands over {@code servers} private servers, at most
     * {@code extraPasses} further passes once the compiler queues drained, {@code syncs} replica full syncs per
     * server, a short-lived connection every {@code churnRounds} rounds.
     */
    public record Plan(long commands, int servers, int extraPasses, int syncs, int churnRounds) {
        public Plan {
            if (commands < 0 || servers < 1 || extraPasses < 0 || syncs < 0 || churnRounds < 1) {
                throw new IllegalArgumentException("a warm-up plan of nothing: " + commands + "/" + servers);
            }
        }

        /**
         * The warm-up before the listener ({@code cinnabar-jit-warmup yes}): everything the class comment lists,
         * about 4 s of CPU.
         */
        public static Plan full(long commands) {
            return new Plan(commands, SERVERS, MAX_EXTRA_PASSES, Syncer.SYNCS, CHURN_ROUNDS);
        }

        /**
         * The background warm-up ({@code cinnabar-jit-warmup background}, bin/cinnabar-server's default for a
         * standalone server): one private server, 60 000 commands, no replica sync and no further pass, a short
         * connection every 64 rounds: 1.4-2 s of wall time and about 2 s of CPU, so that a server warms up in the
         * moment between its start and its load. {@code full} makes more garbage (the young generation, filled, and
         * its survivors stay in RSS) and takes 7-9 s of CPU; the measurements behind the choice are in the server
         * README ("JIT warm-up in the background").
         */
        public static final Plan LEAN = new Plan(60_000, 1, 0, 0, 64);
    }

    private JitWarmup() {
    }

    /**
     * Runs about {@code commands} commands through a private server, then stops it.
     *
     * @param maxNanos a bound on the wall time of the command rounds (a loaded machine stops early)
     * @param maxDrainNanos a bound on the wait for the compilations the rounds queued ({@code awaitCompilations})
     * @throws IOException when the private server cannot listen or a connection fails (it is stopped all the same)
     */
    public static Result run(long commands, long maxNanos, long maxDrainNanos) throws IOException,
            InterruptedException {
        return run(Plan.full(commands), maxNanos, maxDrainNanos, Pacer.NONE);
    }

    /**
     * Runs about {@code commands} commands through private servers as {@link #run(long, long, long)} does, waiting
     * on {@code pacer} before each round and replica sync: with a pacer other than {@link Pacer#NONE} (the background
     * warm-up, while the user's server serves) there is no final collection (the result's gcNanos is -1).
     *
     * @param maxNanos a bound on the wall time of the command rounds, the pacer's waits included
     */
    public static Result run(long commands, long maxNanos, long maxDrainNanos, Pacer pacer) throws IOException,
            InterruptedException {
        return run(Plan.full(commands), maxNanos, maxDrainNanos, pacer);
    }

    /**
     * Runs the plan's commands through private servers as {@link #run(long, long, long, Pacer)} does.
     *
     * @param maxNanos a bound on the wall time of the command rounds, the pacer's waits included
     */
    public static Result run(Plan plan, long maxNanos, long maxDrainNanos, Pacer pacer) throws IOException,
            InterruptedException {
        long commands = plan.commands();
        long directBefore = directMemoryUsed();
        Batches[] work = new Batches[CONNECTIONS];
        SplittableRandom rnd = new SplittableRandom(12);
        for (int i = 0; i < CONNECTIONS; i++) {
            work[i] = batches(rnd, DEPTHS[i], i == CONNECTIONS - 1);
        }
        long deadline = System.nanoTime() + maxNanos;
        long[] done = new long[4];
        for (int i = 0; i < plan.servers() && System.nanoTime() < deadline; i++) {
            long[] d = oneServer(i, plan, work, commands / plan.servers(), deadline, pacer);
            done[0] += d[0];
            done[1] += d[1];
            done[2] += d[2];
            done[3] += d[3];
        }
        preload();
        long t0 = System.nanoTime();
        long drainDeadline = t0 + maxDrainNanos;
        boolean drained = awaitCompilations(maxDrainNanos);
        long drainNanos = System.nanoTime() - t0;
        // short further passes, each drained, until one compiles little: C2's thresholds grow with the length of its
        // queue (tiered load feedback), so after the first pass the per-event network methods (EventLoop.read/
        // write/handle, the selector) were still at tier 3 and much of the command path was compiled by C2 only in
        // the user's first requests
        for (int pass = 0; pass < plan.extraPasses() && drained && System.nanoTime() < deadline; pass++) {
            long compiledBefore = compilationMillis();
            long[] d = oneServer(plan.servers() + pass, plan, work, commands / EXTRA_PASS_SHARE, deadline, pacer);
            done[0] += d[0];
            done[1] += d[1];
            done[2] += d[2];
            done[3] += d[3];
            long t2 = System.nanoTime();
            drained = awaitCompilations(Math.max(0, drainDeadline - t2));
            drainNanos += System.nanoTime() - t2;
            if (compilationMillis() - compiledBefore < SETTLED_COMPILE_MS) {
                break;
            }
        }
        if (pacer != Pacer.NONE) {
            return new Result(done[0], done[1], drainNanos, drained, -1, done[2], done[3]); // no pause while it serves
        }
        long t1 = System.nanoTime();
        collect(directBefore);
        return new Result(done[0], done[1], drainNanos, drained, System.nanoTime() - t1, done[2], done[3]);
    }

    /**
     * Loads, links and initializes the classes a user's first file BGSAVE or SAVE needs, which the rounds never reach
     * (the private servers write no file). Loaded on the event loop, a class can change the class hierarchy the
     * compiled request path assumed (one implementation of an interface), and the deoptimization's handshake waits
     * for every thread, including one zeroing a keyspace growth's slab (160-320 ms on session 16's machine for
     * another such class).
     * Found with {@code -Xlog:class+load} over bench/latency.sh after a warm-up start: the bgsave phase loaded
     * RdbFileSink (with the exception classes its methods catch) at the save's start and DurableFiles with
     * StandardCopyOption at its end (the JDK's own classes loaded by the first fsync and rename are left to them).
     */
    private static void preload() {
        for (Class<?> c : new Class<?>[] {RdbFileSink.class, DurableFiles.class, StandardCopyOption.class}) {
            try {
                Class.forName(c.getName(), true, JitWarmup.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e); // the class literal has loaded it already
            }
        }
    }

    /**
     * A full collection, then a wait (at most 500 ms) until the direct memory in use is back to what
     * it was before the warm-up: the private servers' slabs (direct buffers, freed by their cleaners after the
     * collection) and heap leave with them, so the user's server starts with the heap and direct memory of a JVM that
     * ran no warm-up (INFO used_memory_heap; the allocator's direct-memory guard under a small
     * -XX:MaxDirectMemorySize). It runs before the user's server exists: the pause stops nobody.
     */
    private static void collect(long directBefore) throws InterruptedException {
        System.gc();
        long deadline = System.nanoTime() + GC_WAIT_MS * 1_000_000;
        while (directMemoryUsed() > directBefore && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Compilation time so far (ms, every compiler thread), or 0 when the JVM does not tell. */
    private static long compilationMillis() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }

    /**
     * Gives the C library's free heap memory back to the kernel (HotSpot's {@code System.trim_native_heap}
     * diagnostic command, glibc's malloc_trim, through the platform MBean server): the arenas the compiler threads
     * freed (HotSpot hands their chunks back to the C library five seconds after their last use) stay resident
     * otherwise. {@code jcmd PID System.trim_native_heap} on a fresh server some seconds after the background
     * warm-up: 143 -> 125 MB of RSS (session 19). Not for a process the launcher does not own: the trim holds the
     * C library's arena locks while it walks them, which would stall an embedding JVM's own threads.
     *
     * @return the command's report ("Trim native heap: RSS+Swap: 143M->125M (-18068K)"), or null where the JVM has
     *     no such command or the platform cannot trim
     */
    public static String trimNativeHeap() {
        try {
            String out = diagnosticCommand("systemTrimNativeHeap").strip();
            return out.startsWith("Trim native heap:") ? out : null;
        } catch (javax.management.JMException | RuntimeException e) {
            return null; // not HotSpot, or jdk.management left out of the runtime image
        }
    }

    /**
     * One of HotSpot's diagnostic commands with no argument, by its MBean operation name ({@code compilerQueue} for
     * {@code jcmd PID Compiler.queue}), through the platform MBean server: its text.
     *
     * @throws javax.management.JMException (or a RuntimeException) where the JVM has no such command
     */
    private static String diagnosticCommand(String operation) throws javax.management.JMException {
        javax.management.MBeanServer mbs = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName dcmd = new javax.management.ObjectName(
            "com.sun.management:type=DiagnosticCommand");
        return String.valueOf(mbs.invoke(dcmd, operation, new Object[] {null},
            new String[] {String[].class.getName()}));
    }

    private static long directMemoryUsed() {
        for (java.lang.management.BufferPoolMXBean b
                : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        return 0;
    }

    /**
     * Waits until no method of this server is queued for or being compiled and C2's queue is empty
     * ({@link #c2QueueEmpty}; HotSpot's {@code Compiler.queue} diagnostic command, through the platform MBean
     * server), polling every 20 ms for at most
     * maxNanos: what the command rounds made hot is then compiled before the user's server exists. False when the
     * bound was reached or the JVM has no such command (then the rounds alone did the work).
     */
    static boolean awaitCompilations(long maxNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxNanos;
        try {
            while (true) {
                String queue = diagnosticCommand("compilerQueue");
                if (!queue.contains("io.cinnabar.") && c2QueueEmpty(queue)) {
                    return true;
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(POLL_MS);
            }
        } catch (javax.management.JMException | RuntimeException e) {
            return false; // not HotSpot, or jdk.management left out of the runtime image
        }
    }

    /**
     * Whether Compiler.queue's text shows an empty C2 queue. Not only the server's methods: C2's thresholds grow
     * with the length of its queue whatever it holds (a scale of about 19 with 53 JDK methods queued, seen with
     * {@code -XX:+PrintTieredEvents}), which kept the per-event network methods at tier 3 through the second pass.
     */
    static boolean c2QueueEmpty(String queue) {
        int at = queue.indexOf("C2 compile queue:");
        if (at < 0) {
            return true; // no C2 (a client VM, -XX:TieredStopAtLevel=1): nothing to wait for
        }
        String rest = queue.substring(at + "C2 compile queue:".length()).strip();
        return rest.startsWith("Empty");
    }

    /**
     * One private server from a default configuration on an ephemeral 127.0.0.1 port, driven by the connections'
     * batches, then stopped with every thread it made: {commands answered, wall nanoseconds}.
     */
    private static long[] oneServer(int index, Plan plan, Batches[] work, long commands, long deadline,
            Pacer pacer) throws IOException, InterruptedException {
        Config config = new Config();
        try {
            // the first server logs every command to its slow log and has the latency monitor on: the slow-log and
            // latency branches of a completed command are then compiled in, not uncommon traps that the user's
            // first slow command (a DEBUG POPULATE, a KEYS) or CONFIG SET latency-monitor-threshold takes,
            // deoptimizing Server.call and everything it inlined
            ConfigFile.load(config, null, ConfigFile.optionsToText(List.of("--port", "0", "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--cinnabar-jit-warmup", "no", "--enable-debug-command", "yes",
                "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
                "--slowlog-log-slower-than", index == 0 ? "0" : "10000",
                // the cron at Redis's highest frequency: at the default 10 runs a second the warm-up's few seconds
                // left clientsCron, the databases' cron and the memory accounting walk interpreted or at tier 3,
                // compiled (and their compile requests queued from the event loop) during the user's first minute
                "--hz", Integer.toString(CRON_HZ),
                "--latency-monitor-threshold", index == 0 ? "1" : "0")));
        } catch (ConfigFile.FatalConfigError e) {
            throw new IllegalStateException("the warm-up's own options were refused", e);
        }
        Assembly a = Assembly.create(config, new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        a.loop().threadName("cinnabar-jit-warmup");
        try {
            a.loop().listen(true);
        } catch (IOException e) {
            a.discardUnstarted();
            throw e;
        }
        a.loop().start();
        try {
            if (index >= plan.servers()) {
                // a further pass: the private server's own start queued compilations (configuration, assembly);
                // with them compiled the queue is short while the request path runs (see c2QueueEmpty)
                awaitCompilations(Math.max(0, deadline - System.nanoTime()));
            }
            return drive(a.loop().port(), plan, work, commands, deadline, pacer);
        } finally {
            // stopped whole even when the warm-up was interrupted (a background one whose server closed): the
            // interrupt is set aside for the joins, then restored
            boolean interrupted = Thread.interrupted();
            try {
                a.discard();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The command rounds against port: {commands answered, wall nanoseconds}. */
    private static long[] drive(int port, Plan plan, Batches[] work, long commands, long deadline, Pacer pacer)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        List<Conn> conns = new ArrayList<>();
        Syncer syncer = null;
        try {
            // a keyspace table of a whole bucket chunk past load 3/4 (where a growth's slab is prepared) before the
            // mix: 7000 keys of DEBUG POPULATE in database 0
            call(port, command("DEBUG", "POPULATE", Integer.toString(POPULATE), "warm", "8"));
            for (int i = 0; i < work.length; i++) {
                conns.add(new Conn(port, work[i], i == 0 ? command("HELLO", "3")
                    : i == work.length - 1 ? SELECT_1 : null));
            }
            if (plan.syncs() > 0) { // the lean plan starts no replica reader thread
                syncer = new Syncer(port, plan.syncs(), pacer, deadline);
                syncer.start();
            }
            Odd odd = new Odd(port);
            conns.add(odd.conn);
            ByteBuffer churnIn = ByteBuffer.allocate(64);
            long churned = 0;
            long done = 0;
            boolean slowLogEverything = true;
            for (long round = 1; done < commands && System.nanoTime() < deadline; round++) {
                if (slowLogEverything && done >= commands / SLOWLOG_SHARE) {
                    // the first server's slow log took every command so far: enough for its branch to be compiled
                    // in, and each entry is garbage once 128 newer ones replaced it (9 MB for the lean plan's
                    // 60 000 commands, which the young generation held with the rest: RSS right after a start)
                    call(port, command("CONFIG", "SET", "slowlog-log-slower-than", "10000"));
                    done++;
                    slowLogEverything = false;
                }
                if (!pacer.awaitQuiet(deadline)) {
                    break;
                }
                for (int i = 0; i < work.length; i++) {
                    conns.get(i).send();
                }
                for (int i = 0; i < work.length; i++) {
                    done += conns.get(i).receive();
                }
                if (round % ODD_ROUNDS == 0) {
                    done += odd.round(conns.get(0), round / ODD_ROUNDS);
                }
                if (round % plan.churnRounds() == 0) {
                    churn(port, round / plan.churnRounds(), churnIn);
                    done++;
                    churned++;
                }
                if (round % RECONNECT_ROUNDS == 0) {
                    // clients come and go: the close path (a read of -1, the deregistration) is profiled with the
                    // rest instead of being a never-taken branch that each private server's end deoptimizes
                    int last = work.length - 1;
                    Conn closed = conns.get(last);
                    closed.ch.close();
                    conns.set(last, new Conn(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)), work[last],
                        SELECT_1, closed.in));
                }
            }
            if (syncer != null) {
                syncer.finish();
            }
            return new long[] {done, System.nanoTime() - t0, syncer == null ? 0 : syncer.completed, churned};
        } finally {
            if (syncer != null) {
                syncer.finish(); // again after a normal end (harmless); after an interrupt or a failed round, first
            }
            for (Conn c : conns) {
                c.ch.close();
            }
        }
    }

    /**
     * A replica's full synchronizations, two one after the other while the rounds run: REPLCONF capa eof, PSYNC ? -1,
     * the diskless RDB stream read to its EOF mark and dropped. It compiles what a BGSAVE or a replica's sync runs
     * (the snapshot walk, RDB encoding with LZF, copy-before-write under the rounds' writes, the writer thread)
     * without a file: the first BGSAVE after a warm-up start otherwise spent 0.5 s of C2 in the benchmark's bgsave
     * phase (its p99.9). The private server syncs with no disk (repl-diskless-sync, delay 0).
     */
    private static final class Syncer extends Thread {
        /** Synchronizations per private server: each walks the whole keyspace (tens of thousands of keys). */
        static final int SYNCS = 8;
        private final int port;
        private final int syncs;
        private final Pacer pacer;
        private final long deadline;
        private volatile boolean stop;
        private volatile SocketChannel ch;
        /** Synchronizations read to their end (read after {@link #finish}). */
        volatile long completed;

        Syncer(int port, int syncs, Pacer pacer, long deadline) {
            super("cinnabar-jit-warmup-sync");
            setDaemon(true);
            this.port = port;
            this.syncs = syncs;
            this.pacer = pacer;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            for (int i = 0; i < syncs && !stop; i++) {
                try {
                    if (!pacer.awaitQuiet(deadline)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return; // finish(): the rounds are over
                }
                try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    ch = c;
                    if (stop) {
                        return;
                    }
                    syncOnce(c);
                    completed++;
                } catch (IOException e) {
                    return; // the server is stopping, or refused: the warm-up goes on without it
                }
            }
        }

        private static void syncOnce(SocketChannel c) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(command("REPLCONF", "capa", "eof", "capa", "psync2"));
            while (out.hasRemaining()) {
                c.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            String ok = line(c, in);
            if (!ok.startsWith("+OK")) {
                throw new IOException("REPLCONF refused: " + ok);
            }
            out = ByteBuffer.wrap(command("PSYNC", "?", "-1"));
            while (out.hasRemaining()) {
                c.write(out);
            }
            String full = line(c, in);
            if (!full.startsWith("+FULLRESYNC")) {
                throw new IOException("no full sync: " + full);
            }
            String head = line(c, in);
            if (!head.startsWith("$EOF:") || head.length() != 5 + 40) {
                throw new IOException("not a diskless transfer: " + head);
            }
            byte[] mark = head.substring(5).getBytes(StandardCharsets.US_ASCII);
            byte[] tail = new byte[40];
            long seen = 0;
            while (true) { // the stream's last 40 bytes are the mark
                in.flip();
                while (in.hasRemaining()) {
                    tail[(int) (seen++ % 40)] = in.get();
                }
                in.clear();
                if (seen >= 40 && endsWith(tail, seen, mark)) {
                    return;
                }
                if (c.read(in) < 0) {
                    throw new IOException("the sync stream ended early");
                }
            }
        }

        private static boolean endsWith(byte[] ring, long seen, byte[] mark) {
            for (int i = 0; i < 40; i++) {
                if (ring[(int) ((seen - 40 + i) % 40)] != mark[i]) {
                    return false;
                }
            }
            return true;
        }

        /** One line (without CRLF), skipping the newlines a master sends while it prepares a transfer. */
        private static String line(SocketChannel c, ByteBuffer in) throws IOException {
            StringBuilder b = new StringBuilder();
            while (true) {
                in.flip();
                while (in.hasRemaining()) {
                    char ch = (char) (in.get() & 0xff);
                    if (ch == '\n') {
                        if (b.length() > 0) {
                            in.compact();
                            return b.toString();
                        }
                    } else if (ch != '\r') {
                        b.append(ch);
                    }
                }
                in.clear();
                if (c.read(in) < 0) {
                    throw new IOException("connection closed");
                }
            }
        }

        void finish() {
            stop = true;
            SocketChannel c = ch;
            try {
                if (c != null) {
                    c.close(); // ends a transfer in progress
                }
                interrupt(); // ends a wait on the pacer
                join(10_000);
            } catch (IOException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * A client as the benchmark's and the user's clients sometimes are, which a warm-up of whole pipelined batches
     * read at once never is: a command that arrives in two reads (no reply is pending after the first), a command
     * larger than the query buffer (processInput grows it), and replies larger than the socket takes (a receive
     * buffer of 4 KiB: the write is left pending and finished on OP_WRITE). Each is a branch C2 would compile as never
     * taken, which the user's first such read or write deoptimizes, recompiling the event loop's request path under
     * load ({@code -Xlog:deoptimization=debug} of bench/latency-threads.sh, session 12).
     */
    private static final class Odd {
        private static final int BIG_VALUE = 20_000;
        private static final int BIG_GETS = 4;
        private static final byte[] SPLIT = command("SET", "warm:odd", VALUE100);
        private static final byte[] PING = command("PING");
        private static final byte[] BIG;

        static {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(command("SET", "warm:big", "b".repeat(BIG_VALUE)));
            for (int i = 0; i < BIG_GETS; i++) {
                out.writeBytes(command("GET", "warm:big"));
            }
            BIG = out.toByteArray();
        }

        final Conn conn;

        Odd(int port) throws IOException {
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // before connecting: the window stays small
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            conn = new Conn(ch, new Batches(new byte[0][], new int[0]), null);
        }

        /** The n-th odd round (one in four big, the others split), using other (idle then) to pace the split. */
        int round(Conn other, long n) throws IOException {
            if ((n & 3) != 0) {
                int half = SPLIT.length / 2;
                conn.write(SPLIT, 0, half);
                // PING's reply on another connection means the loop went through a select after the first half
                // arrived: it was read alone, as an incomplete command
                other.write(PING, 0, PING.length);
                other.receive(1);
                conn.write(SPLIT, half, SPLIT.length - half);
                conn.receive(1);
                return 2;
            }
            conn.write(BIG, 0, BIG.length);
            conn.receive(BIG_GETS + 1);
            return BIG_GETS + 1;
        }
    }

    private static final byte[] CHURN_PING = command("PING");
    private static final byte[] CHURN_QUIT = command("QUIT");

    /**
     * One connection that sends one command and goes: three in four close from the client's side after PING's reply
     * (the server reads the end of the stream, as when redis-benchmark or a pool ends), the fourth sends QUIT (the
     * server closes after the reply). Not {@link #call}: its {@link Conn} takes a 64 KiB reply buffer, garbage 6 300
     * times per start; this reads the one short reply into the caller's buffer.
     */
    private static void churn(int port, long n, ByteBuffer in) throws IOException {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean quit = (n & 3) == 0;
            ByteBuffer out = ByteBuffer.wrap(quit ? CHURN_QUIT : CHURN_PING);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            int want = quit ? 5 : 7; // +OK\r\n, +PONG\r\n
            in.clear();
            while (in.position() < want) {
                if (ch.read(in) < 0) {
                    throw new IOException("the warm-up server closed a connection");
                }
            }
            if (in.get(0) != '+' || in.position() != want) {
                throw new IOException("unexpected reply to a warm-up connection's " + (quit ? "QUIT" : "PING"));
            }
            if (quit) {
                in.clear();
                while (ch.read(in) >= 0) { // until the server's close
                    in.clear();
                }
            }
        }
    }

    /** Sends one command on a connection of its own and reads its reply. */
    private static void call(int port, byte[] command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            new Conn(ch, new Batches(new byte[0][], new int[0]), command);
        }
    }

    /** One loopback connection: its batches (pre-encoded, with their command counts) and a reply buffer. */
    private static final class Conn {
        final SocketChannel ch;
        final byte[][] batches;
        final int[] counts;
        final ByteBuffer in;
        /** Reused for every reply: the background warm-up's garbage should stay small (RSS right after a start). */
        private final ReplyDecoder decoder = new ReplyDecoder();
        /** The batches, wrapped once: send() makes no buffer per batch. */
        private final ByteBuffer[] wrappedBatches;
        int next;

        /** A connection that first sends setup (when not null) and reads its reply. */
        Conn(int port, Batches b, byte[] setup) throws IOException {
            this(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)), b, setup, ByteBuffer.allocate(1 << 16));
        }

        Conn(SocketChannel ch, Batches b, byte[] setup) throws IOException {
            this(ch, b, setup, ByteBuffer.allocate(1 << 16));
        }

        /** A connection reading into in (a closed connection's buffer: reconnects make no 64 KiB garbage). */
        Conn(SocketChannel ch, Batches b, byte[] setup, ByteBuffer in) throws IOException {
            this.ch = ch;
            this.in = in.clear();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            this.batches = b.bytes;
            this.counts = b.counts;
            this.wrappedBatches = new ByteBuffer[batches.length];
            for (int i = 0; i < batches.length; i++) {
                wrappedBatches[i] = ByteBuffer.wrap(batches[i]);
            }
            if (setup != null) {
                ByteBuffer out = ByteBuffer.wrap(setup);
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                receive(1);
            }
        }

        void send() throws IOException {
            ByteBuffer o = wrappedBatches[next].clear();
            while (o.hasRemaining()) {
                ch.write(o);
            }
        }

        void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(b, off, len); // the odd client's few writes: send() takes the rest
            while (out.hasRemaining()) {
                ch.write(out);
            }
        }

        int receive() throws IOException {
            int n = counts[next];
            next = (next + 1) % batches.length;
            receive(n);
            return n;
        }

        /** Reads until n complete replies arrived (the server answers in order and sends nothing else). */
        void receive(int n) throws IOException {
            int got = 0;
            int pos = 0;
            while (got < n) {
                int end = skip(decoder, in.array(), pos, in.position());
                if (end < 0) {
                    if (!in.hasRemaining()) {
                        in.limit(in.position()).position(pos);
                        in.compact();
                        pos = 0;
                    }
                    if (ch.read(in) < 0) {
                        throw new IOException("the warm-up server closed a connection");
                    }
                } else {
                    pos = end;
                    got++;
                }
            }
            if (pos != in.position()) {
                throw new IOException("the warm-up server sent more replies than commands");
            }
            in.clear();
        }
    }

    /** Takes every reply event and keeps nothing: the warm-up only needs to know where a reply ends. */
    private static final ReplyVisitor IGNORE = new ReplyVisitor() {
        @Override public void simpleString(byte[] buf, int off, int len) { }
        @Override public void error(byte[] buf, int off, int len) { }
        @Override public void integer(long value) { }
        @Override public void bulkString(byte[] buf, int off, int len) { }
        @Override public void nullBulk() { }
        @Override public void nullArray() { }
        @Override public void nil() { }
        @Override public void doubleValue(double value) { }
        @Override public void bool(boolean value) { }
        @Override public void blobError(byte[] buf, int off, int len) { }
        @Override public void verbatim(byte[] buf, int formatOff, int off, int len) { }
        @Override public void bigNumber(byte[] buf, int off, int len) { }
        @Override public void beginArray(long count) { }
        @Override public void beginMap(long count) { }
        @Override public void beginSet(long count) { }
        @Override public void beginPush(long count) { }
        @Override public void beginAttribute(long count) { }
        @Override public void end() { }
        @Override public void beginStreamedString() { }
        @Override public void streamedStringChunk(byte[] buf, int off, int len) { }
        @Override public void endStreamedString() { }
    };

    /**
     * The end of the RESP2/RESP3 reply starting at pos in b[..limit), or -1 while it is incomplete (resp-codec's
     * {@link ReplyDecoder}, from the reply's start each time: warm-up code, not a hot path).
     */
    static int skip(byte[] b, int pos, int limit) {
        return skip(new ReplyDecoder(), b, pos, limit);
    }

    /** {@link #skip(byte[], int, int)} with a decoder of the caller's (reset first). */
    static int skip(ReplyDecoder d, byte[] b, int pos, int limit) {
        d.reset();
        int n = d.decode(b, pos, limit, IGNORE);
        return d.complete() ? pos + n : -1;
    }

    private record Batches(byte[][] bytes, int[] counts) {
    }

    /**
     * BATCHES batches of depth commands each, drawn from the mix, or from the reads of an empty database (a seeded
     * generator: every start runs the same).
     */
    private static Batches batches(SplittableRandom rnd, int depth, boolean emptyDbReads) {
        byte[][] bytes = new byte[BATCHES][];
        int[] counts = new int[BATCHES];
        for (int i = 0; i < BATCHES; i++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int j = 0; j < depth; j++) {
                out.writeBytes(emptyDbReads ? read(rnd) : mixed(rnd));
            }
            bytes[i] = out.toByteArray();
            counts[i] = depth;
        }
        return new Batches(bytes, counts);
    }

    private static final String VALUE32 = "x".repeat(32);
    private static final String VALUE100 = "v".repeat(100);
    private static final String VALUE1K = "r".repeat(1000);

    /**
     * A key of the keyspace: mostly {@code key:N} (as redis-benchmark's and DEBUG POPULATE's), also one letter and
     * long ones, so that hashing and comparing see every length class.
     */
    private static String key(SplittableRandom r, String prefix) {
        int n = r.nextInt(KEYS);
        int shape = r.nextInt(10);
        return shape < 7 ? prefix + n : shape < 8 ? prefix.substring(0, 1) + (char) ('a' + n % 26)
            : prefix + "session:0000000000000000:" + n;
    }

    /** One command of the mix: SET and GET dominate (as in the benchmarks), every other common command appears. */
    private static byte[] mixed(SplittableRandom r) {
        String k = key(r, "key:");
        int pick = r.nextInt(100);
        if (pick < 30) {
            int v = r.nextInt(20);
            return v < 11 ? command(r, "SET", k, VALUE32) : v < 14 ? command(r, "SET", k, Integer.toString(
                r.nextInt(100_000))) : v < 15 ? command(r, "SET", k, "a") : v < 17 ? command(r, "SET", k, VALUE100)
                : v < 18 ? command(r, "SET", k, VALUE1K) : command(r, "SET", k, VALUE32, "EX", "1000");
        } else if (pick < 55) {
            return command(r, "GET", r.nextInt(4) == 0 ? key(r, "miss:") : k);
        } else if (pick < 60) {
            return command(r, "INCR", key(r, "counter:"));
        } else if (pick < 62) {
            return command(r, "DEL", k);
        } else if (pick < 64) {
            return command(r, "EXPIRE", k, "1000");
        } else if (pick < 69) {
            return command(r, "HSET", key(r, "hash:"), "field" + r.nextInt(8), VALUE32);
        } else if (pick < 73) {
            return command(r, "HGET", key(r, "hash:"), "field" + r.nextInt(8));
        } else if (pick < 74) {
            return command(r, "HGETALL", key(r, "hash:"));
        } else if (pick < 79) {
            return command(r, "LPUSH", key(r, "list:"), VALUE32);
        } else if (pick < 84) {
            return command(r, "RPOP", key(r, "list:"));
        } else if (pick < 88) {
            return command(r, "SADD", key(r, "set:"), "member" + r.nextInt(64));
        } else if (pick < 92) {
            return command(r, "ZADD", key(r, "zset:"), Integer.toString(r.nextInt(1000)), "m" + r.nextInt(64));
        } else if (pick < 93) {
            return command(r, "ZSCORE", key(r, "zset:"), "m" + r.nextInt(64));
        } else if (pick < 95) {
            return command(r, "MGET", k, key(r, "key:"), key(r, "key:"));
        } else if (pick < 97) {
            return command(r, "MSET", k, VALUE32, key(r, "key:"), VALUE32);
        } else if (pick < 99) {
            return command(r, "PING");
        } else {
            return rare(r, k);
        }
    }

    /**
     * One in a hundred commands: what clients send besides data commands (redis-benchmark's CONFIG GET at its start,
     * a connection's CLIENT SETNAME, INFO), an inline command, error replies (wrong type, unknown command, wrong
     * arity). Each would otherwise reach code that C2 compiled as never taken and deoptimize the command path
     * (Server.processCommand's subcommand lookup, the failed-command count) at the user's first such command.
     */
    private static byte[] rare(SplittableRandom r, String k) {
        int pick = r.nextInt(20);
        return switch (pick) {
            case 0, 1, 2, 3, 4, 5, 6 -> "PING\r\n".getBytes(StandardCharsets.US_ASCII); // inline
            case 7, 8 -> command(r, "CONFIG", "GET", "appendonly");
            case 9 -> command(r, "CONFIG", "GET", "save");
            case 10 -> command(r, "CLIENT", "SETNAME", "warm" + r.nextInt(8));
            case 11 -> command(r, "CLIENT", "GETNAME");
            case 12 -> command(r, "INFO", "server");
            case 13, 14 -> command(r, "LPUSH", k, VALUE32); // WRONGTYPE when k holds a string
            case 15 -> command(r, "NOSUCHCOMMAND", k);
            case 16 -> command(r, "GET");
            case 17 -> command(r, "DBSIZE");
            case 18 -> command(r, "TYPE", k);
            default -> command(r, "SELECT", "0");
        };
    }

    /** A read of the empty database 1 (its tables were never written: no bucket chunk exists). */
    private static byte[] read(SplittableRandom r) {
        int pick = r.nextInt(5);
        String k = key(r, "key:");
        return pick == 0 ? command(r, "GET", k) : pick == 1 ? command(r, "EXISTS", k)
            : pick == 2 ? command(r, "HGET", k, "f") : pick == 3 ? command(r, "MGET", k, k) : command(r, "PING");
    }

    /** A command whose name is upper case, or (a quarter of them, as redis-cli sends what is typed) lower case. */
    private static byte[] command(SplittableRandom r, String name, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = r.nextInt(4) == 0 ? name.toLowerCase(java.util.Locale.ROOT) : name;
        System.arraycopy(args, 0, all, 1, args.length);
        return command(all);
    }

    /** A command as a RESP array of bulk strings. */
    static byte[] command(String... args) {
        StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
