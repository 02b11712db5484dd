/**
 * A Lua 5.1 engine for the JVM with binary-safe byte strings, an instruction hook and host functions, built to run
 * Redis scripts. See {@link io.cinnabar.lua.Lua}.
 */
module io.cinnabar.lua {
    requires java.management; // os.clock: CPU time of the running thread

    exports io.cinnabar.lua;
}
