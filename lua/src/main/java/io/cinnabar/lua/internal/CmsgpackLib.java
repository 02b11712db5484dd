package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Redis's {@code cmsgpack} (lua-cmsgpack 0.4.0): pack, unpack, unpack_one, unpack_limit. */
public final class CmsgpackLib {
    private CmsgpackLib() {
    }

    private static final int MAX_NESTING = 16;

    public static void install(Interp in) {
        LuaTable t = new LuaTable();
        in.globals.put("cmsgpack", t);
        t.put("_NAME", LuaString.of("cmsgpack"));
        t.put("_VERSION", LuaString.of("lua-cmsgpack 0.4.0"));
        t.put("_COPYRIGHT", LuaString.of("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.put("_DESCRIPTION", LuaString.of("MessagePack C implementation for Lua"));
        Lib.reg(t, new Lib("pack") {
            @Override
            public Object[] call(Object[] a) {
                if (a.length == 0) {
                    throw LuaError.argError(0, "MessagePack pack needs input.");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (Object v : a) {
                    encode(in, out, v, 0);
                }
                return one(LuaString.wrap(out.toByteArray()));
            }
        });
        Lib.reg(t, new Lib("unpack") {
            @Override
            public Object[] call(Object[] a) {
                return unpack(checkStr(a, 0), 0, 0);
            }
        });
        Lib.reg(t, new Lib("unpack_one") {
            @Override
            public Object[] call(Object[] a) {
                int offset = optInt(a, 1, 0);
                return unpack(checkStr(a, 0), 1, offset);
            }
        });
        Lib.reg(t, new Lib("unpack_limit") {
            @Override
            public Object[] call(Object[] a) {
                int limit = checkInt(a, 1);
                int offset = optInt(a, 2, 0);
                return unpack(checkStr(a, 0), limit, offset);
            }
        });
    }

    // ---- encoding

    private static void encode(Interp in, ByteArrayOutputStream out, Object v, int level) {
        if (v instanceof LuaTable && level == MAX_NESTING) {
            v = null;
        }
        if (v instanceof LuaString s) {
            int len = s.length();
            if (len < 32) {
                out.write(0xa0 | len);
            } else if (len <= 0xff) {
                out.write(0xd9);
                out.write(len);
            } else if (len <= 0xffff) {
                out.write(0xda);
                out.write(len >> 8);
                out.write(len);
            } else {
                out.write(0xdb);
                writeInt(out, len);
            }
            out.write(s.array(), s.offset(), len);
        } else if (v instanceof Boolean b) {
            out.write(b ? 0xc3 : 0xc2);
        } else if (v instanceof Double d) {
            number(out, d);
        } else if (v instanceof LuaTable t) {
            if (isArray(t)) {
                int len = t.length();
                header(out, len, 0x90, 0xdc, 0xdd);
                for (int j = 1; j <= len; j++) {
                    Object e = t.get(j);
                    if (e == null && t.getMetatable() != null) {
                        e = in.index(null, 0, t, (double) j, null); // lua_gettable honours __index
                    }
                    encode(in, out, e, level + 1);
                }
            } else {
                int n = 0;
                for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
                    n++;
                }
                header(out, n, 0x80, 0xde, 0xdf);
                for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
                    encode(in, out, t.keyAt(p), level + 1);
                    encode(in, out, t.valueAt(p), level + 1);
                }
            }
        } else {
            out.write(0xc0); // nil and every type msgpack cannot carry
        }
    }

    private static void header(ByteArrayOutputStream out, int n, int fix, int b16, int b32) {
        if (n <= 15) {
            out.write(fix | n);
        } else if (n <= 65535) {
            out.write(b16);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(b32);
            writeInt(out, n);
        }
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        writeInt(out, (int) (v >>> 32));
        writeInt(out, (int) v);
    }

    /** Keys 1..n exactly (each an int-sized positive integer). */
    private static boolean isArray(LuaTable t) {
        long count = 0;
        double max = 0;
        for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
            if (!(t.keyAt(p) instanceof Double k) || k <= 0 || k != (int) (double) k || k > Integer.MAX_VALUE) {
                return false;
            }
            max = Math.max(max, k);
            count++;
        }
        return max == count;
    }

