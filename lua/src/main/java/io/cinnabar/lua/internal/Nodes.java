package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.util.Arrays;

/**
 * The closure tree: each node evaluates itself with its children resolved at compile time (local slots, upvalue
 * indexes, constant keys, operator kinds), so running a script is a chain of monomorphic virtual calls that the JIT
 * inlines, without a name lookup or AST dispatch.
 */
final class Nodes {
    private Nodes() {
    }

    static final Object BREAK = new Object();
    /** What a {@code return} of one single value gives its caller; the value is in {@link Frame#ret}. */
    static final Object ONE = new Object();
    static final Object[] NONE = LuaFunction.NONE;
    /** In the slot of a {@link LocalVar#spec} local: its value is the number in {@link Frame#nums}. */
    static final Object NUM = new Object();
    /** A fast path that does not apply: the general one runs. */
    static final Object NO_FAST = new Object();

    /**
     * A node whose fast path depends on which locals of its function hold unboxed numbers: the parser calls
     * {@link #fix} on every such node of a function, children before parents, once the function is compiled
     * (again after each round of {@code Parser}'s number analysis, so it must recompute from scratch).
     */
    interface Fix {
        void fix();
    }

    /**
     * A pending tail call, run by the caller's call loop so tail recursion does not grow the Java stack. Each
     * universe has one ({@link Interp#tailCall}), filled by {@code return f(x)} and emptied by the call loop of
     * the enclosing {@link LuaClosure} before anything else runs (no Lua code runs between the two: the arguments
     * are evaluated before it is filled), so a tail call allocates no object of its own.
     */
    static final class TailCall {
        Object fn;
        /** The arguments, or (when {@link #slots}) the callee's slot array filled with them. */
        Object[] args;
        CallSite site;
        Frame frame;
        /** fn is a Lua function with fixed parameters and args is its slot array. */
        boolean slots;

        TailCall set(Object fn, Object[] args, CallSite site, Frame frame, boolean slots) {
            this.fn = fn;
            this.args = args;
            this.site = site;
            this.frame = frame;
            this.slots = slots;
            return this;
        }
    }

    // =================================================================== expressions

    /**
     * The value of e, with the commonest leaves (a local, a constant, an upvalue) read here: the call sites of
     * the tree are shared by every script, so their virtual calls are megamorphic and cost a dispatch each.
     */
    static Object ev(Expr e, Frame f) {
        if (e instanceof LocalGet g) {
            return g.eval(f);
        }
        if (e instanceof Const c) {
            return c.v;
        }
        if (e instanceof UpGet u) {
            return f.up[u.idx].v;
        }
        return e.eval(f);
    }

    /** {@link Expr#evalNum} with the leaves read here (see {@link #ev}). */
    static double evn(Expr e, Frame f) {
        if (e instanceof LocalGet g) {
            return f.nums[g.slot];
        }
        if (e instanceof Const c) {
            return c.d;
        }
        return e.evalNum(f);
    }

    abstract static class Expr {
        final int line;

        Expr(int line) {
            this.line = line;
        }

        abstract Object eval(Frame f);

        /**
         * Always a number, whatever the values (decided at compile time, see {@link Fix}): then {@link #evalNum}
         * gives the value unboxed. Numeric constants, locals kept in {@link Frame#nums}, {@code #x}, and
         * arithmetic on such operands (two numbers never reach a metamethod).
         */
        boolean num() {
            return false;
        }

        /** The value of an expression that is {@link #num()}, unboxed. */
        double evalNum(Frame f) {
            return ((Double) eval(f)).doubleValue();
        }

        /**
         * The value for a {@link LocalVar#spec} local: a number unboxed, or else 0 with {@link Frame#notNum} set
         * and the value in {@link Frame#ret} (the caller clears both).
         */
        double evalSpec(Frame f) {
            Object v = eval(f);
            if (v instanceof Double d) {
                return d;
            }
            f.ret = v;
            f.notNum = true;
            return 0;
        }

        /** The value as a condition ({@code if}, {@code while}, {@code not}): false only for nil and false. */
        boolean test(Frame f) {
            Object v = eval(f);
            return v != null && v != Boolean.FALSE;
        }

        /** All values (calls and '...'); single-valued expressions give one. */
        Object[] evalMulti(Frame f) {
            return new Object[] {eval(f)};
        }

        boolean isMulti() {
            return false;
        }

        /** "global 'x'", "local 'x'", "field 'x'", "upvalue 'x'" or null, for error messages. */
        String info() {
            return null;
        }

        /** The function name a call through this expression shows in "bad argument" messages. */
        String callName() {
            return null;
        }
    }

    static final class Const extends Expr {
        final Object v;
        final boolean isNum;
        final double d;

        Const(int line, Object v) {
            super(line);
            this.v = v;
            this.isNum = v instanceof Double;
            this.d = v instanceof Double x ? x : 0;
        }

        @Override
        Object eval(Frame f) {
            return v;
        }

        @Override
        boolean num() {
            return isNum;
        }

        @Override
        double evalNum(Frame f) {
            return d;
        }
    }

    static final class Vararg extends Expr {
        Vararg(int line) {
            super(line);
        }

        @Override
        Object eval(Frame f) {
            return f.varargs.length == 0 ? null : f.varargs[0];
        }

        @Override
        Object[] evalMulti(Frame f) {
            return f.varargs;
        }

        @Override
        boolean isMulti() {
            return true;
        }
    }

    static final class LocalVar {
        final String name;
        final int slot;
        boolean captured;
        /** Some expression reads the variable (a LocalGet or a closure's upvalue): a loop must store its value. */
        boolean read;
        /**
         * The variable always holds a number, kept unboxed in {@link Frame#nums} (not in the slot): it is not
         * captured, and every value it gets (its initialiser or 'for' index, every assignment) is {@link Expr#num}.
         */
        boolean num;
        /** The parser saw a value that disqualifies it from {@link #num} (a parameter, nil, a call's result...). */
        boolean noNum;
        /**
         * Not {@link #num} but given the result of arithmetic somewhere, and not captured: a number it gets from
         * such a statement is kept unboxed in {@link Frame#nums} with {@link Nodes#NUM} in its slot; any other value
         * (or a number stored by other statements) is in the slot.
         */
        boolean spec;
        /** Declared with a value (local x = e, or a numeric 'for' index). */
        boolean init;
        /** The expressions assigned to it (initialiser included), for the number analysis. */
        java.util.List<Expr> sets;

        LocalVar(String name, int slot) {
            this.name = name;
            this.slot = slot;
        }
    }

    static final class LocalGet extends Expr implements Fix {
        final LocalVar var;
        final int slot;
        boolean num;

        LocalGet(int line, LocalVar var) {
            super(line);
            this.var = var;
            this.slot = var.slot;
        }

        boolean spec;

        @Override
        public void fix() {
            num = var.num;
            spec = var.spec;
        }

        @Override
        boolean num() {
            return num;
        }

        @Override
        double evalNum(Frame f) {
            return f.nums[slot];
        }

