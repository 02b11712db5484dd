package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaTable;
import java.util.function.DoubleUnaryOperator;

/** The math library; {@code random} is Redis's deterministic lrand48 generator (seed 0 until randomseed). */
public final class MathLib {
    private MathLib() {
    }


    private static final class Rand {
        long x = 0x330E;

        int next() {
            x = (0x5DEECE66DL * x + 0xB) & ((1L << 48) - 1);
            return (int) (x >>> 17);
        }

        void seed(int s) {
            x = (((long) s) << 16 | 0x330E) & ((1L << 48) - 1);
        }
    }

    private static Lib f1(String name, DoubleUnaryOperator op) {
        return new Lib(name) {
            @Override
            public Object[] call(Object[] a) {
                return one(op.applyAsDouble(checkNumber(a, 0)));
            }
        };
    }

    public static void install(Interp in) {
        LuaTable m = new LuaTable();
        in.globals.put("math", m);
        m.put("pi", Math.PI);
        m.put("huge", Double.POSITIVE_INFINITY);
        Lib.reg(m, f1("abs", Math::abs));
        Lib.reg(m, f1("acos", Math::acos));
        Lib.reg(m, f1("asin", Math::asin));
        Lib.reg(m, f1("atan", Math::atan));
        Lib.reg(m, f1("ceil", Math::ceil));
        Lib.reg(m, f1("cos", Math::cos));
        Lib.reg(m, f1("cosh", Math::cosh));
        Lib.reg(m, f1("deg", x -> x * (180.0 / Math.PI)));
        Lib.reg(m, f1("exp", Math::exp));
        Lib.reg(m, f1("floor", Math::floor));
        Lib.reg(m, f1("log", Math::log));
        Lib.reg(m, f1("log10", Math::log10));
        Lib.reg(m, f1("rad", x -> x * (Math.PI / 180.0)));
        Lib.reg(m, f1("sin", Math::sin));
        Lib.reg(m, f1("sinh", Math::sinh));
        Lib.reg(m, f1("sqrt", Math::sqrt));
        Lib.reg(m, f1("tan", Math::tan));
        Lib.reg(m, f1("tanh", Math::tanh));
        Lib.reg(m, new Lib("atan2") {
            @Override
            public Object[] call(Object[] a) {
                return one(Math.atan2(checkNumber(a, 0), checkNumber(a, 1)));
            }
        });
        Lib.reg(m, new Lib("pow") {
            @Override
            public Object[] call(Object[] a) {
                return one(Math.pow(checkNumber(a, 0), checkNumber(a, 1)));
            }
        });
        Lib fmod = new Lib("fmod") {
            @Override
            public Object[] call(Object[] a) {
                return one(checkNumber(a, 0) % checkNumber(a, 1)); // C fmod: sign of the dividend
            }
        };
        Lib.reg(m, fmod);
        m.put("mod", fmod);
        Lib.reg(m, new Lib("modf") {
            @Override
            public Object[] call(Object[] a) {
                double x = checkNumber(a, 0);
                double ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
                double fp = Double.isInfinite(x) ? 0.0 : x - ip;
                return new Object[] {ip, fp};
            }
        });
        Lib.reg(m, new Lib("frexp") {
            @Override
            public Object[] call(Object[] a) {
                double x = checkNumber(a, 0);
                if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) {
                    return new Object[] {x, 0.0};
                }
                int e = Math.getExponent(x) + 1;
                double mant = Math.scalb(x, -e); // not x / 2^e: 2^1024 is infinite (frexp(1e308) looped)
                if (Math.abs(mant) < 0.5) { // subnormal
                    while (Math.abs(mant) < 0.5) {
                        mant *= 2;
                        e--;
                    }
                }
                return new Object[] {mant, (double) e};
            }
        });
        Lib.reg(m, new Lib("ldexp") {
            @Override
            public Object[] call(Object[] a) {
                return one(checkNumber(a, 0) * Math.pow(2, checkInt(a, 1)));
            }
        });
        Lib.reg(m, new Lib("min") {
            @Override
            public Object[] call(Object[] a) {
                double r = checkNumber(a, 0);
                for (int i = 1; i < a.length; i++) {
                    double d = checkNumber(a, i);
                    if (d < r) {
                        r = d;
                    }
                }
                return one(r);
            }
        });
        Lib.reg(m, new Lib("max") {
            @Override
            public Object[] call(Object[] a) {
                double r = checkNumber(a, 0);
                for (int i = 1; i < a.length; i++) {
                    double d = checkNumber(a, i);
                    if (d > r) {
                        r = d;
                    }
                }
                return one(r);
            }
        });
        LuaTable os = new LuaTable();
        in.globals.put("os", os);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Lib.reg(os, new Lib("clock") {
            @Override
            public Object[] call(Object[] a) {
                long ns = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime()
                        : System.nanoTime();
                return one(ns / 1e9);
            }
        });
        Rand rand = new Rand();
        Lib.reg(m, new Lib("random") {
            @Override
            public Object[] call(Object[] a) {
                double r = (double) (rand.next() % Integer.MAX_VALUE) / (double) Integer.MAX_VALUE;
                switch (a.length) {
                    case 0:
                        return one(r);
                    case 1: {
                        int u = checkInt(a, 0);
                        if (u < 1) {
                            throw LuaError.argError(1, "interval is empty");
                        }
                        return one(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        int l = checkInt(a, 0);
                        int u = checkInt(a, 1);
                        if (l > u) {
                            throw LuaError.argError(2, "interval is empty");
                        }
                        return one(Math.floor(r * ((double) u - l + 1)) + l);
                    }
                    default:
                        throw LuaError.fromLibrary("wrong number of arguments");
                }
            }
        });
        Lib.reg(m, new Lib("randomseed") {
            @Override
            public Object[] call(Object[] a) {
                rand.seed(checkInt(a, 0));
                return NONE;
            }
        });
    }
}
