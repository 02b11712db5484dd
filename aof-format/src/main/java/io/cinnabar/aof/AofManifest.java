package io.cinnabar.aof;

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
 *   names needing it are written quoted like Redis's sdscatrepr ("a b", \n \r \t \a \b \\ \" and \xHH);
 *   unlike Redis, a name with a single quote is quoted too (Redis writes it bare and then cannot split it back),
 *   and read with sdssplitargs rules (double quotes with those escapes, single quotes with \' only).
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

    /** The name as is, or quoted and escaped when it holds spaces, quotes, backslashes or unprintable bytes. */
    static String repr(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        boolean needs = false;
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\\' || c == '"' || c == '\'' || c <= ' ' || c >= 0x7f) {
                needs = true;
                break;
            }
        }
        if (!needs) {
            return name;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case 8 -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Splits a line like Redis's sdssplitargs; null on unbalanced quotes. Bytes are read as UTF-8 afterwards. */
    static List<String> splitArgs(String line) {
        byte[] s = line.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int p = 0;
        while (true) {
            while (p < s.length && isSpace(s[p])) {
                p++;
            }
            if (p >= s.length) {
                return out;
            }
            java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
            boolean inq = false;
            boolean insq = false;
            boolean done = false;
            while (!done) {
                if (inq) {
                    if (p >= s.length) {
                        return null;
                    }
                    if (s[p] == '\\' && p + 3 < s.length && s[p + 1] == 'x' && hex(s[p + 2]) >= 0 && hex(s[p + 3]) >= 0) {
                        cur.write(hex(s[p + 2]) * 16 + hex(s[p + 3]));
                        p += 3;
                    } else if (s[p] == '\\' && p + 1 < s.length) {
                        p++;
                        int c = switch (s[p]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> s[p] & 0xff;
                        };
                        cur.write(c);
                    } else if (s[p] == '"') {
                        if (p + 1 < s.length && !isSpace(s[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(s[p]);
                    }
                } else if (insq) {
                    if (p >= s.length) {
                        return null;
                    }
                    if (s[p] == '\\' && p + 1 < s.length && s[p + 1] == '\'') {
                        p++;
                        cur.write('\'');
                    } else if (s[p] == '\'') {
                        if (p + 1 < s.length && !isSpace(s[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(s[p]);
                    }
                } else {
                    if (p >= s.length || isSpace(s[p])) {
                        done = true;
                        p--;
                    } else if (s[p] == '"') {
                        inq = true;
                    } else if (s[p] == '\'') {
                        insq = true;
                    } else {
                        cur.write(s[p]);
                    }
                }
                p++;
            }
            out.add(cur.toString(StandardCharsets.UTF_8));
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
