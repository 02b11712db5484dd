package io.cinnabar.lua.internal;

import static io.cinnabar.lua.internal.Lexer.*;

import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.internal.Nodes.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Lua 5.1's grammar, compiled straight to the closure tree of {@link Nodes}. */
public final class Parser {
    private static final int MAX_LEVELS = 200;
    private static final int MAX_LOCALS = 200;

    private final Lexer lx;
    private final Interp in;
    private FuncState fs;
    private int levels;

    private static final class FuncState {
        final FuncState parent;
        final Proto p;
        final List<LocalVar> actives = new ArrayList<>();
        int freeSlot;
        final List<Integer> upFrom = new ArrayList<>();
        final List<String> upNames = new ArrayList<>();
        final Map<Object, Integer> upIndex = new HashMap<>();
        int loops;
        /** Every local of the function and every node that depends on which of them are numbers. */
        final List<LocalVar> vars = new ArrayList<>();
        final List<Fix> fixups = new ArrayList<>();

        FuncState(FuncState parent, Proto p) {
            this.parent = parent;
            this.p = p;
        }
    }

    private final String runtimeChunk;
    /** Compiling for a debugger: statements, loop back-edges and function ends report their line to the hook. */
    private final boolean debug;

    private Parser(Interp in, byte[] src, String syntaxChunk, String runtimeChunk, boolean debug) {
        this.in = in;
        this.lx = new Lexer(src, syntaxChunk);
        this.runtimeChunk = runtimeChunk;
        this.debug = debug;
    }

    /** The printable chunk name ({@code luaO_chunkid}) for a chunk name given to load. */
    public static String chunkId(String name, int idSize) {
        if (name.startsWith("=")) {
            return name.length() > idSize ? name.substring(1, idSize) : name.substring(1);
        }
        if (name.startsWith("@")) {
            String s = name.substring(1);
            int max = idSize - 4;
            if (s.length() > max) {
                s = "..." + s.substring(s.length() - max + 3);
            }
            return s;
        }
        int len = 0;
        while (len < name.length() && name.charAt(len) != '\n' && name.charAt(len) != '\r') {
            len++;
        }
        int max = idSize - 17;
        if (len > max) {
            len = max;
        }
        if (len < name.length()) {
            return "[string \"" + name.substring(0, len) + "...\"]";
        }
        return "[string \"" + name + "\"]";
    }

    /** Compiles a chunk to a function; syntax errors are {@link io.cinnabar.lua.LuaError}s with Lua's text. */
    public static LuaClosure compile(Interp in, byte[] src, String chunkName) {
        return compile(in, src, chunkName, false);
    }

    /**
     * Compiles a chunk; with {@code debug} the code also reports line events to {@link Interp#lineEvent} (Lua 5.1's
     * line hook: a new line, a backward jump, a function's entry and its closing {@code end}).
     */
    public static LuaClosure compile(Interp in, byte[] src, String chunkName, boolean debug) {
        Parser p = new Parser(in, src, chunkId(chunkName, 80), chunkId(chunkName, 60), debug);
        try {
            return p.mainChunk();
        } catch (StackOverflowError e) {
            throw new io.cinnabar.lua.LuaError(LuaString.of(p.lx.chunk + ":" + p.lx.line
                    + ": chunk has too many syntax levels"));
        }
    }

    private LuaClosure mainChunk() {
        Proto p = new Proto(in, runtimeChunk, 0);
        p.vararg = true;
        fs = new FuncState(null, p);
        lx.next();
        Block b = block();
        if (lx.tok != EOF) {
            throw errorExpected(EOF);
        }
        close(fs, debugBody(b, lx.lastLine)); // 5.1's final return: the line of the last token
        return new LuaClosure(p, new Cell[0], in.threadEnv);
    }

    /** Registers a node for the number analysis of the function being compiled. */
    private <T> T fx(T node) {
        fs.fixups.add((Fix) node);
        return node;
    }

    /** The most rounds of {@link #numbers}; past it no local is kept unboxed (always correct, just slower). */
    private static final int NUM_ROUNDS = 8;