    private static void number(ByteArrayOutputStream out, double d) {
        boolean int64 = !Double.isInfinite(d) && d >= -9.223372036854775808E18 && d < 9.223372036854775808E18
                && (long) d == d;
        if (int64) {
            long n = (long) d;
            if (n >= 0) {
                if (n <= 127) {
                    out.write((int) n);
                } else if (n <= 0xff) {
                    out.write(0xcc);
                    out.write((int) n);
                } else if (n <= 0xffff) {
                    out.write(0xcd);
                    out.write((int) (n >> 8));
                    out.write((int) n);
                } else if (n <= 0xffffffffL) {
                    out.write(0xce);
                    writeInt(out, (int) n);
                } else {
                    out.write(0xcf);
                    writeLong(out, n);
                }
            } else {
                if (n >= -32) {
                    out.write((int) n & 0xff);
                } else if (n >= -128) {
                    out.write(0xd0);
                    out.write((int) n);
                } else if (n >= -32768) {
                    out.write(0xd1);
                    out.write((int) (n >> 8));
                    out.write((int) n);
                } else if (n >= -2147483648L) {
                    out.write(0xd2);
                    writeInt(out, (int) n);
                } else {
                    out.write(0xd3);
                    writeLong(out, n);
                }
            }
            return;
        }
        float f = (float) d;
        if (d == (double) f) {
            out.write(0xca);
            writeInt(out, Float.floatToRawIntBits(f));
        } else {
            out.write(0xcb);
            writeLong(out, Double.doubleToRawLongBits(d));
        }
    }

    // ---- decoding

    private static final class EofException extends RuntimeException {
        EofException() {
            super(null, null, false, false);
        }
    }

    private static final class Cursor {
        final LuaString s;
        int p;
        final int end;

        Cursor(LuaString s, int start) {
            this.s = s;
            this.p = start;
            this.end = s.length();
        }

        void need(long n) {
            if (end - p < n) {
                throw new EofException();
            }
        }

        int u8(int at) {
            return s.byteAt(p + at);
        }

        long u32(int at) {
            return ((long) u8(at) << 24) | (u8(at + 1) << 16) | (u8(at + 2) << 8) | u8(at + 3);
        }

        long u64(int at) {
            return (u32(at) << 32) | u32(at + 4);
        }
    }

