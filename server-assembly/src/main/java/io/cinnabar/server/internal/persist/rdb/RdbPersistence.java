package io.cinnabar.server.internal.persist.rdb;

import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Loading;
import io.cinnabar.server.internal.command.PersistenceHook;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.persist.BackgroundChild;
import io.cinnabar.server.internal.persist.FunctionStore;
import io.cinnabar.server.internal.persist.RdbLoad;
import io.cinnabar.server.internal.persist.Snapshot;
import io.cinnabar.server.internal.persist.SnapshotOwner;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * RDB persistence as Redis 7.2's {@code rdb.c} and {@code serverCron} do it, with a fork-less {@link Snapshot}
 * instead of a child process: SAVE (the snapshot walked to the end on the event loop), BGSAVE [SCHEDULE] (walked in
 * slices between polls while clients keep writing), LASTSAVE, the save points of the cron with the 5-second retry
 * delay after a failed background save, MISCONF on writes after a failed save when
 * {@code stop-writes-on-bgsave-error}, the shutdown and FLUSHALL saves, the load at startup with Redis's log lines,
 * DEBUG RELOAD, and INFO persistence's RDB fields.
 * <p>
 * Redis's differences that follow from having no child: nothing is copied on write by the OS, so
 * {@code current_cow_*} and {@code rdb_last_cow_size} count the memory of the keys copied out before a write
 * (what a child would have had duplicated; the log line counts those keys); "Background saving started" names this
 * process's pid.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class RdbPersistence implements PersistenceHook {
    /** Redis's CONFIG_BGSAVE_RETRY_DELAY, seconds. */
    static final int RETRY_DELAY = 5;
    /** Walk budget per event-loop iteration. */
    private static final long SLICE_NS = 1_000_000;
    public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable "
        + "to persist to disk. Commands that may modify the data set are disabled, because this instance is "
        + "configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). "
        + "Please check the Redis logs for details about the RDB error.";

    private final Server server;
    private final FunctionStore functions;
    private Snapshot bg;
    /** The last finished save's copy-before-write bytes (INFO rdb_last_cow_size, a child's copy-on-write there). */
    private long lastCowBytes;
    private RdbFileSink bgSink;
    private boolean scheduled;
    private long lastBgsaveTry;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveTimeSec = -1;
    private long bgStartSec = -1;
    private long dirtyBeforeBgsave;
    private long saves;
    private long loadKeysLoaded;
    private long loadKeysExpired;
    /** Other background snapshots (the AOF rewrite), stepped by {@link #beforeSleep}. */
    private final java.util.List<SnapshotOwner> owners = new java.util.ArrayList<>();

    public RdbPersistence(Server server, FunctionStore functions) {
        this.server = server;
        this.functions = functions;
    }

    public FunctionStore functions() {
        return functions;
    }

    /** Registers another background snapshot user (the AOF rewrite): stepped between polls, stopped for a save. */
    public void addSnapshotOwner(SnapshotOwner o) {
        owners.add(o);
    }

    public void register(CommandTable t) {
        t.impl("save", this::save);
        t.impl("bgsave", this::bgsave);
        t.impl("lastsave", c -> c.integer(server.lastSave));
    }

    // ---- configuration

    Path file() {
        return Path.of(server.config.get("dir")).resolve(server.config.get("dbfilename"));
    }

    private long[] saveParams() {
        String s = server.config.get("save").trim();
        if (s.isEmpty()) {
            return new long[0];
        }
        String[] t = s.split("\\s+");
        long[] p = new long[t.length & ~1];
        for (int i = 0; i < p.length; i++) {
            p[i] = Long.parseLong(t[i]);
        }
        return p;
    }

    /** Whether save points are configured (the save option is not empty). */
    public boolean hasSavePoints() {
        return saveParams().length > 0;
    }

    private Snapshot.Options options() {
        Snapshot.Options o = new Snapshot.Options();
        o.version = (int) server.config.getLong("cinnabar-rdb-version");
        o.compression = server.config.getBool("rdbcompression");
        o.checksum = server.config.getBool("rdbchecksum");
        o.usedMemory = server.usedMemory();
        o.keySaveDelayUs = server.config.getLong("rdb-key-save-delay");
        o.functions = functions;
        if (server.replication != null && server.replication.rdbReplId() != null) {
            // PSYNC2 after a restart: the replication ID and offset this dataset corresponds to
            o.replId = server.replication.rdbReplId();
            o.replOffset = server.replication.rdbReplOffset();
            o.replStreamDb = server.replication.rdbReplStreamDb();
        }
        o.accessRecords = Snapshot.accessRecordsFor(server.config.get("maxmemory-policy"));
        return o;
    }

    private static String strerror(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage();
    }

    private long now() {
        return System.currentTimeMillis() / 1000;
    }

    // ---- SAVE

    /** Saves synchronously (SAVE, shutdown, FLUSHALL); false on error (logged). */
    public boolean saveNow() {
        if (bg == null) {
            for (SnapshotOwner o : owners) {
                o.yieldForSave(); // as Redis's SAVE, which does not wait for an AOF rewrite child
            }
        }
        if (server.keyspace.snapshotRunning()) {
            // another snapshot (an AOF rewrite) holds the keyspace's copy-before-write: one at a time
            server.log.warning("Can't save the DB now: another snapshot is running");
            return false;
        }
        Path target = file();
        RdbFileSink sink;
        try {
            sink = new RdbFileSink(target, server.log.pid());
        } catch (IOException e) {
            server.log.warning("Failed opening the temp RDB file temp-" + server.log.pid() + ".rdb (in server root dir "
                + server.config.get("dir") + ") for saving: " + strerror(e));
            return false;
        }
        generatedByReplication = false;
        Snapshot s = new Snapshot(server.keyspace, options(), sink);
        s.start("rdb-save");
        s.runToEnd();
        if (s.state() != Snapshot.State.DONE) {
            Throwable t = s.error();
            server.log.warning("Write error saving DB on disk: "
                + (t instanceof IOException io ? strerror(io) : String.valueOf(t)));
            return false;
        }
        server.log.notice("DB saved on disk");
        server.keyspace.dirty = 0;
        server.lastSave = now();
        lastBgsaveOk = true;
        return true;
    }

    void save(Client c) {
        if (bg != null || replSnap != null) {
            c.error("ERR Background save already in progress");
            return;
        }
        saves++; // Redis's saveCommand counts the attempt; the shutdown, FLUSHALL and DEBUG RELOAD saves are not counted
        if (saveNow()) {
            server.propagation.prevent(c); // dirty went back to 0: Redis's SAVE never propagates
            c.ok();
        } else {
            c.error("ERR");
        }
    }

    // ---- BGSAVE

    void bgsave(Client c) {
        boolean schedule = false;
        if (c.argc > 1) {
            if (c.argc == 2 && c.argIs(1, "schedule")) {
                schedule = true;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        boolean inExec = c.denyBlocking && !c.isDetached();
        if (bg != null || replSnap != null) { // a full sync's snapshot is an RDB child in Redis too
            c.error("ERR Background save already in progress");
        } else if (server.keyspace.snapshotRunning() || inExec) {
            // Redis's bgsaveCommand: another child (here: the AOF rewrite's snapshot) or inside EXEC
            if (schedule || inExec) {
                scheduled = true;
                c.simple("Background saving scheduled");
            } else {
                c.error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
                    + "order to schedule a BGSAVE whenever possible.");
            }
        } else {
            startBackground();
            c.simple("Background saving started");
        }
    }

    /** Starts a background save (BGSAVE, save points); a file that cannot be opened fails it at once. */
    public void startBackground() {
        generatedByReplication = false; // a user's (or a save point's) file is never deleted as a sync file
        saves++; // Redis's rdbSaveBackground counts each background save as it starts
        dirtyBeforeBgsave = server.keyspace.dirty;
        lastBgsaveTry = now();
        bgStartSec = now();
        Path target = file();
        BackgroundChild child = BackgroundChild.forJob(server);
        long pid = child == null ? server.log.pid() : child.pid();
        try {
            bgSink = new RdbFileSink(target, pid);
        } catch (IOException e) {
            // Redis's child fails to open its temp file and exits with an error
            server.log.notice("Background saving started by pid " + pid);
            server.log.warning("Failed opening the temp RDB file temp-" + pid + ".rdb (in server root dir "
                + server.config.get("dir") + ") for saving: " + strerror(e));
            if (child != null) {
                child.end();
            }
            server.log.warning("Background saving error");
            lastBgsaveOk = false;
            lastBgsaveTimeSec = 0;
            bgStartSec = -1;
            bgSink = null;
            return;
        }
        bg = new Snapshot(server.keyspace, options(), bgSink);
        bg.child(child);
        bg.start("rdb-bgsave");
        server.stats.totalForks++;
        server.log.notice("Background saving started by pid " + pid);
    }

    // ---- a full resync's snapshot (Redis's RDB child of startBgsaveForReplication)

    /** The snapshot of a full resync running now (replication's), or null. */
    private Snapshot replSnap;
    private boolean replDisk;

    /**
     * Replication started the snapshot of a full resync. As Redis's RDB child it shows in INFO persistence
     * ({@code rdb_bgsave_in_progress}, {@code rdb_current_bgsave_time_sec}, the keys processed) and SAVE and BGSAVE
     * answer "Background save already in progress"; a disk-based one (the RDB file) is a background save
     * (Redis's rdbSaveBackground): counted in {@code rdb_saves}, and its end sets the save status, time and dirty
     * counter as a BGSAVE's does.
     */
    public void replicationSaveStarted(Snapshot s, boolean disk) {
        replSnap = s;
        replDisk = disk;
        bgStartSec = now();
        server.stats.totalForks++;
        if (disk) {
            saves++;
            dirtyBeforeBgsave = server.keyspace.dirty;
            lastBgsaveTry = now();
        }
    }

    /**
     * The full resync's snapshot ended: ok (written), failed, or killed (a replica about to load its master's data
     * stops it, Redis's killRDBChild: not an error). A socket transfer changes only the last save duration.
     */
    public void replicationSaveEnded(boolean ok, boolean killed) {
        if (replSnap == null) {
            return;
        }
        if (replDisk && ok) {
            server.keyspace.dirty -= dirtyBeforeBgsave;
            server.lastSave = now();
            lastBgsaveOk = true;
        } else if (replDisk && !killed) {
            lastBgsaveOk = false;
        }
        lastCowBytes = replSnap.cowBytes();
        lastBgsaveTimeSec = now() - bgStartSec;
        bgStartSec = -1;
        replSnap = null;
    }

    /** Whether a background RDB save is running. */
    public boolean bgsaveInProgress() {
        return bg != null;
    }

    private void checkBackground() {
        if (bg == null) {
            return;
        }
        Snapshot.State st = bg.state();
        if (st == Snapshot.State.WALKING || st == Snapshot.State.DRAINING) {
            return;
        }
        lastCowBytes = bg.cowBytes();
        if (st == Snapshot.State.DONE) {
            server.log.notice("DB saved on disk");
            server.log.notice("Snapshot buffers: peak " + bg.peakQueuedBytes() + " bytes, " + bg.copiedBeforeWrite()
                + " keys copied before a write (no fork: no copy-on-write)");
            server.log.notice("Background saving terminated with success");
            server.keyspace.dirty -= dirtyBeforeBgsave;
            server.lastSave = now();
            lastBgsaveOk = true;
        } else if (bg.childDied()) {
            // Redis's backgroundSaveDoneHandlerDisk for a child that did not exit by itself: SIGUSR1 (Redis's own
            // kill) is not an error; the temp file is gone with the aborted snapshot
            int signal = bg.child().signal();
            if (signal != 0) {
                server.log.warning("Background saving terminated by signal " + signal);
            } else {
                server.log.warning("Background saving error");
            }
            lastBgsaveOk = signal == BackgroundChild.SIGUSR1;
        } else {
            Throwable t = bg.error();
            if (t != null) {
                server.log.warning("Write error saving DB on disk: "
                    + (t instanceof IOException io ? strerror(io) : String.valueOf(t)));
            }
            server.log.warning("Background saving error");
            lastBgsaveOk = false;
        }
        lastBgsaveTimeSec = now() - bgStartSec;
        bgStartSec = -1;
        bg = null;
        bgSink = null;
    }

    /** Stops a running background save (FLUSHALL, shutdown): its temp file is removed, the status is not changed. */
    public void killBackground() {
        if (bg == null) {
            return;
        }
        bg.abort();
        try {
            bg.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lastBgsaveTimeSec = now() - bgStartSec;
        bgStartSec = -1;
        bg = null;
        bgSink = null;
    }

    // ---- hooks

    @Override
    public long beforeSleep() {
        long wait = Long.MAX_VALUE;
        for (int i = 0; i < owners.size(); i++) {
            wait = Math.min(wait, owners.get(i).step());
        }
        return Math.min(wait, stepBackground());
    }

    private long stepBackground() {
        if (bg == null) {
            return Long.MAX_VALUE;
        }
        boolean more = bg.step(SLICE_NS);
        checkBackground();
        if (bg == null) {
            return Long.MAX_VALUE;
        }
        // held back (queue full, rdb-key-save-delay): wait a millisecond instead of spinning; writing: poll soon
        return more && bg.progressed() ? 0 : 1;
    }

    @Override
    public void cron(long nowMs) {
        checkBackground();
        if (bg != null) {
            bg.keySaveDelay(server.config.getLong("rdb-key-save-delay"));
        }
        long now = nowMs / 1000;
        if (bg == null && !server.keyspace.snapshotRunning()) {
            long[] p = saveParams();
            for (int j = 0; j + 1 < p.length; j += 2) {
                long seconds = p[j];
                long changes = p[j + 1];
                if (server.keyspace.dirty >= changes && now - server.lastSave > seconds
                    && (now - lastBgsaveTry > RETRY_DELAY || lastBgsaveOk)) {
                    server.log.notice(changes + " changes in " + seconds + " seconds. Saving...");
                    startBackground();
                    break;
                }
            }
        }
        if (bg == null && !server.keyspace.snapshotRunning() && scheduled
            && (now - lastBgsaveTry > RETRY_DELAY || lastBgsaveOk)) {
            startBackground();
            scheduled = false;
        }
    }

    @Override
    public String writeError() {
        if (!lastBgsaveOk && server.config.getBool("stop-writes-on-bgsave-error") && hasSavePoints()) {
            return MISCONF;
        }
        return null;
    }

    @Override
    public boolean stopForShutdown(boolean force) {
        if (bg != null) {
            server.log.warning("There is a child saving an .rdb. Killing it!");
            Path temp = bgSink == null ? null : bgSink.temp();
            killBackground();
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // the abort deleted it already
                }
            }
        }
        for (SnapshotOwner o : owners) {
            if (!o.stopForShutdown(force)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean saveForShutdown(boolean save, boolean nosave, boolean force) {
        if ((hasSavePoints() || save) && !nosave) {
            server.log.notice("Saving the final RDB snapshot before exiting.");
            if (!saveNow()) {
                if (force) {
                    server.log.warning("Error trying to save the DB. Exit anyway.");
                } else {
                    server.log.warning("Error trying to save the DB, can't exit.");
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void flushedAll() {
        if (bg != null) {
            killBackground();
        }
        if (hasSavePoints()) {
            saveNow();
        }
    }

    @Override
    public void loadAtStartup() {
        Path f = file();
        if (!Files.exists(f)) {
            return;
        }
        long t0 = System.nanoTime();
        boolean master = server.iAmMaster();
        RdbLoad load = new RdbLoad(server.keyspace, server.limits, functions, master, false,
            System.currentTimeMillis());
        load.keyLoadDelayUs = server.config.getLong("key-load-delay");
        load.keepExpired = server.replication != null && master;
        load.loading = server.loading;
        server.loading.start(size(f), null); // clients are served meanwhile, answered -LOADING
        try {
            RdbReader r = RdbReader.open(f).verifyChecksum(server.config.getBool("rdbchecksum"));
            load.load(r);
        } catch (RdbException e) {
            for (Db db : server.dbs) {
                server.keyspace.flush(db); // never a partial dataset
            }
            if (e instanceof io.cinnabar.rdb.RdbChecksumException ce) { // Redis's two lines, %llx without padding
                server.log.warning("Wrong RDB checksum expected: (" + Long.toHexString(ce.computed()) + ") but got ("
                    + Long.toHexString(ce.stored()) + "). Aborting now.");
                server.log.warning("Internal error in RDB reading offset 0, function at rdb.c:0 -> RDB CRC error");
            } else {
                server.log.warning("Internal error in RDB reading offset " + e.offset() + ", function at rdb.c:0 -> "
                    + RdbCheck.reason(e, load.reading()));
            }
            // Redis's rdbReportError runs redis-check-rdb on the file (its report on stdout) before it exits
            server.log.stdout(RdbCheck.run(f, server.config.get("dbfilename"), server.config.getBool("rdbchecksum"))
                .report());
            server.log.warning("Terminating server after rdb file reading failure.");
            throw new IllegalStateException("Fatal error loading the DB (" + f + ", offset " + e.offset() + "): "
                + e.getMessage(), e);
        } catch (IOException | java.io.UncheckedIOException e) {
            server.log.warning("Fatal error loading the DB: " + e.getMessage() + ". Exiting.");
            throw new IllegalStateException("Fatal error loading the DB: " + e.getMessage(), e);
        } finally {
            server.loading.stop();
        }
        logLoaded(load, t0);
        if (load.replId != null && load.replOffset >= 0 && server.replication != null) {
            server.replication.loadedReplInfo(load.replId, load.replOffset, load.replStreamDb);
            if (server.iAmMaster()) {
                // Redis's RDBFLAGS_FEED_REPL: replicas that continue from this file learn which of its keys expired
                byte[] del = (server.config.getBool("lazyfree-lazy-expire") ? "UNLINK" : "DEL")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                for (int i = 0; i < load.expiredKeys.size(); i++) {
                    server.replication.feed(load.expiredDbs.get(i), new byte[][] {del, load.expiredKeys.get(i)});
                }
            }
        }
    }

    /** Redis's log lines after a load, and the INFO counters. */
    void logLoaded(RdbLoad load, long t0) {
        if (load.redisVer != null) {
            server.log.notice("Loading RDB produced by version " + load.redisVer);
        }
        if (load.ctime >= 0) {
            server.log.notice("RDB age " + (now() - load.ctime) + " seconds");
        }
        if (load.usedMem >= 0) {
            server.log.notice(String.format(Locale.ROOT, "RDB memory usage when created %.2f Mb",
                load.usedMem / 1024.0 / 1024.0));
        }
        for (String name : load.emptyKeyNames) {
            server.log.warning("rdbLoadObject skipping empty key: " + name);
        }
        if (load.emptyKeysSkipped > 0) {
            server.log.warning("Done loading RDB, keys loaded: " + load.keysLoaded + ", keys expired: "
                + load.keysExpired + ", empty keys skipped: " + load.emptyKeysSkipped + ".");
        } else {
            server.log.notice("Done loading RDB, keys loaded: " + load.keysLoaded + ", keys expired: "
                + load.keysExpired + ".");
        }
        server.log.notice(String.format(Locale.ROOT, "DB loaded from disk: %.3f seconds",
            (System.nanoTime() - t0) / 1e9));
        loadKeysLoaded = load.keysLoaded;
        loadKeysExpired = load.keysExpired;
    }

    /**
     * DEBUG RELOAD: saves (unless nosave), empties the keyspace (unless noflush) and loads the file again (merge:
     * a key already present is replaced instead of being an error). Returns null or the error reply.
     */
    public String debugReload(boolean merge, boolean noflush, boolean nosave) {
        if (!nosave) {
            killBackground();
            if (!saveNow()) {
                return "ERR";
            }
        }
        if (!noflush) {
            for (Db db : server.dbs) {
                server.keyspace.flush(db);
            }
            if (functions != null) {
                functions.clear();
            }
        }
        long t0 = System.nanoTime();
        RdbLoad load = new RdbLoad(server.keyspace, server.limits, functions, server.iAmMaster(), merge,
            System.currentTimeMillis());
        load.keyLoadDelayUs = server.config.getLong("key-load-delay");
        load.loading = server.loading;
        server.loading.start(size(file()), server.current); // the others are answered -LOADING meanwhile
        try {
            load.load(RdbReader.open(file()).verifyChecksum(server.config.getBool("rdbchecksum")));
        } catch (RdbException e) {
            return "ERR Error trying to load the RDB dump, check server logs.";
        } catch (Loading.Aborted e) {
            return "ERR the server is shutting down"; // a SHUTDOWN during the load succeeded: no reply is sent
        } catch (IOException | RuntimeException e) {
            // with NOFLUSH a library or key the file holds may already exist: refused, the server keeps serving
            server.log.warning("Error trying to load the RDB dump: " + e.getMessage());
            return "ERR Error trying to load the RDB dump, check server logs.";
        } finally {
            server.loading.stop();
        }
        logLoaded(load, t0);
        server.propagation.prevent(null); // the dirty counter moved, but DEBUG RELOAD never propagates
        return null;
    }

    // ---- rdb-del-sync-files (Redis's removeRDBUsedToSyncReplicas and the replica's unlink after a disk load)

    /** The RDB file on disk was written to feed replicas (a disk-based full resync), not asked for by a user. */
    private boolean generatedByReplication;

    /** Whether no persistence is configured: no save points and the AOF off (Redis's allPersistenceDisabled). */
    public boolean allPersistenceDisabled() {
        return !hasSavePoints() && !server.config.getBool("appendonly");
    }

    /**
     * A background save for a disk-based full resync (repl-diskless-sync no): as {@link #startBackground}, and the
     * file is marked as made for replicas, so that {@link #removeRdbUsedToSyncReplicas} may delete it.
     */
    public void startBackgroundForReplication() {
        startBackground();
        if (bg != null) {
            generatedByReplication = true;
        }
    }

    /**
     * Replication wrote the RDB file itself for a disk-based full resync (its own snapshot, not
     * {@link #startBackgroundForReplication}): the file is marked as made for replicas all the same.
     */
    public void replicationWroteFile() {
        generatedByReplication = true;
    }

    /**
     * Redis's removeRDBUsedToSyncReplicas, for the replication cron: with {@code rdb-del-sync-files yes} and no
     * persistence configured, the RDB file made to feed replicas is deleted once no replica waits for it (the caller
     * says whether one does) and no save runs. Returns whether it deleted the file.
     */
    public boolean removeRdbUsedToSyncReplicas(boolean replicaStillNeedsIt) {
        if (!server.config.getBool("rdb-del-sync-files")) {
            generatedByReplication = false;
            return false;
        }
        if (!generatedByReplication || bg != null || replicaStillNeedsIt || !allPersistenceDisabled()) {
            return false;
        }
        Path f = file();
        if (!Files.exists(f)) {
            return false;
        }
        generatedByReplication = false;
        server.log.notice("Removing the RDB file used to feed replicas in a persistence-less instance");
        deleteQuietly(f);
        return true;
    }

    /**
     * The replica side: after a full resync loaded the RDB file received from the master, it is deleted when
     * {@code rdb-del-sync-files yes} and no persistence is configured (Redis's readSyncBulkPayload). Returns whether
     * it deleted the file.
     */
    public boolean deleteSyncFileAfterLoad() {
        if (!server.config.getBool("rdb-del-sync-files") || !allPersistenceDisabled()) {
            return false;
        }
        server.log.notice("Removing the RDB file obtained from the master. This replica has persistence disabled");
        deleteQuietly(file());
        return true;
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // best effort, as Redis's bg_unlink
        }
    }

    // ---- INFO

    /** The RDB lines of INFO persistence, from rdb_changes_since_last_save to rdb_last_load_keys_loaded. */
    public void info(StringBuilder b) {
        line(b, "rdb_changes_since_last_save", server.keyspace.dirty);
        line(b, "rdb_bgsave_in_progress", bg != null || replSnap != null ? 1 : 0);
        line(b, "rdb_last_save_time", server.lastSave);
        line(b, "rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
        line(b, "rdb_last_bgsave_time_sec", lastBgsaveTimeSec);
        line(b, "rdb_current_bgsave_time_sec", bg != null || replSnap != null ? now() - bgStartSec : -1);
        line(b, "rdb_saves", saves);
        line(b, "rdb_last_cow_size", lastCowBytes);
        line(b, "rdb_last_load_keys_expired", loadKeysExpired);
        line(b, "rdb_last_load_keys_loaded", loadKeysLoaded);
    }

    /** The running BGSAVE's (or full resync's) snapshot until its file is complete, or null. */
    public Snapshot runningSave() {
        return bg != null ? bg : replSnap;
    }

    private static void line(StringBuilder b, String k, Object v) {
        b.append(k).append(':').append(v).append("\r\n");
    }

    /** The size of file f in bytes, 0 when it cannot be read (the load then reports it). */
    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }
}
