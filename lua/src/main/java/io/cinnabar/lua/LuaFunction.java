package io.cinnabar.lua;

/**
 * A Lua function value: a compiled Lua closure or a host function. Host code extends this class to register Java
 * functions (e.g. {@code redis.call}): arguments arrive as Lua values ({@code null}, {@link Boolean}, {@link Double},
 * {@link LuaString}, {@link LuaTable}, {@link LuaFunction}); the returned array holds the results (never
 * {@code null}; {@link #NONE} for no results). Throw {@link LuaError} for an error a script can {@code pcall}.
 */
public abstract class LuaFunction {
    /** The empty result list. */
    public static final Object[] NONE = new Object[0];

    /** Calls this function; the callee may keep {@code args} but must not modify it (it can be shared). */
    public abstract Object[] call(Object[] args);

    /** The name shown in error messages such as "bad argument #1 to 'name'". */
    public String name() {
        return "?";
    }

    @Override
    public String toString() {
        return "function: 0x" + String.format("%08x", System.identityHashCode(this));
    }
}
