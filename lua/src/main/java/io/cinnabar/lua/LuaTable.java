package io.cinnabar.lua;

import io.cinnabar.lua.internal.Interp;
import java.util.Arrays;

/**
 * A Lua table: an array part for the keys {@code 1..n} and an open-addressing hash part for the rest, with an
 * optional metatable. Keys are compared as Lua does: numbers by value ({@code -0} is {@code 0}), strings by bytes,
 * tables and functions by identity. Iteration order ({@link #nextPosition}) is array part first, then hash slots; assigning
 * nil to an existing field during a traversal is allowed, as in Lua.
 */
public final class LuaTable {
    private static final Object[] EMPTY = new Object[0];

    private Object[] array = EMPTY;
    private int n; // array part holds keys 1..n (some may be nil)
    private Object[] keys; // null until the hash part is used
    private Object[] vals;
    private int used; // occupied hash slots, dead (nil-valued) ones included
    private LuaTable metatable;
    private boolean readOnly;

    public LuaTable() {
    }

    public LuaTable(int arrayHint, int hashHint) {
        if (arrayHint > 0) {
            array = new Object[arrayHint];
        }
        if (hashHint > 0) {
            int cap = Integer.highestOneBit(Math.max(4, hashHint * 4 / 3 + 1) - 1) << 1;
            keys = new Object[cap];
            vals = new Object[cap];
        }
    }

    public LuaTable getMetatable() {
        return metatable;
    }

    public void setMetatable(LuaTable mt) {
        this.metatable = mt;
    }

    /** A read-only table refuses every raw write with "Attempt to modify a readonly table" (Redis 7's rule). */
    public boolean isReadOnly() {
        return readOnly;
    }

    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** Raw get ({@code null} is nil). */
    public Object get(Object key) {
        if (key instanceof Double d) {
            double v = d;
            int i = (int) v;
            if (i == v && i >= 1 && i <= n) {
                return array[i - 1];
            }
            if (v == 0) {
                key = 0.0; // -0 and 0 are the same key
            }
        } else if (key == null) {
            return null;
        }
        return hashGet(key);
    }

    /** Raw get of the integer key {@code i}. */
    public Object get(int i) {
        if (i >= 1 && i <= n) {
            return array[i - 1];
        }
        return keys == null ? null : hashGet((double) i);
    }

    /** Raw get of a string key. */
    public Object get(String key) {
        return get(LuaString.of(key));
    }

