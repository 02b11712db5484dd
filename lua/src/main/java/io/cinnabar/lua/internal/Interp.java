package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.lua.internal.Nodes.LocalVar;

/** The state of one Lua universe and the operations with Lua 5.1's coercions and metamethods. */
public final class Interp {
    public static final LuaString S_INDEX = LuaString.of("__index");
    public static final LuaString S_NEWINDEX = LuaString.of("__newindex");
    public static final LuaString S_CALL = LuaString.of("__call");
    public static final LuaString S_EQ = LuaString.of("__eq");
    public static final LuaString S_LT = LuaString.of("__lt");
    public static final LuaString S_LE = LuaString.of("__le");
    public static final LuaString S_CONCAT = LuaString.of("__concat");
    public static final LuaString S_UNM = LuaString.of("__unm");
    public static final LuaString S_TOSTRING = LuaString.of("__tostring");
    public static final LuaString S_METATABLE = LuaString.of("__metatable");
    static final LuaString[] ARITH_EVENTS = {
        LuaString.of("__add"), LuaString.of("__sub"), LuaString.of("__mul"), LuaString.of("__div"),
        LuaString.of("__mod"), LuaString.of("__pow")};
    public static final int ADD = 0;
    public static final int SUB = 1;
    public static final int MUL = 2;
    public static final int DIV = 3;
    public static final int MOD = 4;
    public static final int POW = 5;

    public final LuaTable globals = new LuaTable();
    /** The environment of new chunks and of host functions ({@code getfenv(0)}, {@code setfenv(0, t)}). */
    public LuaTable threadEnv = globals;
    public LuaTable stringMeta;
    /** The base library's select: {@code select(k, ...)} call sites read the varargs themselves while it is. */
    Object select;
    /** ipairs's iterator: a generic 'for' over it indexes the table itself (no call, no argument arrays). */
    Object ipairsAux;
    public int depth;
    /** The pending tail call of this universe (see {@link Nodes.TailCall}). */
    final Nodes.TailCall tailCall = new Nodes.TailCall();
    public int maxDepth = 1000;
    /** Per call depth: the function and line of the call site running there (for error levels). */
    LuaClosure[] siteFn = new LuaClosure[1002];
    int[] siteLine = new int[1002];
    /** Counts down; the hook runs when it reaches 0. */
    public int hookCountdown = Integer.MAX_VALUE;
    public int hookEvery;
    /** Calls made from Java code in the running coroutine (or main): a yield needs none (Lua 5.1's nCcalls). */
    public int cCalls;
    /** The running coroutine, null for the main one. */
    Coroutine current;
    /** Coroutines started and not finished, so a host can end them ({@code Lua.closeCoroutines}). */
    final java.util.Set<Coroutine.State> live = new java.util.HashSet<>();
    /** Coroutines the garbage collector found unreachable (queued by a Cleaner thread), to close here. */
    final java.util.Queue<Coroutine.State> unreachable = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public void installCoroutines() {
        Coroutine.install(this);
    }

    /** Ends the threads of coroutines that can no longer be resumed (on the universe's thread). */
    void closeUnreachable() {
        Coroutine.State s;
        while ((s = unreachable.poll()) != null) {
            s.close();
        }
    }

    /** Ends every suspended coroutine (their thread unwinds); they are dead afterwards. */
    public void closeCoroutines() {
        closeUnreachable();
        for (Coroutine.State s : live.toArray(new Coroutine.State[0])) {
            s.close();
        }
    }
    public Runnable hook;

    public void setMaxDepth(int max) {
        maxDepth = max;
        siteFn = new LuaClosure[max + 2];
        siteLine = new int[max + 2];
        if (lineHook != null) {
            allocDebug();
        }
    }

    // ---- the line hook (code compiled for debugging only)

    /** Called at each line event of debug-compiled code; null: none (the events only update the arrays below). */
    public io.cinnabar.lua.LineHook lineHook;
    /** Per call depth, for debug-compiled functions: the frame, its active locals, and its current line. */
    Frame[] dbgFrame = new Frame[0];
    LocalVar[][] dbgVars = new LocalVar[0][];
    int[] dbgLine = new int[0];
    boolean[] dbgForce = new boolean[0];
    /** Per call depth: the name the call site running there gives its callee (set while a line hook is on). */
    String[] siteName = new String[0];

