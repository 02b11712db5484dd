/**
 * A Lua 5.1 engine for the JVM with binary-safe byte strings, an instruction hook and host functions, built to run
 * Redis scripts. See {@link io.cinnabar.lua.Lua}.
 */
module io.cinnabar.lua {
    exports io.cinnabar.lua;
}
