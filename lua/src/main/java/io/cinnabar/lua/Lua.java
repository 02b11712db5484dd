package io.cinnabar.lua;

import io.cinnabar.lua.internal.BaseLib;
import io.cinnabar.lua.internal.BitLib;
import io.cinnabar.lua.internal.CjsonLib;
import io.cinnabar.lua.internal.CmsgpackLib;
import io.cinnabar.lua.internal.StructLib;
import io.cinnabar.lua.internal.Interp;
import io.cinnabar.lua.internal.MathLib;
import io.cinnabar.lua.internal.NumFmt;
import io.cinnabar.lua.internal.Parser;
import io.cinnabar.lua.internal.StringLib;
import io.cinnabar.lua.internal.TableLib;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One Lua 5.1 universe: a globals table with the base, string, table and math libraries, a compiler from source to
 * functions, and the controls a host needs to run untrusted scripts (an instruction-count hook, a call depth limit,
 * host functions, strict globals). Not thread-safe: one thread runs one {@code Lua} at a time.
 *
 * <p>Values are plain Java objects: nil is {@code null}, then {@link Boolean}, {@link Double}, {@link LuaString},
 * {@link LuaTable}, {@link LuaFunction}.
 */
public final class Lua {
    private final Interp in = new Interp();

    /** A universe with the base, string, table and math libraries; {@code print} writes to {@code out}. */
    public Lua(OutputStream out) {
        BaseLib.install(in, out);
        StringLib.install(in);
        TableLib.install(in);
        MathLib.install(in);
        BitLib.install(in);
        CjsonLib.install(in);
        CmsgpackLib.install(in);
        StructLib.install(in);
        in.installCoroutines();
    }

    /** A universe whose {@code print} writes to standard output. */
    public Lua() {
        this(System.out);
    }

    public LuaTable globals() {
        return in.globals;
    }

    /**
     * Compiles {@code source}; {@code chunkName} follows Lua's convention ("=name" or "@file" printed as is, any
     * other text as {@code [string "text"]}). Syntax errors throw {@link LuaError} with Lua 5.1's message.
     */
    public LuaFunction load(byte[] source, String chunkName) {
        return Parser.compile(in, source, chunkName);
    }

    public LuaFunction load(String source, String chunkName) {
        return load(source.getBytes(StandardCharsets.UTF_8), chunkName);
    }

    /**
     * Calls {@code fn} (any callable value) with {@code args}; errors arrive as {@link LuaError} with a complete
     * message; the call depth is reset afterwards even when the hook aborted the script.
     */
    public Object[] call(Object fn, Object... args) {
        int depth = in.depth;
        Interp outer = Interp.RUNNING.get();
        Interp.RUNNING.set(in);
        if (depth == 0) {
            in.beginRun();
        }
        try {
            return in.call(fn, args);
        } catch (LuaError e) {
            throw e.isPending() ? e.complete("", null, false) : e;
        } catch (StackOverflowError e) {
            throw new LuaError(LuaString.of("stack overflow"));
        } catch (OutOfMemoryError e) {
            // the last line of defence: the explicit checks below the limit normally fire first
            throw Interp.outOfMemory();
        } finally {
            in.depth = depth;
            Interp.RUNNING.set(outer);
        }
    }

    /**
     * As {@link #load(byte[], String)}, but the code reports line events to the {@link LineHook} set with
     * {@link #setLineHook} (Lua 5.1's line hook: a new line, a loop's jump back, a function's entry and closing
     * {@code end}), and keeps what {@link #debugLocals} shows, Lua 5.1's hidden loop locals included ("(for index)"
     * ...). A statement reports its first line (a function statement the line of its {@code end}); the parts of a
     * statement that spans lines do not report lines of their own, unlike 5.1's per-instruction lines. Code
     * compiled this way runs slower; compile for debugging only what is debugged.
     */
    public LuaFunction loadForDebug(byte[] source, String chunkName) {
        return Parser.compile(in, source, chunkName, true);
    }

    /** The hook of the code compiled with {@link #loadForDebug}; null removes it. */
    public void setLineHook(LineHook hook) {
        in.setLineHook(hook);
    }

    /**
     * From inside the line hook: the locals active in the debug-compiled function {@code level} call levels up (0:
     * the one whose line event runs the hook), in declaration order, as {name, value} pairs; empty for a level that
     * is not debug-compiled Lua code, null past the outermost level.
     */
    public java.util.List<Object[]> debugLocals(int level) {
        return in.debugLocals(level);
    }

    /** One level of {@link #debugStack}: the chunk, the current line, and the name the caller used (or null). */
    public record StackLevel(String chunk, int line, String name) {
    }