    /**
     * Decides which locals of a function hold only numbers ({@link LocalVar#num}, kept unboxed in the frame) and
     * fixes its nodes accordingly. Optimistic: every initialised, uncaptured local without a disqualifying value
     * starts as a number; a round fixes the nodes (children first) and drops the locals given a value that is not
     * {@link Expr#num}; it ends when a round drops none. Then the other uncaptured locals that get the result of
     * some arithmetic ({@code s = s + t[i]}) become {@link LocalVar#spec}: numbers unboxed, other values in the
     * slot. Code compiled for debugging keeps every local boxed (the debugger reads the slots).
     */
    private void numbers(FuncState f) {
        if (debug) {
            return;
        }
        boolean any = false;
        for (LocalVar v : f.vars) {
            v.num = v.init && !v.noNum && !v.captured;
            any |= v.num;
        }
        for (int round = 0; any; round++) {
            for (Fix x : f.fixups) {
                x.fix();
            }
            boolean dropped = false;
            any = false;
            for (LocalVar v : f.vars) {
                if (v.num && v.sets != null) {
                    for (Expr e : v.sets) {
                        if (!e.num()) {
                            v.num = false;
                            dropped = true;
                            break;
                        }
                    }
                }
                any |= v.num;
            }
            if (!dropped) {
                break;
            }
            if (round == NUM_ROUNDS) {
                for (LocalVar v : f.vars) {
                    v.num = false;
                }
                any = false;
            }
        }
        boolean spec = false;
        for (LocalVar v : f.vars) {
            if (!v.num && !v.captured && v.sets != null) {
                for (Expr e : v.sets) {
                    if (e instanceof Arith) {
                        v.spec = true;
                        spec = true;
                        break;
                    }
                }
            }
        }
        for (Fix x : f.fixups) {
            x.fix();
        }
        f.p.numLocals = any || spec;
    }

    /** Records that {@code v} gets the value of {@code e} (null: a value the analysis cannot see). */
    private static void sets(LocalVar v, Expr e) {
        if (e == null) {
            v.noNum = true;
            return;
        }
        if (v.sets == null) {
            v.sets = new ArrayList<>(2);
        }
        v.sets.add(e);
    }

    private void close(FuncState f, Block body) {
        numbers(f);
        Proto p = f.p;
        p.body = body;
        p.upFrom = f.upFrom.stream().mapToInt(Integer::intValue).toArray();
        p.upNames = f.upNames.toArray(new String[0]);
        if (p.maxSlots < f.freeSlot) {
            p.maxSlots = f.freeSlot;
        }
    }

    // ---- helpers

    private io.cinnabar.lua.LuaError errorExpected(int t) {
        return lx.error("'" + Lexer.tokenText(t) + "' expected", true);
    }

    private io.cinnabar.lua.LuaError syntaxError(String msg) {
        return lx.error(msg, true);
    }

    private void check(int t) {
        if (lx.tok != t) {
            throw errorExpected(t);
        }
    }

    private void checkNext(int t) {
        check(t);
        lx.next();
    }

    private boolean testNext(int t) {
        if (lx.tok == t) {
            lx.next();
            return true;
        }
        return false;
    }

    private void checkMatch(int what, int who, int line) {
        if (lx.tok != what) {
            if (line == lx.line) {
                throw errorExpected(what);
            }
            throw syntaxError("'" + Lexer.tokenText(what) + "' expected (to close '" + Lexer.tokenText(who)
                    + "' at line " + line + ")");
        }
        lx.next();
    }

    private LuaString name() {
        check(NAME);
        LuaString s = lx.sval;
        lx.next();
        return s;
    }

    private void enterLevel() {
        if (++levels > MAX_LEVELS) {
            throw new io.cinnabar.lua.LuaError(LuaString.of(lx.chunk + ":" + lx.line
                    + ": chunk has too many syntax levels"));
        }
    }

    private static boolean blockFollow(int t) {
        return t == ELSE || t == ELSEIF || t == END || t == UNTIL || t == EOF;
    }

    // ---- debug compilation

    /** The locals active now, in declaration order (what Lua's getlocal lists at this point). */
    private LocalVar[] actives() {
        return fs.actives.toArray(new LocalVar[0]);
    }

    /**
     * The line a statement first reports: where its first instruction would be, i.e. its first line, except for
     * function statements, whose closure is made at their {@code end}.
     */
    private int lineOf(int tok, Stat s, int startLine) {
        return tok == FUNCTION || s instanceof LocalFunction ? lx.lastLine : startLine;
    }

