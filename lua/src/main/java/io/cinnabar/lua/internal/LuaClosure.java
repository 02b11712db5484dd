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
        return (Object[]) exec(slots, NONE, args, false);
    }

    /**
     * {@link #run}, giving all results (an {@code Object[]}) or, when {@code one}, only the first (null when there
     * is none): a {@code return} of one value then makes no array. With {@code slots} (filled with the fixed
     * parameters by the call site), {@code va} are the varargs; else {@code args} are all the arguments.
     */
    Object exec(Object[] slots, Object[] va, Object[] args, boolean one) {
        Interp in = p.in;
        if (++in.depth > in.maxDepth) {
            in.depth--;
            throw LuaError.fromLibrary("stack overflow");
        }
        try {
            if (--in.hookCountdown <= 0) {
                in.fireHook(null, 0);
            }
            Frame fr = slots != null ? enter(slots, va) : frame(args);
            Object r = p.body.exec(fr);
            if (r == Nodes.ONE) {
                return one ? fr.ret : new Object[] {fr.ret};
            }
            return r == null ? one ? null : NONE : finish(in, r, one);
        } catch (StackOverflowError e) {
            throw LuaError.fromLibrary("stack overflow");
        } finally {
            in.depth--;
        }
    }

    /** A frame on the slots a call site filled with the arguments: captured parameters get their cells. */
    private Frame enter(Object[] slots, Object[] va) {
        boolean[] cap = p.paramCaptured;
        if (cap != null) {
            for (int i = 0; i < cap.length; i++) {
                if (cap[i]) {
                    slots[i] = new Cell(slots[i]);
                }
            }
        }
        return new Frame(this, p, slots, va, up);
    }

    /** The rest of {@link #exec} after the body returned {@code r} (not null, not ONE): tail calls, result lists. */
    private static Object finish(Interp in, Object r, boolean one) {
        while (r instanceof Nodes.TailCall tc) {
            Object fn = tc.fn;
            Object[] args = tc.args;
            Nodes.CallSite site = tc.site;
            Frame frame = tc.frame;
            boolean slots = tc.slots;
            tc.set(null, null, null, null, false);
            if (fn instanceof LuaClosure c) {
                in.tick(null, 0);
                Frame fr = slots ? c.enter(args, NONE) : c.frame(args);
                r = c.p.body.exec(fr);
                if (r == Nodes.ONE) {
                    return one ? fr.ret : new Object[] {fr.ret};
                }
            } else {
                return results(site.invoke(frame, fn, args), one);
            }
        }
        return results(r == null || r == Nodes.BREAK ? NONE : (Object[]) r, one);
    }

    private static Object results(Object[] r, boolean one) {
        return one ? r.length == 0 ? null : r[0] : r;
    }

    @Override
    public String name() {
        return "?";
    }
}