    /** From inside the line hook: the debug-compiled levels, the running function first. */
    public java.util.List<StackLevel> debugStack() {
        java.util.List<StackLevel> out = new java.util.ArrayList<>();
        for (Object[] o : in.debugStack()) {
            out.add(new StackLevel((String) o[0], (Integer) o[1], (String) o[2]));
        }
        return out;
    }

    /** The line of the latest line event of the running debug-compiled function, or 0 (for a count-hook stop). */
    public int debugLine() {
        return in.debugLine();
    }

    /** Compiles and runs {@code source}, returning its results. */
    public Object[] run(String source, String chunkName) {
        return call(load(source, chunkName));
    }

    /**
     * "chunk:line: " of the Lua call site {@code level} levels up while a host function runs (1: the Lua function
     * that called it, as Lua's {@code luaL_where(L, 1)}), or "" when there is none. A host uses it to say where an
     * error it raises came from (Redis's "on @user_script:3." suffix).
     */
    public String where(int level) {
        return in.whereLevel(level);
    }

    /** Registers a host function as the global {@code name}. */
    public void register(String name, LuaFunction fn) {
        in.globals.put(name, fn);
    }

    /**
     * Calls {@code hook} every {@code every} counted instructions (each function call and each loop iteration
     * counts one); the hook may throw any exception to abort the running script. A {@link LuaError} thrown there can
     * be caught by {@code pcall}; any other runtime exception cannot. {@code hook == null} removes it.
     */
    public void setInstructionHook(int every, Runnable hook) {
        if (every <= 0) {
            throw new IllegalArgumentException("every must be positive: " + every);
        }
        in.hook = hook;
        in.hookEvery = every;
        in.hookCountdown = hook == null ? Integer.MAX_VALUE : every;
    }

    /**
     * The largest string (bytes) or table (8 bytes per array slot, 16 per hash slot) a script may make; past it,
     * and whenever an allocation of a megabyte or more would not fit in what the JVM heap has left, the script
     * gets Lua's "not enough memory" error (catchable by {@code pcall}, as in Lua 5.1). Default and maximum:
     * 2^31 - 17 bytes.
     */
    public void setMemoryLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("limit must be positive: " + bytes);
        }
        in.memoryLimit = Math.min(bytes, Interp.DEFAULT_MEMORY_LIMIT);
    }

    /**
     * Bounds the memory one outermost {@link #call} may keep: once the heap holding data that survived a
     * collection (every heap pool but the young one, whose post-collection use counts) has grown by more than
     * {@code bytes} since the call began, the script gets "not enough memory" (checked with the instruction hook,
     * so only when a hook is set, and before every allocation of a megabyte or more). Garbage the script makes and
     * drops is not counted; garbage of other threads promoted meanwhile is. 0 (the default) removes the bound.
     */
    public void setRunMemoryLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + bytes);
        }
        in.runLimit = bytes;
    }

    /**
     * Ends every suspended coroutine of this universe (each runs on a parked virtual thread until it finishes or
     * becomes unreachable); a server calls this when a script ends. They are dead afterwards.
     */
    public void closeCoroutines() {
        in.closeCoroutines();
    }

    /** The deepest nesting of Lua calls before "stack overflow" (default 1000). */
    public void setMaxCallDepth(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        in.setMaxDepth(max);
    }

    /**
     * Redis's global protection: reading an undefined global raises "Script attempted to access nonexistent global
     * variable 'name'", and creating a global raises "Attempt to modify a readonly table" once {@code readOnly}.
     * Variables that exist can still be read (and written unless read-only).
     */
    public void protectGlobals(boolean readOnly) {
        LuaTable mt = new LuaTable();
        mt.put(Interp.S_INDEX, new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                Object k = args.length > 1 ? args[1] : null;
                throw LuaError.fromLibrary("Script attempted to access nonexistent global variable '"
                        + Interp.rawToString(k) + "'");
            }
        });
        in.globals.setMetatable(mt);
        in.globals.setReadOnly(readOnly);
    }

    /** Lua's {@code type(v)}. */
    public static String typeName(Object v) {
        return Interp.typeName(v);
    }

    /** Lua 5.1's {@code tostring} of a number ({@code %.14g}). */
    public static String numberToString(double d) {
        return NumFmt.toLua(d);
    }

    /** Lua's {@code tostring(v)} without metamethods. */
    public static LuaString toLuaString(Object v) {
        return Interp.rawToString(v);
    }

    /** Lua 5.1's string-to-number conversion, or null. */
    public static Double toNumber(Object v) {
        return Interp.toNumber(v);
    }
}
