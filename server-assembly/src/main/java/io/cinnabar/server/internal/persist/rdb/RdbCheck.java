package io.cinnabar.server.internal.persist.rdb;

import io.cinnabar.rdb.RdbChecksumException;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.server.internal.persist.DumpCommands;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Redis's {@code redis-check-rdb} report, which Redis prints on stdout when the RDB file it loads at startup is
 * corrupt ({@code rdbReportError} runs {@code redis_check_rdb_main} on the file before it exits): "[offset N]
 * Checking RDB file NAME", one line per aux field and SELECTDB, then either "--- RDB ERROR DETECTED ---" with the
 * error, what was being read (key and type) and the key counts, or the checksum line and "\o/ RDB looks OK! \o/".
 * The file is read a second time with the rdb-format reader, which validates every ziplist, listpack, intset and
 * zipmap; nothing is kept. A failure inside an encoded value is reported with Redis's reason for the type ("Hash
 * ziplist integrity check failed."), followed by the reader's own detail.
 * <p><b>Note:</b> This class is not threadsafe: one check runs on one thread.
 */
public final class RdbCheck implements RdbVisitor {
    /** Redis 7.2's rdb_type_string, indexed by RDB value type. */
    private static final String[] TYPE_NAMES = {"string", "list-linked", "set-hashtable", "zset-v1", "hash-hashtable",
        "zset-v2", "module-pre-release", "module-value", "", "hash-zipmap", "list-ziplist", "set-intset",
        "zset-ziplist", "hash-ziplist", "quicklist", "stream", "hash-listpack", "zset-listpack", "quicklist-v2",
        "stream-v2", "set-listpack", "stream-v3"};

    private final StringBuilder out = new StringBuilder();
    private final long nowMs;
    private final boolean verifyChecksum;
    private RdbReader reader;
    private RdbKey reading;
    private long keys;
    private long expires;
    private long alreadyExpired;
    private String error;

    private RdbCheck(long nowMs, boolean verifyChecksum) {
        this.nowMs = nowMs;
        this.verifyChecksum = verifyChecksum;
    }

    /**
     * Checks {@code file} as redis-check-rdb would and returns the report (lines ending in a newline).
     *
     * @param name the file name as Redis prints it (its {@code dbfilename}, relative to {@code dir})
     * @param verifyChecksum the {@code rdbchecksum} option
     */
    public static RdbCheck run(Path file, String name, boolean verifyChecksum) {
        RdbCheck c = new RdbCheck(System.currentTimeMillis(), verifyChecksum);
        c.info(0, "Checking RDB file " + name);
        try {
            c.reader = RdbReader.open(file).verifyChecksum(verifyChecksum).skipModules(true);
            c.reader.read(c);
            c.info(c.reader.offset(), "\\o/ RDB looks OK! \\o/");
            c.generic();
        } catch (RdbException e) {
            c.failed(e);
        } catch (IOException | java.io.UncheckedIOException e) {
            c.errorBlock(0, "Unexpected EOF reading RDB file (" + e.getMessage() + ")", "start");
        }
        return c;
    }

    /** The report. */
    public String report() {
        return out.toString();
    }

    /** The error line's message (Redis's rdbReportError text), or null when the file checked OK. */
    public String error() {
        return error;
    }

    /**
     * Redis's reason for a failure while the value of {@code reading} was read: the integrity-check sentence of an
     * encoded type, with the reader's detail; the reader's message for anything else (a short file, a bad length).
     */
    static String reason(RdbException e, RdbKey reading) {
        String detail = e.getMessage();
        if (reading == null || detail == null || detail.contains("integrity check failed")
            || detail.startsWith("unexpected end of input") || detail.contains("exceeds the")) {
            return detail;
        }
        String integrity = DumpCommands.integrityReason(reading.type());
        return integrity == null ? detail : integrity + " (" + detail + ")";
    }

    private void failed(RdbException e) {
        long at = reader != null ? reader.offset() : 0;
        if (e instanceof RdbChecksumException) {
            errorBlock(at, "RDB CRC error", "check-sum");
            return;
        }
        String msg = "Internal error in RDB reading offset 0, function at rdb.c:0 -> " + reason(e, reading);
        errorBlock(at, msg, reading != null ? "read-object-value" : "read-type");
    }

    private void errorBlock(long at, String msg, String doing) {
        error = msg;
        out.append("--- RDB ERROR DETECTED ---\n");
        out.append("[offset ").append(at).append("] ").append(msg).append('\n');
        out.append("[additional info] While doing: ").append(doing).append('\n');
        if (reading != null) {
            int t = reading.type();
            out.append("[additional info] Reading key '").append(new String(reading.key(), StandardCharsets.ISO_8859_1))
                .append("'\n");
            out.append("[additional info] Reading type ").append(t).append(" (")
                .append(t >= 0 && t < TYPE_NAMES.length ? TYPE_NAMES[t] : "unknown").append(")\n");
        }
        generic();
    }

    private void generic() {
        out.append("[info] ").append(keys).append(" keys read\n");
        out.append("[info] ").append(expires).append(" expires\n");
        out.append("[info] ").append(alreadyExpired).append(" already expired\n");
    }

    private void info(long at, String msg) {
        out.append("[offset ").append(at).append("] ").append(msg).append('\n');
    }

    @Override
    public void aux(byte[] key, byte[] value) {
        info(reader.offset(), "AUX FIELD " + new String(key, StandardCharsets.ISO_8859_1) + " = '"
            + new String(value, StandardCharsets.ISO_8859_1) + "'");
    }

    @Override
    public void moduleAux(long moduleId, String moduleName, long when) {
        info(reader.offset(), "MODULE AUX for: " + moduleName);
    }

    @Override
    public void selectDb(int db) {
        info(reader.offset(), "Selecting DB ID " + db);
    }

    @Override
    public void beginKey(RdbKey key) {
        reading = key;
        keys++;
    }

    @Override
    public void emptyKey(RdbKey key) {
        keys++;
        counted(key);
    }

    @Override
    public void endKey(RdbKey key) {
        counted(key);
        reading = null;
    }

    private void counted(RdbKey key) {
        if (key.expireAtMs() >= 0) {
            expires++;
            if (key.expireAtMs() < nowMs) {
                alreadyExpired++;
            }
        }
    }

    @Override
    public void end(long storedChecksum, long computedChecksum) {
        if (reader.version() >= 5 && verifyChecksum) {
            info(reader.offset(), storedChecksum == 0 ? "RDB file was saved with checksum disabled: no check performed."
                : "Checksum OK");
        }
    }
}
