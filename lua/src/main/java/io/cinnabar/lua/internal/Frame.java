package io.cinnabar.lua.internal;

/** The activation of one Lua function call: local slots (captured locals hold a {@link Cell}) and varargs. */
public final class Frame {
    final Proto proto;
    final Object[] slots;
    /** The locals that always hold numbers ({@code LocalVar.num}), unboxed, by slot; null when there are none. */
    final double[] nums;
    final Object[] varargs;
    final Cell[] up;
    /** The running function (its environment holds the globals; {@code setfenv} may change it while running). */
    final LuaClosure cl;
    /** Set with {@link #other} by {@code Expr.evalSpec} when the value is not a number. */
    boolean notNum;
    Object other;
    /** The value of a {@code return} of one single value ({@link Nodes#ONE}): no result array is made for it. */
    Object ret;

    Frame(LuaClosure cl, Proto proto, Object[] slots, Object[] varargs, Cell[] up) {
        this.cl = cl;
        this.proto = proto;
        this.slots = slots;
        this.nums = proto.numLocals ? new double[proto.maxSlots] : null;
        this.varargs = varargs;
        this.up = up;
    }
}
