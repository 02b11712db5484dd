package io.cinnabar.aof;

import io.cinnabar.resp.RequestDecoder;
import io.cinnabar.resp.RequestLimits;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the command part of an AOF: RESP multibulk commands and annotation lines.
 *
 * <pre>
 *   command:     *&lt;argc&gt;\r\n { $&lt;len&gt;\r\n &lt;len bytes&gt;\r\n }     argc &gt;= 1
 *   annotation:  #&lt;text&gt;\r\n                                e.g. "#TS:1700000000\r\n" (Redis 7 aof-timestamp-enabled)
 * </pre>
 * Commands are parsed by resp-codec's {@link RequestDecoder} (the one RESP request parser; counts and lengths
 * follow its {@code string2ll} rules), over a buffer that holds at least one whole command. What the AOF adds:
 * the first byte must be {@code *} or {@code #}, a count must be at least 1, and, as {@code redis-check-aof}
 * checks, each payload must be followed by CRLF. Limits as Redis's loader: a bulk length beyond the bytes left in
 * the file is a truncation at once (nothing is allocated for it), and the buffer grows only as bytes arrive.
 * A file that ends inside a command throws an {@link AofException} with {@code truncated() == true} and the
 * command's start as {@code lastValidOffset()}; any other malformation throws one with {@code false}, at the
 * offset just after the bytes that showed it (after a wrong first byte, after a bad count or length line).
 * O(bytes read); memory: one command (twice: the buffer and the returned copies).
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class AofCommandReader {
    /** The longest count, length or annotation line accepted (bytes before CRLF). */
    static final int MAX_LINE = 4096;
    private static final int MAX_BUFFER = Integer.MAX_VALUE - 16;
    private static final RequestLimits LIMITS = RequestLimits.DEFAULT.withMaxBulkLength(MAX_BUFFER - 64)
        .withMaxInlineLength(MAX_LINE);

    private final InputStream in;
    private final long size;
    private final RequestDecoder decoder = new RequestDecoder(LIMITS);
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private long base;
    private long commandStart;
    private String annotation;

    /**
     * @param in    the stream, positioned at {@code start}
     * @param start offset of the first byte in the file (after an RDB preamble, its length)
     * @param size  total file size, or -1 if unknown
     */
    public AofCommandReader(InputStream in, long start, long size) {
        this.in = in;
        this.base = start;
        this.size = size;
    }

    /** Offset of the next unread byte: after a command, the end of that command. */
    public long offset() {
        return base + pos;
    }

    /** The annotation text (without '#' and CRLF) read by the last {@link #next()} that returned an empty list. */
    public String annotation() {
        return annotation;
    }

    /**
     * The next command's arguments; an empty list for an annotation line ({@link #annotation()}); null at a clean
     * end of file.
     */
    public List<byte[]> next() {
        commandStart = offset();
        if (!available(1)) {
            return null;
        }
        int first = buf[pos];
        if (first == '#') {
            int end = lineEnd(pos + 1);
            annotation = new String(buf, pos + 1, end - pos - 1, StandardCharsets.UTF_8);
            pos = end + 2;
            return List.of();
        }
        if (first != '*') {
            pos++;
            throw corrupt("expected '*' or '#', found byte 0x" + Integer.toHexString(first & 0xff));
        }
        if (!available(2)) {
            throw truncated();
        }
        if (buf[pos + 1] == '-' || buf[pos + 1] == '0') {
            pos = lineEnd(pos + 1) + 2; // *0 and *-1 are empty requests to the decoder, not AOF commands
            throw corrupt("bad argument count");
        }
        return command();
    }

    private List<byte[]> command() {
        while (true) {
            int r = decoder.decode(buf, pos, lim);
            if (r == RequestDecoder.COMMAND) {
                return arguments();
            }
            if (r == RequestDecoder.ERROR) {
                pos = decoder.errorEnd();
                throw corrupt(decoder.error().replaceFirst("^Protocol error: ", ""));
            }
            long need = decoder.requiredBytes();
            if (need > 0 && size >= 0 && offset() + need > size) {
                pos = lim;
                throw truncated(); // declared lengths reach past the end of the file
            }
            long target = need > 0 ? need : lim - pos + 1;
            if (size < 0) {
                target = Math.min(target, 2L * (lim - pos) + (1 << 16)); // unknown size: grow as bytes arrive
            }
            if (!more(target)) {
                pos = lim;
                throw truncated();
            }
        }
    }

    /** Copies the decoded arguments; each payload must be followed by CRLF. */
    private List<byte[]> arguments() {
        int argc = decoder.argc();
        List<byte[]> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            int off = decoder.argOffset(i);
            int end = off + decoder.argLength(i);
            if (buf[end] != '\r' || buf[end + 1] != '\n') {
                pos = buf[end] != '\r' ? end + 1 : end + 2;
                throw corrupt("expected " + (buf[end] != '\r' ? "CR" : "LF") + " after bulk data");
            }
            args.add(Arrays.copyOfRange(buf, off, end));
        }
        pos += decoder.consumed();
        return args;
    }

    /** The index of the CR of the CRLF ending the line that starts at {@code from}, reading more as needed. */
    private int lineEnd(int from) {
        int i = from;
        while (true) {
            while (i < lim) {
                if (buf[i] == '\r') {
                    if (i + 1 == lim) {
                        break;
                    }
                    if (buf[i + 1] != '\n') {
                        pos = i + 2;
                        throw corrupt("CR not followed by LF");
                    }
                    return i;
                }
                if (i - from == MAX_LINE) {
                    pos = i + 1;
                    throw corrupt("line longer than " + MAX_LINE + " bytes");
                }
                i++;
            }
            int shift = pos;
            if (!more(lim - pos + 1)) {
                pos = lim;
                throw truncated();
            }
            i -= shift;
            from -= shift;
        }
    }

    /** Whether {@code n} bytes from {@code pos} are buffered, reading more if needed. */
    private boolean available(int n) {
        return lim - pos >= n || more(n);
    }

    /**
     * Reads until {@code need} bytes from {@code pos} are buffered: moves the unread bytes to the front (so
     * {@code pos} becomes 0) and grows the buffer as needed. Returns false at the end of the stream.
     */
    private boolean more(long need) {
        if (need > MAX_BUFFER) {
            throw corrupt("command larger than " + MAX_BUFFER + " bytes");
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            base += pos;
            lim -= pos;
            pos = 0;
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(MAX_BUFFER, Math.max(need, 2L * buf.length)));
        }
        try {
            while (lim < need) {
                int n = in.read(buf, lim, buf.length - lim);
                if (n <= 0) {
                    return false;
                }
                lim += n;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AofException truncated() {
        return new AofException("file ends inside the command that starts at offset " + commandStart, offset(),
            commandStart, true);
    }

    private AofException corrupt(String what) {
        return new AofException(what + " (command starts at offset " + commandStart + ")", offset(), commandStart, false);
    }
}
