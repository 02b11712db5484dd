package io.cinnabar.listpack;

/**
 * Offsets, sizes and bit patterns of the listpack format, and the primitive codecs of its fields (entry
 * encodings, back-lengths, the integer-versus-string decision). The layout is drawn in {@link Listpack}; this
 * class holds one constant per field, in the manner of a record descriptor.
 *
 * <pre>
 *   first byte   encoding           bytes after the first   value
 *   0xxxxxxx     7-bit uint         0                       0..127
 *   10xxxxxx     6-bit str length   length                  string of 0..63 bytes
 *   110xxxxx     13-bit int         1 (low byte)            -4096..4095, two's complement, high bits first
 *   1110xxxx     12-bit str length  1 + length              string of 0..4095 bytes
 *   11110000     32-bit str length  4 (LE) + length         string of 0..2^32-1 bytes
 *   11110001     16-bit int         2 (LE)                  -32768..32767
 *   11110010     24-bit int         3 (LE)                  -8388608..8388607
 *   11110011     32-bit int         4 (LE)                  int32
 *   11110100     64-bit int         8 (LE)                  int64
 *   11110101..11111110              -                       invalid
 *   11111111     terminator (EOF)
 * </pre>
 *
 * <p><b>Note:</b> This class is stateless and thread-safe.
 */
public final class ListpackLayout {
    /** Offset of the little-endian uint32 total size of the listpack, header and terminator included. */
    public static final int TOTAL_BYTES_OFFSET = 0;
    /** Offset of the little-endian uint16 element count. */
    public static final int COUNT_OFFSET = 4;
    /** Size of the header: total bytes (4) and element count (2). The first entry starts here. */
    public static final int HEADER_SIZE = 6;
    /** Element count meaning "unknown, walk the entries to count them" (the count does not fit in 16 bits). */
    public static final int COUNT_UNKNOWN = 0xFFFF;
    /** The terminator byte, the last byte of every listpack. No entry starts with it. */
    public static final int EOF = 0xFF;
    /** Size of an empty listpack: header and terminator. */
    public static final int EMPTY_SIZE = HEADER_SIZE + 1;
    /** Largest back-length field: 5 bytes of 7 bits. */
    public static final int MAX_BACKLEN_SIZE = 5;
    /** Largest integer encoding: 0xF4 and 8 bytes. */
    public static final int MAX_INT_ENCODING_SIZE = 9;
    /** Longest decimal form of an int64 ({@code -9223372036854775808}). */
    public static final int MAX_INT_DIGITS = 20;

    /** {@code 0xxxxxxx}: 7-bit unsigned integer in the encoding byte. */
    public static final int ENC_7BIT_UINT = 0x00;
    /** Mask selecting the bits that identify {@link #ENC_7BIT_UINT}. */
    public static final int ENC_7BIT_UINT_MASK = 0x80;
    /** {@code 10xxxxxx}: string of up to 63 bytes, length in the low 6 bits. */
    public static final int ENC_6BIT_STR = 0x80;
    /** Mask selecting the bits that identify {@link #ENC_6BIT_STR}. */
    public static final int ENC_6BIT_STR_MASK = 0xC0;
    /** {@code 110xxxxx yyyyyyyy}: 13-bit signed integer. */
    public static final int ENC_13BIT_INT = 0xC0;
    /** Mask selecting the bits that identify {@link #ENC_13BIT_INT}. */
    public static final int ENC_13BIT_INT_MASK = 0xE0;
    /** {@code 1110xxxx yyyyyyyy}: string of up to 4095 bytes, 12-bit length (high bits first). */
    public static final int ENC_12BIT_STR = 0xE0;
    /** Mask selecting the bits that identify {@link #ENC_12BIT_STR}. */
    public static final int ENC_12BIT_STR_MASK = 0xF0;
    /** {@code 0xF0} and a little-endian uint32 length: string of any length. */
    public static final int ENC_32BIT_STR = 0xF0;
    /** {@code 0xF1} and a little-endian int16. */
    public static final int ENC_16BIT_INT = 0xF1;
    /** {@code 0xF2} and a little-endian int24. */
    public static final int ENC_24BIT_INT = 0xF2;
    /** {@code 0xF3} and a little-endian int32. */
    public static final int ENC_32BIT_INT = 0xF3;
    /** {@code 0xF4} and a little-endian int64. */
    public static final int ENC_64BIT_INT = 0xF4;

