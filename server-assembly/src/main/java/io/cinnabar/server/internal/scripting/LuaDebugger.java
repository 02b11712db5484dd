package io.cinnabar.server.internal.scripting;

import io.cinnabar.lua.Lua;
import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.command.Client;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * LDB, Redis's Lua debugger (eval.c): {@code SCRIPT DEBUG YES|SYNC|NO} and the session that {@code redis-cli --ldb}
 * drives. The next EVAL of a client in debug mode runs a copy of its script compiled for debugging
 * ({@link Lua#loadForDebug}); the line
 * hook stops at the first line, at breakpoints, after {@code step}/{@code next}, after {@code redis.breakpoint()},
 * and when a {@code continue}d script runs past busy-reply-threshold (5 s when 0). While stopped, the debugger reads
 * its commands straight from the client's socket (switched to blocking I/O, as Redis's connBlock) and answers each
 * with an array of status lines; the EVAL reply follows an {@code <endsession>} line and the connection is then
 * closed, as Redis does.
 * <p>
 * <b>YES vs SYNC.</b> Redis forks for YES: the session runs in a child, other clients are served meanwhile, and the
 * script's writes vanish with the child. A JVM cannot fork, so both modes block the server for the session (as SYNC
 * does in Redis); YES keeps Redis's outcome for the dataset by undoing the script's writes at the end: before the
 * first write to each key, its {@code DUMP} and {@code PTTL} are taken, and the end of the session deletes the key and
 * restores the saved value. Nothing of a YES session is propagated. Writes that have no keys to save
 * ({@code FLUSHALL}, {@code FLUSHDB}, {@code SWAPDB}) are refused in a YES session. Keyspace notifications and
 * WATCH still see the writes and the undo.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class LuaDebugger implements io.cinnabar.lua.LineHook {
    private static final int MAX_BREAKPOINTS = 64;
    private static final int MAX_LEN_DEFAULT = 256;
    /** Lua's LUA_MINSTACK / 2: how deep nested tables are printed. */
    private static final int MAX_VALUES_DEPTH = 10;
    private static final String[] HELP = {
        "Redis Lua debugger help:",
        "[h]elp               Show this help.",
        "[s]tep               Run current line and stop again.",
        "[n]ext               Alias for step.",
        "[c]ontinue           Run till next breakpoint.",
        "[l]ist               List source code around current line.",
        "[l]ist [line]        List source code around [line].",
        "                     line = 0 means: current position.",
        "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
        "                     to show before/after [line].",
        "[w]hole              List all source code. Alias for 'list 1 1000000'.",
        "[p]rint              Show all the local variables.",
        "[p]rint <var>        Show the value of the specified variable.",
        "                     Can also show global vars KEYS and ARGV.",
        "[b]reak              Show all breakpoints.",
        "[b]reak <line>       Add a breakpoint to the specified line.",
        "[b]reak -<line>      Remove breakpoint from the specified line.",
        "[b]reak 0            Remove all breakpoints.",
        "[t]race              Show a backtrace.",
        "[e]val <code>        Execute some Lua code (in a different callframe).",
        "[r]edis <cmd>        Execute a Redis command.",
        "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
        "                     Specifying zero as <len> means unlimited.",
        "[a]bort              Stop the execution of the script. In sync",
        "                     mode dataset changes will be retained.",
        "",
        "Debugger functions you can call from Lua scripts:",
        "redis.debug()        Produce logs in the debugger console.",
        "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
        "                     next line of code.",
    };

    private final Scripting scripting;
    /** Clients in debug mode: true for SYNC, false for YES. */
    private final Map<Client, Boolean> modes = new WeakHashMap<>();

    // ---- the session (one at a time: the server is blocked while it runs)
    boolean active;
    private boolean forked;
    private Client client;
    private ScriptEngine engine;
    private final List<String> logs = new ArrayList<>();
    private final int[] bp = new int[MAX_BREAKPOINTS];
    private int bpcount;
    /** Stop at the next line regardless of breakpoints; also makes redis.call log its command and reply. */
    boolean step;
    private boolean luabp;
    private String[] src = new String[0];
    private int currentLine;
    private final java.io.ByteArrayOutputStream cbuf = new java.io.ByteArrayOutputStream();
    private int maxlen = MAX_LEN_DEFAULT;
    private boolean maxlenHintSent;
    private long startNs;
    /** YES sessions: the writes to undo at the end. */
    final Undo undo;

    LuaDebugger(Scripting scripting) {
        this.scripting = scripting;
        this.undo = new Undo(scripting.server);
    }

    // ---- SCRIPT DEBUG

    void scriptDebug(Client c) {
        if (c.pendingBytes() > 0) {
            c.error("ERR SCRIPT DEBUG must be called outside a pipeline");
            return;
        }
        if (c.argIs(2, "no")) {
            modes.remove(c);
            c.ok();
        } else if (c.argIs(2, "yes") || c.argIs(2, "sync")) {
            enable(c, c.argIs(2, "sync"));
            c.ok();
        } else {
            c.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
        }
    }

    private void enable(Client c, boolean sync) {
        modes.put(c, sync);
        logs.clear();
        step = true;
        bpcount = 0;
        luabp = false;
        cbuf.reset();
        maxlen = MAX_LEN_DEFAULT;
        maxlenHintSent = false;
    }

    boolean debugging(Client c) {
        return !modes.isEmpty() && modes.containsKey(c);
    }

    /** Whether redis.call should log its command and reply (a session is active and stepping). */
    boolean logging() {
        return active && step;
    }

    // ---- the session

    /**
     * Runs EVAL for c in a debugging session (evalGenericCommandWithDebugging): the socket turns blocking, the
     * script runs with the line hook, then the remaining logs and {@code <endsession>} are sent, the EVAL reply
     * is queued and the connection closes after it.
     */
    void run(Client c, Runnable eval) {
        forked = !modes.get(c);
        if (c.ch == null || scripting.server.loop == null || !scripting.server.loop.blockingIo(c, true)) {
            modes.remove(c);
            c.error("ERR can't run EVAL in debugging mode: the connection can't be used for blocking I/O");
            return;
        }
        scripting.server.log.warning(forked ? "Redis debugging eval session started (changes will be rolled back)"
            : "Redis synchronous debugging eval session started");
        client = c;
        active = true;
        byte[] body = c.arg(1);
        int len = body.length;
        while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r')) {
            len--;
        }
        src = new String(body, 0, len, StandardCharsets.ISO_8859_1).split("\n", -1);
        if (len == 0) {
            src = new String[0];
        }
        flushPending(c);
        try {
            eval.run();
        } finally {
            log("<endsession>");
            sendLogs();
            if (forked) {
                undo.rollback();
            }
            scripting.server.loop.blockingIo(c, false);
            c.closeAfterReply = true;
            scripting.server.log.warning(forked ? "Redis debugging eval session ended (changes rolled back)"
                : "Redis synchronous debugging eval session ended");
            src = new String[0];
            active = false;
            client = null;
            engine = null;
            modes.remove(c);
        }
    }

    /** Whether the running session undoes its writes (YES). */
    boolean rollsBack() {
        return active && forked;
    }

    /** Writes what c already had queued (replies of earlier pipelined commands) before the session's own output. */
    private void flushPending(Client c) {
        if (c.enc.flushable() > 0) {
            write(ByteBuffer.wrap(c.enc.array(), c.enc.readIndex(), c.enc.flushable()));
            c.enc.consume(c.enc.flushable());
        }
    }

    /** Compiles the body for debugging as Redis 7 loads every script: as a chunk named {@code @user_script}. */
    LuaFunction compile(ScriptEngine e, byte[] code) {
        return e.lua.loadForDebug(code, "@user_script");
    }

    /** The script is about to run in engine e. */
    void starting(ScriptEngine e) {
        engine = e;
        startNs = System.nanoTime();
        e.lua.setLineHook(this);
    }

    void ended(ScriptEngine e) {
        e.lua.setLineHook(null);
    }

    // ---- hooks

    /** luaLdbLineHook for a line event. */
    @Override
    public void line(int line) {
        currentLine = line;
        boolean atBp = isBreakpoint(line) || luabp;
        if (step || atBp) {
            stop(atBp ? (luabp ? "redis.breakpoint() called" : "break point") : "step over", false);
        }
    }

    /** luaLdbLineHook for a count event: stops a script that ran past the time limit without stopping. */
    void count() {
        int line = engine.lua.debugLine();
        if (line != 0) {
            currentLine = line;
        }
        if (step || isBreakpoint(currentLine) || luabp) {
            return;
        }
        long limit = scripting.server.config.getLong("busy-reply-threshold");
        if ((System.nanoTime() - startNs) / 1_000_000 >= (limit != 0 ? limit : 5000)) {
            step = true;
            stop("timeout reached, infinite loop?", true);
        }
    }

    private void stop(String reason, boolean timeout) {
        step = false;
        luabp = false;
        log("* Stopped at " + currentLine + ", stop reason = " + reason);
        logSourceLine(currentLine);
        sendLogs();
        if (!repl() && timeout) {
            throw engine.raiseFromHook("timeout during Lua debugging with client closing connection", currentLine);
        }
        startNs = System.nanoTime();
    }

    /** redis.breakpoint(). */
    boolean breakpoint() {
        if (!active) {
            return false;
        }
        luabp = true;
        return true;
    }

    /** redis.debug(...). */
    void debug(Object[] args) {
        if (!active) {
            return;
        }
        StringBuilder s = new StringBuilder("<debug> line ").append(currentLine).append(": ");
        for (int i = 0; i < args.length; i++) {
            catValue(s, args[i], 0);
            if (i != args.length - 1) {
                s.append(", ");
            }
        }
        log(s.toString());
    }

    /** The "<redis> cmd args" line redis.call logs while stepping. */
    void logCommand(Client sc) {
        StringBuilder s = new StringBuilder("<redis>");
        for (int j = 0; j < sc.argc; j++) {
            if (j == 10) {
                s.append(" ... (").append(sc.argc - j - 1).append(" more)");
                break;
            }
            s.append(' ').append(new String(sc.argBuf, sc.argOff[j], sc.argLen[j], StandardCharsets.ISO_8859_1));
        }
        log(s.toString());
    }

    /** The "<error> msg" line of an error redis.call raises without running the command. */
    void logError(String msg) {
        log("<error> " + msg);
    }

    /** The "<reply> ..." line: a reply in human-readable form. */
    void logReply(byte[] b, int off, int end) {
        StringBuilder s = new StringBuilder("<reply> ");
        new Human(b, off, end).value(s);
        logWithMaxLen(s.toString());
    }

    // ---- the REPL

    /** ldbRepl: serves debugger commands until one resumes the script; false when the client went away. */
    private boolean repl() {
        while (true) {
            List<String> argv;
            while ((argv = parseCommand()) == null) {
                ByteBuffer buf = ByteBuffer.allocate(1024);
                int n;
                try {
                    n = client.ch.read(buf);
                } catch (IOException e) {
                    n = -1;
                }
                if (n <= 0) {
                    step = false;
                    bpcount = 0;
                    return false;
                }
                cbuf.write(buf.array(), 0, n);
                if (cbuf.size() > 1 << 20) {
                    cbuf.reset();
                    throw engine.raiseFromHook("max client buffer reached", currentLine);
                }
            }
            cbuf.reset();
            String cmd = argv.get(0).toLowerCase(Locale.ROOT);
            int argc = argv.size();
            switch (cmd) {
                case "h", "help" -> {
                    for (String h : HELP) {
                        log(h);
                    }
                }
                case "s", "step", "n", "next" -> {
                    step = true;
                    return true;
                }
                case "c", "continue" -> {
                    return true;
                }
                case "t", "trace" -> trace();
                case "m", "maxlen" -> maxlen(argv);
                case "b", "break" -> breakCommand(argv);
                case "e", "eval" -> eval(argv);
                case "a", "abort" -> throw engine.raiseFromHook("script aborted for user request", currentLine);
                case "p", "print" -> {
                    if (argc == 2) {
                        print(argv.get(1));
                    } else {
                        printAll();
                    }
                }
                case "l", "list" -> {
                    int around = currentLine;
                    int ctx = 5;
                    if (argc > 1) {
                        int num = atoi(argv.get(1));
                        if (num > 0) {
                            around = num;
                        }
                    }
                    if (argc > 2) {
                        ctx = atoi(argv.get(2));
                    }
                    list(around, ctx);
                }
                case "w", "whole" -> list(1, 1000000);
                default -> {
                    if (argc > 1 && (cmd.equals("r") || cmd.equals("redis"))) {
                        redis(argv);
                    } else {
                        log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
                    }
                }
            }
            sendLogs();
        }
    }

    /**
     * ldbReplParseCommand: one multibulk command from the buffer (a forgiving parser: arguments of 1 to 1024
     * bytes, at most 1024 of them); null to read more; "protocol error" raised on garbage.
     */
    private List<String> parseCommand() {
        byte[] b = cbuf.toByteArray();
        int len = b.length;
        if (len == 0) {
            return null;
        }
        int p = indexOf(b, len, (byte) '*', 0);
        if (p < 0) {
            throw protocolError();
        }
        int crlf = indexOfCrlf(b, len, p);
        if (crlf < 0) {
            return null;
        }
        int argc = atoi(new String(b, p + 1, crlf - p - 1, StandardCharsets.ISO_8859_1));
        if (argc <= 0 || argc > 1024) {
            throw protocolError();
        }
        p = crlf + 2;
        List<String> argv = new ArrayList<>(argc);
        while (argv.size() < argc) {
            if (p >= len) {
                return null;
            }
            if (b[p] != '$') {
                throw protocolError();
            }
            crlf = indexOfCrlf(b, len, p);
            if (crlf < 0) {
                return null;
            }
            int slen = atoi(new String(b, p + 1, crlf - p - 1, StandardCharsets.ISO_8859_1));
            if (slen <= 0 || slen > 1024) {
                throw protocolError();
            }
            p = crlf + 2;
            if (p + slen + 2 > len) {
                return null;
            }
            argv.add(new String(b, p, slen, StandardCharsets.ISO_8859_1));
            p += slen;
            if (b[p] != '\r' || b[p + 1] != '\n') {
                throw protocolError();
            }
            p += 2;
        }
        return argv;
    }

    private LuaError protocolError() {
        cbuf.reset();
        return engine.raiseFromHook("protocol error", currentLine);
    }

    private static int indexOf(byte[] b, int len, byte x, int from) {
        for (int i = from; i < len; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfCrlf(byte[] b, int len, int from) {
        for (int i = from; i + 1 < len; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** C's atoi: optional blanks and sign, then digits up to the first other byte; 0 without digits. */
    static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) >= '\t' && s.charAt(i) <= '\r')) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < 1L << 40) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return (int) (neg ? -v : v);
    }

    // ---- commands

    private void list(int around, int context) {
        for (int j = 1; j <= src.length; j++) {
            if (around != 0 && Math.abs(around - j) > context) {
                continue;
            }
            logSourceLine(j);
        }
    }

    private void logSourceLine(int lnum) {
        String line = lnum - 1 < 0 || lnum - 1 >= src.length ? "<out of range source code line>" : src[lnum - 1];
        boolean bpHere = isBreakpoint(lnum);
        boolean current = currentLine == lnum;
        String prefix = current && bpHere ? "->#" : current ? "-> " : bpHere ? "  #" : "   ";
        String num = Integer.toString(lnum);
        StringBuilder s = new StringBuilder(prefix).append(num);
        for (int i = num.length(); i < 3; i++) {
            s.append(' ');
        }
        log(s.append(' ').append(line).toString());
    }

    private boolean isBreakpoint(int line) {
        for (int j = 0; j < bpcount; j++) {
            if (bp[j] == line) {
                return true;
            }
        }
        return false;
    }

    private void breakCommand(List<String> argv) {
        if (argv.size() == 1) {
            if (bpcount == 0) {
                log("No breakpoints set. Use 'b <line>' to add one.");
            } else {
                log(bpcount + " breakpoints set:");
                for (int j = 0; j < bpcount; j++) {
                    logSourceLine(bp[j]);
                }
            }
            return;
        }
        for (int j = 1; j < argv.size(); j++) {
            String arg = argv.get(j);
            Long parsed = string2l(arg);
            if (parsed == null) {
                log("Invalid argument:'" + arg + "'");
                continue;
            }
            long line = parsed;
            if (line == 0) {
                bpcount = 0;
                log("All breakpoints removed.");
            } else if (line > 0) {
                if (bpcount == MAX_BREAKPOINTS) {
                    log("Too many breakpoints set.");
                } else if (line <= src.length && !isBreakpoint((int) line)) {
                    bp[bpcount++] = (int) line;
                    list((int) line, 1);
                } else {
                    log("Wrong line number.");
                }
            } else {
                if (deleteBreakpoint(-line)) {
                    log("Breakpoint removed.");
                } else {
                    log("No breakpoint in the specified line.");
                }
            }
        }
    }

    /** string2l: a strict decimal long (no blanks, no "+", no leading zeros), or null. */
    private static Long string2l(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        long[] out = new long[1];
        return io.cinnabar.sds.Numbers.string2ll(b, 0, b.length, out) ? out[0] : null;
    }

    private boolean deleteBreakpoint(long line) {
        for (int j = 0; j < bpcount; j++) {
            if (bp[j] == line) {
                System.arraycopy(bp, j + 1, bp, j, bpcount - j - 1);
                bpcount--;
                return true;
            }
        }
        return false;
    }

    private void maxlen(List<String> argv) {
        if (argv.size() == 2) {
            int v = atoi(argv.get(1));
            maxlenHintSent = true;
            if (v != 0 && v <= 60) {
                v = 60;
            }
            maxlen = v;
        }
        log(maxlen != 0 ? "<value> replies are truncated at " + maxlen + " bytes." : "<value> replies are unlimited.");
    }

    private void trace() {
        List<Lua.StackLevel> levels = engine.lua.debugStack();
        boolean first = true;
        for (Lua.StackLevel l : levels) {
            if (l.chunk().contains("user_script")) {
                log((first ? "In " : "From ") + (l.name() != null ? l.name() : "top level") + ":");
                logSourceLine(l.line());
            }
            first = false;
        }
        if (levels.isEmpty()) {
            log("<error> Can't retrieve Lua stack.");
        }
    }

    private void print(String name) {
        for (int level = 0;; level++) {
            List<Object[]> vars = engine.lua.debugLocals(level);
            if (vars == null) {
                break;
            }
            for (Object[] v : vars) {
                if (v[0].equals(name)) {
                    logValue("<value> ", v[1]);
                    return;
                }
            }
        }
        if (name.equals("ARGV") || name.equals("KEYS")) {
            logValue("<value> ", engine.lua.globals().get(name));
        } else {
            log("No such variable.");
        }
    }

    private void printAll() {
        int n = 0;
        List<Object[]> vars = engine.lua.debugLocals(0);
        if (vars != null) {
            for (Object[] v : vars) {
                String name = (String) v[0];
                if (!name.contains("(*temporary)")) {
                    logValue("<value> " + name + " = ", v[1]);
                    n++;
                }
            }
        }
        if (n == 0) {
            log("No local variables in the current context.");
        }
    }

    private void eval(List<String> argv) {
        String code = String.join(" ", argv.subList(1, argv.size()));
        Lua lua = engine.lua;
        LuaFunction fn;
        try {
            fn = lua.load(("return " + code).getBytes(StandardCharsets.ISO_8859_1), "@ldb_eval");
        } catch (LuaError e) {
            try {
                fn = lua.load(code.getBytes(StandardCharsets.ISO_8859_1), "@ldb_eval");
            } catch (LuaError e2) {
                log("<error> " + errorText(e2));
                return;
            }
        }
        Object[] r;
        try {
            r = lua.call(fn);
        } catch (LuaError e) {
            log("<error> " + errorText(e));
            return;
        }
        logValue("<retval> ", r.length == 0 ? null : r[0]);
    }

    private static String errorText(LuaError e) {
        Object v = e.value();
        return v instanceof LuaString || v instanceof Double ? Lua.toLuaString(v).toString() : "(null)";
    }

    private void redis(List<String> argv) {
        Object[] args = new Object[argv.size() - 1];
        for (int j = 1; j < argv.size(); j++) {
            args[j - 1] = LuaString.of(argv.get(j));
        }
        step = true;
        try {
            ((LuaFunction) engine.redis.get("call")).call(args);
        } catch (LuaError e) {
            // logged as the reply
        } finally {
            step = false;
        }
    }

    // ---- logs

    private void log(String entry) {
        logs.add(entry);
    }

    private void logWithMaxLen(String entry) {
        boolean trimmed = false;
        if (maxlen != 0 && entry.length() > maxlen) {
            entry = entry.substring(0, maxlen) + " ...";
            trimmed = true;
        }
        log(entry);
        if (trimmed && !maxlenHintSent) {
            maxlenHintSent = true;
            log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
        }
    }

    private void logValue(String prefix, Object v) {
        StringBuilder s = new StringBuilder(prefix);
        catValue(s, v, 0);
        logWithMaxLen(s.toString());
    }

    /** ldbSendLogs: the pending log lines as an array of status replies, written straight to the socket. */
    private void sendLogs() {
        StringBuilder s = new StringBuilder();
        s.append('*').append(logs.size()).append("\r\n");
        for (String l : logs) {
            s.append('+').append(l.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
        }
        logs.clear();
        write(ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    private void write(ByteBuffer b) {
        try {
            while (b.hasRemaining()) {
                if (client.ch.write(b) < 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // the next read sees the closed connection and ends the stops
        }
    }

    // ---- values

    /** ldbCatStackValueRec: a Lua value as the debugger prints it. */
    static void catValue(StringBuilder s, Object v, int level) {
        if (level == MAX_VALUES_DEPTH) {
            s.append("<max recursion level reached! Nested table?>");
            return;
        }
        level++;
        if (v instanceof LuaString str) {
            SdsArgs.repr(s, str.array(), str.offset(), str.length());
        } else if (v instanceof Boolean bo) {
            s.append(bo ? "true" : "false");
        } else if (v instanceof Double d) {
            s.append(formatG(d));
        } else if (v == null) {
            s.append("nil");
        } else if (v instanceof LuaTable t) {
            int expected = 1;
            boolean isArray = true;
            StringBuilder repr1 = new StringBuilder();
            StringBuilder repr2 = new StringBuilder();
            for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
                Object k = t.keyAt(p);
                if (isArray && !(k instanceof Double dk && dk == expected)) {
                    isArray = false;
                }
                catValue(repr1, t.valueAt(p), level);
                repr1.append("; ");
                repr2.append('[');
                catValue(repr2, k, level);
                repr2.append("]=");
                catValue(repr2, t.valueAt(p), level);
                repr2.append("; ");
                expected++;
            }
            StringBuilder r = isArray ? repr1 : repr2;
            if (r.length() > 0) {
                r.setLength(r.length() - 2);
            }
            s.append('{').append(r).append('}');
        } else {
            String type = v instanceof LuaFunction ? "function" : Lua.typeName(v);
            if (type.equals("userdata") && v.getClass().getSimpleName().toLowerCase(Locale.ROOT).contains("light")) {
                type = "light-userdata";
            }
            s.append('"').append(type).append("@0x").append(Integer.toHexString(System.identityHashCode(v)))
                .append('"');
        }
    }

    /** C's printf "%g" (6 significant digits, trailing zeros removed, exponent form below 1e-4 and from 1e6). */
    static String formatG(double d) {
        if (Double.isNaN(d)) {
            return Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        java.math.BigDecimal b = new java.math.BigDecimal(d).round(new java.math.MathContext(6,
            java.math.RoundingMode.HALF_EVEN));
        int exp = b.precision() - b.scale() - 1;
        if (exp < -4 || exp >= 6) {
            java.math.BigDecimal m = b.movePointLeft(exp).stripTrailingZeros();
            String ms = m.toPlainString();
            String e = Integer.toString(Math.abs(exp));
            return ms + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        String p = b.stripTrailingZeros().toPlainString();
        return p;
    }

    /** ldbRedisProtocolToHuman: a reply in RESP2 or RESP3 as the debugger prints it. */
    private static final class Human {
        private final byte[] b;
        private int p;
        private final int end;

        Human(byte[] b, int off, int end) {
            this.b = b;
            this.p = off;
            this.end = end;
        }

        private int lineEnd() {
            int i = p;
            while (i < end && b[i] != '\r') {
                i++;
            }
            return i;
        }

        private String header() {
            int e = lineEnd();
            String h = new String(b, p + 1, e - p - 1, StandardCharsets.ISO_8859_1);
            p = e + 2;
            return h;
        }

        void value(StringBuilder o) {
            if (p >= end) {
                return;
            }
            switch (b[p]) {
                case ':' -> o.append(header());
                case '$' -> {
                    long n = Long.parseLong(header());
                    if (n == -1) {
                        o.append("NULL");
                    } else {
                        SdsArgs.repr(o, b, p, (int) n);
                        p += (int) n + 2;
                    }
                }
                case '+', '-' -> {
                    int e = lineEnd();
                    SdsArgs.repr(o, b, p, e - p);
                    p = e + 2;
                }
                case '*' -> {
                    long n = Long.parseLong(header());
                    if (n == -1) {
                        o.append("NULL");
                        return;
                    }
                    o.append('[');
                    for (long j = 0; j < n; j++) {
                        value(o);
                        if (j != n - 1) {
                            o.append(',');
                        }
                    }
                    o.append(']');
                }
                case '~' -> {
                    long n = Long.parseLong(header());
                    o.append("~(");
                    for (long j = 0; j < n; j++) {
                        value(o);
                        if (j != n - 1) {
                            o.append(',');
                        }
                    }
                    o.append(')');
                }
                case '%' -> {
                    long n = Long.parseLong(header());
                    o.append('{');
                    for (long j = 0; j < n; j++) {
                        value(o);
                        o.append(" => ");
                        value(o);
                        if (j != n - 1) {
                            o.append(',');
                        }
                    }
                    o.append('}');
                }
                case '_' -> {
                    header();
                    o.append("(null)");
                }
                case '#' -> o.append(header().startsWith("t") ? "#true" : "#false");
                case ',' -> o.append("(double) ").append(header());
                default -> p = end; // types the debugger does not print (Redis's prints nothing for them either)
            }
        }
    }

    /**
     * The undo log of a YES session: the value each key had before the session first wrote it (a DUMP payload and
     * its PTTL, or absent), restored when the session ends.
     */
    static final class Undo {
        private final io.cinnabar.server.internal.command.Server server;
        private final java.util.LinkedHashMap<String, Saved> saved = new java.util.LinkedHashMap<>();
        private Client client;

        record Saved(int db, byte[] key, byte[] payload, long pttl) {
        }

        Undo(io.cinnabar.server.internal.command.Server server) {
            this.server = server;
        }

        private Client client(int db) {
            if (client == null) {
                client = Client.detached(server);
            }
            client.db = server.dbs[db];
            client.dbIndex = db;
            return client;
        }

        /**
         * Before sc runs cmd in a YES session: saves the keys it names; false when the command writes without
         * naming its keys (nothing to save, refused).
         */
        boolean beforeWrite(Client sc, io.cinnabar.server.internal.command.Command cmd) {
            List<int[]> keys = io.cinnabar.server.internal.command.KeySpecs.keys(sc, cmd, 0, sc.argc);
            if (keys.isEmpty()) {
                return false;
            }
            List<byte[]> names = new ArrayList<>();
            for (int[] k : keys) {
                names.add(java.util.Arrays.copyOfRange(sc.argBuf, sc.argOff[k[0]], sc.argOff[k[0]] + sc.argLen[k[0]]));
            }
            if (cmd.name.equals("move") || cmd.name.equals("copy")) {
                // the destination database's key too
                int target = -1;
                if (cmd.name.equals("move") && sc.argc == 3) {
                    target = atoi(new String(sc.arg(2), StandardCharsets.ISO_8859_1));
                } else {
                    for (int i = 3; i + 1 < sc.argc; i++) {
                        if (new String(sc.arg(i), StandardCharsets.ISO_8859_1).equalsIgnoreCase("db")) {
                            target = atoi(new String(sc.arg(i + 1), StandardCharsets.ISO_8859_1));
                        }
                    }
                }
                if (target >= 0 && target < server.dbs.length) {
                    save(target, cmd.name.equals("move") ? names.get(0) : names.get(names.size() - 1));
                }
            }
            for (byte[] k : names) {
                save(sc.dbIndex, k);
            }
            return true;
        }

        private void save(int db, byte[] key) {
            String id = db + ":" + new String(key, StandardCharsets.ISO_8859_1);
            if (saved.containsKey(id)) {
                return;
            }
            Client c = client(db);
            server.execute(c, "DUMP".getBytes(StandardCharsets.ISO_8859_1), key);
            byte[] payload = bulk(c);
            long pttl = -1;
            if (payload != null) {
                server.execute(c, "PTTL".getBytes(StandardCharsets.ISO_8859_1), key);
                pttl = integer(c);
            }
            saved.put(id, new Saved(db, key, payload, pttl));
        }

        /** Puts every saved key back as it was, without propagating anything. */
        void rollback() {
            server.propagation.suppress(true);
            try {
                for (Saved s : saved.values()) {
                    Client c = client(s.db());
                    server.execute(c, "DEL".getBytes(StandardCharsets.ISO_8859_1), s.key());
                    c.enc.clear();
                    if (s.payload() != null) {
                        server.execute(c, "RESTORE".getBytes(StandardCharsets.ISO_8859_1), s.key(),
                            Long.toString(Math.max(0, s.pttl())).getBytes(StandardCharsets.ISO_8859_1), s.payload(),
                            "REPLACE".getBytes(StandardCharsets.ISO_8859_1));
                        c.enc.clear();
                    }
                }
            } finally {
                saved.clear();
                server.propagation.suppress(false);
            }
        }

        private static byte[] bulk(Client c) {
            byte[] b = c.enc.array();
            int p = c.enc.readIndex();
            int end = c.enc.length();
            try {
                if (p >= end || b[p] != '$') {
                    return null;
                }
                int e = p;
                while (b[e] != '\r') {
                    e++;
                }
                int n = Integer.parseInt(new String(b, p + 1, e - p - 1, StandardCharsets.ISO_8859_1));
                return n < 0 ? null : java.util.Arrays.copyOfRange(b, e + 2, e + 2 + n);
            } finally {
                c.enc.clear();
            }
        }

        private static long integer(Client c) {
            byte[] b = c.enc.array();
            int p = c.enc.readIndex();
            int end = c.enc.length();
            try {
                if (p >= end || b[p] != ':') {
                    return -1;
                }
                int e = p;
                while (b[e] != '\r') {
                    e++;
                }
                return Long.parseLong(new String(b, p + 1, e - p - 1, StandardCharsets.ISO_8859_1));
            } finally {
                c.enc.clear();
            }
        }
    }
}
