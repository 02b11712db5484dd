package io.cinnabar.server.internal.scripting;

import io.cinnabar.server.internal.command.Client;

/**
 * The running script (Redis's scriptRunCtx): who called it, under which name it reports errors, its flags and what
 * happened so far. One exists per script invocation; {@link Scripting} knows the running one, which SCRIPT KILL
 * and FUNCTION KILL act on.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class ScriptRun {
    /** Shebang/function flags (Redis's SCRIPT_FLAG_*). */
    static final int NO_WRITES = 1;
    static final int ALLOW_OOM = 1 << 1;
    static final int ALLOW_STALE = 1 << 2;
    static final int NO_CLUSTER = 1 << 3;
    static final int ALLOW_CROSS_SLOT = 1 << 4;
    /** An EVAL script without a shebang: Redis's backwards-compatible mode (flags are not enforced). */
    static final int EVAL_COMPAT = 1 << 5;

    final Client caller;
    /** The sha1 of an EVAL script or the name of a function, for error texts. */
    final String name;
    final boolean evalMode;
    /** Write commands are refused ("Write commands are not allowed from read-only scripts."). */
    final boolean readOnly;
    final long startNs = System.nanoTime();
    /** Past busy-reply-threshold: other clients get BUSY and the event loop is pumped from the hook. */
    boolean timedOut;
    /** SCRIPT KILL / FUNCTION KILL asked for the end of the script. */
    boolean killed;
    /** A write command ran: the script can no longer be killed. */
    boolean wrote;
    /** The allow-oom flag (shebang or function): denyoom commands run even above maxmemory (SCRIPT_ALLOW_OOM). */
    boolean allowOom;
    /** Keys of several hash slots may be accessed (allow-cross-slot-keys, or an EVAL without shebang). */
    boolean allowCrossSlot;
    /**
     * Cluster mode: the hash slot of the keys declared or accessed so far, -1 before any (Redis keeps it in the
     * caller's slot field).
     */
    int slot = -1;
    /** The calling command's arguments (FUNCTION STATS shows them for a running function), or null. */
    byte[][] argv;

    ScriptRun(Client caller, String name, boolean evalMode, boolean readOnly) {
        this.caller = caller;
        this.name = name;
        this.evalMode = evalMode;
        this.readOnly = readOnly;
    }
}
