package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.aof.AofWriter;
import io.cinnabar.resp.ReplyEncoder;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Durability;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.persist.BackgroundChild;
import io.cinnabar.server.internal.persist.FunctionStore;
import io.cinnabar.server.internal.persist.Snapshot;
import io.cinnabar.server.internal.persist.SnapshotOwner;
import io.cinnabar.server.internal.persist.TempFileSink;
import io.cinnabar.server.internal.propagate.PropagationConsumer;
import io.cinnabar.server.internal.propagate.Propagator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The append-only file of the server (Redis's aof.c): it consumes the propagation stream, keeps what the commands
 * of one event-loop iteration propagated in a buffer, and writes it before the event loop writes any reply.
 * <pre>
 *  command -> Propagator -> propagate(db, argv): [#TS:] [SELECT db] command, RESP, into the buffer
 *  beforeSleep -> flush: write(2) the buffer to the last incremental file;
 *                 always:   fsync on the event loop (a reply leaves only after it, see Durability)
 *                 everysec: fsync in the background thread at most once a second; a write is postponed
 *                           up to 2 s while that fsync runs (then aof_delayed_fsync counts it)
 *                 no:       the kernel decides
 *  rewrite   -> a new incremental file (named in the manifest at once), then a Snapshot writes the base
 *               in the background: RDB preamble (*.base.rdb) or commands (*.base.aof); when it is on disk the
 *               base is renamed into the directory, the manifest names it, the old files become history
 * </pre>
 * Files: {@code dir/appenddirname/} holds the manifest ({@link AofFiles}), one base and the incremental files.
 * A write error (disk full, ...) sets {@code aof_last_write_status:err} and refuses writes with Redis's
 * {@code MISCONF Errors writing to the AOF file: ...} until a retry (each cron second) succeeds; with
 * {@code always} a failed write or fsync exits, as Redis does, since the reply must not claim what is not on disk.
 * <p>
 * Rewrite: without fork, a {@link Snapshot} (epoch + copy-before-write) holds the dataset of the moment the new
 * incremental file was opened, and its walk runs in slices between polls ({@link #step}), so commands keep running
 * during a rewrite. A SIGKILL at any moment leaves a manifest naming files that hold every acknowledged write:
 * the old base and incremental files plus the new incremental file until the new base is renamed and the manifest
 * switched to it (fsynced, then the directory fsynced).
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread except the fsync jobs
 * of the background thread, which share only {@link #pendingFsync} and {@link #bioFsyncError}.
 */
public final class AppendOnlyFile implements PropagationConsumer, Durability, SnapshotOwner {
    static final int OFF = 0;
    static final int ON = 1;
    static final int WAIT_REWRITE = 2;
    static final int FSYNC_NO = 0;
    static final int FSYNC_ALWAYS = 1;
    static final int FSYNC_EVERYSEC = 2;
    private static final int REWRITE_LIMIT_THRESHOLD = 3;
    private static final int REWRITE_LIMIT_MAX_MINUTES = 60;

    final Server server;
    final ServerLog log;
    private final Propagator propagator;
    int state = OFF;
    AofFiles files = new AofFiles();
    /** The directory of the AOF files (dir/appenddirname), fixed when the AOF is loaded or switched on. */
    Path dirPath;
    FileChannel fd;
    /** The AOF buffer: what was propagated since the last flush. */
    final Buffer buf = new Buffer();
    private final AofWriter writer = new AofWriter(buf);
    int selectedDb = -1;
    private long curTimestamp;

    long currentSize;
    long lastIncrSize;
    long fsyncOffset;
    long lastFsync;
    long rewriteBaseSize;
    private long flushPostponedStart;
    /** DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each write of a non-empty AOF buffer (a test hook). */
    private long flushSleepMicros;
    long delayedFsync;
    boolean lastWriteOk = true;
    String lastWriteError = "";
    private long lastWriteErrorLog;
    /** Set by the fsync thread when a background fsync failed (Redis's aof_bio_fsync_status). */
    volatile String bioFsyncError;
    final AtomicInteger pendingFsync = new AtomicInteger();
    private ExecutorService bio;

    int fsyncPolicy;
    boolean timestamps;
    boolean rewriteScheduled;
    long rewriteTimeLast = -1;
    long rewrites;
    long consecutiveFailures;
    boolean lastBgrewriteOk = true;
    private int nextDelayMinutes;
    private long nextRewriteTime;
    /** Fed offset and fsynced offset of the AOF stream (WAITAOF's local part). */
    long fedOffset;
    long fsyncedOffset;

    private final FunctionStore functions;

    FunctionStore functions() {
        return functions;
    }

    public AppendOnlyFile(Server server, Propagator propagator, FunctionStore functions) {
        this.server = server;
        this.functions = functions;
        this.log = server.log;
        this.propagator = propagator;
        configChanged();
    }

    /** Re-reads appendfsync and aof-timestamp-enabled. */
    public void configChanged() {
        fsyncPolicy = switch (server.config.get("appendfsync")) {
            case "always" -> FSYNC_ALWAYS;
            case "no" -> FSYNC_NO;
            default -> FSYNC_EVERYSEC;
        };
        timestamps = server.config.getBool("aof-timestamp-enabled");
    }

    String aofName() {
        return server.config.get("appendfilename");
    }

    Path resolveDir() {
        return Path.of(server.config.get("dir")).resolve(server.config.get("appenddirname"));
    }

    static long unixtime() {
        return System.currentTimeMillis() / 1000;
    }

    // ---- feeding (Redis's feedAppendOnlyFile)

    @Override
    public void propagate(int db, byte[][] argv) {
        if (!feeding()) {
            return;
        }
        int before = buf.len();
        prefix(db);
        ReplyEncoder e = buf.enc;
        e.addArrayLen(argv.length);
        for (byte[] a : argv) {
            e.addBulk(a, 0, a.length);
        }
        fedOffset += buf.len() - before;
    }

    /** The command as received, encoded straight from the client's query buffer into the AOF buffer (no copy). */
    @Override
    public boolean propagateCurrent(int db, Client c) {
        if (!feeding()) {
            return true;
        }
        int before = buf.len();
        prefix(db);
        ReplyEncoder e = buf.enc;
        e.addArrayLen(c.argc);
        byte[] b = c.argBuf;
        for (int i = 0; i < c.argc; i++) {
            e.addBulk(b, c.argOff[i], c.argLen[i]);
        }
        fedOffset += buf.len() - before;
        return true;
    }

    /**
     * Whether propagated commands go to the AOF buffer: with the AOF on, or waiting for its first rewrite while
     * that rewrite runs (Redis feeds the AOF buffer in AOF_WAIT_REWRITE only while the rewrite child runs; a write
     * before a scheduled rewrite starts is in that rewrite's snapshot).
     */
    private boolean feeding() {
        return state == ON || state == WAIT_REWRITE && rewriteSnap != null;
    }

    /** The #TS: annotation when the second changed (aof-timestamp-enabled) and SELECT when the db changed. */
    private void prefix(int db) {
        if (timestamps) {
            long now = unixtime();
            if (curTimestamp < now) {
                curTimestamp = now;
                writer.timestamp(now);
            }
        }
        if (db != selectedDb) {
            buf.enc.addArrayLen(2).addBulk(SELECT, 0, SELECT.length).addBulkLong(db);
            selectedDb = db;
        }
    }

    // ---- flushing (Redis's flushAppendOnlyFile)

    @Override
    public void beforeSleep() {
        if (state != OFF) {
            flush(false);
        }
    }

    @Override
    public boolean writeBeforeRead() {
        return state != OFF && fsyncPolicy == FSYNC_ALWAYS;
    }

    boolean fsyncInProgress() {
        return pendingFsync.get() != 0;
    }

    /** DEBUG AOF-FLUSH-SLEEP: sleep this many microseconds before each AOF write (0 = never). */
    public void flushSleepMicros(long micros) {
        flushSleepMicros = Math.max(0, micros);
    }

    void flush(boolean force) {
        if (fd == null) {
            return;
        }
        boolean syncInProgress = false;
        long now = unixtime();
        if (buf.len() == 0) {
            if (fsyncPolicy == FSYNC_EVERYSEC && fsyncOffset != currentSize && now > lastFsync
                    && !(syncInProgress = fsyncInProgress())) {
                tryFsync(now, false);
            }
            return;
        }
        if (fsyncPolicy == FSYNC_EVERYSEC) {
            syncInProgress = fsyncInProgress();
        }
        if (fsyncPolicy == FSYNC_EVERYSEC && !force && syncInProgress) {
            if (flushPostponedStart == 0) {
                flushPostponedStart = now;
                return;
            } else if (now - flushPostponedStart < 2) {
                return;
            }
            delayedFsync++;
            log.notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without "
                + "waiting for fsync to complete, this may slow down Redis.");
        }
        if (flushSleepMicros > 0) {
            try {
                Thread.sleep(flushSleepMicros / 1000, (int) (flushSleepMicros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long t0 = System.nanoTime();
        long written = 0;
        IOException error = null;
        try {
            if (view == null || view.array() != buf.enc.array()) {
                view = ByteBuffer.wrap(buf.enc.array()); // reused: no object per flush
            }
            ByteBuffer bb = view.limit(buf.enc.readIndex() + buf.len()).position(buf.enc.readIndex());
            while (bb.hasRemaining()) {
                written += fd.write(bb);
            }
        } catch (IOException e) {
            error = e;
        }
        latencySample(syncInProgress ? "aof-write-pending-fsync" : "aof-write-alone", t0);
        latencySample("aof-write", t0);
        flushPostponedStart = 0;
        if (error != null) {
            writeFailed(error, written, now);
            return;
        }
        if (!lastWriteOk) {
            log.warning("AOF write error looks solved, Redis can write again.");
            lastWriteOk = true;
        }
        currentSize += written;
        lastIncrSize += written;
        buf.clear();
        tryFsync(now, syncInProgress);
    }

    private void writeFailed(IOException error, long written, long now) {
        boolean canLog = now - lastWriteErrorLog > 30;
        if (canLog) {
            lastWriteErrorLog = now;
        }
        if (written > 0) {
            if (canLog) {
                log.warning("Short write while writing to the AOF file: (nwritten=" + written + ", expected="
                    + buf.len() + ")");
            }
            try {
                fd.truncate(lastIncrSize);
                written = 0;
            } catch (IOException e) {
                if (canLog) {
                    log.warning("Could not remove short write from the append-only file.  Redis may refuse to load "
                        + "the AOF the next time it starts.  ftruncate: " + errText(e));
                }
            }
        } else if (canLog) {
            log.warning("Error writing to the AOF file: " + errText(error));
        }
        lastWriteError = errText(error);
        if (fsyncPolicy == FSYNC_ALWAYS) {
            log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
            fatalExit();
            return;
        }
        lastWriteOk = false;
        if (written > 0) {
            currentSize += written;
            lastIncrSize += written;
            buf.consume((int) written);
        }
    }

    private void tryFsync(long now, boolean syncInProgress) {
        if (server.config.getBool("no-appendfsync-on-rewrite") && server.keyspace.snapshotRunning()) {
            return;
        }
        if (fsyncPolicy == FSYNC_ALWAYS) {
            long t0 = System.nanoTime();
            try {
                fd.force(false);
            } catch (IOException e) {
                log.warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': " + errText(e)
                    + ". Exiting...");
                fatalExit();
                return;
            }
            latencySample("aof-fsync-always", t0);
            fsyncOffset = currentSize;
            fsyncedOffset = fedOffset;
            lastFsync = now;
        } else if (fsyncPolicy == FSYNC_EVERYSEC && now > lastFsync) {
            if (!syncInProgress) {
                backgroundFsync(fd, false);
                fsyncOffset = currentSize;
            }
            lastFsync = now;
        } else if (fsyncPolicy == FSYNC_NO) {
            fsyncOffset = currentSize;
        }
    }

    /** Set while a rewrite writes its base (no-appendfsync-on-rewrite). */
    boolean rewriting;

    /** Queues an fsync (and optionally a close) of ch on the background thread (Redis's bio). */
    void backgroundFsync(FileChannel ch, boolean close) {
        if (bio == null) {
            bio = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "aof-fsync");
                t.setDaemon(true);
                return t;
            });
        }
        long target = fedOffset - buf.len();
        pendingFsync.incrementAndGet();
        bio.execute(() -> {
            try {
                ch.force(false);
                bioFsyncError = null;
                fsyncedOffsetBio = target;
            } catch (IOException e) {
                bioFsyncError = errText(e);
            } finally {
                if (close) {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
                pendingFsync.decrementAndGet();
            }
        });
    }

    /** Fsyncs the AOF on the event loop (WAITAOF): what was fed is on disk when it returns. */
    void syncNow() {
        if (fd == null || fsyncedOffset() >= fedOffset - buf.len()) {
            return;
        }
        try {
            fd.force(false);
            fsyncOffset = currentSize;
            fsyncedOffset = fedOffset - buf.len();
        } catch (IOException e) {
            bioFsyncError = errText(e);
        }
    }

    /** The fed offset the last background fsync covered (read by the event loop for WAITAOF). */
    volatile long fsyncedOffsetBio;

    /** The AOF offset known to be on disk (WAITAOF numlocal). */
    long fsyncedOffset() {
        if (fsyncPolicy == FSYNC_ALWAYS) {
            return fsyncedOffset;
        }
        return Math.max(fsyncedOffset, fsyncedOffsetBio);
    }

    private void latencySample(String event, long t0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (server.latencyThreshold > 0 && ms >= server.latencyThreshold) {
            server.latency.add(event, unixtime(), ms);
        }
    }

    private void fatalExit() {
        log.warning("Redis is now ready to exit, bye bye...");
        Runtime.getRuntime().halt(1);
    }

    // ---- errors, cron, shutdown

    @Override
    public String denyWrites() {
        if (state == OFF) {
            return null;
        }
        if (!lastWriteOk) {
            return "MISCONF Errors writing to the AOF file: " + lastWriteError;
        }
        String bioErr = bioFsyncError;
        if (bioErr != null) {
            lastWriteError = bioErr;
            return "MISCONF Errors writing to the AOF file: " + bioErr;
        }
        return null;
    }

    private long lastErrorRetry;

    @Override
    public void cron() {
        long now = unixtime();
        if (state == ON && flushPostponedStart != 0) {
            flush(false);
        }
        if (state == ON && !lastWriteOk && now != lastErrorRetry) {
            lastErrorRetry = now;
            flush(false);
        }
        checkRewrite();
        boolean busy = rewriteSnap != null || server.keyspace.snapshotRunning();
        if (!busy && rewriteScheduled && !rewriteLimited()) {
            rewriteBackground();
            busy = true;
        }
        long perc = server.config.getLong("auto-aof-rewrite-percentage");
        if (!busy && state == ON && perc != 0 && currentSize > server.config.getLong("auto-aof-rewrite-min-size")) {
            long base = rewriteBaseSize != 0 ? rewriteBaseSize : 1;
            long growth = currentSize * 100 / base - 100;
            if (growth >= perc && !rewriteLimited()) {
                log.notice("Starting automatic rewriting of AOF on " + growth + "% growth");
                rewriteBackground();
            }
        }
    }

    /** Redis's aofRewriteLimited: after 3 consecutive failures, automatic rewrites wait 1, 2, 4 ... 60 minutes. */
    private boolean rewriteLimited() {
        if (consecutiveFailures < REWRITE_LIMIT_THRESHOLD) {
            nextDelayMinutes = 0;
            nextRewriteTime = 0;
            return false;
        }
        long now = unixtime();
        if (nextRewriteTime != 0) {
            if (now < nextRewriteTime) {
                return true;
            }
            nextRewriteTime = 0;
            return false;
        }
        nextDelayMinutes = nextDelayMinutes == 0 ? 1 : Math.min(nextDelayMinutes * 2, REWRITE_LIMIT_MAX_MINUTES);
        nextRewriteTime = now + nextDelayMinutes * 60L;
        log.warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in "
            + nextDelayMinutes + " minutes");
        return true;
    }

    @Override
    public void prepareShutdown() {
        if (state == OFF) {
            return;
        }
        log.notice("Calling fsync() on the AOF file.");
        syncForShutdown();
    }

    @Override
    public void shutdown() {
        if (rewriteSnap != null) { // the loop stopped without a shutdown (an embedded server's close)
            killRewrite(false);
        }
        if (state != OFF) {
            syncForShutdown();
        }
        closeBio();
    }

    /** Writes the buffer and fsyncs the current file (the last incremental, or the temp one in WAIT_REWRITE). */
    private void syncForShutdown() {
        if (fd == null) {
            return;
        }
        flush(true);
        try {
            fd.force(false);
            fsyncOffset = currentSize;
            fsyncedOffset = fedOffset - buf.len();
        } catch (IOException e) {
            log.warning("Fail to fsync the AOF file: " + errText(e) + ".");
        }
    }

    private void closeBio() {
        if (bio != null) {
            bio.shutdown();
            try {
                bio.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bio = null;
        }
    }

    @Override
    public void info(Map<String, Object> into, boolean tail) {
        if (!tail) {
            into.put("aof_enabled", state != OFF ? 1 : 0);
            into.put("aof_rewrite_in_progress", rewriteSnap != null ? 1 : 0);
            into.put("aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
            into.put("aof_last_rewrite_time_sec", rewriteTimeLast);
            into.put("aof_current_rewrite_time_sec", rewriteSnap != null ? unixtime() - rewriteStart : -1);
            into.put("aof_last_bgrewrite_status", lastBgrewriteOk ? "ok" : "err");
            into.put("aof_rewrites", rewrites);
            into.put("aof_rewrites_consecutive_failures", consecutiveFailures);
            into.put("aof_last_write_status", lastWriteOk && bioFsyncError == null ? "ok" : "err");
            into.put("aof_last_cow_size", lastCowBytes);
            return;
        }
        if (state != OFF) {
            into.put("aof_current_size", currentSize);
            into.put("aof_base_size", rewriteBaseSize);
            into.put("aof_pending_rewrite", rewriteScheduled ? 1 : 0);
            into.put("aof_buffer_length", buf.len());
            into.put("aof_pending_bio_fsync", pendingFsync.get());
            into.put("aof_delayed_fsync", delayedFsync);
        }
    }

    @Override
    public long bufferBytes() {
        return state == OFF ? 0 : buf.enc.array().length;
    }

    // ---- opening, switching on and off

    /** DEBUG LOADAOF: false when loading failed (the caller exits, as Redis does). */
    public boolean debugLoadAof() {
        if (dirPath == null) {
            dirPath = resolveDir();
        }
        return new AofLoad(this).debugLoadAof();
    }

    /**
     * WAITAOF's local part as replication asks it (the master's WAITAOF, a replica's REPLCONF ACK ... FACK): what was
     * fed is written and fsynced now, before the reply. Returns whether the AOF is on.
     */
    public boolean syncFedNow() {
        if (!enabled()) {
            return false;
        }
        flush(true);
        syncNow();
        return true;
    }

    /** Whether the AOF is on (or waiting for its first rewrite). */
    public boolean enabled() {
        return state != OFF;
    }

    @Override
    public boolean loadAtStartup() {
        return new AofLoad(this).startup();
    }

    /** Opens the last incremental file (or a new one, and a base when there is nothing yet) at startup. */
    boolean openOnServerStart() {
        if (!createDir()) {
            return false;
        }
        int incrCount = files.incr.size();
        if (files.empty()) {
            String baseName = files.newBase(aofName(), server.config.getBool("aof-use-rdb-preamble"));
            if (!writeBaseNow(dirPath.resolve(baseName))) {
                return false;
            }
            log.notice("Creating AOF base file " + baseName + " on server start");
        }
        String name = files.lastIncr(aofName());
        try {
            fd = openAppend(dirPath.resolve(name), false);
        } catch (IOException e) {
            log.warning("Can't open the append-only file " + name + ": " + errText(e));
            return false;
        }
        if (!files.persist(dirPath, aofName(), log)) {
            return false;
        }
        lastIncrSize = size(dirPath.resolve(name));
        log.notice((incrCount != 0 ? "Opening" : "Creating") + " AOF incr file " + name + " on server start");
        return true;
    }

    boolean createDir() {
        dirPath = resolveDir();
        try {
            Files.createDirectories(dirPath);
            return true;
        } catch (IOException e) {
            log.warning("Can't open or create append-only dir " + server.config.get("appenddirname") + ": "
                + errText(e));
            return false;
        }
    }

    static FileChannel openAppend(Path p, boolean truncate) throws IOException {
        return truncate
            ? FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)
            : FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** CONFIG SET appendonly: null, or the error CONFIG SET reports. */
    public String setAppendonly(boolean on) {
        if (on && state == OFF) {
            return startAppendOnly() ? null : "Unable to turn on AOF. Check server logs.";
        }
        if (!on && state != OFF) {
            stopAppendOnly();
        }
        return null;
    }

    /** Redis's startAppendOnly: the first base comes from a rewrite, now or as soon as no snapshot runs. */
    private boolean startAppendOnly() {
        state = WAIT_REWRITE;
        if (!createDir()) {
            state = OFF;
            return false;
        }
        if (server.keyspace.snapshotRunning()) {
            rewriteScheduled = true;
            log.notice("AOF was enabled but there is already another background operation. An AOF background was "
                + "scheduled to start when possible.");
        } else if (server.current != null && server.current.denyBlocking && !server.current.isDetached()) {
            rewriteScheduled = true; // Redis's server.in_exec: no rewrite from inside EXEC, the cron starts it
            log.warning("AOF was enabled during a transaction. An AOF background was scheduled to start when "
                + "possible.");
        } else if (!rewriteBackground()) {
            state = OFF;
            log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check "
                + "the above logs for more info about the error.");
            return false;
        }
        propagator.addConsumer(this);
        lastFsync = unixtime();
        if (bioFsyncError != null) {
            log.warning("AOF reopen, just ignore the AOF fsync error in bio job");
            bioFsyncError = null;
        }
        if (!lastWriteOk) {
            log.warning("AOF reopen, just ignore the last error.");
            lastWriteOk = true;
        }
        return true;
    }

    private void stopAppendOnly() {
        if (rewriteSnap != null) {
            killRewrite(false);
        }
        if (fd != null) {
            flush(true);
            try {
                fd.force(false);
                fsyncOffset = currentSize;
                lastFsync = unixtime();
            } catch (IOException e) {
                log.warning("Fail to fsync the AOF file: " + errText(e));
            }
            closeQuietly(fd);
        }
        fd = null;
        selectedDb = -1;
        state = OFF;
        rewriteScheduled = false;
        lastIncrSize = 0;
        buf.clear();
        propagator.removeConsumer(this);
    }

    /** Called once the AOF is loaded at startup: from now on, effects are appended. */
    void switchedOn() {
        state = ON;
        lastFsync = unixtime();
        propagator.addConsumer(this);
    }

    // ---- rewrite (Redis's rewriteAppendOnlyFileBackground + backgroundRewriteDoneHandler, a snapshot for the child)

    /** Whether an AOF rewrite runs (Redis's child_type == CHILD_TYPE_AOF). */
    public boolean rewriteInProgress() {
        return rewriteSnap != null;
    }

    /** The snapshot options of a base: RDB preamble (aof-base 1) or, with aof-use-rdb-preamble no, commands. */
    private Snapshot.Options baseOptions() {
        Snapshot.Options o = new Snapshot.Options();
        o.aofBase = true;
        o.version = (int) server.config.getLong("cinnabar-rdb-version");
        o.compression = server.config.getBool("rdbcompression");
        o.checksum = server.config.getBool("rdbchecksum");
        o.usedMemory = server.usedMemory();
        o.keySaveDelayUs = server.config.getLong("rdb-key-save-delay");
        o.functions = functions;
        o.commandForm = !server.config.getBool("aof-use-rdb-preamble");
        o.timestampAnnotation = o.commandForm && timestamps ? unixtime() : 0;
        o.accessRecords = Snapshot.accessRecordsFor(server.config.get("maxmemory-policy"));
        return o;
    }

    /**
     * Writes a base of the current dataset synchronously (the first base on server start, as Redis's
     * rewriteAppendOnlyFile): the snapshot walked to the end on this thread. False after logging an error.
     */
    private boolean writeBaseNow(Path file) {
        Snapshot.Options o = baseOptions();
        o.keySaveDelayUs = 0;
        Snapshot snap;
        try {
            snap = new Snapshot(server.keyspace, o, new TempFileSink(file));
        } catch (IOException e) {
            log.warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): " + errText(e));
            return false;
        }
        snap.start("aof-base");
        snap.runToEnd();
        if (snap.state() != Snapshot.State.DONE) {
            Throwable t = snap.error();
            log.warning("Write error writing append only file on disk: "
                + (t instanceof IOException io ? errText(io) : String.valueOf(t)));
            deleteQuietly(file);
            return false;
        }
        return true;
    }

    /**
     * Redis's openNewIncrAofForAppend: what is propagated from now on goes to a new incremental file. With the AOF
     * on, the manifest naming it is persisted first (a crash during the rewrite then loads the old base, the old
     * incremental files and this one); while the AOF waits for its first rewrite, the file is
     * {@code temp-<appendfilename>.incr}, renamed when the rewrite succeeds.
     */
    private boolean openNewIncr() {
        if (state == OFF) {
            return true;
        }
        AofFiles temp = files.copy();
        String name = state == WAIT_REWRITE ? tempIncrName() : temp.newIncr(aofName());
        FileChannel newFd;
        try {
            newFd = openAppend(dirPath.resolve(name), true);
        } catch (IOException e) {
            log.warning("Can't open the append-only file " + name + ": " + errText(e));
            return false;
        }
        if (state == ON) {
            if (!temp.persist(dirPath, aofName(), log)) {
                closeQuietly(newFd);
                deleteQuietly(dirPath.resolve(name));
                return false;
            }
            files = temp;
        }
        log.notice("Creating AOF incr file " + name + " on background rewrite");
        if (fd != null) {
            backgroundFsync(fd, true);
        }
        fd = newFd;
        lastIncrSize = 0;
        return true;
    }

    private String tempIncrName() {
        return "temp-" + aofName() + ".incr";
    }

    /** The finished base of the running rewrite, before its rename into the AOF directory. */
    private String tempBaseName() {
        return "temp-rewriteaof-bg-" + rewritePid + ".aof";
    }

    /** The base while the rewrite writes it (Redis's child writes this one, then renames it to tempBaseName). */
    private String writingBaseName() {
        return "temp-rewriteaof-" + rewritePid + ".aof";
    }

    /** Redis's aofRemoveTempFile: both names a rewrite's base may have. */
    private void removeTempBase() {
        Path dir = Path.of(server.config.get("dir"));
        deleteQuietly(dir.resolve(tempBaseName()));
        deleteQuietly(dir.resolve(writingBaseName()));
    }

    /**
     * BGREWRITEAOF, automatic rewrites, CONFIG SET appendonly yes: switches to a new incremental file and starts a
     * {@link Snapshot} that writes the base to a temporary file in the background (RDB preamble or commands); the
     * walk runs in slices between polls ({@link #step}) and {@link #rewriteDone} installs the base. False (logged)
     * when it could not start; the caller checks that no snapshot runs.
     */
    public boolean rewriteBackground() {
        if (rewriteSnap != null || server.keyspace.snapshotRunning()) {
            return false;
        }
        if (!createDir()) {
            lastBgrewriteOk = false;
            return false;
        }
        selectedDb = -1;
        flush(true);
        if (!openNewIncr()) {
            lastBgrewriteOk = false;
            return false;
        }
        rewrites++;
        BackgroundChild child = BackgroundChild.forJob(server);
        rewritePid = child == null ? log.pid() : child.pid();
        Path tmp = Path.of(server.config.get("dir")).resolve(writingBaseName());
        Path done = tmp.resolveSibling(tempBaseName());
        Snapshot.Options o = baseOptions();
        try {
            rewriteSink = new TempFileSink(tmp) {
                @Override
                protected void install() throws IOException {
                    Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            };
        } catch (IOException e) {
            log.warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): " + errText(e));
            if (child != null) {
                child.end();
            }
            lastBgrewriteOk = false;
            consecutiveFailures++;
            return false;
        }
        rewritePreamble = !o.commandForm;
        rewriteSnap = new Snapshot(server.keyspace, o, rewriteSink);
        rewriteSnap.child(child);
        rewriteSnap.start("aof-rewrite");
        server.stats.totalForks++;
        rewriting = true;
        rewriteScheduled = false;
        rewriteStart = unixtime();
        log.notice("Background append only file rewriting started by pid " + rewritePid);
        return true;
    }

    private Snapshot rewriteSnap;
    /** The pid of the running (or last) rewrite's child: its stand-in's, or the server's without one. */
    private long rewritePid = ProcessHandle.current().pid();
    /** The last finished rewrite's copy-before-write bytes (INFO aof_last_cow_size). */
    private long lastCowBytes;
    private TempFileSink rewriteSink;
    private boolean rewritePreamble;
    private long rewriteStart = -1;
    private static final long SLICE_NS = 1_000_000;

    @Override
    public long step() {
        if (rewriteSnap == null) {
            return Long.MAX_VALUE;
        }
        boolean more = rewriteSnap.step(SLICE_NS);
        boolean progressed = rewriteSnap.progressed();
        checkRewrite();
        if (rewriteSnap == null) {
            return Long.MAX_VALUE;
        }
        return more && progressed ? 0 : 1;
    }

    /** Finishes the rewrite once its snapshot is on disk (or failed). */
    private void checkRewrite() {
        if (rewriteSnap == null) {
            return;
        }
        Snapshot.State st = rewriteSnap.state();
        if (st == Snapshot.State.WALKING || st == Snapshot.State.DRAINING) {
            return;
        }
        Throwable error = rewriteSnap.error();
        lastCowBytes = rewriteSnap.cowBytes();
        boolean childDied = rewriteSnap.childDied();
        int signal = childDied ? rewriteSnap.child().signal() : 0;
        rewriteSnap = null;
        rewriting = false;
        if (st == Snapshot.State.DONE) {
            log.notice("Successfully created the temporary AOF base file " + tempBaseName());
            rewriteDone();
        } else if (childDied && signal != 0) {
            // Redis's backgroundRewriteDoneHandler for a child ended by a signal: SIGUSR1 is not an error
            if (signal != BackgroundChild.SIGUSR1) {
                lastBgrewriteOk = false;
                consecutiveFailures++;
            }
            log.warning("Background AOF rewrite terminated by signal " + signal);
        } else {
            if (error != null) {
                log.warning("Write error writing append only file on disk: "
                    + (error instanceof IOException io ? errText(io) : String.valueOf(error)));
            }
            lastBgrewriteOk = false;
            consecutiveFailures++;
            log.warning("Background AOF rewrite terminated with error");
        }
        rewriteCleanup();
    }

    /** Redis's backgroundRewriteDoneHandler after a successful child. */
    private void rewriteDone() {
        log.notice("Background AOF rewrite terminated with success");
        AofFiles temp = files.copy();
        String baseName = temp.newBase(aofName(), rewritePreamble);
        Path tmp = Path.of(server.config.get("dir")).resolve(tempBaseName());
        Path base = dirPath.resolve(baseName);
        try {
            Files.move(tmp, base, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warning("Error trying to rename the temporary AOF base file " + tmp.getFileName() + " into " + base
                + ": " + errText(e));
            rewriteFailed();
            return;
        }
        log.notice("Successfully renamed the temporary AOF base file " + tmp.getFileName() + " into " + baseName);
        Path newIncr = null;
        if (state == WAIT_REWRITE) {
            Path tempIncr = dirPath.resolve(tempIncrName());
            newIncr = dirPath.resolve(temp.newIncr(aofName()));
            try {
                Files.move(tempIncr, newIncr, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                log.warning("Error trying to rename the temporary AOF incr file " + tempIncr + " into " + newIncr
                    + ": " + errText(e));
                deleteQuietly(base);
                rewriteFailed();
                return;
            }
            log.notice("Successfully renamed the temporary AOF incr file " + tempIncrName() + " into "
                + newIncr.getFileName());
        }
        temp.markRewrittenIncrAsHistory(fd != null);
        if (!temp.persist(dirPath, aofName(), log)) {
            deleteQuietly(base);
            if (newIncr != null) {
                deleteQuietly(newIncr);
            }
            rewriteFailed();
            return;
        }
        io.cinnabar.server.internal.persist.DurableFiles.fsyncDir(dirPath);
        files = temp;
        if (state != OFF) {
            currentSize = size(base) + lastIncrSize;
            rewriteBaseSize = currentSize;
            fsyncOffset = currentSize;
            lastFsync = unixtime();
        }
        delHistoryFiles();
        lastBgrewriteOk = true;
        consecutiveFailures = 0;
        log.notice("Background AOF rewrite finished successfully");
        if (state == WAIT_REWRITE) {
            state = ON;
        }
    }

    private void rewriteFailed() {
        lastBgrewriteOk = false;
        consecutiveFailures++;
    }

    /** Redis's cleanup after a rewrite ended: temp files, the WAIT_REWRITE buffer, timing, a retry. */
    private void rewriteCleanup() {
        removeTempBase();
        rewriteSink = null;
        if (state == WAIT_REWRITE) {
            buf.clear();
            closeQuietly(fd);
            fd = null;
            log.notice("Removing the temp incr aof file " + tempIncrName() + " in the background"); // aofDelTempIncrAofFile
            deleteQuietly(dirPath.resolve(tempIncrName()));
            rewriteScheduled = true;
        }
        rewriteTimeLast = unixtime() - rewriteStart;
        rewriteStart = -1;
    }

    /**
     * Redis's killAppendOnlyChild: the running rewrite stops, its temporary base is removed. In WAIT_REWRITE the
     * temporary incremental file and the buffer go too (CONFIG SET appendonly no, a synchronous save taking the
     * snapshot slot), except at shutdown ({@code keepTempIncr}), where Redis keeps writing and fsyncs that file.
     */
    void killRewrite(boolean keepTempIncr) {
        if (rewriteSnap == null) {
            return;
        }
        log.notice("Killing running AOF rewrite child: " + rewritePid);
        rewriteSnap.abort();
        try {
            rewriteSnap.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rewriteSnap = null;
        rewriting = false;
        removeTempBase();
        rewriteSink = null;
        if (state == WAIT_REWRITE && dirPath != null && !keepTempIncr) {
            buf.clear();
            closeQuietly(fd);
            fd = null;
            deleteQuietly(dirPath.resolve(tempIncrName()));
        }
        rewriteTimeLast = unixtime() - rewriteStart;
        rewriteStart = -1;
    }

    @Override
    public void yieldForSave() {
        if (rewriteSnap != null) {
            killRewrite(false);
            rewriteScheduled = true;
        }
    }

    /**
     * Redis's finishShutdown for the AOF child: while the AOF waits for its first rewrite, stopping it would leave
     * no AOF holding the dataset, so the shutdown is refused unless forced; otherwise the rewrite is killed (the
     * files named by the manifest hold everything).
     */
    @Override
    public boolean stopForShutdown(boolean force) {
        if (rewriteSnap == null) {
            return true;
        }
        if (state == WAIT_REWRITE) {
            if (!force) {
                log.warning("Writing initial AOF, can't exit.");
                return false;
            }
            log.warning("Writing initial AOF. Exit anyway.");
        }
        log.warning("There is a child rewriting the AOF. Killing it!");
        killRewrite(true);
        return true;
    }

    /** CONFIG SET aof-disable-auto-gc no: the history files kept while it was yes are deleted now. */
    public void autoGcEnabled() {
        if (dirPath != null) {
            delHistoryFiles();
        }
    }

    /** Redis's aofDelHistoryFiles: deletes the history files and rewrites the manifest without them. */
    void delHistoryFiles() {
        if (files.history.isEmpty() || server.config.getBool("aof-disable-auto-gc")) {
            return;
        }
        for (var e : files.history) {
            log.notice("Removing the history file " + e.name() + " in the background");
            deleteQuietly(dirPath.resolve(e.name()));
        }
        files.history.clear();
        files.dirty = true;
        files.persist(dirPath, aofName(), log);
    }

    static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort, as Redis's bg_unlink
        }
    }

    /** strerror-like text of an I/O error. */
    static String errText(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
    /** A view of the AOF buffer's array for write(2), rebuilt only when the array changes. */
    private ByteBuffer view;

    /**
     * The AOF buffer: commands are encoded straight into its {@link ReplyEncoder} (a RESP array of bulk strings is
     * the same bytes as a request); annotations come through the {@link AofWriter} over this stream.
     */
    static final class Buffer extends OutputStream {
        ReplyEncoder enc = new ReplyEncoder(4096);

        int len() {
            return enc.length() - enc.readIndex();
        }

        @Override
        public void write(int b) {
            enc.addRaw(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) {
            enc.addRaw(b, off, n);
        }

        void clear() {
            if (enc.array().length > 1 << 20) {
                enc = new ReplyEncoder(4096); // give a large burst's buffer back, as Redis frees a big aof_buf
            } else {
                enc.clear();
            }
        }

        void consume(int n) {
            enc.consume(n);
        }
    }
}
