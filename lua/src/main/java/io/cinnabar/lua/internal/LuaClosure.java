package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaTable;

/** A Lua function value: a {@link Proto} with its upvalues. */
public final class LuaClosure extends LuaFunction {
    final Proto p;
    final Cell[] up;
    /** The function's environment (Lua 5.1's {@code getfenv}/{@code setfenv}): where its globals live. */
    LuaTable env;

    LuaClosure(Proto p, Cell[] up, LuaTable env) {
        this.p = p;
        this.up = up;
        this.env = env;
    }

    Frame frame(Object[] args) {
        Proto pr = p;
        Object[] slots = new Object[pr.maxSlots];
        int np = pr.nparams;
        int n = Math.min(np, args.length);
        System.arraycopy(args, 0, slots, 0, n);
        boolean[] cap = pr.paramCaptured;
        if (cap != null) {
            for (int i = 0; i < np; i++) {
                if (cap[i]) {
                    slots[i] = new Cell(slots[i]);
                }
            }
        }
        Object[] va = NONE;
        if (pr.vararg && args.length > np) {
            va = java.util.Arrays.copyOfRange(args, np, args.length);
        }
        return new Frame(this, pr, slots, va, up);
    }

    @Override
    public Object[] call(Object[] args) {
        return run(null, args);
    }

    /**
     * Runs with a slot array the caller filled with the arguments ({@code slots.length >= maxSlots}, not vararg),
     * or, when {@code slots} is null, with {@code args}.
     */
    Object[] run(Object[] slots, Object[] args) {
        return (Object[]) exec(slots, args, false);
    }

    /**
     * {@link #run}, giving all results (an {@code Object[]}) or, when {@code one}, only the first (null when there
     * is none): a {@code return} of one value then makes no array.
     */
    Object exec(Object[] slots, Object[] args, boolean one) {
        Interp in = p.in;
        if (++in.depth > in.maxDepth) {
            in.depth--;
            throw LuaError.fromLibrary("stack overflow");
        }
        try {
            in.tick(null, 0);
            Frame fr;
            if (slots != null) {
                boolean[] cap = p.paramCaptured;
                if (cap != null) {
                    for (int i = 0; i < cap.length; i++) {
                        if (cap[i]) {
                            slots[i] = new Cell(slots[i]);
                        }
                    }
                }
                fr = new Frame(this, p, slots, NONE, up);
            } else {
                fr = frame(args);
            }
            Object r = p.body.exec(fr);
            while (r instanceof Nodes.TailCall tc) {
                if (tc.fn instanceof LuaClosure c) {
                    in.tick(null, 0);
                    fr = c.frame(tc.args);
                    r = c.p.body.exec(fr);
                } else {
                    return results(tc.site.invoke(tc.frame, tc.fn, tc.args), one);
                }
            }
            if (r == Nodes.ONE) {
                return one ? fr.ret : new Object[] {fr.ret};
            }
            return results(r == null || r == Nodes.BREAK ? NONE : (Object[]) r, one);
        } catch (StackOverflowError e) {
            throw LuaError.fromLibrary("stack overflow");
        } finally {
            in.depth--;
        }
    }

    private static Object results(Object[] r, boolean one) {
        return one ? r.length == 0 ? null : r[0] : r;
    }

    @Override
    public String name() {
        return "?";
    }
}
