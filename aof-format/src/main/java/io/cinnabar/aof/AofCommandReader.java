package io.cinnabar.aof;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the command part of an AOF: RESP multibulk commands and annotation lines.
 *
 * <pre>
 *   command:     *&lt;argc&gt;\r\n { $&lt;len&gt;\r\n &lt;len bytes&gt;\r\n }     argc &gt;= 1
 *   annotation:  #&lt;text&gt;\r\n                                e.g. "#TS:1700000000\r\n" (Redis 7 aof-timestamp-enabled)
 * </pre>
 * Limits as Redis's loader: argc and bulk lengths are checked against the bytes that remain when the size is
 * known, and buffers grow only as bytes arrive otherwise. A file that ends inside a command throws an
 * {@link AofException} with {@code truncated() == true}; any other malformation throws one with {@code false}.
 * O(bytes read); memory: one command.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class AofCommandReader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private final long size;
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
        int first = read();
        if (first < 0) {
            return null;
        }
        if (first == '#') {
            annotation = new String(line(), java.nio.charset.StandardCharsets.UTF_8);
            return List.of();
        }
        if (first != '*') {
            throw corrupt("expected '*' or '#', found byte 0x" + Integer.toHexString(first));
        }
        long argc = number(line());
        if (argc < 1 || argc > Integer.MAX_VALUE) {
            throw corrupt("bad argument count " + argc);
        }
        List<byte[]> args = new ArrayList<>((int) Math.min(argc, 1024));
        for (long i = 0; i < argc; i++) {
            args.add(bulk());
        }
        return args;
    }

    private byte[] bulk() {
        int c = read();
        if (c < 0) {
            throw truncated();
        }
        if (c != '$') {
            throw corrupt("expected '$', found byte 0x" + Integer.toHexString(c));
        }
        long len = number(line());
        if (len < 0 || len > Integer.MAX_VALUE - 16) {
            throw corrupt("bad bulk length " + len);
        }
        if (len + 2 > remaining()) {
            throw truncated();
        }
        byte[] out = new byte[(int) Math.min(len, size >= 0 ? len : 1 << 16)];
        int got = 0;
        while (got < len) {
            if (pos == lim && !fill()) {
                throw truncated();
            }
            int n = (int) Math.min(len - got, lim - pos);
            if (got + n > out.length) {
                out = java.util.Arrays.copyOf(out, (int) Math.min(len, Math.max(out.length * 2L, got + n)));
            }
            System.arraycopy(buf, pos, out, got, n);
            pos += n;
            got += n;
        }
        expect('\r');
        expect('\n');
        return out;
    }

    private void expect(int b) {
        int c = read();
        if (c < 0) {
            throw truncated();
        }
        if (c != b) {
            throw corrupt("expected " + (b == '\r' ? "CR" : "LF") + " after bulk data");
        }
    }

    /** Bytes up to CRLF (excluded); at most 4096. */
    private byte[] line() {
        byte[] l = new byte[64];
        int n = 0;
        while (true) {
            int c = read();
            if (c < 0) {
                throw truncated();
            }
            if (c == '\r') {
                int lf = read();
                if (lf < 0) {
                    throw truncated();
                }
                if (lf != '\n') {
                    throw corrupt("CR not followed by LF");
                }
                return java.util.Arrays.copyOf(l, n);
            }
            if (n == 4096) {
                throw corrupt("line longer than 4096 bytes");
            }
            if (n == l.length) {
                l = java.util.Arrays.copyOf(l, n * 2);
            }
            l[n++] = (byte) c;
        }
    }

    private long number(byte[] l) {
        if (l.length == 0 || l.length > 19) {
            throw corrupt("bad number");
        }
        long v = 0;
        int i = l[0] == '-' ? 1 : 0;
        if (i == l.length) {
            throw corrupt("bad number");
        }
        for (; i < l.length; i++) {
            int d = l[i] - '0';
            if (d < 0 || d > 9) {
                throw corrupt("bad number");
            }
            v = v * 10 + d;
        }
        return l[0] == '-' ? -v : v;
    }

    private long remaining() {
        return size < 0 ? Long.MAX_VALUE : size - offset();
    }

    private AofException truncated() {
        return new AofException("file ends inside the command that starts at offset " + commandStart, offset(),
            commandStart, true);
    }

    private AofException corrupt(String what) {
        return new AofException(what + " (command starts at offset " + commandStart + ")", offset(), commandStart, false);
    }

    private int read() {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    private boolean fill() {
        base += pos;
        pos = 0;
        lim = 0;
        try {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            lim = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
