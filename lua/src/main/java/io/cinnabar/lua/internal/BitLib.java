package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;

/** Redis's {@code bit} library (LuaBitOp 1.0.2): 32-bit operations on numbers, results signed. */
public final class BitLib {
    private BitLib() {
    }

    /** LuaBitOp's argument conversion: add 2^52+2^51 and keep the low 32 bits (round to nearest, wrap). */
    static int barg(Object[] a, int i) {
        Object v = Lib.arg(a, i);
        Double d = Interp.toNumber(v);
        double n = d == null ? 0 : d;
        int b = (int) Double.doubleToRawLongBits(n + 6755399441055744.0);
        if (b == 0 && d == null) {
            throw Lib.typeError(a, i, "number");
        }
        return b;
    }

    private interface Op {
        int apply(Object[] a);
    }

    private static void reg(LuaTable t, String name, Op op) {
        Lib.reg(t, new Lib(name) {
            @Override
            public Object[] call(Object[] a) {
                return one((double) op.apply(a));
            }
        });
    }

    public static void install(Interp in) {
        LuaTable t = new LuaTable();
        in.globals.put("bit", t);
        reg(t, "tobit", a -> barg(a, 0));
        reg(t, "bnot", a -> ~barg(a, 0));
        reg(t, "band", a -> {
            int b = barg(a, 0);
            for (int i = 1; i < a.length; i++) {
                b &= barg(a, i);
            }
            return b;
        });
        reg(t, "bor", a -> {
            int b = barg(a, 0);
            for (int i = 1; i < a.length; i++) {
                b |= barg(a, i);
            }
            return b;
        });
        reg(t, "bxor", a -> {
            int b = barg(a, 0);
            for (int i = 1; i < a.length; i++) {
                b ^= barg(a, i);
            }
            return b;
        });
        reg(t, "lshift", a -> barg(a, 0) << (barg(a, 1) & 31));
        reg(t, "rshift", a -> barg(a, 0) >>> (barg(a, 1) & 31));
        reg(t, "arshift", a -> barg(a, 0) >> (barg(a, 1) & 31));
        reg(t, "rol", a -> Integer.rotateLeft(barg(a, 0), barg(a, 1) & 31));
        reg(t, "ror", a -> Integer.rotateRight(barg(a, 0), barg(a, 1) & 31));
        reg(t, "bswap", a -> Integer.reverseBytes(barg(a, 0)));
        Lib.reg(t, new Lib("tohex") {
            @Override
            public Object[] call(Object[] a) {
                int b = barg(a, 0);
                int n = a.length < 2 ? 8 : barg(a, 1);
                boolean upper = false;
                if (n < 0) {
                    // -2^31 has no positive counterpart: Redis 7.2's CVE-2024-31449 fix reads it as -(2^31 - 1)
                    n = n == Integer.MIN_VALUE ? Integer.MAX_VALUE : -n;
                    upper = true;
                }
                if (n > 8) {
                    n = 8;
                }
                String digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
                byte[] out = new byte[n];
                for (int i = n - 1; i >= 0; i--) {
                    out[i] = (byte) digits.charAt(b & 15);
                    b >>>= 4;
                }
                return one(LuaString.wrap(out));
            }
        });
    }
}
