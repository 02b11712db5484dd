package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Redis's {@code struct} (Roberto Ierusalimschy's struct 0.2 with Redis's size checks), for x86-64 sizes. */
public final class StructLib {
    private StructLib() {
    }

    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;

    private static final class Fmt {
        final LuaString f;
        int i;
        boolean little = true; // x86-64 is little endian
        int align = 1;

        Fmt(LuaString f) {
            this.f = f;
        }

        boolean more() {
            return i < f.length() && f.byteAt(i) != 0; // a C string
        }

        int next() {
            return f.byteAt(i++);
        }

        int num(int df) {
            if (!more() || !isDigit(f.byteAt(i))) {
                return df;
            }
            int a = 0;
            do {
                int d = f.byteAt(i) - '0';
                if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                    throw LuaError.fromLibrary("integral size overflow");
                }
                a = a * 10 + d;
                i++;
            } while (more() && isDigit(f.byteAt(i)));
            return a;
        }

        int size(int opt) {
            switch (opt) {
                case 'B': case 'b': return 1;
                case 'H': case 'h': return 2;
                case 'L': case 'l': case 'T': case 'd': return 8;
                case 'f': return 4;
                case 'x': return 1;
                case 'c': return num(1);
                case 'i': case 'I': {
                    int sz = num(4);
                    if (sz > MAXINTSIZE) {
                        throw LuaError.fromLibrary("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                    }
                    return sz;
                }
                default: return 0;
            }
        }

        int toAlign(long len, int opt, int size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            if (size > align) {
                size = align;
            }
            return (int) ((size - (len & (size - 1))) & (size - 1));
        }

        void control(int opt) {
            switch (opt) {
                case ' ':
                    return;
                case '>':
                    little = false;
                    return;
                case '<':
                    little = true;
                    return;
                case '!': {
                    int a = num(MAXALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) {
                        throw LuaError.fromLibrary("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                    return;
                }
                default:
                    throw LuaError.argError(1, "invalid format option '" + (char) opt + "'");
            }
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isInteger(int opt) {
        return "bBhHlLTiI".indexOf(opt) >= 0;
    }

    public static void install(Interp in) {
        LuaTable t = new LuaTable();
        in.globals.put("struct", t);
        Lib.reg(t, new Lib("pack") {
            @Override
            public Object[] call(Object[] args) {
                Fmt f = new Fmt(checkStr(args, 0));
                // b_pack pushes a nil after the arguments: a missing argument is "got nil"
                Object[] a = java.util.Arrays.copyOf(args, args.length + 1);
                int arg = 1;
                long total = 0;
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                while (f.more()) {
                    int opt = f.next();
                    int size = f.size(opt);
                    int pad = f.toAlign(total, opt, size);
                    total += pad;
                    while (pad-- > 0) {
                        out.write(0);
                    }
                    if (isInteger(opt)) {
                        double n = checkNumber(a, arg++);
                        // C: n < LONG_MAX ? (long) n : (unsigned long) n, as gcc converts on x86-64
                        long v = n < 9.223372036854775807E18 ? StrFormat.toLong(n) : StrFormat.toULong(n);
                        for (int k = 0; k < size; k++) {
                            int shift = f.little ? k : size - 1 - k;
                            out.write((int) (shift >= 8 ? 0 : v >>> (8 * shift))); // an unsigned long shifted right
                        }
                    } else if (opt == 'x') {
                        out.write(0);
                    } else if (opt == 'f') {
                        int bits = Float.floatToRawIntBits((float) checkNumber(a, arg++));
                        for (int k = 0; k < 4; k++) {
                            out.write(bits >>> (8 * (f.little ? k : 3 - k)));
                        }
                    } else if (opt == 'd') {
                        long bits = Double.doubleToRawLongBits(checkNumber(a, arg++));
                        for (int k = 0; k < 8; k++) {
                            out.write((int) (bits >>> (8 * (f.little ? k : 7 - k))));
                        }
                    } else if (opt == 'c' || opt == 's') {
                        LuaString s = checkStr(a, arg++);
                        if (size == 0) {
                            size = s.length();
                        }
                        if (s.length() < size) {
                            throw LuaError.argError(arg + 1, "string too short"); // C reports the argument after it
                        }
                        out.write(s.array(), s.offset(), size);
                        if (opt == 's') {
                            out.write(0);
                            size++;
                        }
                    } else {
                        f.control(opt);
                    }
                    total += size;
                }
                return one(LuaString.wrap(out.toByteArray()));
            }
        });
        Lib.reg(t, new Lib("unpack") {
            @Override
            public Object[] call(Object[] a) {
                Fmt f = new Fmt(checkStr(a, 0));
                LuaString data = checkStr(a, 1);
                long ld = data.length();
                long pos = (long) optInt(a, 2, 1) - 1;
                if (pos < 0) {
                    throw LuaError.argError(3, "offset must be 1 or greater");
                }
                List<Object> res = new ArrayList<>();
                while (f.more()) {
                    int opt = f.next();
                    long size = f.size(opt);
                    pos += f.toAlign(pos, opt, (int) size);
                    if (!(size <= ld && pos <= ld - size)) {
                        throw LuaError.argError(2, "data string too short");
                    }
                    if (isInteger(opt)) {
                        long l = 0;
                        for (int k = 0; k < size; k++) {
                            int idx = f.little ? (int) (size - 1 - k) : k;
                            l = (l << 8) | data.byteAt((int) pos + idx);
                        }
                        boolean signed = Character.isLowerCase(opt);
                        if (!signed) {
                            res.add(l >= 0 ? (double) l : (double) (l >>> 1) * 2.0 + (l & 1));
                        } else {
                            // C shifts by (size*8-1); x86-64 takes the count mod 64
                            long mask = -1L << ((size * 8 - 1) & 63);
                            if ((l & mask) != 0) {
                                l |= mask;
                            }
                            res.add((double) l);
                        }
                    } else if (opt == 'x') {
                        // padding
                    } else if (opt == 'f') {
                        int bits = 0;
                        for (int k = 0; k < 4; k++) {
                            bits |= data.byteAt((int) pos + k) << (8 * (f.little ? k : 3 - k));
                        }
                        res.add((double) Float.intBitsToFloat(bits));
                    } else if (opt == 'd') {
                        long bits = 0;
                        for (int k = 0; k < 8; k++) {
                            bits |= (long) data.byteAt((int) pos + k) << (8 * (f.little ? k : 7 - k));
                        }
                        res.add(Double.longBitsToDouble(bits));
                    } else if (opt == 'c') {
                        if (size == 0) {
                            Object prev = res.isEmpty() ? null : res.get(res.size() - 1);
                            Double n = prev == null ? null : Interp.toNumber(prev);
                            if (n == null) {
                                throw LuaError.fromLibrary("format 'c0' needs a previous size");
                            }
                            size = (long) (double) n;
                            res.remove(res.size() - 1);
                            if (!(size >= 0 && size <= ld && pos <= ld - size)) {
                                throw LuaError.argError(2, "data string too short");
                            }
                        }
                        res.add(data.substring((int) pos, (int) (pos + size)));
                    } else if (opt == 's') {
                        int e = (int) pos;
                        while (e < ld && data.byteAt(e) != 0) {
                            e++;
                        }
                        if (e >= ld) {
                            throw LuaError.fromLibrary("unfinished string in data");
                        }
                        size = e - pos + 1;
                        res.add(data.substring((int) pos, e));
                    } else {
                        f.control(opt);
                    }
                    pos += size;
                }
                res.add((double) (pos + 1));
                return res.toArray();
            }
        });
        Lib.reg(t, new Lib("size") {
            @Override
            public Object[] call(Object[] a) {
                Fmt f = new Fmt(checkStr(a, 0));
                long pos = 0;
                while (f.more()) {
                    int opt = f.next();
                    int size = f.size(opt);
                    pos += f.toAlign(pos, opt, size);
                    if (opt == 's') {
                        throw LuaError.argError(1, "option 's' has no fixed size");
                    } else if (opt == 'c' && size == 0) {
                        throw LuaError.argError(1, "option 'c0' has no fixed size");
                    }
                    if (!Character.isLetterOrDigit(opt)) {
                        f.control(opt);
                    }
                    pos += size;
                }
                return one((double) pos);
            }
        });
    }
}