    /** Returned by {@link #tryParseInt} when the text is not a canonical int64 (or is {@code Long.MIN_VALUE}). */
    static final long NOT_AN_INT = Long.MIN_VALUE;
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ListpackLayout() {
    }

    // ---------------------------------------------------------------- the integer-versus-string decision

    /**
     * Whether {@code s[off, off+len)} is stored as an integer: true exactly when it is the canonical decimal form
     * of an int64 (Redis's {@code string2ll}/{@code lpStringToInt64}): an optional {@code -}, no leading zeros,
     * no {@code +}, no spaces, not {@code -0}, at most 20 characters, within range.
     */
    public static boolean isCanonicalInt(byte[] s, int off, int len) {
        long v = tryParseInt(s, off, len);
        return v != NOT_AN_INT || isMinLong(s, off, len);
    }

    /**
     * The value of a canonical int64 text (see {@link #isCanonicalInt}).
     *
     * @throws NumberFormatException if the text is not canonical
     */
    public static long parseCanonicalInt(byte[] s, int off, int len) {
        long v = tryParseInt(s, off, len);
        if (v == NOT_AN_INT && !isMinLong(s, off, len)) {
            throw new NumberFormatException("not a canonical int64");
        }
        return v;
    }

    /**
     * Parses a canonical int64; returns {@link #NOT_AN_INT} when the text is not one. Because
     * {@code Long.MIN_VALUE} is both a valid value and the sentinel, a caller seeing the sentinel checks
     * {@link #isMinLong}.
     */
    static long tryParseInt(byte[] s, int off, int len) {
        if (len <= 0 || len > MAX_INT_DIGITS) {
            return NOT_AN_INT;
        }
        int i = off;
        int end = off + len;
        boolean negative = s[i] == '-';
        if (negative && ++i == end) {
            return NOT_AN_INT;
        }
        int d = s[i] - '0';
        if (d < 1 || d > 9) {
            return d == 0 && len == 1 ? 0 : NOT_AN_INT;
        }
        // accumulate negatively so that Long.MIN_VALUE is reachable
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multmin = limit / 10;
        long acc = -d;
        for (i++; i < end; i++) {
            d = s[i] - '0';
            if (d < 0 || d > 9 || acc < multmin) {
                return NOT_AN_INT;
            }
            acc *= 10;
            if (acc < limit + d) {
                return NOT_AN_INT;
            }
            acc -= d;
        }
        return negative ? acc : -acc;
    }

    static boolean isMinLong(byte[] s, int off, int len) {
        return len == MIN_LONG.length && java.util.Arrays.equals(s, off, off + len, MIN_LONG, 0, len);
    }

    // ---------------------------------------------------------------- entry sizes

    /** Bytes of the integer encoding of {@code v} (encoding byte included, back-length excluded): 1..9. */
    public static int intEncodedSize(long v) {
        if (v >= 0 && v <= 127) {
            return 1;
        } else if (v >= -4096 && v <= 4095) {
            return 2;
        } else if (v >= -32768 && v <= 32767) {
            return 3;
        } else if (v >= -8388608 && v <= 8388607) {
            return 4;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 5;
        }
        return 9;
    }

    /** Bytes of the string encoding header for a string of {@code len} bytes: 1, 2 or 5. */
    public static int stringHeaderSize(long len) {
        return len < 64 ? 1 : len < 4096 ? 2 : 5;
    }

    /**
     * Bytes of the back-length field that closes an entry whose encoding and data take {@code l} bytes. Mirrors
     * {@code lpEncodeBacklen}, including its thresholds: 16383 already takes 3 bytes, 2097151 four, 268435455 five.
     */
    public static int backlenSize(long l) {
        if (l <= 127) {
            return 1;
        } else if (l < 16383) {
            return 2;
        } else if (l < 2097151) {
            return 3;
        } else if (l < 268435455) {
            return 4;
        }
        return 5;
    }

