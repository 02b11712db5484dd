package io.cinnabar.aof;

import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads an AOF the way Redis loads it: a multi-part AOF directory (or its manifest) in manifest load order, or a
 * single file. A file that starts with {@code REDIS} has an RDB preamble: the RDB part goes to the visitor's
 * {@link RdbVisitor} methods (through rdb-format's {@link RdbReader}), the commands after it to
 * {@link Visitor#command}.
 *
 * <pre>{@code
 * AofReader.read(Path.of("appendonlydir"), new AofReader.Visitor() {
 *     public void command(List<byte[]> args, long offset) { ... }
 * });
 * }</pre>
 *
 * <h2>Truncation</h2>
 * Like Redis with {@code aof-load-truncated yes}, a last file that ends inside a command is accepted: the
 * complete commands before it are delivered and {@link Visitor#truncated} reports the offset of the end of the
 * last complete command. A truncated earlier file, a truncated RDB preamble or bytes that are not a command
 * anywhere ("a corrupt middle") end reading with {@link AofException}. {@link #check} and {@link #fix} are
 * {@code redis-check-aof} and {@code redis-check-aof --fix}. Costs: O(bytes), memory of one command or RDB value.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class AofReader {
    private AofReader() {
    }

    /** Receives the files, RDB preamble content, commands and annotations of an AOF. */
    public interface Visitor extends RdbVisitor {
        /** A file of the AOF begins ({@code type} b, i or h; 0 for a single file without manifest). */
        default void file(Path file, char type, boolean rdbPreamble) {
        }

        default void command(List<byte[]> args, long offset) {
        }

        /** An annotation line such as {@code TS:1700000000}. */
        default void annotation(String text, long offset) {
        }

        /** The last file ends inside a command; everything up to {@code lastValidOffset} was delivered. */
        default void truncated(Path file, long lastValidOffset, long size) {
        }
    }

    /** The manifest of an AOF directory or manifest path, or null for a single file. */
    public static Path manifestOf(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                List<Path> m = s.filter(p -> p.getFileName().toString().endsWith(".manifest")).toList();
                if (m.size() != 1) {
                    throw new AofException("expected one *.manifest in " + path + ", found " + m.size(), 0, -1, false);
                }
                return m.get(0);
            }
        }
        return path.getFileName().toString().endsWith(".manifest") ? path : null;
    }

    public static AofManifest manifest(Path manifestFile) throws IOException {
        return AofManifest.parse(Files.readString(manifestFile, StandardCharsets.UTF_8));
    }

    /** Reads a directory, manifest or single file. */
    public static void read(Path path, Visitor v) throws IOException {
        Path manifest = manifestOf(path);
        if (manifest == null) {
            readFile(path, (char) 0, true, v);
            return;
        }
        List<AofManifest.Entry> order = manifest(manifest).loadOrder();
        for (int i = 0; i < order.size(); i++) {
            AofManifest.Entry e = order.get(i);
            Path f = manifest.resolveSibling(e.name());
            if (!Files.exists(f)) {
                throw new AofException("AOF file " + e.name() + " named by the manifest does not exist", 0, -1, false);
            }
            if (!Files.isRegularFile(f)) {
                // a name without '/' can still be "." or "..": the directory itself or its parent
                throw new AofException("AOF file " + e.name() + " named by the manifest is not a regular file", 0, -1,
                    false);
            }
            readFile(f, e.type(), i == order.size() - 1, v);
        }
    }

    /** Reads one file; {@code last} allows a truncated tail. */
    public static void readFile(Path file, char type, boolean last, Visitor v) throws IOException {
        long size = Files.size(file);
        boolean preamble = startsWithRdb(file);
        v.file(file, type, preamble);
        long start = 0;
        if (preamble) {
            RdbReader r = RdbReader.open(file);
            try {
                r.read(v);
            } catch (RdbException e) {
                throw new AofException(file + ": RDB preamble: " + e.getMessage(), e.offset(), e);
            }
            start = r.offset();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(start);
            InputStream in = Channels.newInputStream(ch);
            AofCommandReader cr = new AofCommandReader(in, start, size);
            commands(file, cr, last, size, v);
        }
    }

    private static void commands(Path file, AofCommandReader cr, boolean last, long size, Visitor v) {
        while (true) {
            long at = cr.offset();
            List<byte[]> args;
            try {
                args = cr.next();
            } catch (AofException e) {
                if (e.truncated() && last) {
                    v.truncated(file, e.lastValidOffset(), size);
                    return;
                }
                throw new AofException(file.getFileName() + ": " + e.getMessage().replaceFirst(" at offset \\d+$", ""),
                    e.offset(), e.lastValidOffset(), e.truncated());
            }
            if (args == null) {
                return;
            }
            if (args.isEmpty()) {
                v.annotation(cr.annotation(), at);
            } else {
                v.command(args, at);
            }
        }
    }

    static boolean startsWithRdb(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(5);
            return new String(magic, StandardCharsets.US_ASCII).equals("REDIS");
        }
    }

    /** What {@link #check} found. */
    public record CheckResult(long commands, long annotations, long rdbKeys, Path truncatedFile, long lastValidOffset,
                              long truncatedSize) {
        public boolean ok() {
            return truncatedFile == null;
        }
    }

    /**
     * Checks every file. A truncated tail of the last file is reported in the result (fixable); any other problem
     * throws {@link AofException}.
     */
    public static CheckResult check(Path path) throws IOException {
        long[] counts = new long[3];
        Object[] trunc = new Object[3];
        read(path, new Visitor() {
            @Override
            public void command(List<byte[]> args, long offset) {
                counts[0]++;
            }

            @Override
            public void annotation(String text, long offset) {
                counts[1]++;
            }

            @Override
            public void beginKey(io.cinnabar.rdb.RdbKey key) {
                counts[2]++;
            }

            @Override
            public void truncated(Path file, long lastValidOffset, long size) {
                trunc[0] = file;
                trunc[1] = lastValidOffset;
                trunc[2] = size;
            }
        });
        return trunc[0] == null ? new CheckResult(counts[0], counts[1], counts[2], null, -1, -1)
            : new CheckResult(counts[0], counts[1], counts[2], (Path) trunc[0], (Long) trunc[1], (Long) trunc[2]);
    }

    /** Truncates the last file to its last complete command if its tail is cut short; returns the check result. */
    public static CheckResult fix(Path path) throws IOException {
        CheckResult r = check(path);
        if (!r.ok()) {
            try (FileChannel ch = FileChannel.open(r.truncatedFile(), StandardOpenOption.WRITE)) {
                ch.truncate(r.lastValidOffset());
                ch.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return r;
    }
}
