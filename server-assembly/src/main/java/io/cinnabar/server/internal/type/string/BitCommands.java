package io.cinnabar.server.internal.type.string;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;

/**
 * Bitmap commands on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO, with Redis
 * 7.2's argument rules, error texts and BYTE/BIT ranges. As in 7.2 (and unlike 7.0), BITCOUNT and BITPOS check
 * their arguments before looking at the key, so a missing key with bad arguments gets the error, not 0. Bit 0 is the most significant bit of the first byte.
 * A string written by these commands becomes a raw string grown with zero bytes, as in Redis.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class BitCommands {
    private BitCommands() {
    }

    static final String BAD_OFFSET = "ERR bit offset is not an integer or out of range";

    public static void register(CommandTable t) {
        t.impl("setbit", BitCommands::setbit);
        t.impl("getbit", BitCommands::getbit);
        t.impl("bitcount", BitCommands::bitcount);
        t.impl("bitpos", BitCommands::bitpos);
        t.impl("bitop", BitCommands::bitop);
        t.impl("bitfield", c -> bitfield(c, false));
        t.impl("bitfield_ro", c -> bitfield(c, true));
    }

    /** A bit offset argument (with '#' multiplying by bits when hash is true); -1 after an error reply. */
    static long bitOffset(Client c, int arg, boolean hash, int bits) {
        int off = c.argOff[arg];
        int len = c.argLen[arg];
        boolean mul = hash && len > 0 && c.argBuf[off] == '#';
        if (mul) {
            off++;
            len--;
        }
        if (!Numbers.string2ll(c.argBuf, off, len, c.ctx.tmp)) {
            c.error(BAD_OFFSET);
            return -1;
        }
        long v = c.ctx.tmp[0];
        if (mul) {
            if (v < 0 || v > Long.MAX_VALUE / bits) {
                c.error(BAD_OFFSET);
                return -1;
            }
            v *= bits;
        }
        if (v < 0 || (v >> 3) >= c.server.protoMaxBulkLen) {
            c.error(BAD_OFFSET);
            return -1;
        }
        return v;
    }

    /** The string bytes of e from index 0 (a copy unless the value is a raw string); length is e.strlen(). */
    static byte[] bytes(Entry e) {
        byte[] raw = e.enc() == Entry.ENC_RAW ? e.rawArray() : null; // null for an off-heap raw string
        return raw != null ? raw : e.stringBytes();
    }

    /**
     * The string at argument 1 for a write that needs bytes up to maxBit; null after a WRONGTYPE reply, or after the
     * bad-offset reply when the string would be longer than a value holds here (a proto-max-bulk-len above 2 GB
     * admits the offset; Redis grows the string).
     */
    static Entry writable(Client c, long maxBit) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e != null && e.type() != Entry.TYPE_STRING) {
            c.error(Shared.WRONGTYPE);
            return null;
        }
        if ((maxBit >> 3) >= Entry.MAX_STRING_LENGTH) {
            c.error(BAD_OFFSET);
            return null;
        }
        int needed = (int) ((maxBit >> 3) + 1);
        if (e == null) {
            e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            c.server.keyspace.initAccess(e);
            e.setType(Entry.TYPE_STRING);
            e.setRaw(new byte[needed], needed);
            return e;
        }
        int len = e.strlen();
        int newLen = Math.max(len, needed);
        e.makeRawWithRoom(newLen);
        if (newLen > len) {
            java.util.Arrays.fill(e.rawArray(), len, newLen, (byte) 0);
            e.setRawLength(newLen);
        }
        return e;
    }

    static void setbit(Client c) {
        long off = bitOffset(c, 2, false, 1);
        if (off < 0) {
            return;
        }
        if (!Numbers.string2ll(c.argBuf, c.argOff[3], c.argLen[3], c.ctx.tmp) || (c.ctx.tmp[0] & ~1L) != 0) {
            c.error("ERR bit is not an integer or out of range");
            return;
        }
        int on = (int) c.ctx.tmp[0];
        Entry before = c.server.lookupQuiet(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
        long lenBefore = before == null || before.type() != Entry.TYPE_STRING ? -1 : before.strlen();
        Entry e = writable(c, off);
        if (e == null) {
            return;
        }
        int byteIdx = (int) (off >> 3);
        int bit = 7 - (int) (off & 7);
        int old = (e.rawArray()[byteIdx] >> bit) & 1;
        if (lenBefore != e.strlen() || old != on) { // as Redis: created, grown or the bit changed
            e.rawArray()[byteIdx] = (byte) (e.rawArray()[byteIdx] & ~(1 << bit) | on << bit);
            c.modified(1, 1);
            c.notify(Notify.STRING, "setbit", 1);
        }
        c.integer(old);
    }

    static void getbit(Client c) {
        long off = bitOffset(c, 2, false, 1);
        if (off < 0) {
            return;
        }
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (!StringCommands.checkString(c, e)) {
            return;
        }
        long byteIdx = off >> 3;
        int bit = 0;
        if (byteIdx < e.strlen()) {
            bit = (bytes(e)[(int) byteIdx] >> (7 - (int) (off & 7))) & 1;
        }
        c.integer(bit);
    }

    /** Parses BYTE|BIT at arg; -1 after a syntax error reply, 1 for BIT. */
    private static int unit(Client c, int arg) {
        if (c.argIs(arg, "bit")) {
            return 1;
        }
        if (c.argIs(arg, "byte")) {
            return 0;
        }
        c.error(Shared.SYNTAX);
        return -1;
    }

    /** A BITCOUNT/BITPOS start or end: a negative index counts from the end (totlen), then at least 0. */
    private static long fromEnd(long index, long totlen) {
        long i = index < 0 ? totlen + index : index;
        return Math.max(i, 0);
    }

    static boolean bitAt(byte[] b, long i) {
        return (b[(int) (i >> 3)] >> (7 - (int) (i & 7)) & 1) != 0;
    }

    static void bitcount(Client c) {
        long start = 0;
        long end = 0;
        boolean isBit = false;
        boolean ranged = false;
        if (c.argc == 4 || c.argc == 5) {
            if (!c.argLong(2)) {
                return;
            }
            start = c.ctx.tmp[0];
            if (!c.argLong(3)) {
                return;
            }
            end = c.ctx.tmp[0];
            if (c.argc == 5) {
                int u = unit(c, 4);
                if (u < 0) {
                    return;
                }
                isBit = u == 1;
            }
            ranged = true;
        } else if (c.argc != 2) {
            c.error(Shared.SYNTAX);
            return;
        }
        Entry e = c.server.lookupRead(c, 1);
        if (!StringCommands.checkString(c, e)) {
            return;
        }
        if (e == null) {
            c.integer(0);
            return;
        }
        byte[] b = bytes(e);
        long strlen = e.strlen();
        if (!ranged) {
            start = 0;
            end = strlen - 1;
        } else {
            if (start < 0 && end < 0 && start > end) {
                c.integer(0);
                return;
            }
            long totlen = isBit ? strlen << 3 : strlen;
            start = fromEnd(start, totlen);
            end = Math.min(fromEnd(end, totlen), totlen - 1);
        }
        if (start > end) {
            c.integer(0);
            return;
        }
        long count = 0;
        if (isBit) {
            for (long i = start; i <= end; i++) {
                if (bitAt(b, i)) {
                    count++;
                }
            }
        } else {
            for (long i = start; i <= end; i++) {
                count += Integer.bitCount(b[(int) i] & 0xff);
            }
        }
        c.integer(count);
    }

    static void bitpos(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        long bit = c.ctx.tmp[0];
        if (bit != 0 && bit != 1) {
            c.error("ERR The bit argument must be 1 or 0.");
            return;
        }
        long start = 0;
        long end = 0;
        boolean isBit = false;
        boolean endGiven = false;
        if (c.argc >= 4 && c.argc <= 6) {
            if (!c.argLong(3)) {
                return;
            }
            start = c.ctx.tmp[0];
            if (c.argc == 6) {
                int u = unit(c, 5);
                if (u < 0) {
                    return;
                }
                isBit = u == 1;
            }
            if (c.argc >= 5) {
                if (!c.argLong(4)) {
                    return;
                }
                end = c.ctx.tmp[0];
                endGiven = true;
            }
        } else if (c.argc != 3) {
            c.error(Shared.SYNTAX);
            return;
        }
        Entry e = c.server.lookupRead(c, 1);
        if (!StringCommands.checkString(c, e)) {
            return;
        }
        if (e == null) {
            c.integer(bit == 1 ? -1 : 0);
            return;
        }
        byte[] b = bytes(e);
        long strlen = e.strlen();
        if (c.argc == 3) {
            start = 0;
            end = strlen - 1;
        } else {
            long totlen = isBit ? strlen << 3 : strlen;
            if (!endGiven) {
                end = totlen - 1;
            }
            start = fromEnd(start, totlen);
            end = Math.min(fromEnd(end, totlen), totlen - 1);
        }
        if (start > end) {
            c.integer(-1);
            return;
        }
        long from = isBit ? start : start << 3;
        long to = isBit ? end : (end << 3) + 7;
        boolean want = bit == 1;
        for (long i = from; i <= to; i++) {
            if (bitAt(b, i) == want) {
                c.integer(i);
                return;
            }
        }
        if (!want && !endGiven) {
            // no clear bit in the string: the first one is just after it (strings are zero padded)
            c.integer(isBit ? to + 1 : (end + 1) << 3);
            return;
        }
        c.integer(-1);
    }

    static void bitop(Client c) {
        int op;
        if (c.argIs(1, "and")) {
            op = 0;
        } else if (c.argIs(1, "or")) {
            op = 1;
        } else if (c.argIs(1, "xor")) {
            op = 2;
        } else if (c.argIs(1, "not")) {
            op = 3;
        } else {
            c.error(Shared.SYNTAX);
            return;
        }
        if (op == 3 && c.argc != 4) {
            c.error("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        int n = c.argc - 3;
        byte[][] src = new byte[n][];
        int[] lens = new int[n];
        int maxlen = 0;
        for (int j = 0; j < n; j++) {
            Entry e = c.server.lookupWrite(c, 3 + j);
            if (e == null) {
                src[j] = new byte[0];
                continue;
            }
            if (e.type() != Entry.TYPE_STRING) {
                c.error(Shared.WRONGTYPE);
                return;
            }
            src[j] = bytes(e);
            lens[j] = e.strlen();
            maxlen = Math.max(maxlen, lens[j]);
        }
        byte[] res = new byte[maxlen];
        for (int i = 0; i < maxlen; i++) {
            int v = i < lens[0] ? src[0][i] & 0xff : 0;
            if (op == 3) {
                v = ~v & 0xff;
            }
            for (int j = 1; j < n; j++) {
                int w = i < lens[j] ? src[j][i] & 0xff : 0;
                v = op == 0 ? v & w : op == 1 ? v | w : v ^ w;
            }
            res[i] = (byte) v;
        }
        Entry dst = c.server.lookupWrite(c, 2);
        if (maxlen > 0) {
            // Redis's setKey: an overwritten destination emits no "new" event
            Entry d = c.server.keyspace.replace(c.db, dst, c.arg(2));
            c.server.keyspace.initAccess(d);
            d.setType(Entry.TYPE_STRING);
            d.setRaw(res, maxlen);
            c.modified(2, 1);
            c.notify(Notify.STRING, "set", 2);
        } else if (dst != null) {
            c.server.keyspace.delete(c.db, dst);
            c.modified(2, 1);
            c.notify(Notify.GENERIC, "del", 2);
        }
        c.integer(maxlen);
    }

    // ------------------------------------------------------------------ BITFIELD

    private static final int GET = 0;
    private static final int SET = 1;
    private static final int INCRBY = 2;
    private static final int WRAP = 0;
    private static final int SAT = 1;
    private static final int FAIL = 2;

    /** One BITFIELD operation. */
    private record Op(int kind, long offset, int bits, boolean signed, long value, int overflow) {
    }

    /** Parses a type like i8 or u16 (lower case, as Redis): 1000 + bits for signed, bits for unsigned, or -1. */
    private static int parseType(Client c, int arg) {
        int off = c.argOff[arg];
        int len = c.argLen[arg];
        if (len < 2) {
            return -1;
        }
        int t = c.argBuf[off];
        if (t != 'i' && t != 'u') {
            return -1;
        }
        if (!Numbers.string2ll(c.argBuf, off + 1, len - 1, c.ctx.tmp)) {
            return -1;
        }
        long bits = c.ctx.tmp[0];
        boolean signed = t == 'i';
        if (bits < 1 || signed && bits > 64 || !signed && bits > 63) {
            return -1;
        }
        return (signed ? 1000 : 0) + (int) bits;
    }

    static void bitfield(Client c, boolean readOnly) {
        java.util.List<Op> ops = new java.util.ArrayList<>();
        int overflow = WRAP;
        boolean writes = false;
        for (int j = 2; j < c.argc; j++) {
            int remaining = c.argc - j - 1;
            int kind;
            if (c.argIs(j, "get") && remaining >= 2) {
                kind = GET;
            } else if (c.argIs(j, "set") && remaining >= 3) {
                kind = SET;
            } else if (c.argIs(j, "incrby") && remaining >= 3) {
                kind = INCRBY;
            } else if (c.argIs(j, "overflow") && remaining >= 1) {
                j++;
                if (c.argIs(j, "wrap")) {
                    overflow = WRAP;
                } else if (c.argIs(j, "sat")) {
                    overflow = SAT;
                } else if (c.argIs(j, "fail")) {
                    overflow = FAIL;
                } else {
                    c.error("ERR Invalid OVERFLOW type specified");
                    return;
                }
                continue;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
            int type = parseType(c, j + 1);
            if (type < 0) {
                c.error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
                    + "i64 is.");
                return;
            }
            boolean signed = type >= 1000;
            int bits = type % 1000;
            long offset = bitOffset(c, j + 2, true, bits);
            if (offset < 0) {
                return;
            }
            long value = 0;
            if (kind != GET) {
                if (!c.argLong(j + 3)) {
                    return;
                }
                value = c.ctx.tmp[0];
                writes = true;
            }
            ops.add(new Op(kind, offset, bits, signed, value, overflow));
            j += kind == GET ? 2 : 3;
        }
        if (readOnly && writes) {
            c.error("ERR BITFIELD_RO only supports the GET subcommand");
            return;
        }
        Entry e;
        boolean dirty = false; // as Redis: a write counts as a change when the key was created or grew
        if (writes) {
            Entry before = c.server.lookupQuiet(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            long lenBefore = before == null || before.type() != Entry.TYPE_STRING ? -1 : before.strlen();
            long maxBit = 0;
            for (Op op : ops) {
                if (op.kind != GET) {
                    maxBit = Math.max(maxBit, op.offset + op.bits - 1);
                }
            }
            e = writable(c, maxBit);
            if (e == null) {
                return;
            }
            dirty = lenBefore != e.strlen();
        } else {
            e = c.server.lookupRead(c, 1);
            if (!StringCommands.checkString(c, e)) {
                return;
            }
        }
        c.array(ops.size());
        long changes = 0;
        for (Op op : ops) {
            byte[] b = e == null ? new byte[0] : bytes(e);
            int len = e == null ? 0 : e.strlen();
            long raw = read(b, len, op.offset, op.bits);
            long cur = op.signed ? signExtend(raw, op.bits) : raw;
            if (op.kind == GET) {
                c.integer(cur);
                continue;
            }
            long target;
            boolean ok = true;
            if (op.kind == SET) {
                long[] r = fit(op.value, 0, op.bits, op.signed, op.overflow);
                ok = r != null;
                target = ok ? r[0] : 0;
            } else {
                long[] r = fit(cur, op.value, op.bits, op.signed, op.overflow);
                ok = r != null;
                target = ok ? r[0] : 0;
            }
            if (!ok) {
                c.nullBulk();
                continue;
            }
            write(e.rawArray(), op.offset, op.bits, target);
            long mask = op.bits == 64 ? -1L : (1L << op.bits) - 1;
            if (dirty || raw != (target & mask)) { // as Redis: writing the value already there changes nothing
                changes++;
            }
            c.integer(op.kind == SET ? cur : target);
        }
        if (changes != 0) {
            c.modified(1, changes);
            c.notify(Notify.STRING, "setbit", 1);
        }
    }

    /** Reads bits [offset, offset+bits) as an unsigned number (bits beyond the string read as 0). */
    static long read(byte[] b, int len, long offset, int bits) {
        long v = 0;
        for (int i = 0; i < bits; i++) {
            long pos = offset + i;
            int byteIdx = (int) (pos >> 3);
            int bit = byteIdx < len ? (b[byteIdx] >> (7 - (int) (pos & 7))) & 1 : 0;
            v = v << 1 | bit;
        }
        return v;
    }

    static void write(byte[] b, long offset, int bits, long value) {
        for (int i = 0; i < bits; i++) {
            long pos = offset + i;
            int bit = (int) (value >>> (bits - 1 - i)) & 1;
            int byteIdx = (int) (pos >> 3);
            int shift = 7 - (int) (pos & 7);
            b[byteIdx] = (byte) (b[byteIdx] & ~(1 << shift) | bit << shift);
        }
    }

    static long signExtend(long v, int bits) {
        return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    /**
     * value + incr fitted to the type with the overflow policy: {result as a number of the type}, or null when FAIL
     * and it overflows. The overflow tests are Redis's (checkSignedBitfieldOverflow /
     * checkUnsignedBitfieldOverflow), with their 64-bit wrap-around included: for example SET i8 with
     * -9223372036854775808 counts as an overflow upwards, so SAT stores 127.
     */
    static long[] fit(long value, long incr, int bits, boolean signed, int overflow) {
        int dir;
        long wrapped;
        long limit;
        if (signed) {
            long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
            long min = -max - 1;
            long maxincr = max - value;
            long minincr = min - value;
            if (value > max || bits != 64 && incr > maxincr || value >= 0 && incr > 0 && incr > maxincr) {
                dir = 1;
            } else if (value < min || bits != 64 && incr < minincr || value < 0 && incr < 0 && incr < minincr) {
                dir = -1;
            } else {
                return new long[] {value + incr};
            }
            long c = value + incr;
            if (bits < 64) {
                long mask = -1L << bits;
                c = (c & (1L << (bits - 1))) != 0 ? c | mask : c & ~mask;
            }
            wrapped = c;
            limit = dir > 0 ? max : min;
        } else {
            long max = (1L << bits) - 1;
            long maxincr = max - value;
            long minincr = -value;
            if (Long.compareUnsigned(value, max) > 0 || incr > 0 && incr > maxincr) {
                dir = 1;
            } else if (incr < 0 && incr < minincr) {
                dir = -1;
            } else {
                return new long[] {value + incr};
            }
            wrapped = (value + incr) & max;
            limit = dir > 0 ? max : 0;
        }
        return switch (overflow) {
            case FAIL -> null;
            case SAT -> new long[] {limit};
            default -> new long[] {wrapped};
        };
    }
}