        @Override
        double evalSpec(Frame f) {
            if (num) {
                return f.nums[slot];
            }
            Object v = f.slots[slot];
            if (v == NUM) {
                return f.nums[slot];
            }
            if (v instanceof Cell c) {
                v = c.v;
            }
            if (v instanceof Double d) {
                return d;
            }
            f.ret = v;
            f.notNum = true;
            return 0;
        }

        @Override
        Object eval(Frame f) {
            if (num) {
                return f.nums[slot];
            }
            Object v = f.slots[slot];
            if (v == NUM) {
                return f.nums[slot];
            }
            return v instanceof Cell c ? c.v : v;
        }

        @Override
        String info() {
            return "local '" + var.name + "'";
        }

        @Override
        String callName() {
            return var.name;
        }
    }

    static final class UpGet extends Expr {
        final int idx;
        final String name;

        UpGet(int line, int idx, String name) {
            super(line);
            this.idx = idx;
            this.name = name;
        }

        @Override
        Object eval(Frame f) {
            return f.up[idx].v;
        }

        @Override
        String info() {
            return "upvalue '" + name + "'";
        }

        @Override
        String callName() {
            return name;
        }
    }

    static final class GlobalGet extends Expr {
        final Interp in;
        final LuaString name;

        GlobalGet(int line, Interp in, LuaString name) {
            super(line);
            this.in = in;
            this.name = name;
        }

        @Override
        Object eval(Frame f) {
            LuaTable g = f.cl.env;
            Object v = g.get(name);
            if (v != null || g.getMetatable() == null) {
                return v;
            }
            return in.index(f, line, g, name, null);
        }

        @Override
        String info() {
            return "global '" + name + "'";
        }

        @Override
        String callName() {
            return name.toString();
        }
    }

    static final class Index extends Expr implements Fix {
        final Interp in;
        final Expr obj;
        final Expr key;
        /** The key is a number: no box for an integer key. */
        boolean numKey;

        Index(int line, Interp in, Expr obj, Expr key) {
            super(line);
            this.in = in;
            this.obj = obj;
            this.key = key;
        }

        @Override
        public void fix() {
            numKey = key.num();
        }

        @Override
        Object eval(Frame f) {
            if (numKey) {
                return evalNumKey(f);
            }
            Object o = ev(obj, f);
            Object k = ev(key, f);
            if (o instanceof LuaTable t) {
                Object v = t.get(k);
                if (v != null || t.getMetatable() == null) {
                    return v;
                }
            }
            return in.index(f, line, o, k, obj.info());
        }

        private Object evalNumKey(Frame f) {
            Object o = ev(obj, f);
            double k = key.evalNum(f);
            if (o instanceof LuaTable t) {
                int i = (int) k;
                Object v = i == k ? t.get(i) : t.get((Object) k);
                if (v != null || t.getMetatable() == null) {
                    return v;
                }
            }
            return in.index(f, line, o, k, obj.info());
        }

        @Override
        String info() {
            return key instanceof Const c && c.v instanceof LuaString s ? "field '" + s + "'" : null;
        }

        @Override
        String callName() {
            return key instanceof Const c && c.v instanceof LuaString s ? s.toString() : null;
        }
    }

    // ---- calls

    abstract static class CallSite extends Expr {
        final Interp in;
        final Expr[] args;
        final boolean lastMulti;

        CallSite(int line, Interp in, Expr[] args) {
            super(line);
            this.in = in;
            this.args = args;
            this.lastMulti = args.length > 0 && args[args.length - 1].isMulti();
        }

        abstract String fnInfo();

        abstract String fnName();

        abstract boolean isMethod();

        Object[] evalArgs(Frame f, Object self, boolean hasSelf) {
            Expr[] a = args;
            int base = hasSelf ? 1 : 0;
            int n = a.length;
            if (!lastMulti) {
                Object[] r = new Object[n + base];
                if (hasSelf) {
                    r[0] = self;
                }
                for (int i = 0; i < n; i++) {
                    r[i + base] = ev(a[i], f);
                }
                return r;
            }
            Object[] head = new Object[n - 1 + base];
            if (hasSelf) {
                head[0] = self;
            }
            for (int i = 0; i < n - 1; i++) {
                head[i + base] = ev(a[i], f);
            }
            Object[] tail = a[n - 1].evalMulti(f);
            if (head.length == 0) {
                return tail;
            }
            Object[] r = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, r, head.length, tail.length);
            return r;
        }

        /**
         * The callee's slot array with the arguments (after {@code self} when {@code hasSelf}) in its first slots;
         * arguments past the parameters are left in the slots after them (the caller clears or moves them).
         */
        final Object[] argSlots(Frame f, Proto p, Object self, boolean hasSelf) {
            Expr[] a = args;
            int base = hasSelf ? 1 : 0;
            int n = a.length + base;
            Object[] slots = new Object[Math.max(p.maxSlots, n)];
            if (hasSelf) {
                slots[0] = self;
            }
            for (int i = base; i < n; i++) {
                slots[i] = ev(a[i - base], f);
            }
            if (!p.vararg) {
                for (int i = p.nparams; i < n; i++) {
                    slots[i] = null;
                }
            }
            return slots;
        }

        /** Records this call site as the one running at the current depth (for error levels and the debugger). */
        final void mark(Frame f) {
            Interp in = this.in;
            int d = in.depth;
            if (d < in.siteLine.length) {
                in.siteFn[d] = f.cl;
                in.siteLine[d] = line;
                if (in.lineHook != null) {
                    in.siteName[d] = fnName();
                }
            }
        }

        /** A library error raised by the callee gets this call site's position and the callee's name. */
        final LuaError complete(LuaError e, Frame f) {
            return e.isPending() ? e.complete(Interp.where(f, line), fnName(), isMethod()) : e;
        }

        Object[] invoke(Frame f, Object fn, Object[] argv) {
            Interp in = this.in;
            mark(f);
            try {
                if (fn instanceof LuaFunction lf) {
                    return lf.call(argv);
                }
                if (in.metamethod(fn, Interp.S_CALL) == null) {
                    throw Interp.rtError(f, line, "attempt to call " + Interp.desc(fnInfo(), fn));
                }
                return in.callDirect(fn, argv);
            } catch (LuaError e) {
                throw e.isPending() ? e.complete(Interp.where(f, line), fnName(), isMethod()) : e;
            }
        }

        abstract Object[] run(Frame f);

        /** A {@link TailCall} for the caller's call loop, or (for a library call made in place) the results. */
        abstract Object tail(Frame f);

        @Override
        Object eval(Frame f) {
            Object[] r = run(f);
            return r.length == 0 ? null : r[0];
        }

        @Override
        Object[] evalMulti(Frame f) {
            return run(f);
        }