    /** Declares three consecutive hidden loop locals and returns the first slot. */
    private int hiddenLocals(String a, String b, String c) {
        LocalVar x = declare(a);
        fs.actives.add(x);
        fs.actives.add(declare(b));
        fs.actives.add(declare(c));
        x.noNum = true;
        return x.slot;
    }

    /** A function body with its entry mark and its closing line event (debug compilation only). */
    private Block debugBody(Block b, int endLine) {
        if (!debug) {
            return b;
        }
        Stat[] stats = new Stat[b.stats.length + 2];
        stats[0] = new Entry(in);
        System.arraycopy(b.stats, 0, stats, 1, b.stats.length);
        stats[stats.length - 1] = new Line(in, endLine, new LocalVar[0], null);
        return new Block(b.line, stats);
    }

    // ---- scopes

    private LocalVar declare(String name) {
        if (fs.actives.size() >= MAX_LOCALS) {
            throw syntaxError("too many local variables (limit is " + MAX_LOCALS + ") in "
                    + (fs.parent == null ? "main function" : "function at line " + fs.p.line));
        }
        LocalVar v = new LocalVar(name, fs.freeSlot++);
        fs.vars.add(v);
        if (fs.p.maxSlots < fs.freeSlot) {
            fs.p.maxSlots = fs.freeSlot;
        }
        return v;
    }

    private static LocalVar findLocal(FuncState f, String name) {
        for (int i = f.actives.size() - 1; i >= 0; i--) {
            LocalVar v = f.actives.get(i);
            if (v.name.equals(name)) {
                return v;
            }
        }
        return null;
    }

    private int findUp(FuncState f, String name) {
        if (f.parent == null) {
            return -1;
        }
        LocalVar v = findLocal(f.parent, name);
        if (v != null) {
            v.captured = true;
            v.read = true;
            return addUp(f, v, v.slot, name);
        }
        int pu = findUp(f.parent, name);
        if (pu < 0) {
            return -1;
        }
        return addUp(f, pu, -pu - 1, name);
    }

    private int addUp(FuncState f, Object key, int from, String name) {
        Integer i = f.upIndex.get(key);
        if (i != null) {
            return i;
        }
        if (f.upFrom.size() >= 60) {
            throw syntaxError("function at line " + f.p.line + " has more than 60 upvalues");
        }
        f.upFrom.add(from);
        f.upNames.add(name);
        f.upIndex.put(key, f.upFrom.size() - 1);
        return f.upFrom.size() - 1;
    }

    private Expr singleVar(LuaString n, int line) {
        String s = n.toString();
        LocalVar v = findLocal(fs, s);
        if (v != null) {
            v.read = true;
            return fx(new LocalGet(line, v));
        }
        int u = findUp(fs, s);
        if (u >= 0) {
            return new UpGet(line, u, s);
        }
        return new GlobalGet(line, in, n);
    }

    // ---- statements

    private Block block() {
        int line = lx.line;
        int nact = fs.actives.size();
        int free = fs.freeSlot;
        List<Stat> stats = new ArrayList<>();
        boolean last = false;
        while (!last && !blockFollow(lx.tok)) {
            if (lx.tok == RETURN || lx.tok == BREAK) {
                last = true;
            }
            enterLevel();
            int sline = lx.line;
            int tok = lx.tok;
            LocalVar[] vars = debug ? actives() : null;
            Stat s = statement();
            levels--;
            if (s != null) {
                // 'repeat' emits no instruction of its own: its first event is its body's
                stats.add(debug && !(s instanceof Repeat) ? new Line(in, lineOf(tok, s, sline), vars, s) : s);
            }
            testNext(';');
        }
        while (fs.actives.size() > nact) {
            fs.actives.remove(fs.actives.size() - 1);
        }
        fs.freeSlot = free;
        return new Block(line, stats.toArray(new Stat[0]));
    }