    /** Total bytes of an entry (encoding, data and back-length) holding the integer {@code v}. */
    public static int intEntrySize(long v) {
        int enc = intEncodedSize(v);
        return enc + 1; // integer encodings are at most 9 bytes: the back-length is one byte
    }

    /**
     * Total bytes of an entry (encoding, data and back-length) holding {@code s[off, off+len)}, after the
     * integer-versus-string decision.
     */
    public static long entrySize(byte[] s, int off, int len) {
        long v = tryParseInt(s, off, len);
        if (v != NOT_AN_INT || isMinLong(s, off, len)) {
            return intEntrySize(v);
        }
        long enc = stringHeaderSize(len) + (long) len;
        return enc + backlenSize(enc);
    }

    // ---------------------------------------------------------------- writing

    /** Writes the integer encoding of {@code v} at {@code p}; returns its size (1..9). */
    static int writeInt(byte[] b, int p, long v) {
        int size = intEncodedSize(v);
        switch (size) {
            case 1 -> b[p] = (byte) v;
            case 2 -> {
                b[p] = (byte) (ENC_13BIT_INT | ((v >> 8) & 0x1F));
                b[p + 1] = (byte) v;
            }
            case 3 -> {
                b[p] = (byte) ENC_16BIT_INT;
                putLE(b, p + 1, v, 2);
            }
            case 4 -> {
                b[p] = (byte) ENC_24BIT_INT;
                putLE(b, p + 1, v, 3);
            }
            case 5 -> {
                b[p] = (byte) ENC_32BIT_INT;
                putLE(b, p + 1, v, 4);
            }
            default -> {
                b[p] = (byte) ENC_64BIT_INT;
                putLE(b, p + 1, v, 8);
            }
        }
        return size;
    }

    /** Writes the string encoding header for a string of {@code len} bytes at {@code p}; returns its size. */
    static int writeStringHeader(byte[] b, int p, int len) {
        if (len < 64) {
            b[p] = (byte) (ENC_6BIT_STR | len);
            return 1;
        } else if (len < 4096) {
            b[p] = (byte) (ENC_12BIT_STR | (len >> 8));
            b[p + 1] = (byte) len;
            return 2;
        }
        b[p] = (byte) ENC_32BIT_STR;
        putLE(b, p + 1, len, 4);
        return 5;
    }

    /**
     * Writes the back-length of an entry of {@code l} bytes at {@code p}, most significant group first: the
     * first byte holds the top bits with its high bit clear, every following byte has its high bit set, so that
     * the field reads right to left. Returns the size written.
     */
    static int writeBacklen(byte[] b, int p, long l) {
        if (l <= 127) {
            b[p] = (byte) l;
            return 1;
        }
        int n = backlenSize(l);
        b[p] = (byte) (l >>> (7 * (n - 1)));
        for (int i = 1; i < n; i++) {
            b[p + i] = (byte) (((l >>> (7 * (n - 1 - i))) & 127) | 128);
        }
        return n;
    }

