package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.BiFunction;

/** The base library Redis exposes. */
public final class BaseLib {
    private BaseLib() {
    }

    /** {@code next}; the generic for recognizes it and walks the table directly. */
    static final class Next extends Lib {
        Next() {
            super("next");
        }

        @Override
        public Object[] call(Object[] a) {
            LuaTable t = checkTable(a, 0);
            int pos = t.nextPosition(arg(a, 1));
            return pos < 0 ? one(null) : new Object[] {t.keyAt(pos), t.valueAt(pos)};
        }
    }

    private static Lib fn(String name, BiFunction<Lib, Object[], Object[]> body) {
        return new Lib(name) {
            @Override
            public Object[] call(Object[] a) {
                return body.apply(this, a);
            }
        };
    }

    public static void install(Interp in, OutputStream out) {
        LuaTable g = in.globals;
        g.put("_G", g);
        g.put("_VERSION", LuaString.of("Lua 5.1"));
        Next next = new Next();
        Lib.reg(g, next);
        Lib.reg(g, fn("print", (f, a) -> {
            try {
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) {
                        out.write('\t');
                    }
                    LuaString s = in.tostring(a[i]);
                    int n = 0;
                    while (n < s.length() && s.byteAt(n) != 0) {
                        n++; // Lua 5.1's print writes with fputs: up to the first zero byte
                    }
                    out.write(s.array(), s.offset(), n);
                }
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return LuaFunction.NONE;
        }));
        Lib.reg(g, fn("assert", (f, a) -> {
            Lib.checkAny(a, 0);
            if (!Interp.truthy(a[0])) {
                LuaString m = Lib.optStr(a, 1, LuaString.of("assertion failed!"));
                throw LuaError.fromLibrary(m);
            }
            return a;
        }));
        Lib.reg(g, fn("error", (f, a) -> {
            Object v = Lib.arg(a, 0);
            int level = Lib.optInt(a, 1, 1);
            if ((v instanceof LuaString || v instanceof Double) && level > 0) {
                // luaL_where .. message: lua_concat turns a number into its text
                v = Interp.concat(LuaString.of(in.whereLevel(level)), Interp.toStr(v));
            }
            throw new LuaError(v);
        }));
        Lib.reg(g, fn("getmetatable", (f, a) -> {
            Lib.checkAny(a, 0);
            LuaTable mt = in.metatable(a[0]);
            if (mt == null) {
                return Lib.one(null);
            }
            Object protectedMt = mt.get(Interp.S_METATABLE);
            return Lib.one(protectedMt != null ? protectedMt : mt);
        }));
        Lib.reg(g, fn("setmetatable", (f, a) -> {
            LuaTable t = Lib.checkTable(a, 0);
            Object mt = Lib.arg(a, 1);
            if (a.length < 2 || (mt != null && !(mt instanceof LuaTable))) {
                throw LuaError.argError(2, "nil or table expected");
            }
            if (t.getMetatable() != null && t.getMetatable().get(Interp.S_METATABLE) != null) {
                throw LuaError.fromLibrary("cannot change a protected metatable");
            }
            t.setMetatable((LuaTable) mt);
            return Lib.one(t);
        }));
        Lib ipairsAux = fn("ipairs_aux", (f, a) -> {
            LuaTable t = (LuaTable) a[0];
            int i = (int) (double) (Double) a[1] + 1;
            Object v = t.get(i);
            return v == null ? LuaFunction.NONE : new Object[] {(double) i, v};
        });
        in.ipairsAux = ipairsAux;
        Lib.reg(g, fn("ipairs", (f, a) -> new Object[] {ipairsAux, Lib.checkTable(a, 0), 0.0}));
        Lib.reg(g, fn("pairs", (f, a) -> new Object[] {next, Lib.checkTable(a, 0), null}));
        Lib.reg(g, fn("rawequal", (f, a) -> {
            Lib.checkAny(a, 0);
            Lib.checkAny(a, 1);
            return Lib.one(Interp.rawEquals(a[0], a[1]));
        }));
        Lib.reg(g, fn("rawget", (f, a) -> {
            LuaTable t = Lib.checkTable(a, 0);
            Lib.checkAny(a, 1);
            return Lib.one(t.get(a[1]));
        }));
        Lib.reg(g, fn("rawset", (f, a) -> {
            LuaTable t = Lib.checkTable(a, 0);
            Lib.checkAny(a, 1);
            Lib.checkAny(a, 2);
            t.put(a[1], a[2]);
            return Lib.one(t);
        }));
        Lib select = fn("select", (f, a) -> {
            Object n = Lib.arg(a, 0);
            int top = a.length; // lua_gettop: the index argument included
            if (n instanceof LuaString s && s.length() > 0 && s.byteAt(0) == '#') { // only the first byte counts
                return Lib.one((double) (top - 1));
            }
            int i = Lib.checkInt(a, 0);
            if (i < 0) {
                i = top + i;
            } else if (i > top) {
                i = top;
            }
            if (i < 1) {
                throw LuaError.argError(1, "index out of range");
            }
            return Arrays.copyOfRange(a, i, a.length);
        });
        Lib.reg(g, select);
        in.select = select;
        Lib.reg(g, fn("tonumber", (f, a) -> {
            int base = Lib.optInt(a, 1, 10);
            if (base == 10) {
                Lib.checkAny(a, 0);
                return Lib.one(Interp.toNumber(a[0]));
            }
            LuaString s = Lib.checkStr(a, 0);
            if (base < 2 || base > 36) {
                throw LuaError.argError(2, "base out of range");
            }
            return Lib.one(strtoul(s, base));
        }));
        Lib.reg(g, fn("tostring", (f, a) -> {
            Lib.checkAny(a, 0);
            return Lib.one(in.tostring(a[0]));
        }));
        Lib.reg(g, fn("type", (f, a) -> {
            Lib.checkAny(a, 0);
            return Lib.one(LuaString.of(Interp.typeName(a[0])));
        }));
        Lib.reg(g, fn("unpack", (f, a) -> {
            LuaTable t = Lib.checkTable(a, 0);
            int i = Lib.optInt(a, 1, 1);
            int e = a.length > 2 && a[2] != null ? Lib.checkInt(a, 2) : t.length();
            if (i > e) {
                return LuaFunction.NONE;
            }
            long n = (long) e - i + 1;
            if (n >= 8000) {
                throw LuaError.fromLibrary("too many results to unpack");
            }
            Object[] r = new Object[(int) n];
            for (int k = 0; k < n; k++) {
                r[k] = t.get(i + k);
            }
            return r;
        }));
        Lib.reg(g, fn("pcall", (f, a) -> {
            Lib.checkAny(a, 0);
            int depth = in.depth;
            in.enterHostFrame();
            try {
                Object[] r = in.call(a[0], Arrays.copyOfRange(a, 1, a.length));
                in.depth = depth;
                Object[] out2 = new Object[r.length + 1];
                out2[0] = Boolean.TRUE;
                System.arraycopy(r, 0, out2, 1, r.length);
                return out2;
            } catch (LuaError e) {
                in.depth = depth;
                LuaError c = e.isPending() ? e.complete("", null, false) : e;
                return new Object[] {Boolean.FALSE, c.value()};
            } catch (StackOverflowError e) {
                in.depth = depth;
                return new Object[] {Boolean.FALSE, LuaString.of("stack overflow")};
            }
        }));
        Lib.reg(g, fn("xpcall", (f, a) -> {
            Lib.checkAny(a, 1);
            int depth = in.depth;
            in.enterHostFrame();
            try {
                Object[] r = in.call(a[0], LuaFunction.NONE);
                in.depth = depth;
                Object[] out2 = new Object[r.length + 1];
                out2[0] = Boolean.TRUE;
                System.arraycopy(r, 0, out2, 1, r.length);
                return out2;
            } catch (LuaError e) {
                in.depth = depth;
                LuaError c = e.isPending() ? e.complete("", null, false) : e;
                Object[] h = in.call(a[1], new Object[] {c.value()});
                return new Object[] {Boolean.FALSE, Interp.first(h)};
            } catch (StackOverflowError e) {
                in.depth = depth;
                return new Object[] {Boolean.FALSE, LuaString.of("stack overflow")};
            }
        }));
        // the JVM's collector runs on its own: the collection forms are no-ops (a script cannot force full GCs of
        // a server's heap); "count" reports the heap in use, in kilobytes, as Lua reports its own allocation
        int[] gcParams = {200, 200}; // setpause, setstepmul
        Lib.reg(g, fn("collectgarbage", (f, a) -> {
            LuaString opt = Lib.optStr(a, 0, LuaString.of("collect"));
            int ex = Lib.optInt(a, 1, 0);
            switch (opt.toString()) {
                case "count":
                    return Lib.one(heapKilobytes());
                case "step":
                    return Lib.one(Boolean.FALSE);
                case "collect", "stop", "restart":
                    return Lib.one(0.0);
                case "setpause", "setstepmul": {
                    int k = opt.toString().equals("setpause") ? 0 : 1;
                    int old = gcParams[k];
                    gcParams[k] = ex;
                    return Lib.one((double) old);
                }
                default:
                    throw LuaError.argError(1, "invalid option '" + opt + "'");
            }
        }));
        Lib.reg(g, fn("gcinfo", (f, a) -> Lib.one(Math.floor(heapKilobytes()))));
        Lib.reg(g, fn("getfenv", (f, a) -> {
            Object fn = envTarget(in, a, true);
            return Lib.one(fn instanceof LuaClosure c ? c.env : in.threadEnv);
        }));
        Lib.reg(g, fn("setfenv", (f, a) -> {
            LuaTable env = Lib.checkTable(a, 1);
            if (a[0] instanceof Double d && d == 0) {
                in.threadEnv = env;
                return LuaFunction.NONE;
            }
            Object fn = envTarget(in, a, false);
            if (!(fn instanceof LuaClosure c)) {
                throw LuaError.fromLibrary("'setfenv' cannot change environment of given object");
            }
            c.env = env;
            return Lib.one(c);
        }));
        Lib.reg(g, fn("load", (f, a) -> {
            if (a.length == 0 || !(a[0] instanceof LuaFunction)) {
                throw Lib.typeError(a, 0, "function");
            }
            LuaString name = Lib.optStr(a, 1, LuaString.of("=(load)"));
            // the reader runs until it returns nil or an empty string; its errors become load's nil, message
            java.io.ByteArrayOutputStream src = new java.io.ByteArrayOutputStream();
            try {
                while (true) {
                    Object piece = Interp.first(in.call(a[0], LuaFunction.NONE));
                    if (piece == null) {
                        break;
                    }
                    LuaString s = piece instanceof LuaString || piece instanceof Double ? Interp.toStr(piece) : null;
                    if (s == null) {
                        throw LuaError.fromLibrary("reader function must return a string");
                    }
                    if (s.length() == 0) {
                        break;
                    }
                    in.checkSize((long) src.size() + s.length());
                    src.write(s.array(), s.offset(), s.length());
                }
                return Lib.one(Parser.compile(in, src.toByteArray(), name.toString()));
            } catch (LuaError e) {
                return new Object[] {null, (e.isPending() ? e.complete(in.whereLevel(1), null, false) : e).value()};
            }
        }));
        Lib.reg(g, fn("loadstring", (f, a) -> {
            LuaString s = Lib.checkStr(a, 0);
            LuaString name = Lib.optStr(a, 1, s);
            try {
                return Lib.one(Parser.compile(in, s.toBytes(), name.toString()));
            } catch (LuaError e) {
                return new Object[] {null, e.value()};
            }
        }));
    }

    private static double heapKilobytes() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1024.0;
    }

    /**
     * getfenv/setfenv's first argument: a function, or the function running {@code level} levels up (1 = the
     * caller); a host or library function there comes back as null (it has the thread's environment).
     */
    private static Object envTarget(Interp in, Object[] a, boolean optional) {
        if (a.length > 0 && a[0] instanceof LuaFunction fn) {
            return fn;
        }
        int level = optional ? Lib.optInt(a, 0, 1) : Lib.checkInt(a, 0);
        if (level < 0) {
            throw LuaError.argError(1, "level must be non-negative");
        }
        if (level == 0) {
            return null;
        }
        int d = in.depth - level + 1;
        if (d < 1 || d >= in.siteFn.length) {
            throw LuaError.argError(1, "invalid level");
        }
        return in.siteFn[d];
    }

    /** C's strtoul as tonumber(s, base) uses it; null when nothing or trailing garbage. */
    static Double strtoul(LuaString s, int base) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.byteAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.byteAt(i) == '-' || s.byteAt(i) == '+')) {
            neg = s.byteAt(i) == '-';
            i++;
        }
        if (base == 16 && i + 1 < n && s.byteAt(i) == '0' && (s.byteAt(i + 1) | 0x20) == 'x') {
            i += 2;
        }
        int start = i;
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        java.math.BigInteger b = java.math.BigInteger.valueOf(base);
        while (i < n) {
            int c = s.byteAt(i);
            int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
            if (d >= base) {
                break;
            }
            v = v.multiply(b).add(java.math.BigInteger.valueOf(d));
            i++;
        }
        if (i == start) {
            return null;
        }
        while (i < n && isSpace(s.byteAt(i))) {
            i++;
        }
        if (i != n) {
            return null;
        }
        java.math.BigInteger max = java.math.BigInteger.ONE.shiftLeft(64);
        if (v.compareTo(max) >= 0) {
            v = max.subtract(java.math.BigInteger.ONE);
        } else if (neg && v.signum() != 0) {
            v = max.subtract(v);
        }
        return v.doubleValue();
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