    private Stat statement() {
        int line = lx.line;
        switch (lx.tok) {
            case IF:
                return ifStat(line);
            case WHILE: {
                lx.next();
                Expr cond = expr();
                checkNext(DO);
                fs.loops++;
                Block b = block();
                fs.loops--;
                checkMatch(END, WHILE, line);
                While w = new While(line, in, cond, b);
                w.dbgVars = debug ? actives() : null;
                return w;
            }
            case DO: {
                lx.next();
                Block b = block();
                checkMatch(END, DO, line);
                return new Do(line, b);
            }
            case FOR:
                return forStat(line);
            case REPEAT: {
                lx.next();
                fs.loops++;
                // the condition sees the body's locals: parse both in one scope
                int nact = fs.actives.size();
                int free = fs.freeSlot;
                List<Stat> stats = new ArrayList<>();
                boolean last = false;
                while (!last && !blockFollow(lx.tok)) {
                    if (lx.tok == RETURN || lx.tok == BREAK) {
                        last = true;
                    }
                    enterLevel();
                    int sline = lx.line;
                    int tok = lx.tok;
                    LocalVar[] vars = debug ? actives() : null;
                    Stat s = statement();
                    levels--;
                    stats.add(debug && !(s instanceof Repeat) ? new Line(in, lineOf(tok, s, sline), vars, s) : s);
                    testNext(';');
                }
                fs.loops--;
                checkMatch(UNTIL, REPEAT, line);
                int condLine = lx.line;
                LocalVar[] condVars = debug ? actives() : null;
                Expr cond = expr();
                while (fs.actives.size() > nact) {
                    fs.actives.remove(fs.actives.size() - 1);
                }
                fs.freeSlot = free;
                Repeat rep = new Repeat(line, in, new Block(line, stats.toArray(new Stat[0])), cond);
                rep.condLine = condLine;
                rep.dbgVars = condVars;
                return rep;
            }
            case FUNCTION:
                return funcStat(line);
            case LOCAL:
                lx.next();
                if (testNext(FUNCTION)) {
                    LuaString n = name();
                    LocalVar v = declare(n.toString());
                    v.noNum = true;
                    fs.actives.add(v);
                    FunctionExpr fn = body(false, line);
                    return new LocalFunction(line, v, fn);
                }
                return localStat(line);
            case RETURN: {
                lx.next();
                Expr[] es;
                if (blockFollow(lx.tok) || lx.tok == ';') {
                    es = new Expr[0];
                } else {
                    es = exprList();
                }
                return Return.of(line, es);
            }
            case BREAK:
                lx.next();
                if (fs.loops == 0) {
                    throw syntaxError("no loop to break");
                }
                return new Break(line);
            default:
                return exprStat(line);
        }
    }

    private Stat ifStat(int line) {
        List<Expr> conds = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        lx.next();
        conds.add(expr());
        checkNext(THEN);
        blocks.add(block());
        Block orElse = null;
        List<Integer> condLines = new ArrayList<>();
        condLines.add(line);
        while (lx.tok == ELSEIF) {
            condLines.add(lx.line);
            lx.next();
            conds.add(expr());
            checkNext(THEN);
            blocks.add(block());
        }
        if (testNext(ELSE)) {
            orElse = block();
        }
        checkMatch(END, IF, line);
        if (!debug && conds.size() == 1) {
            return new Nodes.If1(line, conds.get(0), Nodes.If1.single(blocks.get(0)), orElse == null ? null
                    : Nodes.If1.single(orElse));
        }
        If r = new If(line, conds.toArray(new Expr[0]), blocks.toArray(new Block[0]), orElse);
        if (debug) {
            r.in = in;
            r.condLines = condLines.stream().mapToInt(Integer::intValue).toArray();
            r.dbgVars = actives();
        }
        return r;
    }

