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
     * For EVAL/EVALSHA/FCALL (and their _RO forms) in c (c.cmd set): the flags the pipeline checks the command
     * with (Redis's evalGetCommandFlags/fcallGetCommandFlags): for a script with a shebang or a function, its
     * flags replace the command's write, denyoom and stale flags (write unless no-writes, denyoom unless
     * allow-oom or no-writes, stale with allow-stale); otherwise cmdFlags.
     */
    int commandFlags(Client c, int cmdFlags);
}
