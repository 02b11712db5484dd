package io.cinnabar.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A bounded read buffer over an {@link InputStream} that knows its byte offset, keeps the running CRC64 of
 * everything consumed and refuses to allocate more than the remaining input can justify: when the total size is
 * known a length beyond it is rejected at once, otherwise the destination array grows as bytes arrive.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class RdbInput {
    static final int BUFFER = 1 << 16;
    private final InputStream in;
    private final byte[] buf;
    private final long size;
    private int pos;
    private int lim;
    private long base;
    private long crc;
    private int crcMark;
    private boolean eof;

    RdbInput(InputStream in, long size, int bufferSize) {
        this.in = in;
        this.size = size;
        this.buf = new byte[Math.max(64, bufferSize)];
    }

    RdbInput(byte[] bytes) {
        this.in = InputStream.nullInputStream();
        this.size = bytes.length;
        this.buf = bytes;
        this.lim = bytes.length;
        this.eof = true;
    }

    void close() {
        try {
            in.close();
        } catch (IOException e) {
            // reading is over; nothing left to lose
        }
    }

    long offset() {
        return base + pos;
    }

    /** Bytes left when the size is known, else {@code Long.MAX_VALUE}. */
    long remaining() {
        return size < 0 ? Long.MAX_VALUE : size - offset();
    }

    /** The CRC64 of every byte consumed so far. */
    long crc() {
        crc = Crc64.update(crc, buf, crcMark, pos - crcMark);
        crcMark = pos;
        return crc;
    }

    RdbException truncated(String what) {
        return new RdbException("unexpected end of input while reading " + what, offset());
    }

    private boolean fill(int need) {
        if (lim - pos >= need) {
            return true;
        }
        if (eof) {
            return false;
        }
        crc = Crc64.update(crc, buf, crcMark, pos - crcMark);
        int keep = lim - pos;
        System.arraycopy(buf, pos, buf, 0, keep);
        base += pos;
        pos = 0;
        crcMark = 0;
        lim = keep;
        try {
            while (lim < need || lim < buf.length / 2) {
                int n = in.read(buf, lim, buf.length - lim);
                if (n < 0) {
                    eof = true;
                    break;
                }
                lim += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lim - pos >= need;
    }

    int u8(String what) {
        if (pos >= lim && !fill(1)) {
            throw truncated(what);
        }
        return buf[pos++] & 0xff;
    }

    /** Whether at least one more byte can be read. */
    boolean hasMore() {
        return pos < lim || fill(1);
    }

    long longLE(String what) {
        if (!fill(8)) {
            throw truncated(what);
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    int intLE(String what) {
        if (!fill(4)) {
            throw truncated(what);
        }
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    long longBE(int n, String what) {
        if (!fill(n)) {
            throw truncated(what);
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += n;
        return v;
    }

    /** Reads exactly {@code n} bytes into a new array, never allocating ahead of what the input holds. */
    byte[] bytes(long n, String what) {
        if (n < 0 || n > Integer.MAX_VALUE - 16) {
            throw new RdbException("length " + n + " of " + what + " is out of range", offset());
        }
        if (n > remaining()) {
            throw new RdbException("length " + n + " of " + what + " exceeds the " + remaining() + " remaining bytes", offset());
        }
        int len = (int) n;
        if (lim - pos >= len) {
            byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return out;
        }
        byte[] out = new byte[size < 0 ? Math.min(len, buf.length) : len];
        int got = 0;
        while (got < len) {
            if (pos >= lim && !fill(1)) {
                throw truncated(what);
            }
            int chunk = Math.min(len - got, lim - pos);
            if (got + chunk > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(len, Math.max((long) out.length * 2, got + chunk)));
            }
            System.arraycopy(buf, pos, out, got, chunk);
            pos += chunk;
            got += chunk;
        }
        return out;
    }

    void skip(long n, String what) {
        if (n < 0 || n > remaining()) {
            throw new RdbException("length " + n + " of " + what + " exceeds the remaining bytes", offset());
        }
        while (n > 0) {
            if (pos >= lim && !fill(1)) {
                throw truncated(what);
            }
            int chunk = (int) Math.min(n, lim - pos);
            pos += chunk;
            n -= chunk;
        }
    }
}
