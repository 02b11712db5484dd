package io.cinnabar.lua.internal;

/** A local variable captured by a closure (an upvalue). */
final class Cell {
    Object v;

    Cell(Object v) {
        this.v = v;
    }
}
