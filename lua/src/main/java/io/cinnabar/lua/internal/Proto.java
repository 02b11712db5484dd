package io.cinnabar.lua.internal;

/** A compiled function: its body and how to build its frame and upvalues. */
final class Proto {
    final Interp in;
    final String chunk;
    final int line;
    int nparams;
    boolean vararg;
    int maxSlots;
    /** Some local is kept unboxed: frames get {@link Frame#nums}. */
    boolean numLocals;
    Nodes.Block body;
    /** For each upvalue: >= 0 the enclosing function's local slot, < 0 the enclosing upvalue -(i+1). */
    int[] upFrom = new int[0];
    String[] upNames = new String[0];
    /** Slots of the parameters that closures capture. */
    boolean[] paramCaptured;

    Proto(Interp in, String chunk, int line) {
        this.in = in;
        this.chunk = chunk;
        this.line = line;
    }
}
