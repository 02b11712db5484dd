package io.cinnabar.lua;

/**
 * A Lua error: what {@code error(v)} raised, or a runtime error whose value is its message string (with Lua 5.1's
 * {@code chunk:line:} prefix). {@code pcall} catches exactly these; any other exception thrown by a host function or
 * the instruction hook goes through {@code pcall} untouched and ends the script.
 */
public final class LuaError extends RuntimeException {
    private final Object value;
    /** 0: complete; -1: waits for the caller's position; n > 0: "bad argument #(n-1)" waiting for position and name. */
    private final int pending;

    public LuaError(Object value) {
        this(value, 0);
    }

    private LuaError(Object value, int pending) {
        super(null, null, false, false);
        this.value = value;
        this.pending = pending;
    }

    /** An error raised by a host or library function: the calling line's {@code chunk:line:} goes in front. */
    public static LuaError fromLibrary(String message) {
        return new LuaError(LuaString.of(message), -1);
    }

    /** As {@link #fromLibrary(String)} with a binary-safe message. */
    public static LuaError fromLibrary(LuaString message) {
        return new LuaError(message, -1);
    }

    /**
     * Lua's {@code luaL_argerror}: "bad argument #arg to 'name' (message)", where the name and position come from
     * the calling expression as in Lua 5.1.
     */
    public static LuaError argError(int arg, String message) {
        return new LuaError(LuaString.of(message), arg + 1);
    }

    /** The error value ({@code null} is nil). */
    public Object value() {
        return value;
    }

    /** Whether the calling position still has to be added. */
    public boolean isPending() {
        return pending != 0;
    }

    /**
     * Completes a pending error at the call site: {@code where} is "chunk:line: " (or ""), {@code name} the
     * called function's name as the call site spells it (or null), {@code method} whether it was a method call.
     */
    public LuaError complete(String where, String name, boolean method) {
        if (pending == 0) {
            return this;
        }
        if (pending < 0) {
            if (where.isEmpty()) {
                return new LuaError(value);
            }
            LuaString w = LuaString.of(where);
            LuaString m = (LuaString) value;
            byte[] b = new byte[w.length() + m.length()];
            System.arraycopy(w.array(), w.offset(), b, 0, w.length());
            System.arraycopy(m.array(), m.offset(), b, w.length(), m.length());
            return new LuaError(LuaString.wrap(b));
        }
        String msg = value.toString();
        {
            int arg = pending - 1;
            String fn = name == null ? "?" : name;
            if (method) {
                arg--;
                if (arg == 0) {
                    return new LuaError(LuaString.of(where + "calling '" + fn + "' on bad self (" + msg + ")"));
                }
            }
            msg = "bad argument #" + arg + " to '" + fn + "' (" + msg + ")";
        }
        return new LuaError(LuaString.of(where + msg));
    }

    @Override
    public String getMessage() {
        if (value instanceof LuaString || value instanceof Double) {
            return pending > 0 ? "bad argument #" + (pending - 1) + " (" + value + ")" : value.toString();
        }
        return value == null ? "nil" : "(error object is a " + Lua.typeName(value) + " value)";
    }
}
