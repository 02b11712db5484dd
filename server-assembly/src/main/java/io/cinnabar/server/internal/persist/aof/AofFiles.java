package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.aof.AofManifest;
import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.config.ServerLog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a multi-part AOF as Redis 7's {@code aofManifest} tracks them: at most one base, history files
 * (waiting to be deleted) and incremental files by ascending seq, the last one being the file written to. Names
 * follow Redis's rules: {@code <appendfilename>.<seq>.base.{rdb|aof}}, {@code <appendfilename>.<seq>.incr.aof},
 * manifest {@code <appendfilename>.manifest}, written to {@code temp-<appendfilename>.manifest}, fsynced, renamed
 * over the manifest and the directory fsynced.
 * <p>
 * A model is copied ({@link #copy}) before a change that must be atomic (a new incremental file, the end of a
 * rewrite), changed, persisted, and only then adopted.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class AofFiles {
    /** Thrown by {@link #load} with Redis's fatal manifest message (already logged). */
    static final class ManifestError extends Exception {
        ManifestError(String msg) {
            super(msg);
        }
    }

    AofManifest.Entry base;
    final List<AofManifest.Entry> history = new ArrayList<>();
    final List<AofManifest.Entry> incr = new ArrayList<>();
    long baseSeq;
    long incrSeq;
    boolean dirty;

    AofFiles copy() {
        AofFiles c = new AofFiles();
        c.base = base;
        c.history.addAll(history);
        c.incr.addAll(incr);
        c.baseSeq = baseSeq;
        c.incrSeq = incrSeq;
        c.dirty = dirty;
        return c;
    }

    boolean empty() {
        return base == null && incr.isEmpty();
    }

    /** Base first (if any), then the incremental files: what loading reads. */
    List<AofManifest.Entry> loadOrder() {
        List<AofManifest.Entry> out = new ArrayList<>();
        if (base != null) {
            out.add(base);
        }
        out.addAll(incr);
        return out;
    }

    /** Redis's getNewBaseFileNameAndMarkPreAsHistory. */
    String newBase(String aofName, boolean rdb) {
        if (base != null) {
            history.add(0, new AofManifest.Entry(base.name(), base.seq(), 'h'));
        }
        baseSeq++;
        base = new AofManifest.Entry(aofName + "." + baseSeq + ".base" + (rdb ? ".rdb" : ".aof"), baseSeq, 'b');
        dirty = true;
        return base.name();
    }

    /** Redis's getNewIncrAofName. */
    String newIncr(String aofName) {
        incrSeq++;
        AofManifest.Entry e = new AofManifest.Entry(aofName + "." + incrSeq + ".incr.aof", incrSeq, 'i');
        incr.add(e);
        dirty = true;
        return e.name();
    }

    /** The last incremental file, or a new one. */
    String lastIncr(String aofName) {
        return incr.isEmpty() ? newIncr(aofName) : incr.get(incr.size() - 1).name();
    }

    /** Every incremental file but the one being written (when writing) becomes history. */
    void markRewrittenIncrAsHistory(boolean writing) {
        int keep = writing && !incr.isEmpty() ? 1 : 0;
        while (incr.size() > keep) {
            AofManifest.Entry e = incr.remove(incr.size() - 1 - keep);
            history.add(0, new AofManifest.Entry(e.name(), e.seq(), 'h'));
        }
        dirty = true;
    }

    String format() {
        List<AofManifest.Entry> all = new ArrayList<>();
        if (base != null) {
            all.add(base);
        }
        all.addAll(history);
        all.addAll(incr);
        return new AofManifest(all).format();
    }

    /** Redis's persistAofManifest: temp file, fsync, rename, directory fsync; logs and returns false on error. */
    boolean persist(Path dir, String aofName, ServerLog log) {
        if (!dirty) {
            return true;
        }
        String name = aofName + ".manifest";
        String tmpName = "temp-" + name;
        Path tmp = dir.resolve(tmpName);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(format().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException e) {
            log.warning("Can't open the AOF manifest file " + tmpName + ": " + AppendOnlyFile.errText(e));
            return false;
        }
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warning("Error trying to rename the temporary AOF manifest file " + tmpName + " into " + name + ": "
                + AppendOnlyFile.errText(e));
            return false;
        }
        io.cinnabar.server.internal.persist.DurableFiles.fsyncDir(dir);
        dirty = false;
        return true;
    }

    /**
     * Redis's aofLoadManifestFromFile, with its checks and fatal messages (logged here): an empty manifest, a
     * line without newline or longer than 1024 bytes, a line that is not key/value pairs with file, seq and type,
     * a path instead of a file name, two bases, non-monotonic incremental seqs, an unknown type.
     */
    static AofFiles load(Path manifest, ServerLog log) throws ManifestError, IOException {
        AofFiles am = new AofFiles();
        byte[] all = Files.readAllBytes(manifest);
        int pos = 0;
        int lineNo = 0;
        long maxSeq = 0;
        if (all.length == 0) {
            throw fatal(log, null, 0, "Found an empty AOF manifest");
        }
        while (pos < all.length) {
            int nl = pos;
            while (nl < all.length && all[nl] != '\n' && nl - pos < AofManifest.MAX_LINE) {
                nl++;
            }
            lineNo++;
            String raw = new String(all, pos, nl - pos, StandardCharsets.UTF_8);
            if (all[pos] == '#') {
                pos = skipLine(all, nl);
                continue;
            }
            if (nl >= all.length || all[nl] != '\n') {
                throw fatal(log, raw.strip(), lineNo, "The AOF manifest file contains too long line");
            }
            String line = raw.strip();
            pos = nl + 1;
            List<String> argv = line.isEmpty() ? null : SdsArgs.split(line);
            if (argv == null || argv.size() < 6 || argv.size() % 2 != 0) {
                throw fatal(log, line, lineNo, "Invalid AOF manifest file format");
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < argv.size(); i += 2) {
                String k = argv.get(i);
                String v = argv.get(i + 1);
                if (k.equalsIgnoreCase("file")) {
                    name = v;
                    if (name.contains("/")) {
                        throw fatal(log, line, lineNo, "File can't be a path, just a filename");
                    }
                } else if (k.equalsIgnoreCase("seq")) {
                    seq = atoll(v);
                } else if (k.equalsIgnoreCase("type")) {
                    type = v.isEmpty() ? 0 : v.charAt(0);
                }
            }
            if (name == null || name.isEmpty() || seq == 0 || type == 0) {
                throw fatal(log, line, lineNo, "Invalid AOF manifest file format");
            }
            switch (type) {
                case 'b' -> {
                    if (am.base != null) {
                        throw fatal(log, line, lineNo, "Found duplicate base file information");
                    }
                    am.base = new AofManifest.Entry(name, seq, 'b');
                    am.baseSeq = seq;
                }
                case 'h' -> am.history.add(new AofManifest.Entry(name, seq, 'h'));
                case 'i' -> {
                    if (seq <= maxSeq) {
                        throw fatal(log, line, lineNo, "Found a non-monotonic sequence number");
                    }
                    am.incr.add(new AofManifest.Entry(name, seq, 'i'));
                    am.incrSeq = seq;
                    maxSeq = seq;
                }
                default -> throw fatal(log, line, lineNo, "Unknown AOF file type");
            }
        }
        return am;
    }

    private static int skipLine(byte[] all, int from) {
        int i = from;
        while (i < all.length && all[i] != '\n') {
            i++;
        }
        return i + 1;
    }

    /** C's atoll: optional sign and leading digits, 0 when none. */
    private static long atoll(String v) {
        int i = 0;
        boolean neg = false;
        if (i < v.length() && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
            neg = v.charAt(i) == '-';
            i++;
        }
        long n = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            n = n * 10 + (v.charAt(i) - '0');
            i++;
        }
        return neg ? -n : n;
    }

    private static ManifestError fatal(ServerLog log, String line, int lineNo, String err) {
        log.warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
        if (line != null) {
            log.warning("Reading the manifest file, at line " + lineNo + "\n");
            log.warning(">>> '" + line + "'\n");
        }
        log.warning(err + "\n");
        return new ManifestError(err);
    }
}
