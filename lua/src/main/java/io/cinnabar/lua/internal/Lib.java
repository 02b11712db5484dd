package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;

/** A library function with Lua's argument checks ("bad argument #n to 'f' (number expected, got nil)"). */
abstract class Lib extends LuaFunction {
    final String name;

    Lib(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    static Object arg(Object[] a, int i) {
        return i < a.length ? a[i] : null;
    }

    static LuaError typeError(Object[] a, int i, String expected) {
        String got = i < a.length ? Interp.typeName(a[i]) : "no value";
        return LuaError.argError(i + 1, expected + " expected, got " + got);
    }

    static LuaTable checkTable(Object[] a, int i) {
        if (i < a.length && a[i] instanceof LuaTable t) {
            return t;
        }
        throw typeError(a, i, "table");
    }

    static double checkNumber(Object[] a, int i) {
        Double d = i < a.length ? Interp.toNumber(a[i]) : null;
        if (d == null) {
            throw typeError(a, i, "number");
        }
        return d;
    }

    /** luaL_checkint: the number truncated toward zero (as C's cast). */
    static int checkInt(Object[] a, int i) {
        return toInt(checkNumber(a, i));
    }

    /**
     * {@code (int) (ptrdiff_t) d} as lua5.1 on x86-64 computes it: truncation to a 64-bit integer (NaN and values
     * outside its range give its minimum, 0x8000000000000000, as cvttsd2si does), then its low 32 bits: 2^64 -> 0,
     * 2^32 + 5 -> 5, 2^31 -> -2^31.
     */
    static int toInt(double d) {
        return (int) toLong(d);
    }

    /** luaL_checkinteger: {@code (ptrdiff_t) d}, a 64-bit truncation (NaN and out of range: its minimum). */
    static long checkInteger(Object[] a, int i) {
        return toLong(checkNumber(a, i));
    }

    static long optInteger(Object[] a, int i, long def) {
        return i >= a.length || a[i] == null ? def : checkInteger(a, i);
    }

    static long toLong(double d) {
        return d != d || d >= 0x1p63 || d < -0x1p63 ? Long.MIN_VALUE : (long) d;
    }

    static int optInt(Object[] a, int i, int def) {
        return i >= a.length || a[i] == null ? def : checkInt(a, i);
    }

    static double optNumber(Object[] a, int i, double def) {
        return i >= a.length || a[i] == null ? def : checkNumber(a, i);
    }

    static LuaString checkStr(Object[] a, int i) {
        LuaString s = i < a.length ? Interp.toStr(a[i]) : null;
        if (s == null) {
            throw typeError(a, i, "string");
        }
        return s;
    }

    static LuaString optStr(Object[] a, int i, LuaString def) {
        return i >= a.length || a[i] == null ? def : checkStr(a, i);
    }

    static void checkAny(Object[] a, int i) {
        if (i >= a.length) {
            throw LuaError.argError(i + 1, "value expected");
        }
    }

    static Object[] one(Object v) {
        return new Object[] {v};
    }

    static void reg(LuaTable t, Lib f) {
        t.put(f.name, f);
    }
}