    private Object hashGet(Object key) {
        Object[] ks = keys;
        if (ks == null) {
            return null;
        }
        int mask = ks.length - 1;
        int i = mix(key.hashCode()) & mask;
        while (true) {
            Object k = ks[i];
            if (k == null) {
                return null;
            }
            if (k == key || k.equals(key)) {
                return vals[i];
            }
            i = (i + 1) & mask;
        }
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * Raw set. Throws {@link LuaError} for a nil or NaN key ("table index is nil"/"table index is NaN") and for a
     * read-only table.
     */
    public void put(Object key, Object value) {
        if (readOnly) {
            throw LuaError.fromLibrary("Attempt to modify a readonly table");
        }
        if (key instanceof Double d) {
            double v = d;
            int i = (int) v;
            if (i == v && i >= 1) {
                put(i, value);
                return;
            }
            if (v != v) {
                throw LuaError.fromLibrary("table index is NaN");
            }
            if (v == 0) {
                key = 0.0;
            }
        } else if (key == null) {
            throw LuaError.fromLibrary("table index is nil");
        }
        hashPut(key, value);
    }

    /** Raw set of the integer key {@code i}. */
    public void put(int i, Object value) {
        if (readOnly) {
            throw LuaError.fromLibrary("Attempt to modify a readonly table");
        }
        if (i >= 1 && i <= n) {
            array[i - 1] = value;
            return;
        }
        if (i == n + 1 && i > 0) {
            if (value == null) {
                if (keys != null) {
                    hashPut((double) i, null);
                }
                return;
            }
            if (n == array.length) {
                array = Arrays.copyOf(array, grown(n));
            }
            array[n++] = value;
            if (keys != null) {
                hashPut((double) i, null); // the key now lives in the array part
                migrate();
            }
            return;
        }
        hashPut((double) i, value);
    }

    /** Moves keys n+1, n+2, ... from the hash part to the array part. */
    private void migrate() {
        while (true) {
            Double k = (double) (n + 1);
            Object v = hashGet(k);
            if (v == null) {
                return;
            }
            hashPut(k, null);
            if (n == array.length) {
                array = Arrays.copyOf(array, grown(n));
            }
            array[n++] = v;
        }
    }

    /** Raw set of a string key. */
    public void put(String key, Object value) {
        put(LuaString.of(key), value);
    }

    private void hashPut(Object key, Object value) {
        Object[] ks = keys;
        if (ks == null) {
            if (value == null) {
                return;
            }
            keys = ks = new Object[4];
            vals = new Object[4];
        }
        int mask = ks.length - 1;
        int i = mix(key.hashCode()) & mask;
        while (true) {
            Object k = ks[i];
            if (k == null) {
                break;
            }
            if (k == key || k.equals(key)) {
                vals[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        if (value == null) {
            return;
        }
        if ((used + 1) * 4 > ks.length * 3) {
            rehash();
            hashPut(key, value);
            return;
        }
        ks[i] = key;
        vals[i] = value;
        used++;
    }

    /** The next array capacity; past 128 K slots the running script's memory limit is checked first. */
    private static int grown(int n) {
        long cap = Math.max(4L, n * 2L);
        if (cap >= 1 << 17) {
            Interp.reserveAny(cap * 8);
        }
        return (int) cap;
    }

    private void rehash() {
        Object[] oldK = keys;
        Object[] oldV = vals;
        int live = 0;
        for (Object v : oldV) {
            if (v != null) {
                live++;
            }
        }
        int cap = 4;
        while (cap * 3 < (live + 1) * 4 * 2) {
            cap <<= 1;
        }
        if (cap >= 1 << 16) {
            Interp.reserveAny(cap * 16L);
        }
        keys = new Object[cap];
        vals = new Object[cap];
        used = 0;
        int mask = cap - 1;
        for (int j = 0; j < oldK.length; j++) {
            if (oldV[j] != null) {
                int i = mix(oldK[j].hashCode()) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldK[j];
                vals[i] = oldV[j];
                used++;
            }
        }
    }

    /** The length operator's border: {@code t[#t] ~= nil and t[#t+1] == nil} (or 0). */
    public int length() {
        if (n > 0) {
            if (array[n - 1] != null) {
                return n;
            }
            int lo = 0;
            int hi = n;
            while (hi - lo > 1) {
                int m = (lo + hi) >>> 1;
                if (array[m - 1] == null) {
                    hi = m;
                } else {
                    lo = m;
                }
            }
            return lo;
        }
        if (keys == null || hashGet(1.0) == null) {
            return 0;
        }
        int j = 1;
        while (hashGet((double) (j + 1)) != null) {
            j++;
        }
        return j;
    }

    /** A table whose array part is {@code items[0, count)} as given (nils included), as a constructor builds it. */
    public static LuaTable ofArray(Object[] items, int count, int hashHint) {
        LuaTable t = new LuaTable(0, hashHint);
        t.array = items;
        t.n = count;
        return t;
    }

    /** Stores {@code items[0, count)} at keys 1..count, as a constructor's positional fields (array kept). */
    public void setList(Object[] items, int count) {
        if (n == 0) {
            if (keys != null) {
                for (int i = 1; i <= count; i++) {
                    hashPut((double) i, null);
                }
            }
            array = items;
            n = count;
            if (keys != null) {
                migrate();
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            put(i + 1, items[i]);
        }
    }

    /** The number of slots of the array part in use (keys 1..arraySize()). */
    public int arraySize() {
        return n;
    }

    /**
     * The iteration position after {@code key} ({@code null} starts), or -1 at the end; read the entry with
     * {@link #keyAt} and {@link #valueAt}. Throws "invalid key to 'next'" for a key that is not in the table.
     */
    public int nextPosition(Object key) {
        int pos;
        if (key == null) {
            pos = 0;
        } else {
            pos = -1;
            if (key instanceof Double d) {
                double v = d;
                int i = (int) v;
                if (i == v && i >= 1 && i <= n) {
                    pos = i;
                } else if (v == 0) {
                    key = 0.0;
                }
            }
            if (pos < 0) {
                pos = hashSlot(key);
                if (pos < 0) {
                    // raised inside a C function in 5.1 (next, or lua_next): no position, even in a 'for'
                    throw new LuaError(LuaString.of("invalid key to 'next'"));
                }
                pos += n + 1;
            }
        }
        for (; pos < n; pos++) {
            if (array[pos] != null) {
                return pos;
            }
        }
        if (keys != null) {
            for (int j = pos - n; j < keys.length; j++) {
                if (vals[j] != null) {
                    return n + j;
                }
            }
        }
        return -1;
    }

    private int hashSlot(Object key) {
        Object[] ks = keys;
        if (ks == null) {
            return -1;
        }
        int mask = ks.length - 1;
        int i = mix(key.hashCode()) & mask;
        while (true) {
            Object k = ks[i];
            if (k == null) {
                return -1;
            }
            if (k == key || k.equals(key)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    public Object keyAt(int pos) {
        return pos < n ? (Object) (double) (pos + 1) : keys[pos - n];
    }

    public Object valueAt(int pos) {
        return pos < n ? array[pos] : vals[pos - n];
    }

    /** Inserts {@code value} at {@code pos}, shifting up (table.insert); pos in 1..length()+1. */
    public void insert(int pos, Object value) {
        int len = length();
        if (len == n && pos >= 1 && pos <= n + 1 && value != null && !readOnly) {
            if (n == array.length) {
                array = Arrays.copyOf(array, grown(n));
            }
            System.arraycopy(array, pos - 1, array, pos, n - pos + 1);
            array[pos - 1] = value;
            n++;
            if (keys != null) {
                hashPut((double) n, null);
                migrate();
            }
            return;
        }
        for (int i = len; i >= pos; i--) {
            put(i + 1, get(i));
        }
        put(pos, value);
    }

    @Override
    public String toString() {
        return "table: 0x" + String.format("%08x", System.identityHashCode(this));
    }
}
