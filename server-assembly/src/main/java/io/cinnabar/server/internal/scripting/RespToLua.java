package io.cinnabar.server.internal.scripting;

import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.resp.ReplyDecoder;
import io.cinnabar.resp.ReplyVisitor;
import io.cinnabar.resp.RespProtocolException;

/**
 * A command's reply as the Lua value {@code redis.call} returns (Redis's redisProtocolToLuaType):
 * <pre>
 *  reply                 RESP2 script            RESP3 script (redis.setresp(3))
 *  :n                    n                       n
 *  $bulk                 "bulk"                  "bulk"
 *  $-1 / *-1 / _         false                   nil
 *  +status               {ok="status"}           {ok="status"}
 *  -CODE msg             {err="CODE msg", ignore_error_stats_update=true}
 *  *n                    {e1, e2, ...}           {e1, e2, ...}
 *  %n map                                        {map={k=v, ...}}
 *  ~n set                                        {set={m=true, ...}}
 *  ,double                                       {double=d}
 *  #t / #f                                       true / false
 *  (big number                                   {big_number="digits"}
 *  =verbatim                                     {verbatim_string={format="txt", string="..."}}
 *  |attribute                                    (ignored)
 * </pre>
 * Strings are copied out of the reply buffer (the buffer is reused by the next command).
 * <p><b>Note:</b> This class is not threadsafe: one instance per script engine.
 */
final class RespToLua implements ReplyVisitor {
    static final LuaString OK = LuaString.of("ok");
    static final LuaString ERR = LuaString.of("err");
    static final LuaString IGNORE_STATS = LuaString.of("ignore_error_stats_update");
    static final LuaString MAP = LuaString.of("map");
    static final LuaString SET = LuaString.of("set");
    static final LuaString DOUBLE = LuaString.of("double");
    static final LuaString BIG_NUMBER = LuaString.of("big_number");
    static final LuaString VERBATIM = LuaString.of("verbatim_string");
    static final LuaString FORMAT = LuaString.of("format");
    static final LuaString STRING = LuaString.of("string");

    private static final int ARRAY = 0;
    private static final int MAP_KIND = 1;
    private static final int SET_KIND = 2;
    private static final int ATTRIBUTE = 3;

    private final ReplyDecoder decoder = new ReplyDecoder();
    private LuaTable[] tables = new LuaTable[8];
    private int[] kinds = new int[8];
    private int[] index = new int[8];
    private Object[] pendingKey = new Object[8];
    private boolean[] keyPending = new boolean[8];
    private int depth;
    /** Depth inside attributes (their elements are dropped). */
    private int skipping;
    private Object result;
    private boolean topError;
    private boolean resp3;

    /** Converts the complete reply in buf[from, to); {@link #topLevelError()} tells whether it was an error. */
    Object convert(byte[] buf, int from, int to, boolean resp3) {
        this.resp3 = resp3;
        depth = 0;
        skipping = 0;
        result = null;
        topError = false;
        decoder.reset();
        try {
            decoder.decode(buf, from, to, this);
        } catch (RespProtocolException e) {
            throw new IllegalStateException("a command wrote an invalid reply: " + e.getMessage(), e);
        }
        return result;
    }

    boolean topLevelError() {
        return topError;
    }

    /** Redis's luaPushErrorBuff: "-CODE msg" or "msg" as {err="CODE msg"} (code ERR when there is none). */
    static LuaTable errorTable(String text) {
        String code;
        String msg;
        if (text.startsWith("-")) {
            int sp = text.indexOf(' ');
            if (sp < 0) {
                code = "ERR";
                msg = text.substring(1);
            } else {
                code = text.substring(1, sp);
                msg = text.substring(sp + 1);
            }
        } else {
            code = "ERR";
            msg = text;
        }
        msg = trimCrLf(msg);
        LuaTable t = new LuaTable(0, 2);
        byte[] b = (code + " " + msg).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        t.put(ERR, LuaString.wrap(b));
        return t;
    }

