package io.cinnabar.server.internal.command;

/**
 * What INFO reports about scripting (implemented by {@code scripting.Scripting}, wired by {@code Assembly}): the
 * sizes of the eval and function universes, the script cache and the function libraries.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface ScriptingInfo {
    /** Bytes of the eval Lua universe (used_memory_lua / used_memory_vm_eval). */
    long evalVmMemory();

    /** Bytes of the function Lua universe (used_memory_vm_functions). */
    long functionsVmMemory();

    /** Bytes of the EVAL script cache (used_memory_scripts_eval). */
    long scriptsEvalMemory();

    /** Bytes of the function libraries' code and entries (used_memory_functions). */
    long functionsMemory();

    int cachedScripts();

    int functionCount();

    int libraryCount();

    /**
     * For EVAL/EVALSHA/FCALL (and their _RO forms) in c: whether the script's flags make the command denyoom
     * (Redis's evalGetCommandFlags/fcallGetCommandFlags: a script with flags but neither allow-oom nor no-writes).
     */
    boolean scriptDenyOom(Client c);
}