    public void setLineHook(io.cinnabar.lua.LineHook h) {
        lineHook = h;
        if (h != null && dbgLine.length != siteLine.length) {
            allocDebug();
        }
    }

    private void allocDebug() {
        int n = siteLine.length;
        dbgFrame = new Frame[n];
        dbgVars = new LocalVar[n][];
        dbgLine = new int[n];
        dbgForce = new boolean[n];
        siteName = new String[n];
    }

    /** A debug-compiled function starts: its first line event fires whatever the line. */
    void enterDebugFrame(Frame f) {
        int d = depth;
        if (d < dbgLine.length) {
            dbgFrame[d] = f;
            dbgVars[d] = NO_VARS;
            dbgLine[d] = Integer.MIN_VALUE;
            dbgForce[d] = false;
        }
    }

    private static final LocalVar[] NO_VARS = new LocalVar[0];

    /** A backward jump: the next line event of the running function fires even on the same line. */
    void forceNextLine() {
        int d = depth;
        if (d < dbgForce.length) {
            dbgForce[d] = true;
        }
    }

    /**
     * Lua 5.1's line event: the running debug-compiled function reaches {@code line} with {@code vars} active; the
     * hook runs when the line differs from the previous event's of this call, after a backward jump, or when forced.
     */
    void lineEvent(Frame f, int line, LocalVar[] vars, boolean force) {
        int d = depth;
        if (d >= dbgLine.length) {
            return;
        }
        dbgFrame[d] = f;
        dbgVars[d] = vars;
        boolean fire = force || dbgForce[d] || dbgLine[d] != line;
        dbgForce[d] = false;
        dbgLine[d] = line;
        io.cinnabar.lua.LineHook h = lineHook;
        if (fire && h != null) {
            h.line(line);
        }
    }

    /** The debug frame running at call depth d, or null when that level is not a debug-compiled Lua function. */
    private Frame debugFrameAt(int d) {
        if (d < 1 || d >= dbgFrame.length || dbgFrame[d] == null) {
            return null;
        }
        Frame f = dbgFrame[d];
        return d == depth || siteFn[d] == f.cl ? f : null;
    }

    /**
     * The locals active at debug level {@code level} (0: the function whose line event is running, 1: its caller,
     * ... counting every call level), in declaration order as {name, value} pairs; null past the outermost level.
     */
    public java.util.List<Object[]> debugLocals(int level) {
        int d = depth - level;
        if (d < 1) {
            return null;
        }
        java.util.List<Object[]> out = new java.util.ArrayList<>();
        Frame f = debugFrameAt(d);
        if (f != null && dbgVars[d] != null) {
            for (LocalVar v : dbgVars[d]) {
                Object x = f.slots[v.slot];
                out.add(new Object[] {v.name, x instanceof Cell c ? c.v : x});
            }
        }
        return out;
    }

    /**
     * The debug-compiled levels from the running function outwards: {chunk, line, name} with name null when the
     * caller is not a Lua function (a host call: Lua's "top level" for a script's main function).
     */
    public java.util.List<Object[]> debugStack() {
        java.util.List<Object[]> out = new java.util.ArrayList<>();
        for (int d = depth; d >= 1; d--) {
            Frame f = debugFrameAt(d);
            if (f == null) {
                continue;
            }
            int line = d == depth ? dbgLine[d] : siteLine[d];
            String name = d > 1 && siteFn[d - 1] != null ? siteName[d - 1] : null;
            out.add(new Object[] {f.cl.p.chunk, line, name});
        }
        return out;
    }

    /** The line of the last line event of the running function (debug-compiled code), or 0. */
    public int debugLine() {
        int d = depth;
        return d < dbgLine.length && dbgLine[d] != Integer.MIN_VALUE ? dbgLine[d] : 0;
    }

