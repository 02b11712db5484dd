package io.cinnabar.lua.internal;

/** The activation of one Lua function call: local slots (captured locals hold a {@link Cell}) and varargs. */
public final class Frame {
    final Proto proto;
    final Object[] slots;
    final Object[] varargs;
    final Cell[] up;

    Frame(Proto proto, Object[] slots, Object[] varargs, Cell[] up) {
        this.proto = proto;
        this.slots = slots;
        this.varargs = varargs;
        this.up = up;
    }
}