    private static String trimCrLf(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == '\r' || s.charAt(a) == '\n')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == '\r' || s.charAt(b - 1) == '\n')) {
            b--;
        }
        return s.substring(a, b);
    }

    private void value(Object v) {
        if (skipping > 0) {
            return;
        }
        if (depth == 0) {
            result = v;
            return;
        }
        int d = depth - 1;
        LuaTable t = tables[d];
        switch (kinds[d]) {
            case ARRAY -> t.put(++index[d], v);
            case SET_KIND -> {
                if (v != null) {
                    t.put(v, Boolean.TRUE);
                }
            }
            default -> {
                if (!keyPending[d]) {
                    pendingKey[d] = v;
                    keyPending[d] = true;
                } else {
                    keyPending[d] = false;
                    if (pendingKey[d] != null) {
                        t.put(pendingKey[d], v);
                    }
                    pendingKey[d] = null;
                }
            }
        }
    }

    private static LuaString str(byte[] buf, int off, int len) {
        return LuaString.copyOf(buf, off, len);
    }

    private static LuaTable wrap(LuaString key, Object v) {
        LuaTable t = new LuaTable(0, 1);
        t.put(key, v);
        return t;
    }

    private void open(int kind, long count) {
        if (skipping > 0 || kind == ATTRIBUTE) {
            skipping++;
            return;
        }
        if (depth == tables.length) {
            int n = depth * 2;
            tables = java.util.Arrays.copyOf(tables, n);
            kinds = java.util.Arrays.copyOf(kinds, n);
            index = java.util.Arrays.copyOf(index, n);
            pendingKey = java.util.Arrays.copyOf(pendingKey, n);
            keyPending = java.util.Arrays.copyOf(keyPending, n);
        }
        int hint = (int) Math.min(Math.max(count, 0), 1024);
        tables[depth] = kind == ARRAY ? new LuaTable(hint, 0) : new LuaTable(0, hint);
        kinds[depth] = kind;
        index[depth] = 0;
        keyPending[depth] = false;
        pendingKey[depth] = null;
        depth++;
    }

    @Override
    public void end() {
        if (skipping > 0) {
            skipping--;
            return;
        }
        int d = --depth;
        LuaTable t = tables[d];
        tables[d] = null;
        switch (kinds[d]) {
            case MAP_KIND -> value(wrap(MAP, t));
            case SET_KIND -> value(wrap(SET, t));
            default -> value(t);
        }
    }

    @Override
    public void simpleString(byte[] buf, int off, int len) {
        value(wrap(OK, str(buf, off, len)));
    }

    @Override
    public void error(byte[] buf, int off, int len) {
        if (depth == 0 && skipping == 0) {
            topError = true;
        }
        LuaTable t = errorTable("-" + new String(buf, off, len, java.nio.charset.StandardCharsets.ISO_8859_1));
        t.put(IGNORE_STATS, Boolean.TRUE);
        value(t);
    }

    @Override
    public void integer(long v) {
        value((double) v);
    }

    @Override
    public void bulkString(byte[] buf, int off, int len) {
        value(str(buf, off, len));
    }

    @Override
    public void nullBulk() {
        value(resp3 ? null : Boolean.FALSE);
    }

    @Override
    public void nullArray() {
        value(resp3 ? null : Boolean.FALSE);
    }

    @Override
    public void nil() {
        value(resp3 ? null : Boolean.FALSE);
    }

    @Override
    public void doubleValue(double v) {
        value(wrap(DOUBLE, v));
    }

    @Override
    public void bool(boolean v) {
        value(v);
    }

    @Override
    public void blobError(byte[] buf, int off, int len) {
        error(buf, off, len);
    }

    @Override
    public void verbatim(byte[] buf, int formatOff, int off, int len) {
        LuaTable v = new LuaTable(0, 2);
        v.put(FORMAT, str(buf, formatOff, 3));
        v.put(STRING, str(buf, off, len));
        value(wrap(VERBATIM, v));
    }

    @Override
    public void bigNumber(byte[] buf, int off, int len) {
        value(wrap(BIG_NUMBER, str(buf, off, len)));
    }

    @Override
    public void beginArray(long count) {
        open(ARRAY, count);
        if (count == 0) {
            return;
        }
    }

    @Override
    public void beginMap(long count) {
        open(MAP_KIND, count);
    }

    @Override
    public void beginSet(long count) {
        open(SET_KIND, count);
    }

    @Override
    public void beginPush(long count) {
        open(ARRAY, count);
    }

    @Override
    public void beginAttribute(long count) {
        open(ATTRIBUTE, count);
    }

    @Override
    public void beginStreamedString() {
        throw new IllegalStateException("streamed strings are not written by this server");
    }

    @Override
    public void streamedStringChunk(byte[] buf, int off, int len) {
        throw new IllegalStateException("streamed strings are not written by this server");
    }

    @Override
    public void endStreamedString() {
        throw new IllegalStateException("streamed strings are not written by this server");
    }
}
