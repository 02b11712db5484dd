package io.cinnabar.lua.internal;

/** The activation of one Lua function call: local slots (captured locals hold a {@link Cell}) and varargs. */
public final class Frame {
    final Object[] slots;
    /** The locals that always hold numbers ({@code LocalVar.num}), unboxed, by slot; null when there are none. */
    final double[] nums;
    final Object[] varargs;
    final Cell[] up;
    /** The running function (its environment holds the globals; {@code setfenv} may change it while running). */
    final LuaClosure cl;
    /** Set with {@link #ret} by {@code Expr.evalSpec} when the value is not a number. */
    boolean notNum;
    /**
     * The value of a {@code return} of one single value ({@link Nodes#ONE}): no result array is made for it. Also,
     * for the moment between an {@code Expr.evalSpec} that sets {@link #notNum} and its caller, the value that is not
     * a number (the caller takes it and clears the field). One field for both keeps a frame at 40 bytes: the two
     * uses never overlap (a return stores its value after evaluating it, and its caller reads it at once).
     */
    Object ret;

    Frame(LuaClosure cl, Proto proto, Object[] slots, Object[] varargs, Cell[] up) {
        this.cl = cl;
        this.slots = slots;
        this.nums = proto.numLocals ? new double[proto.maxSlots] : null;
        this.varargs = varargs;
        this.up = up;
    }
}
