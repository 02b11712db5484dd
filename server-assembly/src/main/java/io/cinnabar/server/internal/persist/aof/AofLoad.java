package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.aof.AofException;
import io.cinnabar.aof.AofManifest;
import io.cinnabar.aof.AofReader;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.persist.FunctionStore;
import io.cinnabar.server.internal.persist.RdbLoad;
import io.cinnabar.rdb.RdbException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loading an AOF as Redis 7.2 does (loadDataFromDisk, loadAppendOnlyFiles, loadSingleAppendOnlyFile): the
 * manifest of {@code dir/appenddirname} (or a pre-7 {@code dir/appendfilename}, first moved into a new AOF directory
 * with a manifest naming it as the base), then the base and the incremental files in order, each command run
 * through the socket-less client ({@link Server#execute}) with lazy expiry off; an RDB base (or preamble) is
 * loaded by {@link RdbLoad} (values built in their encodings, function libraries included).
 * <ul>
 * <li>The last file may end inside a command: with {@code aof-load-truncated yes} it is truncated at its last
 *     complete command and loading goes on; otherwise, and for any earlier file, loading fails. An incomplete
 *     MULTI at the end is reverted the same way.</li>
 * <li>A format error, an unknown command, a file the manifest names but the disk lacks, or a bad RDB base fails
 *     loading with Redis's message; the server then exits with status 1 and never serves a partial dataset.</li>
 * </ul>
 * <p><b>Note:</b> This class is not threadsafe: it runs on the event-loop thread (or before it starts).
 */
final class AofLoad {
    static final int OK = 0;
    static final int NOT_EXIST = 1;
    static final int EMPTY = 2;
    static final int OPEN_ERR = 3;
    static final int FAILED = 4;
    static final int TRUNCATED = 5;

    private final AppendOnlyFile aof;
    private final Server server;
    private final ServerLog log;

    AofLoad(AppendOnlyFile aof) {
        this.aof = aof;
        this.server = aof.server;
        this.log = aof.log;
    }

    /** Startup: manifest, load, open the incremental file, delete history files. False: exit(1). */
    boolean startup() {
        if (!server.config.getBool("appendonly")) {
            return true;
        }
        aof.state = AppendOnlyFile.ON;
        aof.dirPath = aof.resolveDir();
        if (!loadManifest()) {
            return false;
        }
        long start = System.nanoTime();
        int ret = loadFiles(aof.files);
        if (ret == FAILED || ret == OPEN_ERR) {
            return false;
        }
        if (ret != NOT_EXIST) {
            log.notice(String.format(Locale.ROOT, "DB loaded from append only file: %.3f seconds",
                (System.nanoTime() - start) / 1e9));
        }
        if (!aof.openOnServerStart()) {
            return false;
        }
        aof.delHistoryFiles();
        aof.switchedOn();
        return true;
    }

    /** DEBUG LOADAOF: flush and fsync, empty the dataset, load the files again. False: exit(1). */
    boolean debugLoadAof() {
        if (aof.state == AppendOnlyFile.ON) {
            aof.flush(true);
        }
        for (Db db : server.dbs) {
            server.keyspace.flush(db);
        }
        if (aof.functions() != null) {
            aof.functions().clear(); // the base holds the libraries again, as DEBUG RELOAD's file does
        }
        if (!loadManifest()) {
            return false;
        }
        aof.delHistoryFiles();
        int ret = loadFiles(aof.files);
        if (ret != OK && ret != EMPTY) {
            return false;
        }
        server.keyspace.dirty = 0;
        // Redis's "server.dirty = 0; /* Prevent AOF / replication */": DEBUG LOADAOF itself never propagates
        server.propagation.prevent(null);
        log.notice("Append Only File loaded by DEBUG LOADAOF");
        return true;
    }

    /** Redis's aofLoadManifestFromDisk; a missing directory or manifest is an empty model. */
    private boolean loadManifest() {
        Path dir = aof.dirPath;
        Path manifest = dir.resolve(aof.aofName() + ".manifest");
        if (!Files.isDirectory(dir) || !Files.exists(manifest)) {
            aof.files = new AofFiles();
            return true;
        }
        try {
            aof.files = AofFiles.load(manifest, log);
            return true;
        } catch (AofFiles.ManifestError e) {
            return false;
        } catch (IOException e) {
            log.warning("Fatal error: can't open the AOF manifest file " + manifest + " for reading: "
                + AppendOnlyFile.errText(e));
            return false;
        }
    }

    /** Redis's loadAppendOnlyFiles, with the upgrade of a pre-7 single file. */
    int loadFiles(AofFiles am) {
        Path dir = aof.dirPath;
        String name = aof.aofName();
        Path old = Path.of(server.config.get("dir")).resolve(name);
        if (Files.isRegularFile(old)) {
            boolean upgrade = !Files.isDirectory(dir) || am.empty()
                || am.base != null && am.incr.isEmpty() && am.base.name().equals(name) && !Files.exists(dir.resolve(name));
            if (upgrade && !upgradePrepare(am, old)) {
                return FAILED;
            }
        }
        if (am.empty()) {
            return NOT_EXIST;
        }
        List<AofManifest.Entry> order = am.loadOrder();
        long total = 0;
        for (AofManifest.Entry e : order) {
            Path p = dir.resolve(e.name());
            if (!Files.exists(p)) {
                log.warning("Unable to obtain the AOF file " + e.name() + " length. stat: No such file or directory");
                return FAILED;
            }
            total += AppendOnlyFile.size(p);
        }
        if (total == 0) {
            return EMPTY;
        }
        int ret = OK;
        long baseSize = 0;
        server.keyspace.loading = true;
        int savedState = aof.state;
        aof.state = AppendOnlyFile.OFF; // what the replayed commands propagate must not go back into the AOF
        // nor anywhere else: inside DEBUG LOADAOF the replayed commands would join that command's entries (Redis's
        // alsoPropagate returns at once while loading)
        server.propagation.suppress(true);
        server.loading.start(total, server.current); // clients are served meanwhile (Redis's startLoading)
        long before = 0; // the bytes of the files already loaded: the progress is over the whole set
        try {
            for (int i = 0; i < order.size(); i++) {
                AofManifest.Entry e = order.get(i);
                boolean last = i == order.size() - 1;
                long t0 = System.nanoTime();
                if (e.type() == 'b') {
                    baseSize = AppendOnlyFile.size(dir.resolve(e.name()));
                }
                ret = loadSingle(e.name(), dir.resolve(e.name()), before);
                before += AppendOnlyFile.size(dir.resolve(e.name()));
                if (ret == OK || ret == TRUNCATED && last) {
                    log.notice(String.format(Locale.ROOT, "DB loaded from %s file %s: %.3f seconds",
                        e.type() == 'b' ? "base" : "incr", e.name(), (System.nanoTime() - t0) / 1e9));
                }
                if (ret == EMPTY && e.type() == 'i') {
                    ret = OK;
                }
                if (ret == TRUNCATED && !last) {
                    ret = FAILED;
                    log.warning("Fatal error: the truncated file is not the last file");
                }
                if (ret == OPEN_ERR || ret == FAILED) {
                    return ret;
                }
            }
        } finally {
            server.loading.stop();
            server.keyspace.loading = false;
            aof.state = savedState;
            server.propagation.suppress(false);
        }
        aof.currentSize = total;
        aof.rewriteBaseSize = baseSize;
        aof.fsyncOffset = total;
        return ret;
    }

    /** Redis's aofUpgradePrepare: the old file becomes the base of a new AOF directory. */
    private boolean upgradePrepare(AofFiles am, Path old) {
        if (!aof.createDir()) {
            return false;
        }
        String name = aof.aofName();
        am.base = new AofManifest.Entry(name, 1, 'b');
        am.baseSeq = 1;
        am.dirty = true;
        if (!am.persist(aof.dirPath, name, log)) {
            return false;
        }
        try {
            Files.move(old, aof.dirPath.resolve(name));
        } catch (IOException e) {
            log.warning("Error trying to move the old AOF file " + name + " into dir "
                + server.config.get("appenddirname") + ": " + AppendOnlyFile.errText(e));
            return false;
        }
        log.notice("Successfully migrated an old-style AOF file (" + name + ") into the AOF directory ("
            + server.config.get("appenddirname") + ").");
        return true;
    }

    /** Redis's loadSingleAppendOnlyFile. */
    private int loadSingle(String name, Path file, long before) {
        long size = AppendOnlyFile.size(file);
        if (size == 0) {
            return EMPTY;
        }
        boolean oldStyle = name.equals(aof.aofName());
        Replay replay = new Replay(server, name, log, oldStyle, aof.functions());
        replay.loading = server.loading;
        replay.progressBase = before;
        replay.keyLoadDelayUs = server.config.getLong("key-load-delay");
        try {
            AofReader.readFile(file, (char) 0, true, replay);
        } catch (AofException e) {
            if (replay.failed) {
                return FAILED;
            }
            if (e.getMessage() != null && e.getMessage().contains("RDB preamble")) {
                log.warning(oldStyle ? "Error reading the RDB preamble of the AOF file " + name + ", AOF loading aborted"
                    : "Error reading the RDB base file " + name + ", AOF loading aborted");
                return FAILED;
            }
            log.warning("Bad file format reading the append only file " + name + ": make a backup of your AOF file, "
                + "then use ./redis-check-aof --fix <filename.manifest>");
            return FAILED;
        } catch (ReplayFailed e) {
            return FAILED;
        } catch (IOException e) {
            log.warning("Unrecoverable error reading the append only file " + name + ": " + AppendOnlyFile.errText(e));
            return FAILED;
        } finally {
            replay.discardTransaction();
        }
        long validUpTo = -1;
        if (replay.truncatedAt >= 0) {
            validUpTo = replay.inMultiAtEnd ? replay.validBeforeMulti : replay.truncatedAt;
        } else if (replay.inMultiAtEnd) {
            log.warning("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
            validUpTo = replay.validBeforeMulti;
        } else {
            return OK;
        }
        if (server.config.getBool("aof-load-truncated")) {
            log.warning("!!! Warning: short read while loading the AOF file " + name + "!!!");
            log.warning("!!! Truncating the AOF " + name + " at offset " + validUpTo + " !!!");
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(validUpTo);
                log.warning("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
                return TRUNCATED;
            } catch (IOException e) {
                log.warning("Error truncating the AOF file " + name + ": " + AppendOnlyFile.errText(e));
            }
        }
        log.warning("Unexpected end of file reading the append only file " + name + ". You can: 1) Make a backup "
            + "of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set "
            + "the 'aof-load-truncated' configuration option to yes and restart the server.");
        return FAILED;
    }

    /** Thrown out of the reader's callbacks when a command cannot be replayed (already logged). */
    static final class ReplayFailed extends RuntimeException {
        ReplayFailed() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs each command of a file through a detached client; an RDB base (or the RDB preamble of a pre-7 file) is
     * {@link RdbLoad}'s, which this replay extends: the values are built directly in their encodings by the same
     * code as an RDB load, as Redis's rdbLoadRio with RDBFLAGS_AOF_PREAMBLE does (keys already expired are loaded
     * too; expiry removes them later).
     */
    static final class Replay extends RdbLoad implements AofReader.Visitor {
        private final Server server;
        private final String name;
        private final ServerLog log;
        private final boolean oldStyle;
        final Client client;
        long truncatedAt = -1;
        long validBeforeMulti;
        boolean inMultiAtEnd;
        boolean failed;

        Replay(Server server, String name, ServerLog log, boolean oldStyle, FunctionStore functions) {
            super(server.keyspace, server.limits, functions, false, false, System.currentTimeMillis());
            this.server = server;
            this.name = name;
            this.log = log;
            this.oldStyle = oldStyle;
            this.client = Client.detached(server);
            this.client.denyBlocking = true;
        }

        @Override
        public void file(Path file, char type, boolean rdbPreamble) {
            if (rdbPreamble) {
                log.notice(oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
            }
        }

        @Override
        public void end(long storedChecksum, long computedChecksum) {
            if (oldStyle) {
                log.notice("Reading the remaining AOF tail...");
            }
        }

        @Override
        public void command(List<byte[]> args, long offset) {
            byte[][] argv = args.toArray(new byte[0][]);
            if (server.commands.lookup(argv[0], 0, argv[0].length) == null) {
                log.warning("Unknown command '" + new String(argv[0], java.nio.charset.StandardCharsets.ISO_8859_1)
                    + "' reading the append only file " + name);
                failed = true;
                throw new ReplayFailed();
            }
            if (argv.length == 1 && new String(argv[0], java.nio.charset.StandardCharsets.ISO_8859_1)
                    .equalsIgnoreCase("multi")) {
                validBeforeMulti = offset;
            }
            if (loading != null && commands++ % 1024 == 0) {
                // Redis's loadSingleAppendOnlyFile: the clients are served every 1024 commands
                loading.loadedBytes = progressBase + offset;
                loading.serveClients();
            }
            run(argv);
            inMultiAtEnd = client.inMulti;
            keyLoaded(); // key-load-delay after each command, as Redis's debugDelay there
        }

        private long commands;

        void run(byte[][] argv) {
            server.execute(client, argv);
            client.enc.clear();
        }

        @Override
        public void truncated(Path file, long lastValidOffset, long size) {
            truncatedAt = lastValidOffset;
        }

        void discardTransaction() {
            if (client.inMulti) {
                run(new byte[][] {"DISCARD".getBytes(java.nio.charset.StandardCharsets.US_ASCII)});
            }
        }

        @Override
        public void moduleValue(long moduleId, String moduleName) {
            throw new RdbException("module value " + moduleName + " is not supported", 0);
        }
    }
}
