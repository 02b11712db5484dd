package io.cinnabar.sds;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one implementation of Redis 7.2's {@code sdssplitargs} (how config files, {@code redis-cli}, inline
 * commands and the AOF manifest split a line into arguments) and {@code sdscatrepr} (its inverse: how MONITOR,
 * {@code CLIENT LIST}, the logs and {@code CONFIG REWRITE} quote a value). Every module that quotes or splits
 * calls these; nothing else in Cinnabar re-implements the rules.
 *
 * <h2>{@code sdssplitargs}</h2>
 * <pre>
 *   line      := blank* ( arg blank* )*            blank: C isspace = ' ' \t \n \v \f \r
 *   arg       := ( plain | "dq" | 'sq' )...        an argument may switch mode, e.g. ab"c d" is one argument "abc d"
 *   plain     := bytes up to ' ' \t \n \r or the end       (NOT \v or \f: those stay inside a plain argument)
 *   "dq"      := \xHH (two hex digits, any case)  \n \r \t \b \a   \&lt;other&gt; = &lt;other&gt;   any other byte as is
 *   'sq'      := \' = '    any other byte as is (a backslash too)
 *   closing quote: must be followed by a blank (any isspace, \v and \f included) or the end, else error
 *   unterminated quote: error
 *   the line ends at its first NUL byte, as the C string Redis scans does
 * </pre>
 *
 * <h2>{@code sdscatrepr}</h2>
 * <pre>
 *   "  then per byte:  \ -&gt; \\   " -&gt; \"   \n \r \t \a \b -&gt; \n \r \t \a \b
 *                      0x20..0x7e (isprint) as is, every other byte -&gt; \xhh (lower-case)   then  "
 * </pre>
 * What {@code repr} writes, {@code split} reads back as exactly one argument with the original bytes.
 * {@link #needsRepr} is {@code sdsneedsrepr}: whether a value must be quoted to survive a split.
 *
 * <h2>Forms and costs</h2>
 * Splitting is O(line): {@link #splitInPlace} unescapes inside the caller's array (an argument is never longer
 * than its source text) and reports each argument to an {@link ArgSink}, allocating nothing (the RESP decoder's
 * inline path); {@link #split(byte[], int, int)} and {@link #split(String)} copy the line once and allocate the
 * results. {@link #repr(byte[], int, int, byte[], int)} writes into a caller's array without allocating
 * ({@link #reprLength} says how much room); the {@link StringBuilder} and {@link String} forms read and write
 * one {@code char} per byte (ISO-8859-1), which is how the server holds config text.
 *
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
public final class SdsArgs {
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private SdsArgs() {
    }

    /** Receives the arguments {@link #splitInPlace} finds, in order. */
    @FunctionalInterface
    public interface ArgSink {
        /**
         * @param offset index of the argument's first (unescaped) byte in the array given to the split
         * @param length its length in bytes
         */
        void arg(int offset, int length);
    }

    // ------------------------------------------------------------------------------------------ split

    /**
     * {@code sdssplitargs} over {@code line[off, off+len)}, unescaping each argument in place (the bytes of the
     * range are overwritten) and reporting it to {@code sink}. Allocation-free.
     *
     * @return the number of arguments (0 for a blank line), or -1 on unbalanced quotes or a closing quote
     *     followed by something other than a blank (Redis: "Protocol error: unbalanced quotes in request"); after
     *     -1 the sink may have received the arguments before the faulty one
     */
    public static int splitInPlace(byte[] line, int off, int len, ArgSink sink) {
        Objects.checkFromIndexSize(off, len, line.length);
        int end = cStringEnd(line, off, off + len);
        int p = off;
        int argc = 0;
        while (true) {
            while (p < end && isSpace(line[p])) {
                p++;
            }
            if (p >= end) {
                return argc;
            }
            long r = readArg(line, p, end);
            if (r < 0) {
                return -1;
            }
            int written = (int) (r >>> 32);
            sink.arg(p, written - p);
            argc++;
            p = (int) r;
        }
    }

    /**
     * {@code sdssplitargs} over a copy of {@code line[off, off+len)} (the input is not changed).
     *
     * @return the arguments (empty for a blank line), or null for unbalanced quotes
     */
    public static List<byte[]> split(byte[] line, int off, int len) {
        Objects.checkFromIndexSize(off, len, line.length);
        byte[] copy = java.util.Arrays.copyOfRange(line, off, off + len);
        List<byte[]> out = new ArrayList<>();
        int n = splitInPlace(copy, 0, len, (o, l) -> out.add(java.util.Arrays.copyOfRange(copy, o, o + l)));
        return n < 0 ? null : out;
    }

    /**
     * {@code sdssplitargs} over a string holding one byte per {@code char} (ISO-8859-1: config files as the server
     * reads them); a {@code char} above 0xff is read as {@code '?'}.
     *
     * @return the arguments, one {@code char} per byte, or null for unbalanced quotes
     */
    public static List<String> split(String line) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        int n = splitInPlace(b, 0, b.length, (o, l) -> out.add(new String(b, o, l, StandardCharsets.ISO_8859_1)));
        return n < 0 ? null : out;
    }

    /** The first NUL byte in {@code [from, to)}, or {@code to}. */
    private static int cStringEnd(byte[] s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s[i] == 0) {
                return i;
            }
        }
        return to;
    }

    /**
     * Reads the argument starting at {@code p} (not a blank), writing its bytes from {@code p} on.
     *
     * @return {@code (endOfWrittenBytes << 32) | nextReadPosition}, or -1 on a quoting error
     */
    private static long readArg(byte[] s, int p, int end) {
        int w = p;
        int quote = 0;
        while (true) {
            int c = at(s, p, end);
            if (quote == '"') {
                if (c == '\\' && at(s, p + 1, end) == 'x' && hex(at(s, p + 2, end)) >= 0
                    && hex(at(s, p + 3, end)) >= 0) {
                    s[w++] = (byte) (hex(s[p + 2]) * 16 + hex(s[p + 3]));
                    p += 3;
                } else if (c == '\\' && at(s, p + 1, end) != 0) {
                    s[w++] = unescape(s[++p]);
                } else if (c == '"') {
                    return closeQuote(s, p, end, w);
                } else if (c == 0) {
                    return -1;
                } else {
                    s[w++] = (byte) c;
                }
            } else if (quote == '\'') {
                if (c == '\\' && at(s, p + 1, end) == '\'') {
                    s[w++] = s[++p];
                } else if (c == '\'') {
                    return closeQuote(s, p, end, w);
                } else if (c == 0) {
                    return -1;
                } else {
                    s[w++] = (byte) c;
                }
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
                return ((long) w << 32) | (c == 0 ? p : p + 1);
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else {
                s[w++] = (byte) c;
            }
            p++;
        }
    }

    /** A closing quote at {@code p} must be followed by a blank or the end. */
    private static long closeQuote(byte[] s, int p, int end, int w) {
        int next = at(s, p + 1, end);
        if (next != 0 && !isSpace((byte) next)) {
            return -1;
        }
        return ((long) w << 32) | (next == 0 ? p + 1 : p + 2);
    }

    /** The byte at {@code i}, or 0 (the C string's terminator) at or after {@code end}. */
    private static int at(byte[] s, int i, int end) {
        return i < end ? s[i] : 0;
    }

    private static byte unescape(byte c) {
        return switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'a' -> 7;
            default -> c;
        };
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    /** C's {@code isspace} in the C locale: space, \t, \n, \v, \f, \r. */
    public static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    // ------------------------------------------------------------------------------------------- repr

    /**
     * The escape letter {@code sdscatrepr} writes after a backslash for byte {@code c}: one of
     * {@code \ " n r t a b}, {@code 'x'} for a {@code \xhh} escape, or 0 when the byte is printed as is.
     */
    private static int escape(int c) {
        return switch (c) {
            case '\\', '"' -> c;
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            case 7 -> 'a';
            case '\b' -> 'b';
            default -> c >= 0x20 && c <= 0x7e ? 0 : 'x';
        };
    }

    /** The number of bytes {@link #repr(byte[], int, int, byte[], int)} writes for {@code p[off, off+len)}. */
    public static int reprLength(byte[] p, int off, int len) {
        Objects.checkFromIndexSize(off, len, p.length);
        long n = 2;
        for (int i = off; i < off + len; i++) {
            int e = escape(p[i] & 0xff);
            n += e == 0 ? 1 : e == 'x' ? 4 : 2;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("repr of " + len + " bytes is too long for an array");
        }
        return (int) n;
    }

    /**
     * {@code sdscatrepr}: writes {@code p[off, off+len)} quoted and escaped at {@code dst[at]}, which must have
     * {@link #reprLength} bytes of room. Allocation-free.
     *
     * @return the index after the last byte written
     */
    public static int repr(byte[] p, int off, int len, byte[] dst, int at) {
        Objects.checkFromIndexSize(off, len, p.length);
        dst[at++] = '"';
        for (int i = off; i < off + len; i++) {
            int c = p[i] & 0xff;
            int e = escape(c);
            if (e == 0) {
                dst[at++] = (byte) c;
            } else {
                dst[at++] = '\\';
                dst[at++] = (byte) e;
                if (e == 'x') {
                    dst[at++] = HEX_DIGITS[c >> 4];
                    dst[at++] = HEX_DIGITS[c & 0xf];
                }
            }
        }
        dst[at++] = '"';
        return at;
    }

    /** {@code sdscatrepr} of {@code p[off, off+len)} appended to {@code sb}, one {@code char} per byte. */
    public static StringBuilder repr(StringBuilder sb, byte[] p, int off, int len) {
        Objects.checkFromIndexSize(off, len, p.length);
        sb.append('"');
        for (int i = off; i < off + len; i++) {
            int c = p[i] & 0xff;
            int e = escape(c);
            if (e == 0) {
                sb.append((char) c);
            } else {
                sb.append('\\').append((char) e);
                if (e == 'x') {
                    sb.append((char) HEX_DIGITS[c >> 4]).append((char) HEX_DIGITS[c & 0xf]);
                }
            }
        }
        return sb.append('"');
    }

    /** {@code sdscatrepr} of a string holding one byte per {@code char} (ISO-8859-1), as a string. */
    public static String repr(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return repr(new StringBuilder(b.length + 2), b, 0, b.length).toString();
    }

    /**
     * {@code sdsneedsrepr}: whether {@code p[off, off+len)} holds a byte that {@code sdscatrepr} escapes or a
     * blank, i.e. whether it must be quoted to come back from {@code sdssplitargs} as one argument. (Like Redis,
     * this does not flag quote characters that are not first: {@code it's} is written bare and then cannot be
     * split back; a caller that writes names with {@code '} should quote those too.)
     */
    public static boolean needsRepr(byte[] p, int off, int len) {
        Objects.checkFromIndexSize(off, len, p.length);
        for (int i = off; i < off + len; i++) {
            byte c = p[i];
            if (escape(c & 0xff) != 0 || isSpace(c)) {
                return true;
            }
        }
        return false;
    }
}
