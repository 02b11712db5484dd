package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;

/** The string library of Lua 5.1 (strings are bytes; the C locale). */
public final class StringLib {
    private StringLib() {
    }

    /**
     * Lua's relative string position (of a 64-bit luaL_checkinteger, as lua5.1's): negative counts from the end;
     * the result is clamped to [0, len + 1], which changes nothing for its callers (they clamp to the string).
     */
    static int posrelat(long pos, int len) {
        if (pos < 0) {
            pos += len + 1;
        }
        return pos < 0 ? 0 : (int) Math.min(pos, len + 1L);
    }

    public static void install(Interp in) {
        LuaTable s = new LuaTable();
        in.globals.put("string", s);
        LuaTable meta = new LuaTable();
        meta.put(Interp.S_INDEX, s);
        in.stringMeta = meta;
        Lib.reg(s, new Lib("len") {
            @Override
            public Object[] call(Object[] a) {
                return one((double) checkStr(a, 0).length());
            }
        });
        // 5.1's string.dump writes a binary chunk of a Lua function. This engine compiles to a closure tree and
        // has no binary chunk format (and Redis's loadstring refuses binary chunks anyway), so every function gets
        // the error 5.1 gives for a function it cannot dump (a C function).
        Lib.reg(s, new Lib("dump") {
            @Override
            public Object[] call(Object[] a) {
                if (a.length == 0 || !(a[0] instanceof LuaFunction)) {
                    throw typeError(a, 0, "function");
                }
                throw LuaError.fromLibrary("unable to dump given function");
            }
        });
        Lib.reg(s, new Lib("sub") {
            @Override
            public Object[] call(Object[] a) {
                LuaString str = checkStr(a, 0);
                int l = str.length();
                int i = posrelat(checkInteger(a, 1), l);
                int j = posrelat(optInteger(a, 2, -1), l);
                if (i < 1) {
                    i = 1;
                }
                if (j > l) {
                    j = l;
                }
                return one(i <= j ? str.substring(i - 1, j) : LuaString.wrap(new byte[0]));
            }
        });
        Lib.reg(s, new Lib("upper") {
            @Override
            public Object[] call(Object[] a) {
                byte[] b = checkStr(a, 0).toBytes();
                for (int i = 0; i < b.length; i++) {
                    if (b[i] >= 'a' && b[i] <= 'z') {
                        b[i] -= 32;
                    }
                }
                return one(LuaString.wrap(b));
            }
        });
        Lib.reg(s, new Lib("lower") {
            @Override
            public Object[] call(Object[] a) {
                byte[] b = checkStr(a, 0).toBytes();
                for (int i = 0; i < b.length; i++) {
                    if (b[i] >= 'A' && b[i] <= 'Z') {
                        b[i] += 32;
                    }
                }
                return one(LuaString.wrap(b));
            }
        });
        Lib.reg(s, new Lib("reverse") {
            @Override
            public Object[] call(Object[] a) {
                LuaString str = checkStr(a, 0);
                int n = str.length();
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) str.byteAt(n - 1 - i);
                }
                return one(LuaString.wrap(b));
            }
        });
        Lib.reg(s, new Lib("rep") {
            @Override
            public Object[] call(Object[] a) {
                LuaString str = checkStr(a, 0);
                int n = checkInt(a, 1);
                if (n <= 0 || str.length() == 0) {
                    return one(LuaString.wrap(new byte[0]));
                }
                int len = str.length();
                long total = (long) len * n;
                in.checkSize(total);
                in.reserve(total);
                byte[] b = new byte[(int) total];
                // the hook runs once per 64 KB copied, so a huge rep can be stopped
                int perCharge = Math.max(1, (1 << 16) / len);
                for (int i = 0; i < n; i++) {
                    System.arraycopy(str.array(), str.offset(), b, i * len, len);
                    if (i % perCharge == 0) {
                        in.charge(1);
                    }
                }
                return one(LuaString.wrap(b));
            }
        });
        Lib.reg(s, new Lib("byte") {
            @Override
            public Object[] call(Object[] a) {
                LuaString str = checkStr(a, 0);
                int l = str.length();
                int i = posrelat(optInteger(a, 1, 1), l);
                int j = posrelat(optInteger(a, 2, i), l);
                if (i <= 0) {
                    i = 1;
                }
                if (j > l) {
                    j = l;
                }
                if (i > j) {
                    return NONE;
                }
                Object[] r = new Object[j - i + 1];
                for (int k = i; k <= j; k++) {
                    r[k - i] = (double) str.byteAt(k - 1);
                }
                return r;
            }
        });
        Lib.reg(s, new Lib("char") {
            @Override
            public Object[] call(Object[] a) {
                byte[] b = new byte[a.length];
                for (int i = 0; i < a.length; i++) {
                    int c = checkInt(a, i);
                    if (c < 0 || c > 255) {
                        throw LuaError.argError(i + 1, "invalid value");
                    }
                    b[i] = (byte) c;
                }
                return one(LuaString.wrap(b));
            }
        });
        Lib.reg(s, new Lib("format") {
            @Override
            public Object[] call(Object[] a) {
                return one(StrFormat.format(in, a));
            }
        });
        LuaPattern.install(in, s);
    }
}
