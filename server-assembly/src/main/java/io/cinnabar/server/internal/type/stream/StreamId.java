package io.cinnabar.server.internal.type.stream;

import java.nio.charset.StandardCharsets;

/**
 * A stream entry id {@code <ms>-<seq>}: two unsigned 64-bit numbers, ordered by {@code ms} then {@code seq}.
 * In the rax and in PELs an id is the 16-byte big-endian number {@code ms || seq}, so that byte order is id order.
 *
 * <p>The parsers accept what Redis 7.2's {@code streamGenericParseIDOrReply} accepts: {@code -} and {@code +}
 * (unless strict), {@code ms} alone (the sequence is the command's default), {@code ms-seq}, and for XADD
 * {@code ms-*}. A number is a decimal without sign, or whatever C's {@code strtoull} takes whole (leading blanks,
 * a {@code +}, a {@code -} that wraps); anything else, or text over 127 bytes, fails with
 * {@link #INVALID}.
 *
 * <p><b>Note:</b> This class is immutable and threadsafe.
 *
 * @param ms  milliseconds part, unsigned
 * @param seq sequence part, unsigned
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    /** 0-0, the smallest id. */
    public static final StreamId MIN = new StreamId(0, 0);
    /** 18446744073709551615-18446744073709551615, the greatest id. */
    public static final StreamId MAX = new StreamId(-1L, -1L);
    /** The size of an encoded id. */
    public static final int BYTES = 16;

    /** Redis's reply for an id it cannot parse. */
    public static final String INVALID = "ERR Invalid stream ID specified as stream command argument";
    /** XADD with an explicit id 0-0. */
    public static final String XADD_ZERO = "ERR The ID specified in XADD must be greater than 0-0";
    /** XADD with an id at or below the stream's last id. */
    public static final String XADD_SMALLER = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
    /** XADD on a stream whose last id is the greatest one. */
    public static final String EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items";
    /** XRANGE with an exclusive start that cannot be incremented. */
    public static final String INVALID_START = "ERR invalid start ID for the interval";
    /** XRANGE with an exclusive end that cannot be decremented. */
    public static final String INVALID_END = "ERR invalid end ID for the interval";

    /** Unsigned order by ms, then seq. */
    @Override
    public int compareTo(StreamId o) {
        return compare(ms, seq, o.ms, o.seq);
    }

    /** Unsigned order of two ids given by parts. */
    public static int compare(long ms1, long seq1, long ms2, long seq2) {
        int c = Long.compareUnsigned(ms1, ms2);
        return c != 0 ? c : Long.compareUnsigned(seq1, seq2);
    }

    public boolean isZero() {
        return ms == 0 && seq == 0;
    }

    /** The next id, or null after {@link #MAX} (Redis's {@code streamIncrID} failing). */
    public StreamId increment() {
        if (seq != -1L) {
            return new StreamId(ms, seq + 1);
        }
        return ms == -1L ? null : new StreamId(ms + 1, 0);
    }

    /** The previous id, or null before {@link #MIN} (Redis's {@code streamDecrID} failing). */
    public StreamId decrement() {
        if (seq != 0) {
            return new StreamId(ms, seq - 1);
        }
        return ms == 0 ? null : new StreamId(ms - 1, -1L);
    }

    /** The 16-byte big-endian key. */
    public byte[] toKey() {
        byte[] b = new byte[BYTES];
        writeKey(ms, seq, b, 0);
        return b;
    }

    /** Writes the 16-byte big-endian key of {@code ms-seq} at {@code off}. */
    public static void writeKey(long ms, long seq, byte[] b, int off) {
        for (int i = 0; i < 8; i++) {
            b[off + 7 - i] = (byte) (ms >>> (8 * i));
            b[off + 15 - i] = (byte) (seq >>> (8 * i));
        }
    }

    /** Reads a 16-byte big-endian key at {@code off}. */
    public static StreamId fromKey(byte[] b, int off) {
        return new StreamId(keyMs(b, off), keySeq(b, off));
    }

    static long keyMs(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    static long keySeq(byte[] b, int off) {
        return keyMs(b, off + 8);
    }

    /** {@code ms-seq} in decimal, as replies show it. */
    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    /** {@link #toString()} as bytes. */
    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------------------ parsing

    /**
     * Parses an id as XRANGE, XREAD and XPENDING take it: {@code -}, {@code +}, {@code ms}, {@code ms-seq}.
     *
     * @param missingSeq the sequence when only {@code ms} is given
     * @throws StreamException with {@link #INVALID}
     */
    public static StreamId parse(byte[] arg, long missingSeq) {
        return parse(arg, 0, arg.length, missingSeq, false);
    }

    /** As {@link #parse(byte[], long)} but {@code -} and {@code +} are refused (XDEL, XACK, XGROUP, XCLAIM...). */
    public static StreamId parseStrict(byte[] arg, long missingSeq) {
        return parse(arg, 0, arg.length, missingSeq, true);
    }

    private static StreamId parse(byte[] a, int off, int len, long missingSeq, boolean strict) {
        int clen = cString(a, off, len);
        if (!strict && clen == 1 && (a[off] == '-' || a[off] == '+')) {
            return a[off] == '-' ? MIN : MAX;
        }
        int dash = checkedDash(a, off, clen);
        if (dash < 0) {
            return new StreamId(number(a, off, clen), missingSeq);
        }
        long ms = number(a, off, dash - off);
        return new StreamId(ms, number(a, dash + 1, off + clen - dash - 1));
    }

    /** The dash of a strict id of {@code clen} bytes (-1 if none), after the checks every id passes. */
    private static int checkedDash(byte[] a, int off, int clen) {
        if (clen > 127 || (clen == 1 && (a[off] == '-' || a[off] == '+'))) {
            throw new StreamException(INVALID);
        }
        return indexOf(a, off, clen, (byte) '-');
    }

    /**
     * {@link #parseStrict(byte[], long)} of {@code a[off, off+len)} without an object: the id's ms goes to
     * {@code out[at]}, its seq to {@code out[at + 1]} (XREAD's per-stream ids).
     *
     * @throws StreamException with {@link #INVALID}
     */
    public static void parseStrict(byte[] a, int off, int len, long missingSeq, long[] out, int at) {
        len = cString(a, off, len);
        int dash = checkedDash(a, off, len);
        if (dash < 0) {
            out[at] = number(a, off, len);
            out[at + 1] = missingSeq;
            return;
        }
        long m = number(a, off, dash - off);
        out[at + 1] = number(a, dash + 1, off + len - dash - 1);
        out[at] = m;
    }

    /**
     * An XRANGE/XREVRANGE bound: {@code (id} is exclusive (strict parse of the rest), anything else as
     * {@link #parse}. The exclusive bound is moved one step inward.
     *
     * @param start true for the lower bound (missing sequence 0), false for the upper (missing sequence max)
     * @throws StreamException with {@link #INVALID}, {@link #INVALID_START} or {@link #INVALID_END}
     */
    public static StreamId parseInterval(byte[] arg, boolean start) {
        return parseInterval(arg, 0, arg.length, start);
    }

    /** {@link #parseInterval(byte[], boolean)} of {@code a[off, off+len)} (an argument in the query buffer). */
    public static StreamId parseInterval(byte[] a, int off, int len, boolean start) {
        long missing = start ? 0 : -1L;
        if (len > 1 && a[off] == '(') {
            StreamId id = parse(a, off + 1, len - 1, missing, true);
            StreamId moved = start ? id.increment() : id.decrement();
            if (moved == null) {
                throw new StreamException(start ? INVALID_START : INVALID_END);
            }
            return moved;
        }
        return parse(a, off, len, missing, false);
    }

    /**
     * The id argument of XADD: {@code *}, {@code ms-*}, {@code ms} (sequence 0) or {@code ms-seq}, strict.
     *
     * @throws StreamException with {@link #INVALID} or {@link #XADD_ZERO}
     */
    public static AddId parseAdd(byte[] arg) {
        if (arg.length == 1 && arg[0] == '*') {
            return AddId.AUTO;
        }
        int len = cString(arg, 0, arg.length);
        if (len > 127 || (len == 1 && (arg[0] == '-' || arg[0] == '+'))) {
            throw new StreamException(INVALID);
        }
        int dash = indexOf(arg, 0, len, (byte) '-');
        AddId id;
        if (dash >= 0 && len - dash - 1 == 1 && arg[dash + 1] == '*') {
            id = new AddId(number(arg, 0, dash), 0, false, true);
        } else {
            StreamId parsed = parse(arg, 0, len, 0, true);
            id = new AddId(parsed.ms, parsed.seq, true, true);
        }
        if (id.seqGiven && id.ms == 0 && id.seq == 0) {
            throw new StreamException(XADD_ZERO);
        }
        return id;
    }

    /**
     * What XADD asked for: {@link #AUTO} ({@code *}), {@code ms-*} ({@code seqGiven} false) or an explicit id.
     *
     * @param explicit false only for {@code *}
     */
    public record AddId(long ms, long seq, boolean seqGiven, boolean explicit) {
        public static final AddId AUTO = new AddId(0, 0, false, false);
    }

    /** The argument is a C string in Redis: it ends at the first NUL byte. */
    private static int cString(byte[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (a[off + i] == 0) {
                return i;
            }
        }
        return len;
    }

    private static int indexOf(byte[] a, int off, int len, byte b) {
        for (int i = off; i < off + len; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Redis's {@code string2ull}: a plain decimal that fits a signed long, else C's {@code strtoull} whole. */
    private static long number(byte[] a, int off, int len) {
        if (len <= 0) {
            throw new StreamException(INVALID);
        }
        int i = off;
        int end = off + len;
        while (i < end && isSpace(a[i])) {
            i++;
        }
        boolean negative = false;
        if (i < end && (a[i] == '+' || a[i] == '-')) {
            negative = a[i] == '-';
            i++;
        }
        if (i >= end) {
            throw new StreamException(INVALID);
        }
        long v = 0;
        for (; i < end; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                throw new StreamException(INVALID);
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                throw new StreamException(INVALID); // ERANGE
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                throw new StreamException(INVALID);
            }
            v = next;
        }
        if (negative) {
            // string2ll takes "-5" and string2ull refuses it as negative; strtoull only sees what string2ll refused
            if (isPlainNegative(a, off, len)) {
                throw new StreamException(INVALID);
            }
            return -v;
        }
        return v;
    }

    /** A "-digits" text that string2ll parses as a negative long (so string2ull refuses it). */
    private static boolean isPlainNegative(byte[] a, int off, int len) {
        if (len < 2 || a[off] != '-' || a[off + 1] < '1' || a[off + 1] > '9' || len > 20) {
            return false;
        }
        for (int i = off + 1; i < off + len; i++) {
            if (a[i] < '0' || a[i] > '9') {
                return false;
            }
        }
        if (len < 20) {
            return true;
        }
        // 19 digits: a long only up to 9223372036854775808 (as a magnitude)
        String digits = new String(a, off + 1, len - 1, StandardCharsets.US_ASCII);
        return digits.compareTo("9223372036854775808") <= 0;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\u000b' || b == '\f' || b == '\r';
    }
}
