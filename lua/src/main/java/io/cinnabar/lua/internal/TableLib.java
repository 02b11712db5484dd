package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.io.ByteArrayOutputStream;

/** The table library of Lua 5.1 (with getn/maxn/foreach/foreachi; setn is obsolete as in 5.1). */
public final class TableLib {
    private TableLib() {
    }

    public static void install(Interp in) {
        LuaTable t = new LuaTable();
        in.globals.put("table", t);
        Lib.reg(t, new Lib("concat") {
            @Override
            public Object[] call(Object[] a) {
                LuaTable tb = checkTable(a, 0);
                LuaString sep = optStr(a, 1, LuaString.of(""));
                int i = optInt(a, 2, 1);
                int j = a.length > 3 && a[3] != null ? checkInt(a, 3) : tb.length();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int k = i; k <= j; k++) {
                    Object v = tb.get(k);
                    LuaString s = v instanceof LuaString || v instanceof Double ? Interp.toStr(v) : null;
                    if (s == null) {
                        throw LuaError.fromLibrary("invalid value (" + (v == null ? "nil" : Interp.typeName(v))
                                + ") at index " + k + " in table for 'concat'");
                    }
                    long size = (long) out.size() + s.length() + sep.length();
                    in.checkSize(size);
                    if ((k & 1023) == 0 || s.length() >= 1 << 16) {
                        in.charge(1);
                        in.reserve(2 * size);
                    }
                    out.write(s.array(), s.offset(), s.length());
                    if (k != j) {
                        out.write(sep.array(), sep.offset(), sep.length());
                    }
                    if (k == Integer.MAX_VALUE) {
                        break;
                    }
                }
                return one(LuaString.wrap(out.toByteArray()));
            }
        });
        Lib.reg(t, new Lib("insert") {
            @Override
            public Object[] call(Object[] a) {
                LuaTable tb = checkTable(a, 0);
                int e = tb.length() + 1;
                int pos;
                Object v;
                switch (a.length) {
                    case 2:
                        pos = e;
                        v = a[1];
                        break;
                    case 3:
                        pos = checkInt(a, 1);
                        if (pos > e) {
                            e = pos;
                        }
                        v = a[2];
                        // below the table's smallest integer key every t[i] = t[i - 1] sets an absent key to nil:
                        // stop there (a position such as -2^31 + 1 would otherwise be two billion no-op moves)
                        int low = (long) e - pos > 64 ? (int) Math.max(pos, smallestIntKey(tb) - 1L) : pos;
                        for (int i = e; i > low; i--) {
                            tb.put(i, tb.get(i - 1));
                        }
                        break;
                    default:
                        throw LuaError.fromLibrary("wrong number of arguments to 'insert'");
                }
                tb.put(pos, v);
                return NONE;
            }
        });
        Lib.reg(t, new Lib("remove") {
            @Override
            public Object[] call(Object[] a) {
                LuaTable tb = checkTable(a, 0);
                int e = tb.length();
                int pos = optInt(a, 1, e);
                if (e == 0) {
                    return NONE;
                }
                Object v = tb.get(pos);
                for (; pos < e; pos++) {
                    tb.put(pos, tb.get(pos + 1));
                }
                tb.put(e, null);
                return one(v);
            }
        });
        Lib.reg(t, new Lib("getn") {
            @Override
            public Object[] call(Object[] a) {
                return one((double) checkTable(a, 0).length());
            }
        });
        Lib.reg(t, new Lib("setn") {
            @Override
            public Object[] call(Object[] a) {
                checkTable(a, 0);
                throw LuaError.fromLibrary("'setn' is obsolete");
            }
        });
        Lib.reg(t, new Lib("maxn") {
            @Override
            public Object[] call(Object[] a) {
                LuaTable tb = checkTable(a, 0);
                double max = 0;
                for (int p = tb.nextPosition(null); p >= 0; p = tb.nextPosition(tb.keyAt(p))) {
                    if (tb.keyAt(p) instanceof Double d && d > max) {
                        max = d;
                    }
                }
                return one(max);
            }
        });
        Lib.reg(t, new Lib("foreachi") {
            @Override
            public Object[] call(Object[] a) {
                LuaTable tb = checkTable(a, 0);
                Object fn = a.length > 1 ? a[1] : null;
                if (!(fn instanceof io.cinnabar.lua.LuaFunction)) {
                    throw typeError(a, 1, "function");
                }
                int n = tb.length();
                for (int i = 1; i <= n; i++) {
                    Object[] r = in.call(fn, new Object[] {(double) i, tb.get(i)});
                    if (r.length > 0 && r[0] != null) {
                        return new Object[] {r[0]};
                    }
                }
                return NONE;
            }
        });
        Lib.reg(t, new Lib("foreach") {
            @Override
            public Object[] call(Object[] a) {
                LuaTable tb = checkTable(a, 0);
                Object fn = a.length > 1 ? a[1] : null;
                if (!(fn instanceof io.cinnabar.lua.LuaFunction)) {
                    throw typeError(a, 1, "function");
                }
                for (int p = tb.nextPosition(null); p >= 0; p = tb.nextPosition(tb.keyAt(p))) {
                    Object[] r = in.call(fn, new Object[] {tb.keyAt(p), tb.valueAt(p)});
                    if (r.length > 0 && r[0] != null) {
                        return new Object[] {r[0]};
                    }
                }
                return NONE;
            }
        });
        Lib.reg(t, new Lib("sort") {
            @Override
            public Object[] call(Object[] a) {
                LuaTable tb = checkTable(a, 0);
                int n = tb.length();
                Object cmp = a.length > 1 ? a[1] : null;
                if (cmp != null && !(cmp instanceof io.cinnabar.lua.LuaFunction)) {
                    throw typeError(a, 1, "function");
                }
                Object[] v = new Object[n + 2];
                for (int i = 1; i <= n; i++) {
                    v[i] = tb.get(i);
                }
                new Sorter(in, v, cmp).sort(1, n);
                for (int i = 1; i <= n; i++) {
                    tb.put(i, v[i]);
                }
                return NONE;
            }
        });
    }

    /** Lua 5.1's quicksort (median of three, smaller half first), so ties land where Lua puts them. */
    private static final class Sorter {
        final Interp in;
        final Object[] a;
        final Object cmp;

        private int compares;

        Sorter(Interp in, Object[] a, Object cmp) {
            this.in = in;
            this.a = a;
            this.cmp = cmp;
        }

        boolean lt(Object x, Object y) {
            if ((++compares & 255) == 0) {
                in.charge(1); // a sort without a Lua comparator makes no counted call
            }
            if (cmp != null) {
                Object[] r = in.call(cmp, new Object[] {x, y});
                return r.length > 0 && Interp.truthy(r[0]);
            }
            return in.lt(null, 0, x, y);
        }

        void swap(int i, int j) {
            Object t = a[i];
            a[i] = a[j];
            a[j] = t;
        }

        void sort(int l, int u) {
            while (l < u) {
                if (lt(a[u], a[l])) {
                    swap(l, u);
                }
                if (u - l == 1) {
                    break;
                }
                int i = (l + u) >>> 1;
                if (lt(a[i], a[l])) {
                    swap(i, l);
                } else if (lt(a[u], a[i])) {
                    swap(i, u);
                }
                if (u - l == 2) {
                    break;
                }
                Object p = a[i];
                swap(i, u - 1);
                i = l;
                int j = u - 1;
                while (true) {
                    while (lt(a[++i], p)) {
                        if (i > u) {
                            throw LuaError.fromLibrary("invalid order function for sorting");
                        }
                    }
                    while (lt(p, a[--j])) {
                        if (j < l) {
                            throw LuaError.fromLibrary("invalid order function for sorting");
                        }
                    }
                    if (j < i) {
                        break;
                    }
                    swap(i, j);
                }
                swap(u - 1, i);
                int lo;
                int hi;
                if (i - l < u - i) {
                    lo = l;
                    hi = i - 1;
                    l = i + 1;
                } else {
                    lo = i + 1;
                    hi = u;
                    u = i - 1;
                }
                sort(lo, hi);
            }
        }
    }

    /** The smallest integer key of t with a value (Integer.MAX_VALUE when it has none in int's range). */
    static int smallestIntKey(LuaTable t) {
        long min = Integer.MAX_VALUE;
        for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
            if (t.keyAt(p) instanceof Double d && d == Math.rint(d) && d >= Integer.MIN_VALUE && d < min) {
                min = (long) (double) d;
            }
        }
        return (int) min;
    }
}
