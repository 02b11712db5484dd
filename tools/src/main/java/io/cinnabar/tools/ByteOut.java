package io.cinnabar.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A growable byte buffer that flushes to an {@link OutputStream} past a threshold, with the JSON pieces the dump
 * needs: strings from raw bytes as base64 or escaped UTF-8, numbers, raw ASCII.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class ByteOut {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final OutputStream out;
    private byte[] buf = new byte[1 << 16];
    private int n;
    private final boolean base64;

    ByteOut(OutputStream out, boolean base64) {
        this.out = out;
        this.base64 = base64;
    }

    private void ensure(int more) {
        if (n + more > buf.length) {
            if (n > 0) {
                flush();
            }
            if (more > buf.length) {
                buf = new byte[more];
            }
        }
    }

    void flushIfLarge() {
        if (n > (1 << 15)) {
            flush();
        }
    }

    void flush() {
        try {
            out.write(buf, 0, n);
            n = 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void close() {
        flush();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ByteOut ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[n++] = (byte) s.charAt(i);
        }
        return this;
    }

    ByteOut ch(char c) {
        ensure(1);
        buf[n++] = (byte) c;
        return this;
    }

    ByteOut raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    ByteOut raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
        return this;
    }

    ByteOut num(long x) {
        return ascii(Long.toString(x));
    }

    /** A JSON number, or "inf" / "-inf" / "nan" as strings. */
    ByteOut score(double d) {
        if (Double.isNaN(d)) {
            return ascii("\"nan\"");
        }
        if (Double.isInfinite(d)) {
            return ascii(d > 0 ? "\"inf\"" : "\"-inf\"");
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return ascii(Long.toString((long) d));
        }
        return ascii(Double.toString(d));
    }

    /** A JSON string of ASCII text. */
    ByteOut text(String s) {
        ch('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                ch('\\');
            }
            ch(c);
        }
        return ch('"');
    }

    /** A JSON string holding raw bytes: base64, or UTF-8 with \xHH for bytes that are not valid UTF-8. */
    ByteOut bytes(byte[] b) {
        if (base64) {
            byte[] e = Base64.getEncoder().encode(b);
            ensure(e.length + 2);
            buf[n++] = '"';
            System.arraycopy(e, 0, buf, n, e.length);
            n += e.length;
            buf[n++] = '"';
            return this;
        }
        ensure(b.length * 6 + 2);
        buf[n++] = '"';
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int len = utf8Length(b, i);
            if (len > 1) {
                System.arraycopy(b, i, buf, n, len);
                n += len;
                i += len;
                continue;
            }
            i++;
            if (c >= 0x80) {
                hexEscape(c, true);
            } else if (c == '"') {
                buf[n++] = '\\';
                buf[n++] = '"';
            } else if (c == '\\') {
                buf[n++] = '\\';
                buf[n++] = '\\';
                buf[n++] = '\\';
                buf[n++] = '\\';
            } else if (c < 0x20 || c == 0x7f) {
                hexEscape(c, true);
            } else {
                buf[n++] = (byte) c;
            }
        }
        buf[n++] = '"';
        return this;
    }

    private void hexEscape(int c, boolean jsonBackslash) {
        buf[n++] = '\\';
        if (jsonBackslash) {
            buf[n++] = '\\';
        }
        buf[n++] = 'x';
        buf[n++] = HEX[c >>> 4];
        buf[n++] = HEX[c & 15];
    }

    /** Length of a valid multi-byte UTF-8 sequence at i, or 1. */
    private static int utf8Length(byte[] b, int i) {
        int c = b[i] & 0xff;
        int len;
        int min;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            min = 0x10000;
        } else {
            return 1;
        }
        if (i + len > b.length) {
            return 1;
        }
        int cp = c & (0x7f >> len);
        for (int k = 1; k < len; k++) {
            int x = b[i + k] & 0xff;
            if ((x & 0xc0) != 0x80) {
                return 1;
            }
            cp = (cp << 6) | (x & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 1;
        }
        return len;
    }
}
