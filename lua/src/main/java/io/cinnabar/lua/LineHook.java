package io.cinnabar.lua;

/**
 * Lua 5.1's line hook for code compiled with {@link Lua#loadForDebug}: called when such code starts a new line,
 * jumps back (a loop's next iteration), enters a function, or reaches a function's closing {@code end}. The hook may
 * inspect the running code with {@link Lua#debugLocals} and {@link Lua#debugStack}, run other Lua code, or throw to
 * abort the script (a {@link LuaError} is catchable by {@code pcall}, any other exception is not).
 */
@FunctionalInterface
public interface LineHook {
    void line(int line);
}
