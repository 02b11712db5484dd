package io.cinnabar.rdb;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The ziplist, Redis's compact list before 7.0: it survives only inside RDB files (types 10, 12, 13 and the nodes
 * of type 14), so this module owns its decoding. Read-only: Redis 7 never writes ziplists.
 *
 * <pre>
 *   &lt;zlbytes u32 LE&gt; &lt;zltail u32 LE&gt; &lt;zllen u16 LE&gt; &lt;entry&gt; ... &lt;zlend 0xFF&gt;
 *   entry: &lt;prevlen&gt; &lt;encoding&gt; &lt;data&gt;
 *   prevlen: 1 byte (0..253), or 0xFE + u32 LE
 *   encoding:
 *     00pppppp                      string, length 0..63
 *     01pppppp qqqqqqqq             string, length 14 bits big endian
 *     10000000 [u32 big endian]     string, 32-bit length
 *     11000000  int16 LE    11010000  int32 LE    11100000  int64 LE
 *     11110000  int24 LE    11111110  int8        1111xxxx  xxxx in 0001..1101: the value xxxx - 1 (0..12)
 *   zllen 0xFFFF means "count unknown, walk the list".
 * </pre>
 * Worked example: {@code 0f 00 00 00 0c 00 00 00 02 00 00 f3 02 02 ff} holds two entries, the integers 2 and 0
 * ({@code ZiplistTest}).
 *
 * <p>Decoding validates as it walks (the deep check of {@code ziplistValidateIntegrity}): header sizes, every
 * prevlen against the previous entry's size, bounds of every entry, the terminator and the count. O(size).
 *
 * <p><b>Note:</b> the static methods are thread-safe.
 */
public final class Ziplist {
    static final int HEADER = 10;
    static final int END = 0xff;

    private Ziplist() {
    }

    /** Checks the whole structure; throws {@link RdbException} naming the offset within {@code zl}. */
    public static int validate(byte[] zl) {
        return decode(zl, 0, null);
    }

    /**
     * Walks every entry in order, handing each to {@code sink} as bytes (integers as decimal text).
     *
     * @param base offset of {@code zl} in the enclosing file, added to error offsets
     * @return the number of entries
     */
    public static int decode(byte[] zl, long base, Consumer<byte[]> sink) {
        if (zl.length < HEADER + 1) {
            throw new RdbException("ziplist of " + zl.length + " bytes is shorter than its header", base);
        }
        long zlbytes = u32(zl, 0);
        long zltail = u32(zl, 4);
        int zllen = (zl[8] & 0xff) | (zl[9] & 0xff) << 8;
        if (zlbytes != zl.length) {
            throw new RdbException("ziplist header says " + zlbytes + " bytes, blob has " + zl.length, base);
        }
        if (zltail < HEADER || zltail >= zl.length) {
            throw new RdbException("ziplist tail offset " + zltail + " out of range", base + 4);
        }
        int p = HEADER;
        int prevSize = 0;
        int count = 0;
        int lastEntry = -1;
        while (true) {
            if (p >= zl.length) {
                throw new RdbException("ziplist has no terminator", base + p);
            }
            if ((zl[p] & 0xff) == END) {
                break;
            }
            int start = p;
            int prevlen = zl[p] & 0xff;
            if (prevlen == 0xfe) {
                need(zl, p, 5, base);
                prevlen = (int) u32(zl, p + 1);
                p += 5;
            } else {
                p += 1;
            }
            if (prevlen != prevSize) {
                throw new RdbException("ziplist entry prevlen " + prevlen + " does not match previous entry size " + prevSize, base + start);
            }
            p = entry(zl, p, base, sink);
            prevSize = p - start;
            lastEntry = start;
            count++;
        }
        if (p != zl.length - 1) {
            throw new RdbException("ziplist terminator before the end of the blob", base + p);
        }
        if (zllen != 0xffff && zllen != count) {
            throw new RdbException("ziplist header counts " + zllen + " entries, found " + count, base + 8);
        }
        if (count > 0 ? zltail != lastEntry : zltail != HEADER) {
            throw new RdbException("ziplist tail offset " + zltail + " does not point at the last entry", base + 4);
        }
        return count;
    }

    private static int entry(byte[] zl, int p, long base, Consumer<byte[]> sink) {
        need(zl, p, 1, base);
        int enc = zl[p] & 0xff;
        int at = p;
        switch (enc >>> 6) {
            case 0 -> {
                return string(zl, p + 1, enc & 0x3f, base, at, sink);
            }
            case 1 -> {
                need(zl, p, 2, base);
                return string(zl, p + 2, (enc & 0x3f) << 8 | (zl[p + 1] & 0xff), base, at, sink);
            }
            case 2 -> {
                if (enc != 0x80) {
                    throw new RdbException("bad ziplist string encoding 0x" + Integer.toHexString(enc), base + p);
                }
                need(zl, p, 5, base);
                long len = ((zl[p + 1] & 0xffL) << 24) | (zl[p + 2] & 0xff) << 16 | (zl[p + 3] & 0xff) << 8 | (zl[p + 4] & 0xff);
                if (len > zl.length) {
                    throw new RdbException("ziplist string length " + len + " passes the end", base + p);
                }
                return string(zl, p + 5, (int) len, base, at, sink);
            }
            default -> {
                return integer(zl, p, enc, base, sink);
            }
        }
    }

    private static int string(byte[] zl, int p, int len, long base, int at, Consumer<byte[]> sink) {
        if (p + (long) len > zl.length - 1) {
            throw new RdbException("ziplist string of " + len + " bytes passes the end", base + at);
        }
        if (sink != null) {
            sink.accept(java.util.Arrays.copyOfRange(zl, p, p + len));
        }
        return p + len;
    }

    private static int integer(byte[] zl, int p, int enc, long base, Consumer<byte[]> sink) {
        int n;
        long v;
        switch (enc) {
            case 0xc0 -> n = 2;
            case 0xd0 -> n = 4;
            case 0xe0 -> n = 8;
            case 0xf0 -> n = 3;
            case 0xfe -> n = 1;
            default -> {
                if (enc >= 0xf1 && enc <= 0xfd) {
                    n = 0;
                } else {
                    throw new RdbException("bad ziplist encoding 0x" + Integer.toHexString(enc), base + p);
                }
            }
        }
        need(zl, p, 1 + n, base);
        if (n == 0) {
            v = (enc & 0x0f) - 1;
        } else {
            v = 0;
            for (int i = n; i >= 1; i--) {
                v = (v << 8) | (zl[p + i] & 0xff);
            }
            v = (v << (64 - 8 * n)) >> (64 - 8 * n);
        }
        if (sink != null) {
            sink.accept(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        }
        return p + 1 + n;
    }

    static void need(byte[] b, int p, int n, long base) {
        if (p + (long) n > b.length - 1) {
            throw new RdbException("entry passes the end of the blob", base + p);
        }
    }

    static long u32(byte[] b, int p) {
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
    }
}
