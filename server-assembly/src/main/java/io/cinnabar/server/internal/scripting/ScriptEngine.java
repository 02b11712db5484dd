package io.cinnabar.server.internal.scripting;

import io.cinnabar.lua.Lua;
import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.PropagationHook;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One Lua universe with Redis 7.2's environment (script_lua.c): the libraries Redis loads, the {@code redis}
 * table, strict read-only globals, and the path from {@code redis.call} to the command pipeline.
 * <p>
 * <b>redis.call / redis.pcall.</b> The arguments (strings, or numbers written as Redis 7.2 writes them: integers
 * in full, other values as the shortest round-trip text) are copied into the query buffer of a socket-less script
 * client ({@link #sc}), then checked as scriptCall does (unknown command, arity, no-script, write in a read-only
 * script) and run with {@link Server#call}, which also propagates the command, feeds MONITOR and counts it. The
 * reply is decoded from that client's reply buffer into Lua ({@link RespToLua}). A top-level error reply makes
 * {@code redis.call} raise its error table; {@code redis.pcall} returns it.
 * <p>
 * <b>Errors.</b> Redis reports an uncaught error with the position of the Lua code that raised it ("script: sha,
 * on @user_script:3."), which its error handler reads with the debug library at the raise. Here the host functions
 * that raise ({@code redis.call}, {@code error} and the other {@code redis.*} functions) record the Lua call site
 * with {@link Lua#where} together with the value raised; runtime errors carry the position in their message.
 * <p>
 * <b>Timeouts.</b> The instruction hook runs every {@value #HOOK_EVERY} counted instructions; it asks
 * {@link Scripting#interrupt} whether the script is past busy-reply-threshold (then the event loop serves other
 * clients with BUSY from inside the hook) and ends a killed script with an exception {@code pcall} cannot catch.
 * <p><b>Note:</b> This class is not threadsafe: it runs on the event-loop thread (and the virtual threads of
 * coroutines, strictly alternating with it).
 */
final class ScriptEngine {
    static final int HOOK_EVERY = 10_000;
    /** Globals of Lua's base library that Redis does not expose. */
    private static final List<String> REMOVED = List.of("print", "getfenv", "setfenv", "newproxy", "dofile",
        "loadfile", "module", "require", "package", "os", "debug", "io");

    /** The script was killed (SCRIPT KILL / FUNCTION KILL): not a Lua error, so pcall cannot catch it. */
    static final class Killed extends RuntimeException {
        Killed() {
            super("Script killed by user with SCRIPT KILL...", null, false, false);
        }

        Killed(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * A SHUTDOWN NOSAVE served while the script was busy succeeded: Redis exits inside the script's hook, so the
     * script stops where it is, its caller gets no reply and its writes never propagate.
     */
    static final class ShutdownKilled extends RuntimeException {
        ShutdownKilled() {
            super("shut down while the script ran", null, false, false);
        }
    }

    final Scripting scripting;
    final Server server;
    final Lua lua;
    /** The script client: runs the commands of redis.call (Redis's lua_client / engine client). */
    final Client sc;
    final LuaTable redis;
    /** "user_script" or "user_function": how positions in this universe's code start. */
    private final String chunk;
    private final RespToLua toLua = new RespToLua();
    /** The running script, or null (loading a library, or idle). */
    ScriptRun run;
    /** The protocol chosen by redis.setresp for the running script. */
    int resp = 2;
    /** The last value raised by a host function, and the Lua call site that raised it. */
    private Object raisedValue;
    private String raisedWhere = "";
    /** Lua's setfenv, kept for the host after the global is removed. */
    private final LuaFunction setfenv;
    /** Set while a library loads: its code may not run longer than this (Redis's 500 ms load timeout). */
    long loadDeadlineNs;

    ScriptEngine(Scripting scripting, String chunkName) {
        this.scripting = scripting;
        this.server = scripting.server;
        this.chunk = chunkName;
        this.lua = new Lua(OutputStream.nullOutputStream());
        this.sc = new Client(server, server.nextClientId++, null, "lua", "", false);
        sc.authenticated = true;
        sc.db = server.dbs[0];
        sc.denyBlocking = true;
        sc.script = true;
        LuaTable g = lua.globals();
        this.setfenv = (LuaFunction) g.get("setfenv");
        for (String name : REMOVED) {
            g.put(name, null);
        }
        wrapError(g);
        wrapPcall(g);
        guardReadOnly(g, "setmetatable");
        guardReadOnly(g, "rawset");
        redis = new LuaTable(0, 32);
        installRedis(redis);
        g.put("redis", redis);
        lua.setInstructionHook(HOOK_EVERY, this::hook);
        // one script run may keep at most a quarter of the JVM heap: past it, "not enough memory" (never an
        // OutOfMemoryError that could hit the event loop elsewhere)
        lua.setRunMemoryLimit(Runtime.getRuntime().maxMemory() / 4);
        // Redis's redisLrand48 starts from drand48's default state 0x1234ABCD330E (math.randomseed(x) sets
        // x << 16 | 0x330E) and is not reseeded between scripts
        if (g.get("math") instanceof LuaTable m && m.get("randomseed") instanceof LuaFunction seed) {
            seed.call(new Object[] {(double) 0x1234ABCD});
        }
    }

    /**
     * Makes the globals, every table reachable from them, the globals' metatable and the strings' metatable
     * read-only (Redis 7's global protection).
     */
    void protect() {
        lua.protectGlobals(true);
        protectTables(lua.globals(), new HashSet<>());
        lua.globals().getMetatable().setReadOnly(true);
        Object[] mt = ((LuaFunction) lua.globals().get("getmetatable")).call(new Object[] {LuaString.of("")});
        if (mt.length > 0 && mt[0] instanceof LuaTable stringMeta) {
            stringMeta.setReadOnly(true);
        }
    }

    /**
     * setmetatable and rawset on a read-only table fail as Redis's patched Lua API does: "Attempt to modify a
     * readonly table" without a position (the error comes from the C API, not from Lua code).
     */
    private void guardReadOnly(LuaTable g, String name) {
        LuaFunction f = (LuaFunction) g.get(name);
        g.put(name, new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                if (args.length > 0 && args[0] instanceof LuaTable t && t.isReadOnly()) {
                    throw raise(LuaString.of("Attempt to modify a readonly table"));
                }
                return f.call(args);
            }

            @Override
            public String name() {
                return name;
            }
        });
    }

    private static void protectTables(LuaTable t, Set<LuaTable> seen) {
        if (!seen.add(t)) {
            return;
        }
        t.setReadOnly(true);
        for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
            if (t.valueAt(p) instanceof LuaTable sub) {
                protectTables(sub, seen);
            }
        }
    }

    /** Sets a global past the protection (KEYS and ARGV of an EVAL). */
    void setGlobal(String name, Object value) {
        LuaTable g = lua.globals();
        g.setReadOnly(false);
        g.put(name, value);
        g.setReadOnly(true);
    }

    // ---- errors

    private void wrapError(LuaTable g) {
        LuaFunction error = (LuaFunction) g.get("error");
        g.put("error", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                String where = lua.where(1);
                try {
                    return error.call(args);
                } catch (LuaError e) {
                    raisedValue = e.value();
                    raisedWhere = where;
                    throw e;
                }
            }

            @Override
            public String name() {
                return "error";
            }
        });
    }

    /**
     * Redis's pcall (luaRedisPcall): as Lua's, but an error table with a string {@code err} field is returned as
     * that string, so {@code pcall(redis.call, ...)} gives the error text.
     */
    private void wrapPcall(LuaTable g) {
        LuaFunction pcall = (LuaFunction) g.get("pcall");
        g.put("pcall", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                Object[] r = pcall.call(args);
                if (r.length >= 2 && r[0] == Boolean.FALSE && r[1] instanceof LuaTable t
                        && t.get(RespToLua.ERR) instanceof LuaString err) {
                    r[1] = err;
                }
                return r;
            }

            @Override
            public String name() {
                return "pcall";
            }
        });
    }

    /** Raises v (an error table) from a host function, remembering the Lua call site. */
    private LuaError raise(Object v) {
        raisedValue = v;
        raisedWhere = lua.where(1);
        return new LuaError(v);
    }

    private LuaError raise(String msg) {
        return raise(RespToLua.errorTable(msg));
    }

    /** A plain error raised by the debugger's hook while the script stands at {@code line}. */
    LuaError raiseFromHook(String msg, int line) {
        LuaString v = LuaString.of(msg);
        raisedValue = v;
        raisedWhere = chunk + ":" + line + ": ";
        return new LuaError(v);
    }

    /** An error table {err="ERR msg"} raised from a host function at the current Lua call site. */
    LuaError raiseError(String msg) {
        return raise(msg);
    }

    /** Makes env the environment of fn (its globals), as Lua's setfenv. */
    void setEnv(LuaFunction fn, LuaTable env) {
        setfenv.call(new Object[] {fn, env});
    }

    /**
     * The reply to an uncaught error (luaCallFunction's error branch): "-CODE msg script: name, on @chunk:line."
     * for an error table, "-ERR " + tostring(value) + the same suffix for other values.
     */
    void errorReply(Client c, LuaError e, String name) {
        Object v = e.value();
        String where = v == raisedValue ? raisedWhere : positionIn(v);
        String msg;
        boolean ignoreStats = false;
        if (v instanceof LuaTable t) {
            Object err = t.get(RespToLua.ERR);
            msg = err instanceof LuaString || err instanceof Double ? Lua.toLuaString(err).toString() : "";
            ignoreStats = t.get(RespToLua.IGNORE_STATS) == Boolean.TRUE;
        } else {
            msg = "ERR " + Lua.toLuaString(v);
        }
        LuaToResp.error(c, msg + suffix(name, where), ignoreStats);
    }

    /** " script: name, on @user_script:3." from "user_script:3: ", or "" without a position. */
    static String suffix(String name, String where) {
        if (where == null || where.isEmpty()) {
            return "";
        }
        String w = where.endsWith(": ") ? where.substring(0, where.length() - 2) : where;
        int colon = w.lastIndexOf(':');
        if (colon < 0) {
            return "";
        }
        return " script: " + name + ", on @" + w.substring(0, colon) + ":" + w.substring(colon + 1) + ".";
    }

    /** The "chunk:line: " a runtime error message starts with, or "". */
    private String positionIn(Object v) {
        if (!(v instanceof LuaString s)) {
            return "";
        }
        String m = s.toString();
        if (!m.startsWith(chunk + ":")) {
            return "";
        }
        int i = chunk.length() + 1;
        int j = i;
        while (j < m.length() && Character.isDigit(m.charAt(j))) {
            j++;
        }
        if (j == i || j >= m.length() || m.charAt(j) != ':') {
            return "";
        }
        return m.substring(0, j + 1) + " ";
    }

    /** The message of the "killed" error with its position. */
    String killedMessage(String name) {
        return "ERR Script killed by user with SCRIPT KILL..." + suffix(name, raisedWhere);
    }

    // ---- the hook

    private void hook() {
        ScriptRun r = run;
        if (r == null) {
            if (loadDeadlineNs != 0 && System.nanoTime() - loadDeadlineNs > 0) {
                throw new Functions.LoadTimeout();
            }
            return;
        }
        if (scripting.debugger.active) { // a debugging session replaces the busy-script handling (luaLdbLineHook)
            scripting.debugger.count();
            return;
        }
        scripting.interrupt(r);
        if (server.shutdownPrepared()) {
            throw new ShutdownKilled();
        }
        if (r.killed) {
            raisedWhere = lua.where(1);
            throw new Killed();
        }
    }

    // ---- the redis table

    private static LuaFunction fn(String name, java.util.function.Function<Object[], Object[]> body) {
        return new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                return body.apply(args);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private static Object[] one(Object v) {
        return new Object[] {v};
    }

    private void installRedis(LuaTable r) {
        r.put("call", fn("call", a -> one(call(a, true))));
        r.put("pcall", fn("pcall", a -> one(call(a, false))));
        r.put("setresp", fn("setresp", this::setresp));
        r.put("error_reply", fn("error_reply", a -> {
            if (a.length != 1 || !(a[0] instanceof LuaString)) {
                return one(RespToLua.errorTable("wrong number or type of arguments"));
            }
            String e = Lua.toLuaString(a[0]).toString();
            return one(RespToLua.errorTable(e.startsWith("-") ? e : "-" + e));
        }));
        r.put("status_reply", fn("status_reply", a -> {
            if (a.length != 1 || !(a[0] instanceof LuaString)) {
                return one(RespToLua.errorTable("wrong number or type of arguments"));
            }
            LuaTable t = new LuaTable(0, 1);
            t.put(RespToLua.OK, Lua.toLuaString(a[0]));
            return one(t);
        }));
        r.put("sha1hex", fn("sha1hex", a -> {
            if (a.length != 1) {
                throw raise("wrong number of arguments");
            }
            LuaString s = a[0] instanceof LuaString || a[0] instanceof Double ? Lua.toLuaString(a[0])
                : LuaString.of("");
            return one(LuaString.of(sha1hex(s.array(), s.offset(), s.length())));
        }));
        r.put("log", fn("log", this::log));
        r.put("LOG_DEBUG", 0.0);
        r.put("LOG_VERBOSE", 1.0);
        r.put("LOG_NOTICE", 2.0);
        r.put("LOG_WARNING", 3.0);
        r.put("set_repl", fn("set_repl", this::setRepl));
        r.put("REPL_NONE", 0.0);
        r.put("REPL_AOF", 1.0);
        r.put("REPL_SLAVE", 2.0);
        r.put("REPL_REPLICA", 2.0);
        r.put("REPL_ALL", 3.0);
        r.put("replicate_commands", fn("replicate_commands", a -> one(Boolean.TRUE)));
        r.put("breakpoint", fn("breakpoint", a -> one(scripting.debugger.breakpoint())));
        r.put("debug", fn("debug", a -> {
            scripting.debugger.debug(a);
            return LuaFunction.NONE;
        }));
        r.put("acl_check_cmd", fn("acl_check_cmd", this::aclCheckCmd));
        r.put("REDIS_VERSION", LuaString.of(Config.VERSION));
        r.put("REDIS_VERSION_NUM", (double) versionNum(Config.VERSION));
    }

    static int versionNum(String v) {
        String[] p = v.split("\\.");
        return Integer.parseInt(p[0]) << 16 | Integer.parseInt(p[1]) << 8 | Integer.parseInt(p[2]);
    }

    private ScriptRun requireRun(String what) {
        ScriptRun r = run;
        if (r == null) {
            throw raise(what + " can only be called inside a script invocation");
        }
        return r;
    }

    private Object[] setresp(Object[] a) {
        requireRun("redis.setresp");
        if (a.length != 1) {
            throw raise("redis.setresp() requires one argument.");
        }
        Double d = Lua.toNumber(a[0]);
        long v = d == null ? 0 : (long) (double) d;
        if (v != 2 && v != 3) {
            throw raise("RESP version must be 2 or 3.");
        }
        resp = (int) v;
        sc.protocol(resp);
        return LuaFunction.NONE;
    }

    private Object[] setRepl(Object[] a) {
        requireRun("redis.set_repl");
        if (a.length != 1) {
            throw raise("redis.set_repl() requires two arguments."); // sic: Redis's text
        }
        Double d = Lua.toNumber(a[0]);
        long v = d == null ? 0 : (long) (double) d;
        if ((v & ~3L) != 0) {
            throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
        }
        server.propagation.suppress(v == 0);
        if (v != 0) {
            server.propagation.targets((int) v); // REPL_AOF 1, REPL_REPLICA 2, REPL_ALL 3 as TO_AOF/TO_REPLICAS
        }
        return LuaFunction.NONE;
    }

    private Object[] log(Object[] a) {
        if (a.length < 2) {
            throw raise("redis.log() requires two arguments or more.");
        }
        Double d = a[0] instanceof Double || a[0] instanceof LuaString ? Lua.toNumber(a[0]) : null;
        if (d == null) {
            throw raise("First argument must be a number (log level).");
        }
        long level = (long) (double) d;
        if (level < 0 || level > 3) {
            throw raise("Invalid debug level.");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < a.length; i++) {
            if (a[i] instanceof LuaString || a[i] instanceof Double) {
                if (i != 1) {
                    b.append(' ');
                }
                b.append(Lua.toLuaString(a[i]));
            }
        }
        server.log.log((int) level, b.toString());
        return LuaFunction.NONE;
    }

    private Object[] aclCheckCmd(Object[] a) {
        requireRun("redis.acl_check_cmd");
        if (a.length == 0) {
            throw raise("Please specify at least one argument for this redis lib call");
        }
        for (Object o : a) {
            if (!(o instanceof LuaString || o instanceof Double)) {
                throw raise("Lua redis lib command arguments must be strings or integers");
            }
        }
        LuaString name = Lua.toLuaString(a[0]);
        Command cmd = lookup(name.array(), name.offset(), name.length(), a.length,
            a.length > 1 ? Lua.toLuaString(a[1]) : null);
        if (cmd == null) {
            throw raise("Invalid command passed to redis.acl_check_cmd()");
        }
        if (sc.user == null || sc.user.unrestricted() || server.acl == null) {
            return one(Boolean.TRUE);
        }
        // the ACL check of the command with these arguments, nothing logged (as Redis's acl_check_cmd)
        setArgs(a);
        boolean ok = server.acl.allows(sc, cmd);
        sc.enc.clear();
        return one(ok);
    }

    // ---- redis.call

    /** lookupCommand: the command, or its subcommand when it has subcommands and argc > 1; null if unknown. */
    private Command lookup(byte[] b, int off, int len, int argc, LuaString sub) {
        Command cmd = server.commands.lookup(b, off, len);
        if (cmd == null || cmd.subcommands.isEmpty() || argc == 1) {
            return cmd;
        }
        return cmd.sub(sub.array(), sub.offset(), sub.length());
    }

    private Object call(Object[] a, boolean raise) {
        ScriptRun r = requireRun(raise ? "redis.call" : "redis.pcall");
        if (a.length == 0) {
            return argsError("Please specify at least one argument for this redis lib call", raise);
        }
        if (!setArgs(a)) {
            return argsError("Lua redis lib command arguments must be strings or integers", raise);
        }
        LuaDebugger ldb = scripting.debugger;
        if (ldb.logging()) {
            ldb.logCommand(sc);
        }
        Command cmd = server.commands.lookup(sc.argBuf, sc.argOff[0], sc.argLen[0]);
        if (cmd != null && !cmd.subcommands.isEmpty() && sc.argc > 1) {
            cmd = cmd.sub(sc.argBuf, sc.argOff[1], sc.argLen[1]);
        }
        if (cmd == null || cmd.handler == null && cmd.subcommands.isEmpty()) {
            // a command of Redis's table this server does not implement: refused as Redis would refuse it
            Command meta = cmd != null ? cmd : server.commands.known()
                .get(new String(sc.argBuf, sc.argOff[0], sc.argLen[0], StandardCharsets.ISO_8859_1).toLowerCase(
                    java.util.Locale.ROOT));
            return fail(meta != null && meta.has(Command.NOSCRIPT) ? "This Redis command is not allowed from script"
                : "Unknown Redis command called from script", raise);
        }
        if (cmd.arity > 0 && cmd.arity != sc.argc || sc.argc < -cmd.arity) {
            return reject(cmd, "Wrong number of args calling Redis command from script", raise);
        }
        if (cmd.has(Command.NOSCRIPT) && !server.disableDenyScripts) {
            return reject(cmd, "This Redis command is not allowed from script", raise);
        }
        if (!cmd.has(Command.STALE) && Scripting.stale(r.caller)) {
            return reject(cmd, "Can not execute the command on a stale replica", raise);
        }
        if (sc.user != null && !sc.user.unrestricted() && server.acl != null && !server.acl.permits(sc, cmd)) {
            return aclError(raise);
        }
        if (r.readOnly && cmd.has(Command.WRITE | Command.MAY_REPLICATE)) {
            // may-replicate commands (PUBLISH, PFCOUNT) count as writes, so a read-only script runs under PAUSE WRITE
            return reject(cmd, "Write commands are not allowed from read-only scripts.", raise);
        }
        if (cmd.has(Command.WRITE) && !r.wrote) {
            // once the script wrote, the server's state (replicas, disk errors) cannot fail it half-way
            // (Redis's SCRIPT_WRITE_DIRTY)
            String denied = writeDenied(r.caller);
            if (denied != null) {
                return rejectCoded(cmd, denied, raise);
            }
        }
        if (!r.allowOom && !r.wrote && server.memory.limited() && server.preCommandOom && cmd.has(Command.DENYOOM)
                && !r.caller.obeyed()) {
            // Redis's scriptVerifyOOM: only before the script's first write (it cannot stop half-way); the limit is
            // maxmemory or the heap guard's, the one the pipeline checked (Server.memoryAllows)
            return rejectCoded(cmd, OOM, raise);
        }
        if (cmd.has(Command.WRITE)) {
            r.wrote = true; // even if the cluster check below refuses it, as Redis marks the run dirty first
        }
        if (server.cluster != null) {
            String err = clusterRefusal(r, cmd);
            if (err != null) {
                return reject(cmd, err, raise);
            }
        }
        if (cmd.has(Command.WRITE)) {
            if (ldb.rollsBack()) {
                if (!ldb.undo.beforeWrite(sc, cmd)) {
                    return fail("This command can't be rolled back at the end of a SCRIPT DEBUG YES session (it "
                        + "names no keys); use SCRIPT DEBUG SYNC", raise);
                }
                server.propagation.suppress(true);
            }
        }
        if (cmd.handler == null) { // a container without its subcommand: the pipeline's own answer
            server.execute(sc, argvOf());
        } else {
            server.call(sc, cmd);
        }
        Object v = toLua.convert(sc.enc.array(), sc.enc.readIndex(), sc.enc.length(), resp == 3);
        if (ldb.logging()) {
            if (toLua.topLevelError()) { // luaPushError logs the error line first
                int from = sc.enc.readIndex();
                int to = from;
                while (to < sc.enc.length() && sc.enc.array()[to] != '\r') {
                    to++;
                }
                ldb.logError(new String(sc.enc.array(), from, to - from, StandardCharsets.ISO_8859_1));
            }
            ldb.logReply(sc.enc.array(), sc.enc.readIndex(), sc.enc.length());
        }
        sc.enc.clear();
        if (raise && toLua.topLevelError()) {
            throw raise(v);
        }
        return v;
    }

    /**
     * scriptVerifyACL's texts for a command the caller's user may not run (the ACL code logged it and wrote its
     * NOPERM reply to the script client, which is dropped here).
     */
    private Object aclError(boolean raise) {
        String noperm = new String(sc.enc.array(), sc.enc.readIndex(), sc.enc.length() - sc.enc.readIndex(),
            StandardCharsets.ISO_8859_1);
        sc.enc.clear();
        String msg = noperm.contains(" key") ? "The user executing the script can't access at least one of the keys "
            + "mentioned in the command arguments"
            : noperm.contains("channel") ? "The user executing the script can't publish to the channel mentioned in "
            + "the command"
            : "The user executing the script can't run this command or subcommand";
        logError(msg);
        LuaTable t = RespToLua.errorTable(msg);
        t.put(RespToLua.IGNORE_STATS, Boolean.TRUE);
        if (raise) {
            throw raise(t);
        }
        return t;
    }

    /** A stepping debugger logs the errors redis.call makes itself (luaPushError's "<error>" line). */
    private void logError(String msg) {
        if (scripting.debugger.logging()) {
            scripting.debugger.logError(msg);
        }
    }

    private byte[][] argvOf() {
        byte[][] argv = new byte[sc.argc][];
        for (int i = 0; i < sc.argc; i++) {
            argv[i] = sc.arg(i);
        }
        return argv;
    }

    /** Arguments redis.call cannot send: raised or returned, counted only if it ends up as the script's reply. */
    private Object argsError(String msg, boolean raise) {
        logError(msg);
        LuaTable t = RespToLua.errorTable(msg);
        if (raise) {
            throw raise(t);
        }
        return t;
    }

    /**
     * A command refused by the script checks (scriptCall): counted in the error stats now, as a command error
     * is, and flagged so the script's reply does not count it again; raised by redis.call, returned by pcall.
     */
    private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    /**
     * scriptVerifyWriteCommandAllow past the read-only-script check: the error (with its code) a write command
     * of a script gets on a read-only replica, after a disk error, or on a master without enough good replicas;
     * null when it may run. Commands of the master link and the AOF loader always run.
     */
    private String writeDenied(Client caller) {
        if (caller.obeyed()) {
            return null;
        }
        if (Scripting.readOnlyReplica(server)) {
            return "READONLY You can't write against a read only replica.";
        }
        String err = server.persistence != null ? server.persistence.writeError() : null;
        if (err == null && server.durability != null) {
            err = server.durability.denyWrites();
        }
        if (err == null && server.replication != null && !server.replication.isReplica()) {
            err = server.replication.deny(caller, Command.WRITE);
        }
        return err;
    }

    /**
     * scriptVerifyClusterState: the error text for a command whose keys this node does not serve, or of another
     * slot than the keys the script declared or accessed before (unless allow-cross-slot-keys); null when it may
     * run. The script client takes the caller's READONLY flag.
     */
    private String clusterRefusal(ScriptRun r, Command cmd) {
        int slot = server.cluster.scriptQuery(sc, cmd, r.caller);
        if (slot == io.cinnabar.server.internal.command.ClusterRouting.SCRIPT_DOWN_RO) {
            return "Script attempted to execute a write command while the cluster is down and readonly";
        }
        if (slot == io.cinnabar.server.internal.command.ClusterRouting.SCRIPT_DOWN) {
            return "Script attempted to execute a command while the cluster is down";
        }
        if (slot == io.cinnabar.server.internal.command.ClusterRouting.SCRIPT_NON_LOCAL) {
            return "Script attempted to access a non local key in a cluster node";
        }
        if (slot >= 0 && !r.allowCrossSlot) {
            if (r.slot == -1) {
                r.slot = slot;
            } else if (r.slot != slot) {
                return "Script attempted to access keys that do not hash to the same slot";
            }
        }
        return null;
    }

    /** A refusal of scriptCall: counted as a rejected call of the command, as Redis's incrCommandStatsOnError. */
    private Object reject(Command cmd, String msg, boolean raise) {
        cmd.rejectedCalls++;
        return fail(msg, raise);
    }

    /** {@link #reject} for an error that carries its own code ("READONLY ...", "MISCONF ...", "OOM ..."). */
    private Object rejectCoded(Command cmd, String err, boolean raise) {
        cmd.rejectedCalls++;
        logError(err);
        LuaTable t = RespToLua.errorTable("-" + err);
        t.put(RespToLua.IGNORE_STATS, Boolean.TRUE);
        server.stats.errorReply(err);
        server.errorMark = server.stats.totalErrorReplies;
        if (raise) {
            throw raise(t);
        }
        return t;
    }

    private Object fail(String msg, boolean raise) {
        logError(msg);
        LuaTable t = RespToLua.errorTable(msg);
        t.put(RespToLua.IGNORE_STATS, Boolean.TRUE);
        server.stats.errorReply("ERR " + msg);
        server.errorMark = server.stats.totalErrorReplies;
        if (raise) {
            throw raise(t);
        }
        return t;
    }

    private final byte[] numBuf = new byte[Numbers.MAX_D2STRING_CHARS + 8];

    /** Copies the arguments into the script client's query buffer; false if one is not a string or number. */
    private boolean setArgs(Object[] a) {
        int total = 0;
        for (Object o : a) {
            if (o instanceof LuaString s) {
                total += s.length();
            } else if (o instanceof Double) {
                total += numBuf.length;
            } else {
                return false;
            }
        }
        if (sc.qbuf.length < total) {
            sc.qbuf = new byte[Math.max(total, sc.qbuf.length * 2)];
            sc.qwrap = java.nio.ByteBuffer.wrap(sc.qbuf);
        }
        if (sc.argOff.length < a.length) {
            sc.argOff = new int[Math.max(a.length, sc.argOff.length * 2)];
            sc.argLen = new int[sc.argOff.length];
        }
        byte[] q = sc.qbuf;
        int off = 0;
        for (int i = 0; i < a.length; i++) {
            int len;
            if (a[i] instanceof LuaString s) {
                len = s.length();
                System.arraycopy(s.array(), s.offset(), q, off, len);
            } else {
                double d = (Double) a[i];
                len = d == 0 ? Numbers.ll2string(0, q, off) : Numbers.d2string(d, q, off); // -0 is "0" (double2ll)
            }
            sc.argOff[i] = off;
            sc.argLen[i] = len;
            off += len;
        }
        sc.argBuf = q;
        sc.argc = a.length;
        return true;
    }

    // ---- running a script

    /**
     * Runs fn for the caller and writes its result (or error) to the caller; the script's writes propagate as one
     * unit (wrapped in MULTI/EXEC when more than one), the calling command itself propagates nothing.
     */
    void execute(ScriptRun r, LuaFunction fn, Object[] args) {
        Client c = r.caller;
        sc.user = c.user;
        sc.db = c.db;
        sc.dbIndex = c.dbIndex;
        resp = 2;
        sc.protocol(2);
        sc.enc.clear();
        run = r;
        raisedValue = null;
        raisedWhere = "";
        scripting.running = r;
        server.propagation.beginUnit();
        try {
            Object[] res = lua.call(fn, args);
            LuaToResp.reply(c, res.length == 0 ? null : res[0], resp);
        } catch (LuaError e) {
            errorReply(c, e, r.name);
        } catch (Killed k) {
            server.log.notice("Lua script killed by user with SCRIPT KILL.");
            LuaToResp.error(c, killedMessage(r.name), false);
        } catch (ShutdownKilled k) {
            server.propagation.discardPending();
            c.closeAfterReply = true;
        } finally {
            lua.closeCoroutines();
            server.propagation.suppress(false);
            server.propagation.targets(PropagationHook.TO_ALL);
            server.propagation.endUnit();
            server.ctx.propagatedAsUnit = true;
            run = null;
            scripting.scriptEnded(r);
            sc.argc = 0;
        }
    }

    static String sha1hex(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(b, off, len);
            byte[] d = md.digest();
            StringBuilder s = new StringBuilder(40);
            for (byte x : d) {
                s.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
