package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.aof.AofWriter;
import io.cinnabar.server.internal.command.Durability;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
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
 *  rewrite   -> the dataset as commands into a new base, a new incremental file, history files deleted
 * </pre>
 * Files: {@code dir/appenddirname/} holds the manifest ({@link AofFiles}), one base and the incremental files.
 * A write error (disk full, ...) sets {@code aof_last_write_status:err} and refuses writes with Redis's
 * {@code MISCONF Errors writing to the AOF file: ...} until a retry (each cron second) succeeds; with
 * {@code always} a failed write or fsync exits, as Redis does, since the reply must not claim what is not on disk.
 * <p>
 * Rewrite: without fork, the dataset is walked on the event loop at the moment of the rewrite (a consistent
 * point in time, which blocks commands for the walk; O(dataset)) and written as commands ({@link AofRewrite}).
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread except the fsync jobs
 * of the background thread, which share only {@link #pendingFsync} and {@link #bioFsyncError}.
 */
public final class AppendOnlyFile implements PropagationConsumer, Durability {
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

    public AppendOnlyFile(Server server, Propagator propagator) {
        this.server = server;
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
        if (state == OFF) {
            return;
        }
        int before = buf.len;
        if (timestamps) {
            long now = unixtime();
            if (curTimestamp < now) {
                curTimestamp = now;
                writer.timestamp(now);
            }
        }
        if (db != selectedDb) {
            writer.command(List2.select(db));
            selectedDb = db;
        }
        writer.command(Arrays.asList(argv));
        fedOffset += buf.len - before;
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

    void flush(boolean force) {
        if (fd == null) {
            return;
        }
        boolean syncInProgress = false;
        long now = unixtime();
        if (buf.len == 0) {
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
        long t0 = System.nanoTime();
        long written = 0;
        IOException error = null;
        try {
            ByteBuffer bb = ByteBuffer.wrap(buf.data, 0, buf.len);
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
                    + buf.len + ")");
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
        if (server.config.getBool("no-appendfsync-on-rewrite") && rewriting) {
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
        long target = fedOffset - buf.len;
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
        if (fd == null || fsyncedOffset() >= fedOffset - buf.len) {
            return;
        }
        try {
            fd.force(false);
            fsyncOffset = currentSize;
            fsyncedOffset = fedOffset - buf.len;
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
        if (state != OFF && rewriteScheduled && !rewriteLimited()) {
            rewriteBackground();
        }
        long perc = server.config.getLong("auto-aof-rewrite-percentage");
        if (state == ON && perc != 0 && currentSize > server.config.getLong("auto-aof-rewrite-min-size")) {
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
    public void shutdown() {
        if (state == OFF || fd == null) {
            return;
        }
        log.notice("Calling fsync() on the AOF file.");
        flush(true);
        try {
            fd.force(false);
        } catch (IOException e) {
            log.warning("Fail to fsync the AOF file: " + errText(e));
        }
        closeBio();
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
            into.put("aof_rewrite_in_progress", rewriting ? 1 : 0);
            into.put("aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
            into.put("aof_last_rewrite_time_sec", rewriteTimeLast);
            into.put("aof_current_rewrite_time_sec", -1);
            into.put("aof_last_bgrewrite_status", lastBgrewriteOk ? "ok" : "err");
            into.put("aof_rewrites", rewrites);
            into.put("aof_rewrites_consecutive_failures", consecutiveFailures);
            into.put("aof_last_write_status", lastWriteOk && bioFsyncError == null ? "ok" : "err");
            into.put("aof_last_cow_size", 0);
            return;
        }
        if (state != OFF) {
            into.put("aof_current_size", currentSize);
            into.put("aof_base_size", rewriteBaseSize);
            into.put("aof_pending_rewrite", rewriteScheduled ? 1 : 0);
            into.put("aof_buffer_length", buf.len);
            into.put("aof_pending_bio_fsync", pendingFsync.get());
            into.put("aof_delayed_fsync", delayedFsync);
        }
    }

    /** The AOF buffer's size (INFO mem_aof_buffer). */
    public long bufferBytes() {
        return buf.data.length;
    }

    // ---- opening, switching on and off

    /** DEBUG LOADAOF: false when loading failed (the caller exits, as Redis does). */
    public boolean debugLoadAof() {
        if (dirPath == null) {
            dirPath = resolveDir();
        }
        return new AofLoad(this).debugLoadAof();
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
            String baseName = files.newBase(aofName(), false);
            if (!AofRewrite.writeBase(this, dirPath.resolve(baseName))) {
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

    private boolean startAppendOnly() {
        state = WAIT_REWRITE;
        if (!rewriteBackground()) {
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
        flush(true);
        try {
            fd.force(false);
            fsyncOffset = currentSize;
            lastFsync = unixtime();
        } catch (IOException e) {
            log.warning("Fail to fsync the AOF file: " + errText(e));
        }
        try {
            fd.close();
        } catch (IOException e) {
            // closing anyway
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

    // ---- rewrite (Redis's rewriteAppendOnlyFileBackground + backgroundRewriteDoneHandler, without a child)

    /** BGREWRITEAOF: "started", or null after logging why not. */
    public boolean rewriteBackground() {
        if (!createDir()) {
            lastBgrewriteOk = false;
            return false;
        }
        selectedDb = -1;
        flush(true);
        long start = System.currentTimeMillis();
        AofFiles temp = files.copy();
        FileChannel newFd = null;
        String newIncr = null;
        rewrites++;
        boolean on = state != OFF;
        if (on) {
            // the new incremental file first: what follows the rewrite point goes there
            newIncr = temp.newIncr(aofName());
            try {
                newFd = openAppend(dirPath.resolve(newIncr), true);
            } catch (IOException e) {
                log.warning("Can't open the append-only file " + newIncr + ": " + errText(e));
                lastBgrewriteOk = false;
                return false;
            }
            log.notice("Creating AOF incr file " + newIncr + " on background rewrite");
        }
        log.notice("Background append only file rewriting started");
        rewriteScheduled = false;
        String tmpName = "temp-rewriteaof-bg-" + log.pid() + ".aof";
        Path tmp = Path.of(server.config.get("dir")).resolve(tmpName);
        rewriting = true;
        boolean ok;
        try {
            ok = AofRewrite.writeBase(this, tmp);
        } finally {
            rewriting = false;
        }
        if (!ok) {
            closeQuietly(newFd);
            if (newIncr != null) {
                deleteQuietly(dirPath.resolve(newIncr));
            }
            lastBgrewriteOk = false;
            consecutiveFailures++;
            log.warning("Background AOF rewrite terminated with error");
            rewriteTimeLast = (System.currentTimeMillis() - start) / 1000;
            if (state == WAIT_REWRITE) {
                rewriteScheduled = true;
            }
            return state != WAIT_REWRITE;
        }
        log.notice("Successfully created the temporary AOF base file " + tmpName);
        log.notice("Background AOF rewrite terminated with success");
        String baseName = temp.newBase(aofName(), false);
        try {
            Files.move(tmp, dirPath.resolve(baseName), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warning("Error trying to rename the temporary AOF base file " + tmpName + " into " + baseName + ": "
                + errText(e));
            closeQuietly(newFd);
            deleteQuietly(tmp);
            lastBgrewriteOk = false;
            consecutiveFailures++;
            return false;
        }
        log.notice("Successfully renamed the temporary AOF base file " + tmpName + " into " + baseName);
        temp.markRewrittenIncrAsHistory(on);
        if (!temp.persist(dirPath, aofName(), log)) {
            deleteQuietly(dirPath.resolve(baseName));
            closeQuietly(newFd);
            if (newIncr != null) {
                deleteQuietly(dirPath.resolve(newIncr));
            }
            lastBgrewriteOk = false;
            consecutiveFailures++;
            return false;
        }
        files = temp;
        if (on) {
            if (fd != null) {
                backgroundFsync(fd, true);
            }
            fd = newFd;
            lastIncrSize = 0;
            selectedDb = -1;
            currentSize = size(dirPath.resolve(baseName));
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
        rewriteTimeLast = (System.currentTimeMillis() - start) / 1000;
        return true;
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

    /** The AOF buffer: a growable byte array the AofWriter appends to. */
    static final class Buffer extends OutputStream {
        byte[] data = new byte[4096];
        int len;

        @Override
        public void write(int b) {
            ensure(1);
            data[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, data, len, n);
            len += n;
        }

        private void ensure(int n) {
            if (len + n > data.length) {
                data = Arrays.copyOf(data, Math.max(len + n, data.length * 2));
            }
        }

        void clear() {
            len = 0;
            if (data.length > 1 << 20) {
                data = new byte[4096]; // give a large burst's buffer back, as Redis frees a big aof_buf
            }
        }

        void consume(int n) {
            System.arraycopy(data, n, data, 0, len - n);
            len -= n;
        }
    }

    /** Small helpers for argument vectors. */
    static final class List2 {
        private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
        private static final byte[][] DB = new byte[16][];

        static java.util.List<byte[]> select(int db) {
            byte[] n = db < DB.length ? DB[db] : null;
            if (n == null) {
                n = Integer.toString(db).getBytes(StandardCharsets.US_ASCII);
                if (db < DB.length) {
                    DB[db] = n;
                }
            }
            return java.util.List.of(SELECT, n);
        }
    }
}