    /** "chunk:line: " of the call site {@code level} levels up from the running Lua function (1 = its caller). */
    public String whereLevel(int level) {
        int d = depth - level + 1;
        if (level <= 0 || d < 1 || d >= siteLine.length || siteFn[d] == null) {
            return "";
        }
        return siteFn[d].p.chunk + ":" + siteLine[d] + ": ";
    }

    /** A host function that calls back into Lua marks its level, so error levels count it as Lua 5.1 does. */
    public void enterHostFrame() {
        int d = ++depth;
        if (d > maxDepth) {
            depth--;
            throw LuaError.fromLibrary("stack overflow");
        }
        if (d < siteFn.length) {
            siteFn[d] = null;
        }
        if (d < dbgFrame.length) {
            dbgFrame[d] = null;
        }
    }

    /** Counts one instruction at {@code line} of {@code f} (null: a function entry, positioned by its caller). */
    /** Boxed small integers (-128 .. 1023), shared: the results of arithmetic are mostly counters and indexes. */
    private static final Double[] SMALL = new Double[1152];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = (double) (i - 128);
        }
    }

    /** d boxed, without an allocation when it is a small integer (never for -0, which prints as "-0"). */
    static Object box(double d) {
        int i = (int) d;
        if (i == d && i >= -128 && i < 1024 && (i != 0 || Double.doubleToRawLongBits(d) == 0)) {
            return SMALL[i + 128];
        }
        return d;
    }

    public void tick(Frame f, int line) {
        if (--hookCountdown <= 0) {
            fireHook(f, line);
        }
    }

    /**
     * Counts {@code units} instructions of work done inside a library function (a long copy, a pattern search, a
     * sort), so the hook also runs inside one long library call.
     */
    public void charge(int units) {
        if ((hookCountdown -= units) <= 0) {
            fireHook(null, 0);
        }
    }

    /** The largest string or table (in bytes, counting 8 per table slot) a script may make. */
    public long memoryLimit = DEFAULT_MEMORY_LIMIT;
    public static final long DEFAULT_MEMORY_LIMIT = Integer.MAX_VALUE - 16;
    /** Allocations below this size are not checked (the check reads the heap state). */
    static final int CHECK_FROM = 1 << 20;
    /** The universe running on this thread (set by {@code Lua.call}), for the checks made by tables. */
    public static final ThreadLocal<Interp> RUNNING = new ThreadLocal<>();

    /**
     * Refuses an allocation of {@code bytes} past the memory limit or past what the heap has left, with Lua's
     * "not enough memory" error (never an {@link OutOfMemoryError}).
     */
    public void reserve(long bytes) {
        if (bytes >= CHECK_FROM) {
            checkAlloc(bytes, memoryLimit);
            checkRun(bytes);
        }
    }

    /** The same check for code that has no universe at hand (table growth). */
    public static void reserveAny(long bytes) {
        if (bytes >= CHECK_FROM) {
            Interp in = RUNNING.get();
            checkAlloc(bytes, in == null ? DEFAULT_MEMORY_LIMIT : in.memoryLimit);
            if (in != null) {
                in.checkRun(bytes);
            }
        }
    }

    /** Refuses a string or table of {@code bytes} past the limit (a cheap test, no heap reading). */
    public void checkSize(long bytes) {
        if (bytes > memoryLimit || bytes > DEFAULT_MEMORY_LIMIT) {
            throw outOfMemory();
        }
    }

    private static void checkAlloc(long bytes, long limit) {
        Runtime rt = Runtime.getRuntime();
        long headroom = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > limit || bytes > DEFAULT_MEMORY_LIMIT || bytes > headroom) {
            throw outOfMemory();
        }
    }

    /** How much the heap may grow during one outermost call (0: no bound), and the live heap when it started. */
    public long runLimit;
    long runBase;
    private static final java.util.List<java.lang.management.MemoryPoolMXBean> POOLS =
        java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP).toList();

    /**
     * The heap that holds data which survived a collection: every heap pool's current use but the allocation
     * (eden / young) pools', whose use after their last collection counts instead. Garbage a script churns dies
     * young and is not counted; what it keeps (a table it fills) is promoted and is.
     */
    static long liveHeap() {
        long sum = 0;
        for (java.lang.management.MemoryPoolMXBean p : POOLS) {
            String n = p.getName().toLowerCase(java.util.Locale.ROOT);
            java.lang.management.MemoryUsage after = p.getCollectionUsage();
            boolean young = n.contains("eden") || n.contains("young") || n.contains("nursery");
            sum += young && after != null ? after.getUsed() : p.getUsage().getUsed();
        }
        return sum;
    }

    /** An outermost call starts: the base of the run bound. */
    public void beginRun() {
        if (runLimit > 0) {
            runBase = liveHeap();
        }
    }

    /**
     * The run bound: "not enough memory" once the heap, plus an allocation of {@code extra} bytes about to happen,
     * has grown by more than {@link #runLimit} since the outermost call began. A cheap reading of the whole heap
     * comes first; the pools are read only when it is over.
     */
    void checkRun(long extra) {
        if (runLimit <= 0) {
            return;
        }
        Runtime rt = Runtime.getRuntime();
        if (rt.totalMemory() - rt.freeMemory() + extra - runBase <= runLimit) {
            return;
        }
        if (liveHeap() + extra - runBase > runLimit) {
            throw outOfMemory();
        }
    }

    /** Lua 5.1's memory error: the bare message, no position. */
    public static LuaError outOfMemory() {
        return new LuaError(LuaString.of("not enough memory"));
    }

    void fireHook(Frame f, int line) {
        if (hook == null) {
            hookCountdown = Integer.MAX_VALUE;
            return;
        }
        hookCountdown = hookEvery;
        checkRun(0);
        try {
            hook.run();
        } catch (LuaError e) {
            throw f != null && e.isPending() ? e.complete(where(f, line), null, false) : e;
        }
    }

    public static String typeName(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Double) {
            return "number";
        }
        if (v instanceof LuaString) {
            return "string";
        }
        if (v instanceof LuaTable) {
            return "table";
        }
        if (v instanceof LuaFunction) {
            return "function";
        }
        if (v instanceof Coroutine) {
            return "thread";
        }
        return "userdata";
    }

    public static boolean truthy(Object v) {
        return v != null && v != Boolean.FALSE;
    }

    public LuaTable metatable(Object v) {
        if (v instanceof LuaTable t) {
            return t.getMetatable();
        }
        if (v instanceof LuaString) {
            return stringMeta;
        }
        return null;
    }

    public Object metamethod(Object v, LuaString event) {
        LuaTable mt = metatable(v);
        return mt == null ? null : mt.get(event);
    }

    // ---- conversions

    public static Double toNumber(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof LuaString s) {
            return NumFmt.parse(s.array(), s.offset(), s.length());
        }
        return null;
    }

    public static LuaString toStr(Object v) {
        if (v instanceof LuaString s) {
            return s;
        }
        if (v instanceof Double d) {
            return LuaString.of(NumFmt.toLua(d));
        }
        return null;
    }

    /** tostring without metamethods. */
    public static LuaString rawToString(Object v) {
        if (v == null) {
            return LuaString.of("nil");
        }
        if (v instanceof Boolean b) {
            return LuaString.of(b ? "true" : "false");
        }
        LuaString s = toStr(v);
        return s != null ? s : LuaString.of(v.toString());
    }

    public LuaString tostring(Object v) {
        Object h = metamethod(v, S_TOSTRING);
        if (h != null) {
            Object r = first(call(h, new Object[] {v}));
            if (!(r instanceof LuaString) && !(r instanceof Double)) {
                throw LuaError.fromLibrary("'tostring' must return a string to 'print'");
            }
            return toStr(r);
        }
        return rawToString(v);
    }

    public static Object first(Object[] r) {
        return r.length == 0 ? null : r[0];
    }

    // ---- errors

    public static String where(Frame f, int line) {
        if (f == null) {
            return "";
        }
        return f.cl.p.chunk + ":" + line + ": ";
    }

    public static LuaError rtError(Frame f, int line, String msg) {
        return new LuaError(LuaString.of(where(f, line) + msg));
    }

    static String desc(String varInfo, Object v) {
        return varInfo == null ? "a " + typeName(v) + " value" : varInfo + " (a " + typeName(v) + " value)";
    }

    // ---- indexing

    public Object index(Frame f, int line, Object o, Object k, String info) {
        for (int loop = 0; loop < 100; loop++) {
            Object h;
            if (o instanceof LuaTable t) {
                Object v = t.get(k);
                if (v != null) {
                    return v;
                }
                LuaTable mt = t.getMetatable();
                if (mt == null || (h = mt.get(S_INDEX)) == null) {
                    return null;
                }
            } else {
                h = metamethod(o, S_INDEX);
                if (h == null) {
                    throw rtError(f, line, "attempt to index " + desc(loop == 0 ? info : null, o));
                }
            }
            if (h instanceof LuaFunction) {
                return first(callAt(f, line, h, new Object[] {o, k}));
            }
            o = h;
        }
        throw rtError(f, line, "loop in gettable");
    }

    public void setIndex(Frame f, int line, Object o, Object k, Object v, String info) {
        for (int loop = 0; loop < 100; loop++) {
            Object h;
            if (o instanceof LuaTable t) {
                LuaTable mt = t.getMetatable();
                if (mt == null || (h = mt.get(S_NEWINDEX)) == null || t.get(k) != null) {
                    try {
                        t.put(k, v);
                    } catch (LuaError e) {
                        throw e.complete(where(f, line), null, false);
                    }
                    return;
                }
            } else {
                h = metamethod(o, S_NEWINDEX);
                if (h == null) {
                    throw rtError(f, line, "attempt to index " + desc(loop == 0 ? info : null, o));
                }
            }
            if (h instanceof LuaFunction) {
                callAt(f, line, h, new Object[] {o, k, v});
                return;
            }
            o = h;
        }
        throw rtError(f, line, "loop in settable");
    }

    // ---- calls

    /**
     * A call from Java code (a library function, a metamethod, the host): as Lua 5.1's {@code luaD_call} it is a
     * C-call boundary that a coroutine cannot yield across.
     */
    public Object[] call(Object fn, Object[] args) {
        cCalls++;
        try {
            return callDirect(fn, args);
        } finally {
            cCalls--;
        }
    }

    /** A call as a Lua call instruction makes it ({@code __call} resolved, no C-call boundary). */
    public Object[] callDirect(Object fn, Object[] args) {
        if (fn instanceof LuaFunction lf) {
            return lf.call(args);
        }
        Object h = metamethod(fn, S_CALL);
        if (h == null) {
            throw LuaError.fromLibrary("attempt to call " + desc(null, fn));
        }
        Object[] a = new Object[args.length + 1];
        a[0] = fn;
        System.arraycopy(args, 0, a, 1, args.length);
        return callDirect(h, a);
    }

    /** A call made by the interpreter (metamethods): pending library errors get this line. */
    public Object[] callAt(Frame f, int line, Object fn, Object[] args) {
        try {
            return call(fn, args);
        } catch (LuaError e) {
            throw e.isPending() ? e.complete(where(f, line), null, false) : e;
        }
    }

    // ---- arithmetic

    public static double arith(int op, double a, double b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case MOD: return a - Math.floor(a / b) * b;
            default: return Math.pow(a, b);
        }
    }

    public Object arith(Frame f, int line, int op, Object a, Object b, String infoA, String infoB) {
        Double x = toNumber(a);
        Double y = toNumber(b);
        if (x != null && y != null) {
            return arith(op, x, y);
        }
        LuaString ev = ARITH_EVENTS[op];
        Object h = metamethod(a, ev);
        if (h == null) {
            h = metamethod(b, ev);
        }
        if (h != null) {
            return first(callAt(f, line, h, new Object[] {a, b}));
        }
        boolean firstBad = x == null;
        throw rtError(f, line, "attempt to perform arithmetic on "
                + (firstBad ? desc(infoA, a) : desc(infoB, b)));
    }

    public Object unm(Frame f, int line, Object a, String info) {
        Double x = toNumber(a);
        if (x != null) {
            return -x;
        }
        Object h = metamethod(a, S_UNM);
        if (h != null) {
            return first(callAt(f, line, h, new Object[] {a, a}));
        }
        throw rtError(f, line, "attempt to perform arithmetic on " + desc(info, a));
    }

    public Object len(Frame f, int line, Object a, String info) {
        if (a instanceof LuaString s) {
            return (double) s.length();
        }
        if (a instanceof LuaTable t) {
            return (double) t.length();
        }
        throw rtError(f, line, "attempt to get length of " + desc(info, a));
    }

    // ---- comparison

    public static boolean rawEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Double x) {
            return b instanceof Double y && x.doubleValue() == y.doubleValue();
        }
        if (a instanceof LuaString || a instanceof Boolean) {
            return a.equals(b);
        }
        return false;
    }

    public boolean eq(Frame f, int line, Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a instanceof Double x) {
            return b instanceof Double y && x.doubleValue() == y.doubleValue();
        }
        if (a instanceof LuaString) {
            return a.equals(b);
        }
        if (a instanceof LuaTable ta && b instanceof LuaTable tb) {
            Object h = compHandler(ta, tb, S_EQ);
            return h != null && truthy(first(callAt(f, line, h, new Object[] {a, b})));
        }
        return false;
    }

    private Object compHandler(Object a, Object b, LuaString ev) {
        Object h1 = metamethod(a, ev);
        if (h1 == null) {
            return null;
        }
        Object h2 = metamethod(b, ev);
        return rawEquals(h1, h2) ? h1 : null;
    }

    private static LuaError compareError(Frame f, int line, Object a, Object b) {
        String t1 = typeName(a);
        String t2 = typeName(b);
        return rtError(f, line, t1.equals(t2) ? "attempt to compare two " + t1 + " values"
                : "attempt to compare " + t1 + " with " + t2);
    }

    public boolean lt(Frame f, int line, Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x < y;
        }
        if (a instanceof LuaString x && b instanceof LuaString y) {
            return x.compareTo(y) < 0;
        }
        if (typeName(a).equals(typeName(b))) {
            Object h = compHandler(a, b, S_LT);
            if (h != null) {
                return truthy(first(callAt(f, line, h, new Object[] {a, b})));
            }
        }
        throw compareError(f, line, a, b);
    }

    public boolean le(Frame f, int line, Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x <= y;
        }
        if (a instanceof LuaString x && b instanceof LuaString y) {
            return x.compareTo(y) <= 0;
        }
        if (typeName(a).equals(typeName(b))) {
            Object h = compHandler(a, b, S_LE);
            if (h != null) {
                return truthy(first(callAt(f, line, h, new Object[] {a, b})));
            }
            h = compHandler(b, a, S_LT);
            if (h != null) {
                return !truthy(first(callAt(f, line, h, new Object[] {b, a})));
            }
        }
        throw compareError(f, line, a, b);
    }

    // ---- concatenation

    public Object concat(Frame f, int line, Object a, Object b, String infoA, String infoB) {
        LuaString x = toStr(a);
        LuaString y = toStr(b);
        if (x != null && y != null) {
            return concat(x, y);
        }
        Object h = metamethod(a, S_CONCAT);
        if (h == null) {
            h = metamethod(b, S_CONCAT);
        }
        if (h != null) {
            return first(callAt(f, line, h, new Object[] {a, b}));
        }
        throw rtError(f, line, "attempt to concatenate " + (x == null ? desc(infoA, a) : desc(infoB, b)));
    }

    public static LuaString concat(LuaString x, LuaString y) {
        if (x.length() == 0) {
            return y;
        }
        if (y.length() == 0) {
            return x;
        }
        long n = (long) x.length() + y.length();
        if (n >= CHECK_FROM) {
            reserveAny(n);
        }
        byte[] r = new byte[(int) n];
        System.arraycopy(x.array(), x.offset(), r, 0, x.length());
        System.arraycopy(y.array(), y.offset(), r, x.length(), y.length());
        return LuaString.wrap(r);
    }
}
