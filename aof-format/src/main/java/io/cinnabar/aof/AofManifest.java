package io.cinnabar.aof;

import io.cinnabar.sds.SdsArgs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The manifest of a Redis 7 multi-part AOF ({@code appendonly.aof.manifest} in {@code appenddirname}).
 *
 * <pre>
 *   file appendonly.aof.1.base.rdb seq 1 type b\n
 *   file appendonly.aof.1.incr.aof seq 1 type h\n
 *   file appendonly.aof.2.incr.aof seq 2 type i\n
 *
 *   one file per line as key/value pairs (order free, unknown keys ignored); lines starting with '#' are comments;
 *   type b = base (RDB or AOF, at most one), h = history (awaiting deletion, not loaded), i = incremental;
 *   names needing it (sdsneedsrepr) are written quoted by sds's sdscatrepr ("a b", \n \r \t \a \b \\ \" and \xHH);
 *   unlike Redis, a name with a single quote is quoted too (Redis writes it bare and then cannot split it back);
 *   lines are read with sds's sdssplitargs (io.cinnabar.sds.SdsArgs, the one implementation of both).
 * </pre>
 * Written as Redis writes it: base first, then history files, then incremental files. Load order:
 * {@link #loadOrder()} (base, then incrementals by seq).
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class AofManifest {
    /** The longest manifest line Redis accepts. */
    public static final int MAX_LINE = 1024;

    /** One file of the manifest. */
    public record Entry(String name, long seq, char type) {
        public Entry {
            if (type != 'b' && type != 'h' && type != 'i') {
                throw new IllegalArgumentException("AOF file type must be b, h or i: " + type);
            }
            if (name.isEmpty() || name.contains("/")) {
                throw new IllegalArgumentException("AOF file name must be a plain file name: " + name);
            }
        }
    }

    private final List<Entry> entries;

    public AofManifest(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        if (entries.stream().filter(e -> e.type() == 'b').count() > 1) {
            throw new IllegalArgumentException("more than one base file");
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The base file, or null. */
    public Entry base() {
        return entries.stream().filter(e -> e.type() == 'b').findFirst().orElse(null);
    }

    /** Base (if any), then incremental files by ascending seq: the order Redis loads them. */
    public List<Entry> loadOrder() {
        List<Entry> out = new ArrayList<>();
        if (base() != null) {
            out.add(base());
        }
        entries.stream().filter(e -> e.type() == 'i').sorted(Comparator.comparingLong(Entry::seq)).forEach(out::add);
        return out;
    }

    /** Parses manifest text; throws {@link AofException} naming the line (as offset) on error. */
    public static AofManifest parse(String text) {
        List<Entry> out = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start < text.length()) {
            lineNo++;
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                throw new AofException("manifest line " + lineNo + " is not terminated by a newline", start, -1, false);
            }
            String line = text.substring(start, nl);
            if (line.length() + 1 > MAX_LINE) {
                throw new AofException("manifest line " + lineNo + " is too long", start, -1, false);
            }
            if (!line.startsWith("#") && !line.isBlank()) {
                out.add(entry(line, lineNo, start));
            }
            start = nl + 1;
        }
        try {
            return new AofManifest(out);
        } catch (IllegalArgumentException e) {
            throw new AofException("invalid manifest: " + e.getMessage(), 0, -1, false);
        }
    }

    private static Entry entry(String line, int lineNo, int at) {
        List<String> args = splitArgs(line);
        if (args == null || args.size() % 2 != 0) {
            throw new AofException("manifest line " + lineNo + " is not key/value pairs", at, -1, false);
        }
        String name = null;
        long seq = -1;
        char type = 0;
        for (int i = 0; i < args.size(); i += 2) {
            String v = args.get(i + 1);
            switch (args.get(i)) {
                case "file" -> name = v;
                case "seq" -> {
                    try {
                        seq = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new AofException("manifest line " + lineNo + ": bad seq " + v, at, -1, false);
                    }
                }
                case "type" -> type = v.length() == 1 ? v.charAt(0) : '?';
                default -> {
                    // unknown keys are ignored, as Redis does
                }
            }
        }
        if (name == null || seq < 0 || type == 0) {
            throw new AofException("manifest line " + lineNo + " lacks file, seq or type", at, -1, false);
        }
        try {
            return new Entry(name, seq, type);
        } catch (IllegalArgumentException e) {
            throw new AofException("manifest line " + lineNo + ": " + e.getMessage(), at, -1, false);
        }
    }

    /** The manifest text, base first, then history, then incremental files. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (char t : new char[] {'b', 'h', 'i'}) {
            for (Entry e : entries) {
                if (e.type() == t) {
                    sb.append("file ").append(repr(e.name())).append(" seq ").append(e.seq()).append(" type ").append(t)
                        .append('\n');
                }
            }
        }
        return sb.toString();
    }

    /**
     * The name as is, or quoted by sds's {@code sdscatrepr} when {@code sdsneedsrepr} says so or it holds a
     * single quote (which Redis writes bare and then cannot split back).
     */
    static String repr(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (!SdsArgs.needsRepr(b, 0, b.length) && name.indexOf('\'') < 0) {
            return name;
        }
        return SdsArgs.repr(new StringBuilder(), b, 0, b.length).toString();
    }

    /** Splits a line with sds's {@code sdssplitargs}; null on unbalanced quotes. Arguments are read as UTF-8. */
    private static List<String> splitArgs(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        List<byte[]> args = SdsArgs.split(b, 0, b.length);
        if (args == null) {
            return null;
        }
        List<String> out = new ArrayList<>(args.size());
        for (byte[] a : args) {
            out.add(new String(a, StandardCharsets.UTF_8));
        }
        return out;
    }
}
