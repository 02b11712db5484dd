package io.cinnabar.server.internal.scripting;

import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.resp.ReplyEncoder;
import io.cinnabar.server.internal.command.Client;
import java.nio.charset.StandardCharsets;

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
 * Cost: one pass over each table (two for arrays and maps: counting, then writing); nesting is bounded by
 * {@link #MAX_DEPTH} (Redis's Lua stack limit), deeper levels answer an error element.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class LuaToResp {
    static final int MAX_DEPTH = 1000;
    private static final LuaString FORMAT = RespToLua.FORMAT;
    private static final LuaString STRING = RespToLua.STRING;

    private LuaToResp() {
    }

    /** Writes v to c; scriptResp is the protocol the script chose with redis.setresp. */
    static void reply(Client c, Object v, int scriptResp) {
        if (c.replyMode != Client.REPLY_ON) {
            return;
        }
        write(c, c.enc, v, scriptResp, 0);
    }

    /** C's (long long) conversion of a double as x86-64's cvttsd2si does it. */
    static long toLongLong(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    private static void write(Client c, ReplyEncoder enc, Object v, int scriptResp, int depth) {
        if (v instanceof LuaString s) {
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
            if (depth >= MAX_DEPTH) {
                error(c, "ERR reached lua stack limit", false);
                return;
            }
            table(c, enc, t, scriptResp, depth);
        } else {
            enc.addNull();
        }
    }

    private static void table(Client c, ReplyEncoder enc, LuaTable t, int scriptResp, int depth) {
        Object f = t.get(RespToLua.ERR);
        if (f instanceof LuaString err) {
            error(c, err.toString(), t.get(RespToLua.IGNORE_STATS) == Boolean.TRUE);
            return;
        }
        f = t.get(RespToLua.OK);
        if (f instanceof LuaString ok) {
            enc.addStatus(ok.toString().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        f = t.get(RespToLua.DOUBLE);
        if (f instanceof Double d) {
            enc.addDouble(d);
            return;
        }
        f = t.get(RespToLua.BIG_NUMBER);
        if (f instanceof LuaString big) {
            enc.addBigNumber(big.toString().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        f = t.get(RespToLua.VERBATIM);
        if (f instanceof LuaTable vt && vt.get(FORMAT) instanceof LuaString fmt
                && vt.get(STRING) instanceof LuaString s) {
            enc.addVerbatim(s.array(), s.offset(), s.length(), verbatimFormat(fmt));
            return;
        }
        f = t.get(RespToLua.MAP);
        if (f instanceof LuaTable map) {
            enc.addMapLen(countPairs(map));
            for (int p = map.nextPosition(null); p >= 0; p = map.nextPosition(map.keyAt(p))) {
                write(c, enc, map.keyAt(p), scriptResp, depth + 1);
                write(c, enc, map.valueAt(p), scriptResp, depth + 1);
            }
            return;
        }
        f = t.get(RespToLua.SET);
        if (f instanceof LuaTable set) {
            enc.addSetLen(countPairs(set));
            for (int p = set.nextPosition(null); p >= 0; p = set.nextPosition(set.keyAt(p))) {
                write(c, enc, set.keyAt(p), scriptResp, depth + 1);
            }
            return;
        }
        int n = 0;
        while (t.get(n + 1) != null) {
            n++;
        }
        enc.addArrayLen(n);
        for (int i = 1; i <= n; i++) {
            write(c, enc, t.get(i), scriptResp, depth + 1);
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
        if (c.replyMode == Client.REPLY_ON) {
            c.enc.addError("-" + msg);
        }
    }
}
