package io.cinnabar.server.internal.scripting;

import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.resp.ReplyEncoder;
import io.cinnabar.server.internal.command.Client;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A script's result as a reply to the caller (Redis's luaReplyToRedisReply):
 * <ul>
 * <li>string: bulk string; number: integer, truncated toward zero as C's {@code (long long)} cast on x86-64
 *     (NaN and out-of-range values give {@code LLONG_MIN});</li>
 * <li>boolean: with a RESP2 script (the default) true is {@code :1} and false a null; after
 *     {@code redis.setresp(3)} a RESP3 boolean (which a RESP2 caller reads as {@code :1}/{@code :0});</li>
 * <li>table: the first of these raw fields that has the right type decides: {@code err} (string, an error
 *     reply), {@code ok} (string, a status), {@code double} (number), {@code big_number} (string),
 *     {@code verbatim_string} (table with {@code format} and {@code string}), {@code map} (table: its pairs),
 *     {@code set} (table: its keys); otherwise an array of the elements 1, 2, ... up to the first nil;</li>
 * <li>nil and every other type: a null.</li>
 * </ul>
 * Cost: one pass over each table (two for arrays and maps: counting, then writing). The walk keeps its own stack
 * (no Java recursion, so a deep or self-containing table cannot overflow the thread's stack) and models Redis's
 * Lua stack: a value is answered {@code -ERR reached lua stack limit} where Redis's {@code lua_checkstack(4)} fails
 * ({@link #LUA_MAX_C_STACK} slots; the result sits at slot {@link #TOP_SLOTS}, an array element one slot deeper
 * than its table, a set member three, a map key four and a map value three: the map or set table, the
 * key and the value sit above the table), so a table that contains itself gives
 * the same 7995 nested {@code *1} as Redis before the error.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class LuaToResp {
    /** Lua 5.1's LUAI_MAXCSTACK: lua_checkstack fails past it. */
    static final int LUA_MAX_C_STACK = 8000;
    /** Slots in use when the script's result is converted (the error handler and the result). */
    static final int TOP_SLOTS = 2;
    private static final int CHECK = 4;
    private static final int ARRAY = 0;
    private static final int MAP_KEY = 1;
    private static final int MAP_VALUE = 2;
    private static final int SET = 3;
    private static final LuaString FORMAT = RespToLua.FORMAT;
    private static final LuaString STRING = RespToLua.STRING;

    private LuaToResp() {
    }

    /** Writes v to c; scriptResp is the protocol the script chose with redis.setresp. */
    static void reply(Client c, Object v, int scriptResp) {
        if (c.muted()) {
            return;
        }
        Walk w = null;
        if (value(c, c.enc, v, scriptResp, TOP_SLOTS) instanceof LuaTable t) {
            w = new Walk();
            w.push(t, TOP_SLOTS, scriptResp, c.enc);
        }
        while (w != null && w.depth > 0) {
            w.step(c, scriptResp);
        }
    }

    /** C's (long long) conversion of a double as x86-64's cvttsd2si does it. */
    static long toLongLong(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /**
     * Writes v when it is a scalar or a table answered by one element (err, ok, double, big_number, verbatim) and
     * returns null; returns the table when its elements must follow (array, map, set).
     */
    private static LuaTable value(Client c, ReplyEncoder enc, Object v, int scriptResp, int used) {
        if (used + CHECK > LUA_MAX_C_STACK) {
            error(c, "ERR reached lua stack limit", false);
        } else if (v instanceof LuaString s) {
            enc.addBulk(s.array(), s.offset(), s.length());
        } else if (v instanceof Double d) {
            enc.addLong(toLongLong(d));
        } else if (v instanceof Boolean b) {
            if (scriptResp == 2) {
                if (b) {
                    enc.addLong(1);
                } else {
                    enc.addNull();
                }
            } else {
                enc.addBool(b);
            }
        } else if (v instanceof LuaTable t) {
            return single(c, enc, t) ? null : t;
        } else {
            enc.addNull();
        }
        return null;
    }

    /** The tables answered by one element: err, ok, double, big_number, verbatim_string (in Redis's order). */
    private static boolean single(Client c, ReplyEncoder enc, LuaTable t) {
        Object f = t.get(RespToLua.ERR);
        if (f instanceof LuaString err) {
            error(c, err.toString(), t.get(RespToLua.IGNORE_STATS) == Boolean.TRUE);
            return true;
        }
        f = t.get(RespToLua.OK);
        if (f instanceof LuaString ok) {
            enc.addStatus(ok.toString().replace('\r', ' ').replace('\n', ' '));
            return true;
        }
        f = t.get(RespToLua.DOUBLE);
        if (f instanceof Double d) {
            enc.addDouble(d);
            return true;
        }
        f = t.get(RespToLua.BIG_NUMBER);
        if (f instanceof LuaString big) {
            enc.addBigNumber(big.toString().replace('\r', ' ').replace('\n', ' '));
            return true;
        }
        f = t.get(RespToLua.VERBATIM);
        if (f instanceof LuaTable vt && vt.get(FORMAT) instanceof LuaString fmt
                && vt.get(STRING) instanceof LuaString s) {
            enc.addVerbatim(s.array(), s.offset(), s.length(), verbatimFormat(fmt));
            return true;
        }
        return false;
    }

    /** The tables whose elements are being written, innermost last. */
    private static final class Walk {
        LuaTable[] tables = new LuaTable[8];
        int[] kinds = new int[8];
        /** ARRAY: the next index; MAP_KEY/MAP_VALUE/SET: the current position (negative: done). */
        int[] cursors = new int[8];
        /** ARRAY: the element count. */
        int[] limits = new int[8];
        int[] slots = new int[8];
        int depth;

        /** Writes t's length and makes its elements the next to write (t is an array, map or set). */
        void push(LuaTable t, int used, int scriptResp, ReplyEncoder enc) {
            if (depth == tables.length) {
                int n = depth * 2;
                tables = Arrays.copyOf(tables, n);
                kinds = Arrays.copyOf(kinds, n);
                cursors = Arrays.copyOf(cursors, n);
                limits = Arrays.copyOf(limits, n);
                slots = Arrays.copyOf(slots, n);
            }
            int d = depth++;
            slots[d] = used;
            if (t.get(RespToLua.MAP) instanceof LuaTable map) {
                enc.addMapLen(countPairs(map));
                tables[d] = map;
                kinds[d] = MAP_KEY;
                cursors[d] = map.nextPosition(null);
            } else if (t.get(RespToLua.SET) instanceof LuaTable set) {
                enc.addSetLen(countPairs(set));
                tables[d] = set;
                kinds[d] = SET;
                cursors[d] = set.nextPosition(null);
            } else {
                int n = 0;
                while (t.get(n + 1) != null) {
                    n++;
                }
                enc.addArrayLen(n);
                tables[d] = t;
                kinds[d] = ARRAY;
                cursors[d] = 1;
                limits[d] = n;
            }
        }

        /** Writes the next element of the innermost table, or leaves it when it has none left. */
        void step(Client c, int scriptResp) {
            int d = depth - 1;
            LuaTable t = tables[d];
            int pos = cursors[d];
            Object v;
            int used;
            switch (kinds[d]) {
                case ARRAY -> {
                    if (pos > limits[d]) {
                        pop();
                        return;
                    }
                    cursors[d] = pos + 1;
                    v = t.get(pos);
                    used = slots[d] + 1;
                }
                case MAP_KEY -> {
                    if (pos < 0) {
                        pop();
                        return;
                    }
                    kinds[d] = MAP_VALUE;
                    v = t.keyAt(pos);
                    used = slots[d] + 4;
                }
                case MAP_VALUE -> {
                    kinds[d] = MAP_KEY;
                    cursors[d] = t.nextPosition(t.keyAt(pos));
                    v = t.valueAt(pos);
                    used = slots[d] + 3;
                }
                default -> {
                    if (pos < 0) {
                        pop();
                        return;
                    }
                    cursors[d] = t.nextPosition(t.keyAt(pos));
                    v = t.keyAt(pos);
                    used = slots[d] + 3;
                }
            }
            LuaTable inner = value(c, c.enc, v, scriptResp, used);
            if (inner != null) {
                push(inner, used, scriptResp, c.enc);
            }
        }

        private void pop() {
            tables[--depth] = null;
        }
    }

    /** The three format characters of a verbatim string, blanks for missing ones (addReplyVerbatim). */
    private static String verbatimFormat(LuaString fmt) {
        StringBuilder b = new StringBuilder(3);
        for (int i = 0; i < 3; i++) {
            b.append(i < fmt.length() && fmt.byteAt(i) != 0 ? (char) fmt.byteAt(i) : ' ');
        }
        return b.toString();
    }

    private static int countPairs(LuaTable t) {
        int n = 0;
        for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
            n++;
        }
        return n;
    }

    /**
     * An error element "-msg" (msg carries its own code, as Redis's "-%s" format); ignoreStats: the command that
     * produced it already counted it.
     */
    static void error(Client c, String msg, boolean ignoreStats) {
        if (!ignoreStats) {
            c.server.stats.errorReply(msg);
        } else if (c.cmd != null) {
            c.cmd.failedCalls++; // counted already where it happened, but the EVAL/FCALL failed (afterErrorReply)
        }
        if (!c.muted()) {
            c.enc.addError("-" + msg);
        }
    }
}
