package io.cinnabar.server.internal.scripting;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.ReplicationHook;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.ScriptingInfo;
import io.cinnabar.server.internal.command.Server;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (eval.c), the state shared with functions: the running script, busy
 * scripts (busy-reply-threshold) and SCRIPT/FUNCTION KILL (script.c).
 * <ul>
 * <li>The script cache maps the sha1 of a body (lower-case hex, looked up case-insensitively) to its compiled
 *     function and shebang flags; SCRIPT FLUSH drops it and starts a fresh Lua universe, as Redis does.</li>
 * <li>A body may start with a shebang {@code #!lua [flags=f1,f2]}: the flags ({@code no-writes},
 *     {@code allow-oom}, {@code allow-stale}, {@code no-cluster}, {@code allow-cross-slot-keys}) are then
 *     enforced; without one the script runs in Redis's compatibility mode. The shebang line is not compiled but
 *     its line feed is, so line numbers stay the user's.</li>
 * <li>A script that runs longer than busy-reply-threshold milliseconds makes every other client's command (but
 *     those flagged allow-busy: SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE ...) answer BUSY: the instruction hook
 *     serves the event loop meanwhile. SCRIPT KILL ends it unless it already wrote (UNKILLABLE).</li>
 * </ul>
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Scripting implements ScriptingInfo {
    static final String SLOW_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
        + "SHUTDOWN NOSAVE.";
    static final String SLOW_SCRIPT = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or "
        + "SHUTDOWN NOSAVE.";
    private static final String[] HELP = {
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
    };

    /** A cached EVAL script. */
    record Script(byte[] body, LuaFunction fn, int flags) {
    }

    final Server server;
    ScriptEngine eval;
    private final Map<String, Script> cache = new HashMap<>();
    private long cacheBytes;
    /** The running script (EVAL or FCALL), or null. */
    ScriptRun running;
    final Functions functions;
    /** LDB: SCRIPT DEBUG and the debugging sessions. */
    final LuaDebugger debugger;

    public Scripting(Server server) {
        this.server = server;
        this.eval = newEvalEngine();
        this.functions = new Functions(this);
        this.debugger = new LuaDebugger(this);
    }

    private ScriptEngine newEvalEngine() {
        ScriptEngine e = new ScriptEngine(this, "user_script");
        e.protect();
        return e;
    }

    /** Registers EVAL*, SCRIPT *, FUNCTION * and FCALL*. */
    public void register(CommandTable t) {
        t.impl("eval", c -> evalCommand(c, false, false));
        t.impl("eval_ro", c -> evalCommand(c, false, true));
        t.impl("evalsha", c -> evalCommand(c, true, false));
        t.impl("evalsha_ro", c -> evalCommand(c, true, true));
        t.impl("script|load", this::scriptLoad);
        t.impl("script|exists", this::scriptExists);
        t.impl("script|flush", this::scriptFlush);
        t.impl("script|kill", c -> kill(c, true));
        t.impl("script|help", c -> c.help("SCRIPT", HELP));
        t.impl("script|debug", debugger::scriptDebug);
        functions.register(t);
    }

    /** The library code of every function library, for persistence and tests. */
    public Functions functions() {
        return functions;
    }

    // ---- INFO

    /** An estimate (the JVM does not account memory per Lua universe): a base size plus the cached bodies. */
    @Override
    public long evalVmMemory() {
        return 32 * 1024 + cacheBytes;
    }

    @Override
    public long functionsVmMemory() {
        return 32 * 1024 + functions.memory();
    }

    @Override
    public long scriptsEvalMemory() {
        return cacheBytes + (long) cache.size() * 64;
    }

    @Override
    public long functionsMemory() {
        return functions.memory();
    }

    @Override
    public int cachedScripts() {
        return cache.size();
    }

    @Override
    public int functionCount() {
        return functions.functionCount();
    }

    @Override
    public int libraryCount() {
        return functions.libraryCount();
    }

    // ---- EVAL

    void evalCommand(Client c, boolean bySha, boolean ro) {
        if (debugger.debugging(c)) {
            if (bySha) {
                if (c.argLen[1] != 40) {
                    c.error("NOSCRIPT No matching script. Please use EVAL.");
                } else {
                    c.error("ERR Please use EVAL instead of EVALSHA for debugging");
                }
                return;
            }
            debugger.run(c, () -> evalScript(c, false, ro, true));
            return;
        }
        evalScript(c, bySha, ro, false);
    }

    private void evalScript(Client c, boolean bySha, boolean ro, boolean debug) {
        if (!c.argLong(2)) {
            return;
        }
        long numkeys = c.ctx.tmp[0];
        if (numkeys > c.argc - 3) {
            c.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        if (numkeys < 0) {
            c.error("ERR Number of keys can't be negative");
            return;
        }
        Script s;
        String sha;
        if (bySha) {
            sha = c.argString(1).toLowerCase(Locale.ROOT);
            s = sha.length() == 40 ? cache.get(sha) : null;
            if (s == null) {
                c.error("NOSCRIPT No matching script. Please use EVAL.");
                return;
            }
        } else {
            sha = ScriptEngine.sha1hex(c.argBuf, c.argOff[1], c.argLen[1]);
            s = cache.get(sha);
            if (s == null) {
                s = create(c, c.arg(1), sha);
                if (s == null) {
                    return;
                }
            }
        }
        int flags = s.flags();
        String refused = prepareError(c, flags, ro);
        if (refused != null) {
            c.error(refused);
            return;
        }
        boolean readOnly = ro || (flags & ScriptRun.EVAL_COMPAT) == 0 && (flags & ScriptRun.NO_WRITES) != 0;
        ScriptRun run = new ScriptRun(c, sha, true, readOnly);
        run.allowOom = (flags & ScriptRun.EVAL_COMPAT) == 0 && (flags & ScriptRun.ALLOW_OOM) != 0;
        run.allowCrossSlot = (flags & (ScriptRun.EVAL_COMPAT | ScriptRun.ALLOW_CROSS_SLOT)) != 0;
        run.slot = declaredSlot(c, (int) numkeys);
        int n = (int) numkeys;
        eval.setGlobal("KEYS", argsTable(c, 3, n));
        eval.setGlobal("ARGV", argsTable(c, 3 + n, c.argc - 3 - n));
        if (debug) {
            LuaFunction fn;
            try {
                fn = debugger.compile(eval, withoutShebang(s.body()));
            } catch (LuaError e) {
                c.error("ERR Error compiling script (new function): " + e.getMessage());
                return;
            }
            debugger.starting(eval);
            try {
                eval.execute(run, fn, LuaFunction.NONE);
            } finally {
                debugger.ended(eval);
            }
            return;
        }
        eval.execute(run, s.fn(), LuaFunction.NONE);
    }

    /**
     * scriptPrepareForRun's refusals, in Redis's order, as the error c gets, or null when the script may start. A
     * script with flags (not an EVAL without shebang): {@code no-cluster} on a cluster node; neither allow-oom nor
     * no-writes while the command found the memory above maxmemory; a stale replica (link down,
     * replica-serve-stale-data no) without allow-stale; without no-writes: a read-only replica, a disk error, an
     * *_RO command, too few good replicas. An EVAL without shebang is only refused on a stale replica. Most of
     * these are refused by the pipeline first (the script's flags are the command's, see {@link #commandFlags});
     * these texts are what a script queued in MULTI gets when the state changed before EXEC.
     */
    static String prepareError(Client c, int flags, boolean ro) {
        Server server = c.server;
        boolean stale = stale(c);
        boolean obeyed = c.obeyed();
        if ((flags & ScriptRun.EVAL_COMPAT) != 0) {
            return stale ? STALE_ERR : null;
        }
        if ((flags & ScriptRun.NO_CLUSTER) != 0 && server.cluster != null) {
            return "ERR Can not run script on cluster, 'no-cluster' flag is set.";
        }
        if ((flags & (ScriptRun.ALLOW_OOM | ScriptRun.NO_WRITES)) == 0 && server.preCommandOom
                && server.memory.limited()) {
            return "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
        }
        if (stale && (flags & ScriptRun.ALLOW_STALE) == 0) {
            return "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' "
                + "flag is not set on the script.";
        }
        if ((flags & ScriptRun.NO_WRITES) != 0) {
            return null;
        }
        if (readOnlyReplica(server) && !obeyed) {
            return "ERR Can not run script with write flag on readonly replica";
        }
        if (!obeyed) {
            String rdb = server.persistence != null ? server.persistence.writeError() : null;
            if (rdb != null) {
                return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
                    + "disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.";
            }
            String aof = server.durability != null ? server.durability.denyWrites() : null;
            if (aof != null) {
                return "MISCONF Redis is configured to persist data to AOF, but it's currently unable to persist to "
                    + "disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts. AOF error: "
                    + aof.substring(aof.indexOf(": ") + 2);
            }
        }
        if (ro) {
            return "ERR Can not execute a script with write flag using *_ro command.";
        }
        if (server.replication != null && !server.replication.isReplica()) {
            return server.replication.deny(c, Command.WRITE); // NOREPLICAS (min-replicas-to-write)
        }
        return null;
    }

    /** Redis's shared masterdownerr. */
    static final String STALE_ERR = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

    /**
     * Redis's running_stale: a replica whose link is down with replica-serve-stale-data no (asked as the refusal
     * of a command without the stale flag; the master's own link is never stale).
     */
    static boolean stale(Client c) {
        ReplicationHook r = c.server.replication;
        return r != null && r.isReplica() && r.deny(c, 0) != null;
    }

    static boolean readOnlyReplica(Server server) {
        return server.replication != null && server.replication.isReplica()
            && server.config.getBool("replica-read-only");
    }

    /**
     * The hash slot of the keys an EVAL or FCALL declared (the pipeline refused them already unless they share
     * one), or -1 without keys or outside cluster mode: a script may then touch keys of that slot only (Redis
     * records it in the caller's slot field from getNodeByQuery).
     */
    static int declaredSlot(Client c, int numkeys) {
        if (c.server.cluster == null || numkeys == 0) {
            return -1;
        }
        return c.server.cluster.keySlot(c.argBuf, c.argOff[3], c.argLen[3]);
    }

    @Override
    public int commandFlags(Client c, int cmdFlags) {
        String name = c.cmd != null ? c.cmd.fullName : "";
        int flags;
        if (name.startsWith("fcall")) {
            if (c.argc < 2) {
                return cmdFlags;
            }
            flags = functions.flagsOf(c.argString(1));
            if (flags < 0) {
                return cmdFlags;
            }
        } else if (c.argc >= 2) {
            boolean bySha = name.startsWith("evalsha");
            if (!bySha && (c.argLen[1] < 2 || c.argBuf[c.argOff[1]] != '#' || c.argBuf[c.argOff[1] + 1] != '!')) {
                return cmdFlags; // no shebang: the command's own flags (and no hashing on this path)
            }
            String sha = bySha ? c.argString(1).toLowerCase(Locale.ROOT)
                : ScriptEngine.sha1hex(c.argBuf, c.argOff[1], c.argLen[1]);
            Script s = cache.get(sha);
            if (s != null) {
                flags = s.flags();
            } else if (bySha) {
                return cmdFlags;
            } else {
                int[] f = new int[1];
                if (shebangFlags(c.arg(1), f, false) != null) {
                    return cmdFlags;
                }
                flags = f[0];
            }
        } else {
            return cmdFlags;
        }
        if ((flags & ScriptRun.EVAL_COMPAT) != 0) {
            return cmdFlags;
        }
        // scriptFlagsToCmdFlags: the declared flags replace the command's stale, denyoom and write flags
        // and, the script's writes being known, the command's may-replicate flag goes
        int out = cmdFlags & ~(Command.STALE | Command.DENYOOM | Command.WRITE | Command.MAY_REPLICATE);
        if ((flags & (ScriptRun.ALLOW_OOM | ScriptRun.NO_WRITES)) == 0) {
            out |= Command.DENYOOM;
        }
        if ((flags & ScriptRun.NO_WRITES) == 0) {
            out |= Command.WRITE;
        }
        if ((flags & ScriptRun.ALLOW_STALE) != 0) {
            out |= Command.STALE;
        }
        return out;
    }

    static LuaTable argsTable(Client c, int from, int n) {
        LuaTable t = new LuaTable(n, 0);
        for (int i = 0; i < n; i++) {
            t.put(i + 1, LuaString.copyOf(c.argBuf, c.argOff[from + i], c.argLen[from + i]));
        }
        return t;
    }

    /** Compiles a body and caches it; on error replies to c and returns null. */
    private Script create(Client c, byte[] body, String sha) {
        int[] flags = new int[1];
        String err = shebangFlags(body, flags, false);
        if (err != null) {
            c.error("ERR " + err);
            return null;
        }
        byte[] code = withoutShebang(body);
        LuaFunction fn;
        try {
            fn = eval.lua.load(code, "@user_script");
        } catch (LuaError e) {
            c.error("ERR Error compiling script (new function): " + e.getMessage());
            return null;
        }
        Script s = new Script(body, fn, flags[0]);
        cache.put(sha, s);
        cacheBytes += body.length + 40;
        return s;
    }

    /** The body with its shebang line removed but its line feed kept; the body itself without one. */
    static byte[] withoutShebang(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return body;
        }
        int nl = indexOf(body, (byte) '\n');
        return java.util.Arrays.copyOfRange(body, nl, body.length);
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Redis's evalExtractShebangFlags: the flags of a {@code #!lua} line into flags[0] (EVAL_COMPAT without a
     * shebang), or the error text.
     */
    static String shebangFlags(byte[] body, int[] flags, boolean crossSlotOnly) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            flags[0] = ScriptRun.EVAL_COMPAT;
            return null;
        }
        int nl = indexOf(body, (byte) '\n');
        if (nl < 0) {
            return "Invalid script shebang";
        }
        java.util.List<byte[]> parts = SdsArgs.split(body, 0, nl);
        if (parts == null || parts.isEmpty()) {
            return "Invalid engine in script shebang";
        }
        String engine = new String(parts.get(0), StandardCharsets.ISO_8859_1);
        if (!engine.equals("#!lua")) {
            return "Unexpected engine in script shebang: " + engine;
        }
        int f = 0;
        for (int j = 1; j < parts.size(); j++) {
            String p = new String(parts.get(j), StandardCharsets.ISO_8859_1);
            if (!p.startsWith("flags=")) {
                return "Unknown lua shebang option: " + p;
            }
            String list = p.substring(6);
            if (list.isEmpty()) {
                continue;
            }
            for (String flag : list.split(",", -1)) {
                int bit = flagBit(flag);
                if (bit == 0) {
                    return "Unexpected flag in script shebang: " + flag;
                }
                f |= bit;
            }
        }
        flags[0] = f;
        return null;
    }

    static int flagBit(String flag) {
        return switch (flag) {
            case "no-writes" -> ScriptRun.NO_WRITES;
            case "allow-oom" -> ScriptRun.ALLOW_OOM;
            case "allow-stale" -> ScriptRun.ALLOW_STALE;
            case "no-cluster" -> ScriptRun.NO_CLUSTER;
            case "allow-cross-slot-keys" -> ScriptRun.ALLOW_CROSS_SLOT;
            default -> 0;
        };
    }

    // ---- SCRIPT

    void scriptLoad(Client c) {
        byte[] body = c.arg(2);
        String sha = ScriptEngine.sha1hex(body, 0, body.length);
        if (cache.get(sha) == null && create(c, body, sha) == null) {
            return;
        }
        c.bulk(sha);
    }

    void scriptExists(Client c) {
        c.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            c.integer(cache.containsKey(c.argString(i).toLowerCase(Locale.ROOT)) ? 1 : 0);
        }
    }

    void scriptFlush(Client c) {
        if (c.argc > 3 || c.argc == 3 && !c.argIs(2, "sync") && !c.argIs(2, "async")) {
            c.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        flushScripts();
        c.ok();
    }

    /** Empties the script cache and starts a fresh eval universe. */
    public void flushScripts() {
        cache.clear();
        cacheBytes = 0;
        eval = newEvalEngine();
    }

    // ---- busy scripts and KILL

    /**
     * Called from the hook of the running script (Redis's scriptInterrupt): once it runs past busy-reply-threshold
     * it is marked timed out (other clients get BUSY) and from then on each call serves the event loop.
     */
    void interrupt(ScriptRun r) {
        if (!r.timedOut) {
            long elapsedMs = (System.nanoTime() - r.startNs) / 1_000_000;
            if (elapsedMs < server.config.getLong("busy-reply-threshold")) {
                return;
            }
            server.log.warning("Slow script detected: still in execution after " + elapsedMs + " milliseconds. "
                + "You can try killing the script using the " + (r.evalMode ? "SCRIPT KILL" : "FUNCTION KILL")
                + " command.");
            r.timedOut = true;
            server.busyReply = r.evalMode ? SLOW_EVAL : SLOW_SCRIPT;
        }
        if (server.loop != null) {
            server.loop.processEventsWhileBlocked(r.caller);
        }
    }

    void scriptEnded(ScriptRun r) {
        if (running == r) {
            running = null;
        }
        if (r.timedOut) {
            server.busyReply = null;
            if (server.outbound != null) {
                // the master's stream held while the script was busy runs now (Redis queues the master client
                // for reprocessing when a timed-out script ends)
                server.outbound.execute(this::resumeMaster);
            }
        }
    }

    private void resumeMaster() {
        java.util.List<Client> masters = new java.util.ArrayList<>(1);
        for (Client c : server.clients.values()) {
            if (c.replRole == Client.ROLE_MASTER && !c.closed) {
                masters.add(c);
            }
        }
        for (Client c : masters) {
            server.loop.processInput(c);
        }
    }

    /** SCRIPT KILL (isEval) and FUNCTION KILL. */
    void kill(Client c, boolean isEval) {
        ScriptRun r = running;
        if (r == null) {
            c.error("NOTBUSY No scripts in execution right now.");
        } else if (r.wrote) {
            c.error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
                + "either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE "
                + "command.");
        } else if (isEval && !r.evalMode) {
            c.error(SLOW_SCRIPT);
        } else if (!isEval && r.evalMode) {
            c.error(SLOW_EVAL);
        } else {
            r.killed = true;
            c.ok();
        }
    }
}