        @Override
        boolean isMulti() {
            return true;
        }
    }

    static final class Call extends CallSite {
        final Expr fn;

        /** {@code select(k, ...)} with k a local or a constant (evaluating k twice is harmless). */
        final boolean selectShape;

        Call(int line, Interp in, Expr fn, Expr[] args) {
            super(line, in, args);
            this.fn = fn;
            this.selectShape = fn instanceof GlobalGet g && g.name.toString().equals("select") && args.length == 2
                    && (args[0] instanceof Const || args[0] instanceof LocalGet) && args[1] instanceof Vararg;
        }

        @Override
        Object[] run(Frame f) {
            Object fv = ev(fn, f);
            if (fv instanceof LuaClosure c) {
                return (Object[]) direct(f, c, false);
            }
            if (selectShape && fv == in.select) {
                Object r = select(f, false);
                if (r != null) {
                    return (Object[]) r;
                }
            }
            return invoke(f, fv, evalArgs(f, null, false));
        }

        /** One value wanted (an operand, an argument, a single assignment): no result array from a closure. */
        @Override
        Object eval(Frame f) {
            Object fv = ev(fn, f);
            if (fv instanceof LuaClosure c) {
                return direct(f, c, true);
            }
            if (selectShape && fv == in.select) {
                Object r = select(f, true);
                if (r != NO_FAST) {
                    return r;
                }
            }
            Object[] r = invoke(f, fv, evalArgs(f, null, false));
            return r.length == 0 ? null : r[0];
        }

        /**
         * Calls a Lua function: with fixed arguments they go straight into the callee's slots (and varargs), no
         * argument array; the first result when {@code one}, else all of them.
         */
        private Object direct(Frame f, LuaClosure c, boolean one) {
            Proto p = c.p;
            Object[] slots = null;
            Object[] va = NONE;
            Object[] argv = null;
            if (lastMulti) {
                argv = evalArgs(f, null, false);
            } else {
                slots = argSlots(f, p, null, false);
                if (p.vararg && args.length > p.nparams) {
                    va = Arrays.copyOfRange(slots, p.nparams, args.length);
                    Arrays.fill(slots, p.nparams, args.length, null);
                }
            }
            mark(f);
            try {
                return c.exec(slots, va, argv, one);
            } catch (LuaError e) {
                throw complete(e, f);
            }
        }

        /**
         * {@code select(k, ...)} with k a local or a constant, while {@code select} is the base library's: the
         * count or the values straight from the frame's varargs. {@link #NO_FAST} (when {@code one}) or null when
         * k is not '#...' or a positive integer: the library function then runs (and raises its errors).
         */
        private Object select(Frame f, boolean one) {
            Object k = ev(args[0], f);
            Object[] va = f.varargs;
            if (k instanceof LuaString s && s.length() > 0 && s.byteAt(0) == '#') {
                Object n = Interp.box(va.length);
                return one ? n : new Object[] {n};
            }
            if (k instanceof Double d) {
                double x = d;
                int i = (int) x;
                if (i == x && i >= 1) {
                    if (one) {
                        return i <= va.length ? va[i - 1] : null;
                    }
                    return i > va.length ? NONE : i == 1 ? va : Arrays.copyOfRange(va, i - 1, va.length);
                }
            }
            return one ? NO_FAST : null;
        }

        @Override
        Object tail(Frame f) {
            Object fv = ev(fn, f);
            if (fv instanceof LuaClosure c && !lastMulti && !c.p.vararg) {
                return in.tailCall.set(c, argSlots(f, c.p, null, false), this, f, true);
            }
            if (selectShape && fv == in.select) {
                Object r = select(f, false);
                if (r != null) {
                    return r; // results, as a return statement gives them (select calls nothing back)
                }
            }
            Object[] a = evalArgs(f, null, false);
            if (!(fv instanceof LuaFunction)) {
                if (in.metamethod(fv, Interp.S_CALL) == null) {
                    throw Interp.rtError(f, line, "attempt to call " + Interp.desc(fnInfo(), fv));
                }
            }
            return in.tailCall.set(fv, a, this, f, false);
        }

        @Override
        String fnInfo() {
            return fn.info();
        }

        @Override
        String fnName() {
            return fn.callName();
        }

        @Override
        boolean isMethod() {
            return false;
        }
    }

    static final class MethodCall extends CallSite {
        final Expr obj;
        final LuaString name;

        MethodCall(int line, Interp in, Expr obj, LuaString name, Expr[] args) {
            super(line, in, args);
            this.obj = obj;
            this.name = name;
        }

        private Object method(Frame f, Object o) {
            if (o instanceof LuaTable t) {
                Object v = t.get(name);
                if (v != null || t.getMetatable() == null) {
                    return v;
                }
            }
            return in.index(f, line, o, name, obj.info());
        }

        @Override
        Object[] run(Frame f) {
            Object o = ev(obj, f);
            Object fv = method(f, o);
            if (fv instanceof LuaClosure c && !lastMulti && !c.p.vararg) {
                return (Object[]) direct(f, c, o, false);
            }
            return invoke(f, fv, evalArgs(f, o, true));
        }

        @Override
        Object eval(Frame f) {
            Object o = ev(obj, f);
            Object fv = method(f, o);
            if (fv instanceof LuaClosure c && !lastMulti && !c.p.vararg) {
                return direct(f, c, o, true);
            }
            Object[] r = invoke(f, fv, evalArgs(f, o, true));
            return r.length == 0 ? null : r[0];
        }

        /** A Lua method with fixed parameters: self and the arguments go straight into its slots. */
        private Object direct(Frame f, LuaClosure c, Object self, boolean one) {
            Object[] slots = argSlots(f, c.p, self, true);
            mark(f);
            try {
                return c.exec(slots, NONE, null, one);
            } catch (LuaError e) {
                throw complete(e, f);
            }
        }

        @Override
        Object tail(Frame f) {
            Object o = ev(obj, f);
            Object fv = method(f, o);
            if (fv instanceof LuaClosure c && !lastMulti && !c.p.vararg) {
                return in.tailCall.set(c, argSlots(f, c.p, o, true), this, f, true);
            }
            Object[] a = evalArgs(f, o, true);
            if (!(fv instanceof LuaFunction) && in.metamethod(fv, Interp.S_CALL) == null) {
                throw Interp.rtError(f, line, "attempt to call " + Interp.desc(fnInfo(), fv));
            }
            return in.tailCall.set(fv, a, this, f, false);
        }

        @Override
        String fnInfo() {
            return "method '" + name + "'";
        }

        @Override
        String fnName() {
            return name.toString();
        }

        @Override
        boolean isMethod() {
            return true;
        }
    }

    static final class FunctionExpr extends Expr {
        final Proto p;

        FunctionExpr(int line, Proto p) {
            super(line);
            this.p = p;
        }

        @Override
        Object eval(Frame f) {
            int[] from = p.upFrom;
            Cell[] up = new Cell[from.length];
            for (int i = 0; i < from.length; i++) {
                int s = from[i];
                up[i] = s >= 0 ? (Cell) f.slots[s] : f.up[-s - 1];
            }
            return new LuaClosure(p, up, f.cl.env);
        }
    }

    static final class Paren extends Expr implements Fix {
        final Expr e;
        boolean num;

        Paren(int line, Expr e) {
            super(line);
            this.e = e;
        }

        @Override
        public void fix() {
            num = e.num();
        }

        @Override
        boolean num() {
            return num;
        }

        @Override
        double evalNum(Frame f) {
            return e.evalNum(f);
        }

        @Override
        Object eval(Frame f) {
            return e.eval(f);
        }

        @Override
        String info() {
            return e.info();
        }
    }

    // ---- operators

    /** An operator on one operand that may call a metamethod or raise an error (through in). */
    abstract static class Unary extends Expr {
        final Interp in;
        final Expr a;

        Unary(int line, Interp in, Expr a) {
            super(line);
            this.in = in;
            this.a = a;
        }
    }

    /** a op b: both operands; And and Or evaluate b only when they need it. */
    abstract static class Binary extends Expr {
        final Expr a;
        final Expr b;

        Binary(int line, Expr a, Expr b) {
            super(line);
            this.a = a;
            this.b = b;
        }
    }

    /** An arithmetic or comparison operator (op) that may call a metamethod or raise an error (through in). */
    abstract static class Operator extends Binary {
        final Interp in;
        final int op;

        Operator(int line, Interp in, int op, Expr a, Expr b) {
            super(line, a, b);
            this.in = in;
            this.op = op;
        }
    }

    static final class Arith extends Operator implements Fix {
        /** Both operands are numbers ({@link Expr#num}): computed unboxed, no metamethod possible. */
        boolean num;

        /** b is a number constant ({@code n - 1}, {@code i * 2}): only a's type is tested. */
        final boolean bConst;
        final double bd;

        Arith(int line, Interp in, int op, Expr a, Expr b) {
            super(line, in, op, a, b);
            this.bConst = b instanceof Const c && c.isNum;
            this.bd = bConst ? ((Const) b).d : 0;
        }

        @Override
        public void fix() {
            num = a.num() && b.num();
        }

        @Override
        boolean num() {
            return num;
        }

        @Override
        double evalNum(Frame f) {
            double p = evn(a, f);
            double q = evn(b, f);
            switch (op) {
                case Interp.ADD: return p + q;
                case Interp.SUB: return p - q;
                case Interp.MUL: return p * q;
                case Interp.DIV: return p / q;
                case Interp.MOD: return p - Math.floor(p / q) * q;
                default: return Math.pow(p, q);
            }
        }

        @Override
        double evalSpec(Frame f) {
            if (num) {
                return evalNum(f);
            }
            double p = a.evalSpec(f);
            if (f.notNum) {
                f.notNum = false;
                Object x = f.ret;
                f.ret = null;
                return slowSpec(f, x, b.eval(f));
            }
            double q = b.evalSpec(f);
            if (f.notNum) {
                f.notNum = false;
                Object y = f.ret;
                f.ret = null;
                return slowSpec(f, p, y);
            }
            return Interp.arith(op, p, q);
        }

        /** Coercions and metamethods, as {@link #eval}; a result that is not a number goes to {@link Frame#ret}. */
        private double slowSpec(Frame f, Object x, Object y) {
            Object r = in.arith(f, line, op, x, y, a.info(), b.info());
            if (r instanceof Double d) {
                return d;
            }
            f.ret = r;
            f.notNum = true;
            return 0;
        }

        @Override
        Object eval(Frame f) {
            if (num) {
                return evalNum(f);
            }
            Object x = ev(a, f);
            Object y;
            double q;
            if (bConst) {
                y = null;
                q = bd;
            } else {
                y = ev(b, f);
                q = y instanceof Double dy ? dy : 0;
            }
            if (x instanceof Double dx && (bConst || y instanceof Double)) {
                double p = dx;
                switch (op) {
                    case Interp.ADD: return Interp.box(p + q);
                    case Interp.SUB: return Interp.box(p - q);
                    case Interp.MUL: return Interp.box(p * q);
                    case Interp.DIV: return p / q;
                    case Interp.MOD: return p - Math.floor(p / q) * q;
                    default: return Math.pow(p, q);
                }
            }
            return in.arith(f, line, op, x, bConst ? ((Const) b).v : y, a.info(), b.info());
        }
    }

    static final class Unm extends Unary implements Fix {
        boolean num;

        Unm(int line, Interp in, Expr a) {
            super(line, in, a);
        }

        @Override
        public void fix() {
            num = a.num();
        }

        @Override
        boolean num() {
            return num;
        }

        @Override
        double evalNum(Frame f) {
            return -a.evalNum(f);
        }

        @Override
        Object eval(Frame f) {
            if (num) {
                return -a.evalNum(f);
            }
            Object x = ev(a, f);
            if (x instanceof Double d) {
                return -d;
            }
            return in.unm(f, line, x, a.info());
        }
    }

    static final class Len extends Unary {
        Len(int line, Interp in, Expr a) {
            super(line, in, a);
        }

        @Override
        Object eval(Frame f) {
            return in.len(f, line, a.eval(f), a.info());
        }

        /** Lua 5.1's {@code #} gives a number or raises an error (no {@code __len} for tables or strings). */
        @Override
        boolean num() {
            return true;
        }

        @Override
        double evalNum(Frame f) {
            Object x = a.eval(f);
            if (x instanceof LuaTable t) {
                return t.length();
            }
            if (x instanceof LuaString s) {
                return s.length();
            }
            return (Double) in.len(f, line, x, a.info());
        }
    }

    static final class Not extends Expr {
        final Expr a;

        Not(int line, Expr a) {
            super(line);
            this.a = a;
        }

        @Override
        Object eval(Frame f) {
            return !a.test(f);
        }

        @Override
        boolean test(Frame f) {
            return !a.test(f);
        }
    }

    static final class And extends Binary {
        And(int line, Expr a, Expr b) {
            super(line, a, b);
        }

        @Override
        Object eval(Frame f) {
            Object v = a.eval(f);
            return v == null || v == Boolean.FALSE ? v : b.eval(f);
        }

        @Override
        boolean test(Frame f) {
            return a.test(f) && b.test(f);
        }
    }

    static final class Or extends Binary {
        Or(int line, Expr a, Expr b) {
            super(line, a, b);
        }

        @Override
        Object eval(Frame f) {
            Object v = a.eval(f);
            return v == null || v == Boolean.FALSE ? b.eval(f) : v;
        }

        @Override
        boolean test(Frame f) {
            return a.test(f) || b.test(f);
        }
    }

    static final int EQ = 0;
    static final int NE = 1;
    static final int LT = 2;
    static final int LE = 3;
    static final int GT = 4;
    static final int GE = 5;

    static final class Compare extends Operator implements Fix {
        /** Both operands are numbers ({@link Expr#num}): compared unboxed. */
        boolean num;

        /** b is a number constant ({@code n < 2}, {@code n == 0}): only a's type is tested. */
        final boolean bConst;
        final double bd;

        Compare(int line, Interp in, int op, Expr a, Expr b) {
            super(line, in, op, a, b);
            this.bConst = b instanceof Const c && c.isNum;
            this.bd = bConst ? ((Const) b).d : 0;
        }

        @Override
        public void fix() {
            num = a.num() && b.num();
        }

        @Override
        Object eval(Frame f) {
            return test(f);
        }

        /** Kept small (the JIT inlines it into its callers): numbers here, everything else in {@link #slow}. */
        @Override
        boolean test(Frame f) {
            double p;
            double q;
            if (num) {
                p = evn(a, f);
                q = evn(b, f);
            } else if (bConst) {
                Object x = ev(a, f);
                if (!(x instanceof Double dx)) {
                    return slow(f, x, ((Const) b).v);
                }
                p = dx;
                q = bd;
            } else {
                Object x = ev(a, f);
                Object y = ev(b, f);
                if (!(x instanceof Double dx) || !(y instanceof Double dy)) {
                    return slow(f, x, y);
                }
                p = dx;
                q = dy;
            }
            switch (op) {
                case EQ: return p == q;
                case NE: return p != q;
                case LT: return p < q;
                case LE: return p <= q;
                case GT: return p > q;
                default: return p >= q;
            }
        }

        private boolean slow(Frame f, Object x, Object y) {
            switch (op) {
                case EQ: return in.eq(f, line, x, y);
                case NE: return !in.eq(f, line, x, y);
                case LT: return in.lt(f, line, x, y);
                case LE: return in.le(f, line, x, y);
                case GT: return in.lt(f, line, y, x);
                default: return in.le(f, line, y, x);
            }
        }
    }

    /** a .. b .. c: all operands at once when they are strings/numbers, else pairwise from the right. */
    static final class Concat extends Expr implements Fix {
        final Interp in;
        final Expr[] parts;
        /** Which parts are numbers ({@link Expr#num}): formatted from the unboxed value. */
        final boolean[] numPart;

        Concat(int line, Interp in, Expr[] parts) {
            super(line);
            this.in = in;
            this.parts = parts;
            this.numPart = new boolean[parts.length];
        }

        @Override
        public void fix() {
            for (int i = 0; i < parts.length; i++) {
                numPart[i] = parts[i].num();
            }
        }

        @Override
        Object eval(Frame f) {
            int n = parts.length;
            Object[] v = new Object[n];
            long total = 0;
            boolean simple = true;
            for (int i = 0; i < n; i++) {
                Object x = numPart[i] ? LuaString.of(NumFmt.toLua(parts[i].evalNum(f))) : ev(parts[i], f);
                if (x instanceof Double) {
                    x = Interp.toStr(x);
                } else if (!(x instanceof LuaString)) {
                    simple = false;
                }
                v[i] = x;
                if (simple) {
                    total += ((LuaString) x).length();
                }
            }
            if (simple) {
                // a string that grows again (s = s .. x) gets half its length as room, up to the memory limit
                long room = !((LuaString) v[0]).isBuffer() ? 0
                        : Math.min(total / 2, Math.max(0, Math.min(in.memoryLimit, Interp.DEFAULT_MEMORY_LIMIT) - total));
                if (total >= Interp.CHECK_FROM) {
                    in.checkSize(total);
                    in.reserve(total + room);
                }
                return LuaString.concat(v, n, (int) total, (int) room);
            }
            Object acc = v[n - 1];
            for (int i = n - 2; i >= 0; i--) {
                acc = in.concat(f, line, v[i], acc, parts[i].info(), i == n - 2 ? parts[i + 1].info() : null);
            }
            return acc;
        }
    }

    static final class TableCons extends Expr {
        final Expr[] items;
        final Expr[] keys;
        final Expr[] vals;
        /** For each keyed field, how many positional items precede it (for source-order evaluation). */
        final int[] keyAfter;
        final Interp in;

        TableCons(int line, Interp in, Expr[] items, Expr[] keys, Expr[] vals, int[] keyAfter) {
            super(line);
            this.in = in;
            this.items = items;
            this.keys = keys;
            this.vals = vals;
            this.keyAfter = keyAfter;
        }

        @Override
        Object eval(Frame f) {
            int n = items.length;
            LuaTable t = new LuaTable(0, keys.length);
            Object[] arr = n == 0 ? NONE : new Object[n];
            int k = 0;
            for (int i = 0; i <= n; i++) {
                while (k < keys.length && keyAfter[k] == i) {
                    Object kv = ev(keys[k], f);
                    Object v = ev(vals[k], f);
                    try {
                        t.put(kv, v);
                    } catch (LuaError e) {
                        throw e.complete(Interp.where(f, line), null, false);
                    }
                    k++;
                }
                if (i == n) {
                    break;
                }
                if (i == n - 1 && items[i].isMulti()) {
                    Object[] tail = items[i].evalMulti(f);
                    arr = Arrays.copyOf(arr, n - 1 + tail.length);
                    System.arraycopy(tail, 0, arr, n - 1, tail.length);
                } else {
                    arr[i] = ev(items[i], f);
                }
            }
            if (arr.length > 0) {
                t.setList(arr, arr.length);
            }
            return t;
        }
    }

    // =================================================================== statements

    abstract static class Stat {
        final int line;

        Stat(int line) {
            this.line = line;
        }

        /** null to go on; {@link #BREAK}; an Object[] of results; a {@link TailCall}. */
        abstract Object exec(Frame f);
    }

    static final class Block extends Stat {
        final Stat[] stats;

        Block(int line, Stat[] stats) {
            super(line);
            this.stats = stats;
        }

        @Override
        Object exec(Frame f) {
            for (Stat s : stats) {
                Object r = s.exec(f);
                if (r != null) {
                    return r;
                }
            }
            return null;
        }
    }

    /** Debug compilation: reports the statement's line to the line hook, then runs it (null: the line alone). */
    static final class Line extends Stat {
        final Interp in;
        final LocalVar[] vars;
        final Stat body;

        Line(Interp in, int line, LocalVar[] vars, Stat body) {
            super(line);
            this.in = in;
            this.vars = vars;
            this.body = body;
        }

        @Override
        Object exec(Frame f) {
            in.lineEvent(f, line, vars, false);
            return body == null ? null : body.exec(f);
        }
    }

    /** Debug compilation: the first statement of a function body (Lua's line hook fires at a function's entry). */
    static final class Entry extends Stat {
        final Interp in;

        Entry(Interp in) {
            super(0);
            this.in = in;
        }

        @Override
        Object exec(Frame f) {
            in.enterDebugFrame(f);
            return null;
        }
    }

    static final class ExprStat extends Stat {
        final CallSite call;

        ExprStat(int line, CallSite call) {
            super(line);
            this.call = call;
        }

        @Override
        Object exec(Frame f) {
            call.eval(f); // one value: a Lua callee returning one makes no result array
            return null;
        }
    }

    static final class Local extends Stat {
        final LocalVar[] vars;
        final Expr[] exprs;

        Local(int line, LocalVar[] vars, Expr[] exprs) {
            super(line);
            this.vars = vars;
            this.exprs = exprs;
        }

        @Override
        Object exec(Frame f) {
            LocalVar[] vs = vars;
            Expr[] es = exprs;
            if (vs.length == 1 && es.length == 1) {
                LocalVar v = vs[0];
                if (v.num) {
                    f.nums[v.slot] = es[0].evalNum(f);
                } else if (v.spec) {
                    setSpec(f, v.slot, es[0]);
                } else {
                    set(f, v, ev(es[0], f));
                }
                return null;
            }
            Object[] v = adjust(f, es, vs.length);
            for (int i = 0; i < vs.length; i++) {
                set(f, vs[i], v[i]);
            }
            return null;
        }

        /** Stores the value of e in the {@link LocalVar#spec} local at slot: a number unboxed, else in the slot. */
        static void setSpec(Frame f, int slot, Expr e) {
            double d = e.evalSpec(f);
            if (f.notNum) {
                f.notNum = false;
                f.slots[slot] = f.ret;
                f.ret = null;
            } else {
                f.nums[slot] = d;
                f.slots[slot] = NUM;
            }
        }

        static void set(Frame f, LocalVar v, Object x) {
            if (v.num) {
                f.nums[v.slot] = (Double) x;
            } else {
                f.slots[v.slot] = v.captured ? new Cell(x) : x;
            }
        }
    }

    /** Evaluates an expression list to exactly {@code want} values (Lua's adjustment). */
    static Object[] adjust(Frame f, Expr[] es, int want) {
        Object[] v = new Object[Math.max(want, es.length)];
        int n = es.length;
        for (int i = 0; i < n; i++) {
            if (i == n - 1 && es[i].isMulti()) {
                Object[] m = es[i].evalMulti(f);
                System.arraycopy(m, 0, v, i, Math.min(m.length, v.length - i));
            } else {
                v[i] = ev(es[i], f);
            }
        }
        return v;
    }

    static final class LocalFunction extends Stat {
        final LocalVar var;
        final FunctionExpr fn;

        LocalFunction(int line, LocalVar var, FunctionExpr fn) {
            super(line);
            this.var = var;
            this.fn = fn;
        }

        @Override
        Object exec(Frame f) {
            if (var.captured) {
                Cell c = new Cell(null);
                f.slots[var.slot] = c;
                c.v = fn.eval(f);
            } else {
                f.slots[var.slot] = fn.eval(f);
            }
            return null;
        }
    }

    /** An assignment target. */
    abstract static class Target {
        /** Evaluates the table and key parts before any assignment happens. */
        Object[] prepare(Frame f) {
            return null;
        }

        abstract void assign(Frame f, Object[] prepared, Object v);
    }

    static final class LocalTarget extends Target {
        final LocalVar var;
        final int slot;

        LocalTarget(LocalVar v) {
            this.var = v;
            this.slot = v.slot;
        }

        @Override
        void assign(Frame f, Object[] prepared, Object v) {
            if (var.num) {
                f.nums[slot] = (Double) v;
                return;
            }
            Object[] s = f.slots;
            if (s[slot] instanceof Cell c) {
                c.v = v;
            } else {
                s[slot] = v;
            }
        }
    }

    static final class UpTarget extends Target {
        final int idx;

        UpTarget(int idx) {
            this.idx = idx;
        }

        @Override
        void assign(Frame f, Object[] prepared, Object v) {
            f.up[idx].v = v;
        }
    }

    static final class GlobalTarget extends Target {
        final Interp in;
        final LuaString name;
        final int line;

        GlobalTarget(int line, Interp in, LuaString name) {
            this.line = line;
            this.in = in;
            this.name = name;
        }

        @Override
        void assign(Frame f, Object[] prepared, Object v) {
            LuaTable g = f.cl.env;
            if (g.getMetatable() == null && !g.isReadOnly()) {
                g.put(name, v);
            } else {
                in.setIndex(f, line, g, name, v, null);
            }
        }
    }

    static final class IndexTarget extends Target implements Fix {
        final Interp in;
        final Expr obj;
        final Expr key;
        final int line;
        /** The key is a number: no box for an integer key (single assignments). */
        boolean numKey;

        IndexTarget(int line, Interp in, Expr obj, Expr key) {
            this.line = line;
            this.in = in;
            this.obj = obj;
            this.key = key;
        }

        @Override
        public void fix() {
            numKey = key.num();
        }

        @Override
        Object[] prepare(Frame f) {
            return new Object[] {ev(obj, f), ev(key, f)};
        }

        void setNum(Frame f, Object o, double k, Object v) {
            if (o instanceof LuaTable t && t.getMetatable() == null && !t.isReadOnly()) {
                int i = (int) k;
                if (i == k) {
                    t.put(i, v);
                    return;
                }
                if (k != k) {
                    throw Interp.rtError(f, line, "table index is NaN");
                }
                t.put((Object) k, v);
                return;
            }
            in.setIndex(f, line, o, k, v, obj.info());
        }

        void set(Frame f, Object o, Object k, Object v) {
            if (o instanceof LuaTable t && t.getMetatable() == null && !t.isReadOnly()) {
                if (k instanceof Double d && d.isNaN() || k == null) {
                    throw Interp.rtError(f, line, k == null ? "table index is nil" : "table index is NaN");
                }
                t.put(k, v);
                return;
            }
            in.setIndex(f, line, o, k, v, obj.info());
        }

        @Override
        void assign(Frame f, Object[] prepared, Object v) {
            set(f, prepared[0], prepared[1], v);
        }
    }

    static final class Assign extends Stat implements Fix {
        final Target[] targets;
        final Expr[] exprs;
        /** One local kept in {@link Frame#nums} gets one value: its slot there, else -1. */
        int numSlot = -1;
        /** One {@link LocalVar#spec} local gets one value: its slot, else -1. */
        int specSlot = -1;

        Assign(int line, Target[] targets, Expr[] exprs) {
            super(line);
            this.targets = targets;
            this.exprs = exprs;
        }

        @Override
        public void fix() {
            boolean one = targets.length == 1 && exprs.length == 1 && targets[0] instanceof LocalTarget;
            LocalVar v = one ? ((LocalTarget) targets[0]).var : null;
            numSlot = one && v.num ? v.slot : -1;
            specSlot = one && v.spec ? v.slot : -1;
        }

        @Override
        Object exec(Frame f) {
            Target[] ts = targets;
            int ns = numSlot;
            if (ns >= 0) {
                f.nums[ns] = exprs[0].evalNum(f);
                return null;
            }
            if (specSlot >= 0) {
                Local.setSpec(f, specSlot, exprs[0]);
                return null;
            }
            if (ts.length == 1 && exprs.length == 1) {
                Target t = ts[0];
                if (t instanceof IndexTarget it) {
                    if (it.numKey) {
                        Object o = ev(it.obj, f);
                        double k = it.key.evalNum(f);
                        it.setNum(f, o, k, ev(exprs[0], f));
                        return null;
                    }
                    Object o = ev(it.obj, f);
                    Object k = ev(it.key, f);
                    it.set(f, o, k, ev(exprs[0], f));
                } else {
                    t.assign(f, null, ev(exprs[0], f));
                }
                return null;
            }
            Object[][] prep = new Object[ts.length][];
            for (int i = 0; i < ts.length; i++) {
                prep[i] = ts[i].prepare(f);
            }
            Object[] v = adjust(f, exprs, ts.length);
            for (int i = ts.length - 1; i >= 0; i--) {
                ts[i].assign(f, prep[i], v[i]);
            }
            return null;
        }
    }

    /** {@code return e}, e a single value (not a call, not '...'): the value goes in {@link Frame#ret}. */
    static final class ReturnOne extends Stat {
        final Expr e;

        ReturnOne(int line, Expr e) {
            super(line);
            this.e = e;
        }

        @Override
        Object exec(Frame f) {
            f.ret = ev(e, f);
            return ONE;
        }
    }

    /** {@code return f(x)}: a tail call, run by the caller's call loop. */
    static final class ReturnCall extends Stat {
        final CallSite c;

        ReturnCall(int line, CallSite c) {
            super(line);
            this.c = c;
        }

        @Override
        Object exec(Frame f) {
            return c.tail(f);
        }
    }

    static final class Return extends Stat {
        final Expr[] exprs;

        Return(int line, Expr[] exprs) {
            super(line);
            this.exprs = exprs;
        }

        /** The node for {@code return es}: the one-value and tail-call shapes have their own small nodes. */
        static Stat of(int line, Expr[] es) {
            if (es.length == 1 && es[0] instanceof CallSite c) {
                return new ReturnCall(line, c);
            }
            if (es.length == 1 && !es[0].isMulti()) {
                return new ReturnOne(line, es[0]);
            }
            return new Return(line, es);
        }

        @Override
        Object exec(Frame f) {
            Expr[] es = exprs;
            if (es.length == 0) {
                return NONE;
            }
            if (es.length == 1) {
                Expr e = es[0];
                if (e instanceof CallSite c) {
                    return c.tail(f);
                }
                if (e.isMulti()) {
                    return e.evalMulti(f);
                }
                f.ret = e.eval(f);
                return ONE;
            }
            if (!es[es.length - 1].isMulti()) {
                Object[] r = new Object[es.length];
                for (int i = 0; i < es.length; i++) {
                    r[i] = ev(es[i], f);
                }
                return r;
            }
            Object[] head = new Object[es.length - 1];
            for (int i = 0; i < head.length; i++) {
                head[i] = ev(es[i], f);
            }
            Object[] tail = es[es.length - 1].evalMulti(f);
            Object[] r = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, r, head.length, tail.length);
            return r;
        }
    }

    static final class Break extends Stat {
        Break(int line) {
            super(line);
        }

        @Override
        Object exec(Frame f) {
            return BREAK;
        }
    }

    static final class Do extends Stat {
        final Block body;

        Do(int line, Block body) {
            super(line);
            this.body = body;
        }

        @Override
        Object exec(Frame f) {
            return body.exec(f);
        }
    }

    static final class While extends Stat {
        final Interp in;
        final Expr cond;
        final Block body;
        /** Debug compilation: the locals for the line event of each back-edge; null otherwise. */
        LocalVar[] dbgVars;

        While(int line, Interp in, Expr cond, Block body) {
            super(line);
            this.in = in;
            this.cond = cond;
            this.body = body;
        }

        @Override
        Object exec(Frame f) {
            if (dbgVars != null) {
                return execDebug(f);
            }
            while (cond.test(f)) {
                in.tick(f, line);
                Object r = body.exec(f);
                if (r != null) {
                    return r == BREAK ? null : r;
                }
            }
            return null;
        }

        /** As exec, with the line event of the jump back to the condition. */
        private Object execDebug(Frame f) {
            boolean again = false;
            while (true) {
                if (again) {
                    in.lineEvent(f, line, dbgVars, true);
                }
                again = true;
                if (!cond.test(f)) {
                    return null;
                }
                in.tick(f, line);
                Object r = body.exec(f);
                if (r != null) {
                    return r == BREAK ? null : r;
                }
            }
        }
    }

    static final class Repeat extends Stat {
        final Interp in;
        final Expr cond;
        final Block body;
        /** Debug compilation: the line of {@code until} and the locals its condition sees; null otherwise. */
        int condLine;
        LocalVar[] dbgVars;

        Repeat(int line, Interp in, Block body, Expr cond) {
            super(line);
            this.in = in;
            this.cond = cond;
            this.body = body;
        }

        @Override
        Object exec(Frame f) {
            if (dbgVars != null) {
                return execDebug(f);
            }
            do {
                in.tick(f, line);
                Object r = body.exec(f);
                if (r != null) {
                    return r == BREAK ? null : r;
                }
            } while (!cond.test(f));
            return null;
        }

        private Object execDebug(Frame f) {
            while (true) {
                in.tick(f, line);
                Object r = body.exec(f);
                if (r != null) {
                    return r == BREAK ? null : r;
                }
                in.lineEvent(f, condLine, dbgVars, false);
                if (cond.test(f)) {
                    return null;
                }
                in.forceNextLine(); // the jump back to the body
            }
        }
    }

    static final class If extends Stat {
        final Expr[] conds;
        final Block[] blocks;
        final Block orElse;
        /** Debug compilation: the line of each condition ({@code if}, then each {@code elseif}); null otherwise. */
        Interp in;
        int[] condLines;
        LocalVar[] dbgVars;

        If(int line, Expr[] conds, Block[] blocks, Block orElse) {
            super(line);
            this.conds = conds;
            this.blocks = blocks;
            this.orElse = orElse;
        }

        @Override
        Object exec(Frame f) {
            for (int i = 0; i < conds.length; i++) {
                if (condLines != null && i > 0) {
                    in.lineEvent(f, condLines[i], dbgVars, false);
                }
                if (conds[i].test(f)) {
                    return blocks[i].exec(f);
                }
            }
            return orElse == null ? null : orElse.exec(f);
        }
    }

    /**
     * {@code if c then ... [else ...] end} without {@code elseif}, outside debug compilation: no loop over the
     * conditions, and a branch of one statement runs that statement without its block (one dispatch less).
     */
    static final class If1 extends Stat {
        final Expr cond;
        final Stat then;
        /** null without an else. */
        final Stat orElse;

        If1(int line, Expr cond, Stat then, Stat orElse) {
            super(line);
            this.cond = cond;
            this.then = then;
            this.orElse = orElse;
        }

        /** The one statement of a block, or the block (a block only runs its statements in order). */
        static Stat single(Block b) {
            return b.stats.length == 1 ? b.stats[0] : b;
        }

        @Override
        Object exec(Frame f) {
            if (cond.test(f)) {
                return then.exec(f);
            }
            return orElse == null ? null : orElse.exec(f);
        }
    }

    static final class NumFor extends Stat {
        final Interp in;
        final LocalVar var;
        final Expr start;
        final Expr limit;
        final Expr step;
        final Block body;
        /** Debug compilation: the slot of "(for index)" ("(for limit)", "(for step)" follow) and the loop's locals. */
        int hidden = -1;
        LocalVar[] dbgVars;

        NumFor(int line, Interp in, LocalVar var, Expr start, Expr limit, Expr step, Block body) {
            super(line);
            this.in = in;
            this.var = var;
            this.start = start;
            this.limit = limit;
            this.step = step;
            this.body = body;
        }

        private double num(Frame f, Expr e, String what) {
            Double d = Interp.toNumber(e.eval(f));
            if (d == null) {
                throw Interp.rtError(f, line, "'for' " + what + " must be a number");
            }
            return d;
        }

        @Override
        Object exec(Frame f) {
            double i = num(f, start, "initial value");
            double lim = num(f, limit, "limit");
            double st = step == null ? 1 : num(f, step, "step");
            int slot = var.slot;
            boolean cap = var.captured;
            Object[] slots = f.slots;
            Interp in = this.in;
            int h = hidden;
            if (h >= 0) {
                slots[h + 1] = lim;
                slots[h + 2] = st;
            } else if (!var.read) {
                return counted(f, i - st, lim, st);
            } else if (var.num) {
                return unboxed(f, i - st, lim, st);
            }
            i -= st; // as Lua 5.1: FORPREP subtracts the step, FORLOOP adds it before each test (a NaN step runs none)
            while (st > 0 ? (i += st) <= lim : (i += st) >= lim) {
                in.tick(f, line);
                slots[slot] = cap ? new Cell(i) : (Object) i;
                if (h >= 0) {
                    slots[h] = i;
                    in.forceNextLine(); // FORLOOP jumps back to the body
                }
                Object r = body.exec(f);
                if (r != null) {
                    if (r == BREAK) {
                        break;
                    }
                    return r;
                }
                if (h >= 0) {
                    in.lineEvent(f, line, dbgVars, false); // FORLOOP is on the 'for' line
                }
            }
            return null;
        }

        /** The loop when its variable is kept unboxed ({@link LocalVar#num}): i is the start minus the step. */
        private Object unboxed(Frame f, double i, double lim, double st) {
            Interp in = this.in;
            Block body = this.body;
            double[] nums = f.nums;
            int slot = var.slot;
            while (st > 0 ? (i += st) <= lim : (i += st) >= lim) {
                in.tick(f, line);
                nums[slot] = i;
                Object r = body.exec(f);
                if (r != null) {
                    return r == BREAK ? null : r;
                }
            }
            return null;
        }

        /**
         * The loop when nothing reads its variable (a "repeat n times" loop, not compiled for debugging): the
         * count stays a primitive, nothing is boxed or stored per iteration. i is the start minus the step.
         */
        private Object counted(Frame f, double i, double lim, double st) {
            Interp in = this.in;
            Block body = this.body;
            if (st > 0) {
                while ((i += st) <= lim) {
                    in.tick(f, line);
                    Object r = body.exec(f);
                    if (r != null) {
                        return r == BREAK ? null : r;
                    }
                }
            } else {
                while ((i += st) >= lim) {
                    in.tick(f, line);
                    Object r = body.exec(f);
                    if (r != null) {
                        return r == BREAK ? null : r;
                    }
                }
            }
            return null;
        }
    }

    static final class GenFor extends Stat {
        final Interp in;
        final LocalVar[] vars;
        final Expr[] exprs;
        final Block body;
        /** Debug compilation: the slot of "(for generator)" ("(for state)", "(for control)" follow). */
        int hidden = -1;
        LocalVar[] dbgVars;

        GenFor(int line, Interp in, LocalVar[] vars, Expr[] exprs, Block body) {
            super(line);
            this.in = in;
            this.vars = vars;
            this.exprs = exprs;
            this.body = body;
        }

        @Override
        Object exec(Frame f) {
            Object[] init = adjust(f, exprs, 3);
            Object fn = init[0];
            Object state = init[1];
            Object ctl = init[2];
            LocalVar[] vs = vars;
            int h = hidden;
            if (h >= 0) {
                f.slots[h] = fn;
                f.slots[h + 1] = state;
            }
            while (true) {
                in.tick(f, line);
                if (h >= 0) {
                    f.slots[h + 2] = ctl;
                }
                Object[] r;
                if (fn == in.ipairsAux && state instanceof LuaTable t && ctl instanceof Double d) {
                    // ipairs_aux without the call: the next index, raw, until the first nil
                    int i = (int) d.doubleValue() + 1;
                    Object v = t.get(i);
                    if (v == null) {
                        return null;
                    }
                    ctl = Double.valueOf(i);
                    Object res = loopBody(f, ctl, v);
                    if (res != null) {
                        return res == BREAK ? null : res;
                    }
                    continue;
                }
                if (fn instanceof BaseLib.Next && state instanceof LuaTable t) {
                    int pos;
                    try {
                        pos = t.nextPosition(ctl);
                    } catch (LuaError e) {
                        throw e.isPending() ? e.complete(Interp.where(f, line), null, false) : e;
                    }
                    if (pos < 0) {
                        return null;
                    }
                    ctl = t.keyAt(pos);
                    Object res = loopBody(f, ctl, t.valueAt(pos));
                    if (res != null) {
                        return res == BREAK ? null : res;
                    }
                    continue;
                }
                try {
                    if (fn instanceof LuaFunction lf) {
                        in.cCalls++; // 5.1 calls the iterator through luaD_call: no yield inside it
                        try {
                            r = lf.call(new Object[] {state, ctl});
                        } finally {
                            in.cCalls--;
                        }
                    } else if (in.metamethod(fn, Interp.S_CALL) != null) {
                        r = in.call(fn, new Object[] {state, ctl});
                    } else {
                        throw Interp.rtError(f, line, "attempt to call " + Interp.desc(null, fn));
                    }
                } catch (LuaError e) {
                    throw e.isPending() ? e.complete(Interp.where(f, line), null, false) : e;
                }
                Object first = r.length == 0 ? null : r[0];
                if (first == null) {
                    return null;
                }
                ctl = first;
                for (int i = 0; i < vs.length; i++) {
                    Local.set(f, vs[i], i < r.length ? r[i] : null);
                }
                if (h >= 0) {
                    f.slots[h + 2] = ctl;
                    in.forceNextLine(); // the jump back to the body
                }
                Object res = body.exec(f);
                if (res != null) {
                    return res == BREAK ? null : res;
                }
                if (h >= 0) {
                    in.lineEvent(f, line, dbgVars, false); // TFORLOOP is on the 'for' line
                }
            }
        }

        /** One iteration whose iterator gave the two values k and v (next, ipairs): the body's result. */
        private Object loopBody(Frame f, Object k, Object v) {
            LocalVar[] vs = vars;
            Local.set(f, vs[0], k);
            if (vs.length > 1) {
                Local.set(f, vs[1], v);
                for (int i = 2; i < vs.length; i++) {
                    Local.set(f, vs[i], null);
                }
            }
            int h = hidden;
            if (h >= 0) {
                f.slots[h + 2] = k;
                in.forceNextLine(); // the jump back to the body
            }
            Object res = body.exec(f);
            if (res == null && h >= 0) {
                in.lineEvent(f, line, dbgVars, false); // TFORLOOP is on the 'for' line
            }
            return res;
        }
    }
}