    private static Object[] unpack(LuaString s, int limit, int offset) {
        int len = s.length();
        boolean all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            throw LuaError.fromLibrary("Invalid request to unpack with offset of " + offset + " and limit of "
                    + len + ".");
        }
        if (offset > len) {
            throw LuaError.fromLibrary("Start offset " + offset + " greater than input length " + len + ".");
        }
        if (all) {
            limit = Integer.MAX_VALUE;
        }
        Cursor c = new Cursor(s, offset);
        List<Object> out = new ArrayList<>();
        try {
            for (int cnt = 0; c.p < c.end && cnt < limit; cnt++) {
                out.add(decode(c));
            }
        } catch (EofException e) {
            throw LuaError.fromLibrary("Missing bytes in input.");
        } catch (StackOverflowError e) {
            throw LuaError.fromLibrary("stack overflow");
        }
        if (!all) {
            out.add(0, (double) (c.p == c.end ? -1 : c.p));
        }
        return out.toArray();
    }

    private static Object decode(Cursor c) {
        c.need(1);
        int b = c.u8(0);
        switch (b) {
            case 0xcc: c.need(2); c.p += 2; return (double) c.s.byteAt(c.p - 1);
            case 0xd0: c.need(2); c.p += 2; return (double) (byte) c.s.byteAt(c.p - 1);
            case 0xcd: { c.need(3); double v = (c.u8(1) << 8) | c.u8(2); c.p += 3; return v; }
            case 0xd1: { c.need(3); double v = (short) ((c.u8(1) << 8) | c.u8(2)); c.p += 3; return v; }
            case 0xce: { c.need(5); double v = c.u32(1); c.p += 5; return v; }
            case 0xd2: { c.need(5); double v = (int) c.u32(1); c.p += 5; return v; }
            case 0xcf:
            case 0xd3: { c.need(9); double v = c.u64(1); c.p += 9; return v; } // both land in a signed integer
            case 0xc0: c.p++; return null;
            case 0xc3: c.p++; return Boolean.TRUE;
            case 0xc2: c.p++; return Boolean.FALSE;
            case 0xca: { c.need(5); double v = Float.intBitsToFloat((int) c.u32(1)); c.p += 5; return v; }
            case 0xcb: { c.need(9); double v = Double.longBitsToDouble(c.u64(1)); c.p += 9; return v; }
            case 0xd9: {
                c.need(2);
                int l = c.u8(1);
                c.need(2L + l);
                LuaString r = c.s.substring(c.p + 2, c.p + 2 + l);
                c.p += 2 + l;
                return LuaString.copyOf(r.array(), r.offset(), r.length());
            }
            case 0xda: {
                c.need(3);
                int l = (c.u8(1) << 8) | c.u8(2);
                c.need(3L + l);
                LuaString r = c.s.substring(c.p + 3, c.p + 3 + l);
                c.p += 3 + l;
                return LuaString.copyOf(r.array(), r.offset(), r.length());
            }
            case 0xdb: {
                c.need(5);
                long l = c.u32(1);
                c.p += 5;
                c.need(l);
                LuaString r = c.s.substring(c.p, c.p + (int) l);
                c.p += (int) l;
                return LuaString.copyOf(r.array(), r.offset(), r.length());
            }
            case 0xdc: { c.need(3); long l = (c.u8(1) << 8) | c.u8(2); c.p += 3; return array(c, l); }
            case 0xdd: { c.need(5); long l = c.u32(1); c.p += 5; return array(c, l); }
            case 0xde: { c.need(3); long l = (c.u8(1) << 8) | c.u8(2); c.p += 3; return map(c, l); }
            case 0xdf: { c.need(5); long l = c.u32(1); c.p += 5; return map(c, l); }
            default:
                if ((b & 0x80) == 0) {
                    c.p++;
                    return (double) b;
                }
                if ((b & 0xe0) == 0xe0) {
                    c.p++;
                    return (double) (byte) b;
                }
                if ((b & 0xe0) == 0xa0) {
                    int l = b & 0x1f;
                    c.need(1L + l);
                    LuaString r = c.s.substring(c.p + 1, c.p + 1 + l);
                    c.p += 1 + l;
                    return LuaString.copyOf(r.array(), r.offset(), r.length());
                }
                if ((b & 0xf0) == 0x90) {
                    c.p++;
                    return array(c, b & 0xf);
                }
                if ((b & 0xf0) == 0x80) {
                    c.p++;
                    return map(c, b & 0xf);
                }
                throw LuaError.fromLibrary("Bad data format in input.");
        }
    }

    private static LuaTable array(Cursor c, long n) {
        LuaTable t = new LuaTable();
        for (long i = 1; i <= n; i++) {
            t.put((double) i, decode(c));
        }
        return t;
    }

    private static LuaTable map(Cursor c, long n) {
        LuaTable t = new LuaTable();
        for (long i = 0; i < n; i++) {
            Object k = decode(c);
            Object v = decode(c);
            if (k == null) {
                throw new LuaError(LuaString.of("table index is nil"));
            }
            if (k instanceof Double d && d.isNaN()) {
                throw new LuaError(LuaString.of("table index is NaN"));
            }
            t.put(k, v);
        }
        return t;
    }
}
