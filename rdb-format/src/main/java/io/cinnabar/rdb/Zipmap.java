package io.cinnabar.rdb;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The zipmap, the small-hash encoding of Redis before 2.6; found only in RDB type 9. Read-only.
 *
 * <pre>
 *   &lt;zmlen u8&gt; { &lt;len&gt; field &lt;len&gt; &lt;free u8&gt; value &lt;free bytes&gt; } 0xFF
 *   len: one byte 0..253, or 0xFE + u32 LE; 0xFF ends the map
 *   zmlen: the pair count when below 254, else unknown
 * </pre>
 * Worked example: {@code 02 01 61 01 00 31 01 62 01 00 32 ff} maps a=1, b=2.
 *
 * <p>Decoding checks every length against the blob, the terminator position and the count. O(size).
 *
 * <p><b>Note:</b> the static methods are thread-safe.
 */
public final class Zipmap {
    private Zipmap() {
    }

    /**
     * Hands every field/value pair to {@code sink} in order.
     *
     * @param base offset of the blob in the enclosing file, added to error offsets
     * @return the number of pairs
     */
    public static int decode(byte[] zm, long base, BiConsumer<byte[], byte[]> sink) {
        if (zm.length < 2) {
            throw new RdbException("zipmap shorter than 2 bytes", base);
        }
        int zmlen = zm[0] & 0xff;
        int p = 1;
        int count = 0;
        while (true) {
            if (p >= zm.length) {
                throw new RdbException("zipmap has no terminator", base + p);
            }
            if ((zm[p] & 0xff) == 0xff) {
                break;
            }
            long[] lenAt = length(zm, p, base);
            int flen = (int) lenAt[0];
            p = (int) lenAt[1];
            byte[] field = slice(zm, p, flen, base);
            p += flen;
            lenAt = length(zm, p, base);
            int vlen = (int) lenAt[0];
            p = (int) lenAt[1];
            if (p >= zm.length) {
                throw new RdbException("zipmap value passes the end", base + p);
            }
            int free = zm[p++] & 0xff;
            byte[] value = slice(zm, p, vlen, base);
            p += vlen + free;
            if (sink != null) {
                sink.accept(field, value);
            }
            count++;
        }
        if (p != zm.length - 1) {
            throw new RdbException("zipmap terminator before the end of the blob", base + p);
        }
        if (zmlen < 254 && zmlen != count) {
            throw new RdbException("zipmap header counts " + zmlen + " pairs, found " + count, base);
        }
        return count;
    }

    private static long[] length(byte[] zm, int p, long base) {
        if (p >= zm.length) {
            throw new RdbException("zipmap length passes the end", base + p);
        }
        int b = zm[p] & 0xff;
        if (b < 254) {
            return new long[] {b, p + 1};
        }
        if (b == 255 || p + 5 > zm.length) {
            throw new RdbException("bad zipmap length", base + p);
        }
        long len = Ziplist.u32(zm, p + 1);
        if (len > zm.length) {
            throw new RdbException("zipmap length " + len + " passes the end", base + p);
        }
        return new long[] {len, p + 5};
    }

    private static byte[] slice(byte[] zm, int p, int len, long base) {
        if (p + (long) len > zm.length - 1) {
            throw new RdbException("zipmap entry of " + len + " bytes passes the end", base + p);
        }
        return Arrays.copyOfRange(zm, p, p + len);
    }
}