    private Stat forStat(int line) {
        lx.next();
        LuaString n1 = name();
        int free = fs.freeSlot;
        int nact = fs.actives.size();
        Stat result;
        if (lx.tok == '=') {
            lx.next();
            Expr start = expr();
            checkNext(',');
            Expr limit = expr();
            Expr step = testNext(',') ? expr() : null;
            checkNext(DO);
            int hidden = -1;
            if (debug) { // Lua 5.1's internal loop locals, shown by a debugger's locals listing
                hidden = hiddenLocals("(for index)", "(for limit)", "(for step)");
            }
            LocalVar v = declare(n1.toString());
            v.init = true; // always a number unless the body assigns it something else
            fs.actives.add(v);
            fs.loops++;
            Block b = block();
            fs.loops--;
            NumFor nf = new NumFor(line, in, v, start, limit, step, b);
            nf.hidden = hidden;
            nf.dbgVars = debug ? actives() : null;
            result = nf;
        } else if (lx.tok == ',' || lx.tok == IN) {
            List<LuaString> names = new ArrayList<>();
            names.add(n1);
            while (testNext(',')) {
                names.add(name());
            }
            checkNext(IN);
            Expr[] es = exprList();
            checkNext(DO);
            int hidden = -1;
            if (debug) {
                hidden = hiddenLocals("(for generator)", "(for state)", "(for control)");
            }
            LocalVar[] vs = new LocalVar[names.size()];
            for (int i = 0; i < vs.length; i++) {
                vs[i] = declare(names.get(i).toString());
                vs[i].noNum = true;
            }
            for (LocalVar v : vs) {
                fs.actives.add(v);
            }
            fs.loops++;
            Block b = block();
            fs.loops--;
            GenFor gf = new GenFor(line, in, vs, es, b);
            gf.hidden = hidden;
            gf.dbgVars = debug ? actives() : null;
            result = gf;
        } else {
            throw syntaxError("'=' or 'in' expected");
        }
        checkMatch(END, FOR, line);
        while (fs.actives.size() > nact) {
            fs.actives.remove(fs.actives.size() - 1);
        }
        fs.freeSlot = free;
        return result;
    }

    private Stat funcStat(int line) {
        lx.next();
        int nline = lx.line;
        LuaString n = name();
        Expr target = singleVar(n, nline);
        Expr obj = null;
        Expr key = null;
        boolean method = false;
        while (lx.tok == '.' || lx.tok == ':') {
            method = lx.tok == ':';
            lx.next();
            LuaString k = name();
            if (obj != null) {
                target = fx(new Index(lx.lastLine, in, obj, key));
            }
            obj = target;
            key = new Const(lx.lastLine, k);
            if (method) {
                break;
            }
        }
        FunctionExpr fn = body(method, line);
        Target t;
        if (obj != null) {
            t = fx(new IndexTarget(line, in, obj, key));
        } else {
            t = target(target);
        }
        return assign(line, new Target[] {t}, new Expr[] {fn});
    }

    private Target target(Expr e) {
        if (e instanceof LocalGet l) {
            return new LocalTarget(l.var);
        }
        if (e instanceof UpGet u) {
            return new UpTarget(u.idx);
        }
        if (e instanceof GlobalGet g) {
            return new GlobalTarget(g.line, in, g.name);
        }
        if (e instanceof Index i) {
            return fx(new IndexTarget(i.line, in, i.obj, i.key));
        }
        throw syntaxError("syntax error");
    }