    static void putLE(byte[] b, int p, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[p + i] = (byte) (v >>> (8 * i));
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Decodes the back-length whose last byte is at {@code last}, reading right to left but never below
     * {@code lowest}. Returns -1 when the field is longer than 5 bytes or would pass {@code lowest}.
     */
    static long readBacklen(byte[] b, int last, int lowest) {
        long val = 0;
        int shift = 0;
        for (int p = last; p >= lowest; p--) {
            int x = b[p];
            val |= (long) (x & 127) << shift;
            if ((x & 128) == 0) {
                return val;
            }
            shift += 7;
            if (shift > 28) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Bytes of the encoding header of the entry starting with {@code first} (the encoding byte and any length
     * bytes, string data excluded): 1, 2 or 5, 1 for the terminator, 0 for an invalid encoding byte.
     * Mirrors {@code lpCurrentEncodedSizeBytes}.
     */
    static int headerSize(int first) {
        if (first < 0xE0) {
            return 1; // 7-bit uint, 6-bit str, 13-bit int
        } else if (first < 0xF0) {
            return 2; // 12-bit str
        } else if (first == ENC_32BIT_STR) {
            return 5;
        } else if (first <= ENC_64BIT_INT || first == EOF) {
            return 1;
        }
        return 0;
    }

    /**
     * Bytes of the entry at {@code p} without its back-length (encoding, length bytes and data), or 0 for an
     * invalid encoding byte. The length bytes must be readable. Mirrors {@code lpCurrentEncodedSizeUnsafe}.
     */
    static long encodedSize(byte[] b, int p) {
        int first = b[p] & 0xFF;
        if (first < 0x80) {
            return 1;
        } else if (first < 0xC0) {
            return 1 + (first & 0x3F);
        } else if (first < 0xE0) {
            return 2;
        } else if (first < 0xF0) {
            return 2 + (((first & 0x0F) << 8) | (b[p + 1] & 0xFF));
        }
        return switch (first) {
            case ENC_32BIT_STR -> 5 + getUInt32(b, p + 1);
            case ENC_16BIT_INT -> 3;
            case ENC_24BIT_INT -> 4;
            case ENC_32BIT_INT -> 5;
            case ENC_64BIT_INT -> 9;
            case EOF -> 1;
            default -> 0;
        };
    }

    /** Whether the encoding byte {@code first} starts a string entry. */
    static boolean isStringEncoding(int first) {
        return (first & ENC_6BIT_STR_MASK) == ENC_6BIT_STR
            || (first & ENC_12BIT_STR_MASK) == ENC_12BIT_STR
            || first == ENC_32BIT_STR;
    }

    /** The value of the integer entry at {@code p} (the caller knows it is an integer encoding). */
    static long readInt(byte[] b, int p) {
        int first = b[p] & 0xFF;
        if (first < 0x80) {
            return first;
        } else if ((first & ENC_13BIT_INT_MASK) == ENC_13BIT_INT) {
            int u = ((first & 0x1F) << 8) | (b[p + 1] & 0xFF);
            return (u << 19) >> 19;
        }
        return switch (first) {
            case ENC_16BIT_INT -> (short) ((b[p + 1] & 0xFF) | (b[p + 2] << 8));
            case ENC_24BIT_INT -> ((b[p + 1] & 0xFF) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] << 16));
            case ENC_32BIT_INT -> (b[p + 1] & 0xFF) | ((b[p + 2] & 0xFF) << 8) | ((b[p + 3] & 0xFF) << 16)
                | (b[p + 4] << 24);
            case ENC_64BIT_INT -> getUInt32(b, p + 1) | (getUInt32(b, p + 5) << 32);
            default -> throw new IllegalStateException("not an integer entry: 0x" + Integer.toHexString(first));
        };
    }

    static int getUInt16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    static long getUInt32(byte[] b, int p) {
        return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
    }

    // ---------------------------------------------------------------- decimal text of integers

    /** Number of characters of the decimal form of {@code v}. */
    public static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) {
            return MAX_INT_DIGITS;
        }
        int n = v < 0 ? 2 : 1;
        long u = Math.abs(v);
        while (u >= 10) {
            u /= 10;
            n++;
        }
        return n;
    }

    /** Writes the decimal form of {@code v} (as {@code %lld}) at {@code dst[off]}; returns its length. */
    public static int formatDecimal(long v, byte[] dst, int off) {
        int len = decimalLength(v);
        int p = off + len;
        if (v == Long.MIN_VALUE) {
            System.arraycopy(MIN_LONG, 0, dst, off, MIN_LONG.length);
            return len;
        }
        long u = Math.abs(v);
        do {
            dst[--p] = (byte) ('0' + (u % 10));
            u /= 10;
        } while (u != 0);
        if (v < 0) {
            dst[--p] = '-';
        }
        return len;
    }
}