    private Stat localStat(int line) {
        List<String> names = new ArrayList<>();
        do {
            names.add(name().toString());
        } while (testNext(','));
        Expr[] es = testNext('=') ? exprList() : new Expr[0];
        LocalVar[] vs = new LocalVar[names.size()];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = declare(names.get(i));
            vs[i].init = true;
            sets(vs[i], i < es.length ? es[i] : null);
        }
        for (LocalVar v : vs) {
            fs.actives.add(v);
        }
        return new Local(line, vs, es);
    }

    private Stat exprStat(int line) {
        Expr e = suffixedExpr();
        if (e instanceof CallSite c) {
            return new ExprStat(line, c);
        }
        List<Target> ts = new ArrayList<>();
        ts.add(target(e));
        while (testNext(',')) {
            ts.add(target(suffixedExpr()));
        }
        checkNext('=');
        Expr[] es = exprList();
        return assign(line, ts.toArray(new Target[0]), es);
    }

    private Assign assign(int line, Target[] ts, Expr[] es) {
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] instanceof LocalTarget lt) {
                sets(lt.var, i < es.length ? es[i] : null);
            }
        }
        return fx(new Assign(line, ts, es));
    }

    // ---- functions

    private FunctionExpr body(boolean method, int line) {
        Proto p = new Proto(in, runtimeChunk, line);
        FuncState f = new FuncState(fs, p);
        fs = f;
        List<LocalVar> params = new ArrayList<>();
        if (method) {
            LocalVar self = declare("self");
            self.noNum = true;
            params.add(self);
            f.actives.add(self);
        }
        checkNext('(');
        if (lx.tok != ')') {
            do {
                if (lx.tok == NAME) {
                    LocalVar v = declare(name().toString());
                    v.noNum = true;
                    params.add(v);
                    f.actives.add(v);
                } else if (lx.tok == DOTS) {
                    lx.next();
                    p.vararg = true;
                    break;
                } else {
                    throw syntaxError("<name> or '...' expected");
                }
            } while (testNext(','));
        }
        checkNext(')');
        p.nparams = params.size();
        Block b = block();
        checkMatch(END, FUNCTION, line);
        close(f, debugBody(b, lx.lastLine));
        boolean[] cap = new boolean[params.size()];
        boolean any = false;
        for (int i = 0; i < cap.length; i++) {
            cap[i] = params.get(i).captured;
            any |= cap[i];
        }
        p.paramCaptured = any ? cap : null;
        fs = f.parent;
        return new FunctionExpr(line, p);
    }

    // ---- expressions

    private Expr[] exprList() {
        List<Expr> es = new ArrayList<>();
        es.add(expr());
        while (testNext(',')) {
            es.add(expr());
        }
        return es.toArray(new Expr[0]);
    }

    private Expr expr() {
        return subExpr(0);
    }

    private static int leftPrio(int t) {
        switch (t) {
            case OR: return 1;
            case AND: return 2;
            case '<': case '>': case LE: case GE: case NE: case EQ: return 3;
            case CONCAT: return 5;
            case '+': case '-': return 6;
            case '*': case '/': case '%': return 7;
            case '^': return 10;
            default: return -1;
        }
    }

    private static int rightPrio(int t) {
        switch (t) {
            case CONCAT: return 4;
            case '^': return 9;
            default: return leftPrio(t);
        }
    }

    private static final int UNARY_PRIO = 8;

    private Expr subExpr(int limit) {
        enterLevel();
        Expr e;
        int t = lx.tok;
        if (t == NOT || t == '-' || t == '#') {
            int line = lx.line;
            lx.next();
            Expr a = subExpr(UNARY_PRIO);
            line = lx.lastLine;
            if (t == NOT) {
                e = new Not(line, a);
            } else if (t == '-') {
                e = a instanceof Const c && c.v instanceof Double d ? new Const(line, -d) : fx(new Unm(line, in, a));
            } else {
                e = new Len(line, in, a);
            }
        } else {
            e = simpleExpr();
        }
        int op = lx.tok;
        int lp = leftPrio(op);
        while (lp > limit) {
            lx.next();
            Expr b = subExpr(rightPrio(op));
            int line = lx.lastLine;
            e = binary(op, e, b, line);
            op = lx.tok;
            lp = leftPrio(op);
        }
        levels--;
        return e;
    }

    private Expr binary(int op, Expr a, Expr b, int line) {
        switch (op) {
            case OR: return new Or(line, a, b);
            case AND: return new And(line, a, b);
            case '<': return fx(new Compare(line, in, Nodes.LT, a, b));
            case '>': return fx(new Compare(line, in, Nodes.GT, a, b));
            case LE: return fx(new Compare(line, in, Nodes.LE, a, b));
            case GE: return fx(new Compare(line, in, Nodes.GE, a, b));
            case EQ: return fx(new Compare(line, in, Nodes.EQ, a, b));
            case NE: return fx(new Compare(line, in, Nodes.NE, a, b));
            case CONCAT: {
                if (b instanceof Concat c) {
                    Expr[] parts = new Expr[c.parts.length + 1];
                    parts[0] = a;
                    System.arraycopy(c.parts, 0, parts, 1, c.parts.length);
                    return fx(new Concat(line, in, parts));
                }
                return fx(new Concat(line, in, new Expr[] {a, b}));
            }
            case '+': return fx(new Arith(line, in, Interp.ADD, a, b));
            case '-': return fx(new Arith(line, in, Interp.SUB, a, b));
            case '*': return fx(new Arith(line, in, Interp.MUL, a, b));
            case '/': return fx(new Arith(line, in, Interp.DIV, a, b));
            case '%': return fx(new Arith(line, in, Interp.MOD, a, b));
            default: return fx(new Arith(line, in, Interp.POW, a, b));
        }
    }

    private Expr simpleExpr() {
        int line = lx.line;
        switch (lx.tok) {
            case NUMBER: {
                double v = lx.nval;
                lx.next();
                return new Const(line, v);
            }
            case STRING: {
                LuaString s = lx.sval;
                lx.next();
                return new Const(line, s);
            }
            case NIL:
                lx.next();
                return new Const(line, null);
            case TRUE:
                lx.next();
                return new Const(line, Boolean.TRUE);
            case FALSE:
                lx.next();
                return new Const(line, Boolean.FALSE);
            case DOTS:
                if (!fs.p.vararg) {
                    throw syntaxError("cannot use '...' outside a vararg function");
                }
                lx.next();
                return new Vararg(line);
            case '{':
                return constructor();
            case FUNCTION:
                lx.next();
                return body(false, line);
            default:
                return suffixedExpr();
        }
    }

    private Expr primaryExpr() {
        int line = lx.line;
        if (lx.tok == NAME) {
            LuaString n = lx.sval;
            lx.next();
            return singleVar(n, line);
        }
        if (lx.tok == '(') {
            lx.next();
            Expr e = expr();
            checkMatch(')', '(', line);
            return fx(new Paren(line, e));
        }
        throw syntaxError("unexpected symbol");
    }

    private Expr suffixedExpr() {
        Expr e = primaryExpr();
        while (true) {
            switch (lx.tok) {
                case '.': {
                    lx.next();
                    int l = lx.line;
                    LuaString k = name();
                    e = fx(new Index(l, in, e, new Const(l, k)));
                    break;
                }
                case '[': {
                    lx.next();
                    Expr k = expr();
                    checkNext(']');
                    e = fx(new Index(lx.lastLine, in, e, k));
                    break;
                }
                case ':': {
                    lx.next();
                    LuaString n = name();
                    int line = lx.line;
                    Expr[] args = callArgs();
                    e = new MethodCall(line, in, e, n, args);
                    break;
                }
                case '(':
                case STRING:
                case '{': {
                    int line = lx.line;
                    Expr[] args = callArgs();
                    e = new Call(line, in, e, args);
                    break;
                }
                default:
                    return e;
            }
        }
    }

    private Expr[] callArgs() {
        int line = lx.line;
        switch (lx.tok) {
            case STRING: {
                LuaString s = lx.sval;
                lx.next();
                return new Expr[] {new Const(line, s)};
            }
            case '{':
                return new Expr[] {constructor()};
            case '(': {
                if (line != lx.lastLine) {
                    throw syntaxError("ambiguous syntax (function call x new statement)");
                }
                lx.next();
                Expr[] args = lx.tok == ')' ? new Expr[0] : exprList();
                checkMatch(')', '(', line);
                return args;
            }
            default:
                throw syntaxError("function arguments expected");
        }
    }

    private Expr constructor() {
        int line = lx.line;
        checkNext('{');
        List<Expr> items = new ArrayList<>();
        List<Expr> keys = new ArrayList<>();
        List<Expr> vals = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean lastItem = false;
        while (lx.tok != '}') {
            lastItem = false;
            if (lx.tok == NAME && lx.peek() == '=') {
                int l = lx.line;
                LuaString k = name();
                lx.next();
                keys.add(new Const(l, k));
                after.add(items.size());
                vals.add(expr());
            } else if (lx.tok == '[') {
                lx.next();
                after.add(items.size());
                keys.add(expr());
                checkNext(']');
                checkNext('=');
                vals.add(expr());
            } else {
                Expr e = expr();
                items.add(e);
                lastItem = true;
            }
            if (!testNext(',') && !testNext(';')) {
                break;
            }
        }
        checkMatch('}', '{', line);
        // only the last positional item keeps all its values
        for (int i = 0; i < items.size() - (lastItem ? 1 : 0); i++) {
            Expr e = items.get(i);
            if (e.isMulti()) {
                items.set(i, fx(new Paren(e.line, e)));
            }
        }
        return new TableCons(line, in, items.toArray(new Expr[0]), keys.toArray(new Expr[0]),
                vals.toArray(new Expr[0]), after.stream().mapToInt(Integer::intValue).toArray());
    }
}
