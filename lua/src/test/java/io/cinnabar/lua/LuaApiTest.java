package io.cinnabar.lua;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The host-facing API: hook, host functions, strict globals, limits, hostile sources. */
class LuaApiTest {
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    private static String str(Object o) {
        return o == null ? "nil" : o.toString();
    }

    /** com.sun.management's count of the bytes this thread allocated (reflection: the module does not read it). */
    private static long allocatedBytes() {
        try {
            Object bean = java.lang.management.ManagementFactory.getThreadMXBean();
            return (long) Class.forName("com.sun.management.ThreadMXBean")
                    .getMethod("getCurrentThreadAllocatedBytes").invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * table.insert at 2^31 (int -2^31 after lua5.1's conversion) would move every key from the end down to -2^31:
     * two billion moves of absent keys, 20 s in lua5.1. Below the table's smallest key each move only sets an absent
     * key to nil, so the loop stops there, with lua5.1's result (positions.lua compares the cheaper cases).
     */
    @Test
    void tableInsertFarBelowTheKeysStopsAtTheSmallestKey() {
        Lua lua = new Lua();
        LuaFunction f = lua.load("local t = {1, 2, 3, x = 'y'} table.insert(t, 2^31, 'v') local ks = {} "
                + "for k in pairs(t) do if type(k) == 'number' then ks[#ks + 1] = k end end table.sort(ks) "
                + "local out = {} for _, k in ipairs(ks) do out[#out + 1] = string.format('%.14g=%s', k, "
                + "tostring(t[k])) end return table.concat(out, ' ')", "=insert");
        Object[] r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> lua.call(f));
        assertEquals("-2147483648=v 2=1 3=2 4=3", r[0].toString());
    }

    /** Locals that only ever hold numbers stay unboxed: a loop doing arithmetic on them makes no garbage. */
    @Test
    void arithmeticOnNumberLocalsAllocatesNothingPerIteration() {
        Lua lua = new Lua();
        LuaFunction f = lua.load("local s, x = 0, 0 for i = 1, 200000 do s = s + i * 2 x = x - 1 end "
                + "while x < 0 do x = x + 1 end local t = {} for i = 1, 1000 do t[i] = i end "
                + "for i = 1, 200000 do x = x + (i % 1000 + 1) / #t end return s, x", "=sum");
        lua.call(f); // the first call also loads classes
        long before = allocatedBytes();
        Object[] r = lua.call(f);
        long used = allocatedBytes() - before;
        assertEquals(4.00002e10, r[0]);
        assertEquals(100100.0, (Double) r[1], 1e-6);
        // a box per value would be 16 bytes x 1 000 000 (about 16 MB); the table's 1000 boxes remain
        assertTrue(used < 1 << 20, used + " bytes allocated");
    }

    /**
     * select('#', ...) and select(i, ...) with a local or constant index read the frame's varargs (no argument or
     * result array), a vararg function called with fixed arguments gets them without an argument array, and a
     * method of fixed parameters gets self and its arguments straight into its slots.
     */
    @Test
    void varargsSelectAndMethodCallsMakeNoArgumentArrays() {
        Lua lua = new Lua();
        LuaFunction f = lua.load("local function n(...) local c = select('#', ...) return c + (select(2, ...)) end "
                + "local o = {v = 0} function o:add(x) self.v = self.v + x end "
                + "local s = 0 for i = 1, 100000 do s = s + n(1, 2, 3) o:add(1) end return s, o.v", "=va");
        lua.call(f);
        long before = allocatedBytes();
        Object[] r = lua.call(f);
        long used = allocatedBytes() - before;
        assertEquals(500000.0, r[0]);
        assertEquals(100000.0, r[1]);
        // about 210 bytes an iteration now (frames, slot arrays, n's varargs); 460 with the argument arrays of n,
        // of both selects and of add, and the selects' result arrays
        assertTrue(used < 100000L * 280, used + " bytes allocated");
    }

    /**
     * A call allocates its frame (40 bytes) and its slot array, nothing else: a tail call no longer allocates a
     * pending-call object (the universe's one is reused), and the frame lost two fields.
     */
    @Test
    void callsAllocateOnlyTheirFrameAndSlots() {
        Lua lua = new Lua();
        LuaFunction tail = lua.load("local function t(n) if n == 0 then return 0 end return t(n - 1) end "
                + "local s = 0 for r = 1, 100 do s = s + t(1000) end return s", "=tail");
        lua.call(tail);
        long before = allocatedBytes();
        lua.call(tail);
        long used = allocatedBytes() - before;
        // 100 100 calls: 64 bytes each now (frame 40, slot array 24), 104 with the TailCall and the wider frame
        assertTrue(used < 100100L * 80, used + " bytes allocated");
        LuaFunction fib = lua.load("local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) "
                + "end local s = 0 for i = 1, 10 do s = s + fib(20) end return s", "=fib");
        lua.call(fib);
        before = allocatedBytes();
        Object[] r = lua.call(fib);
        used = allocatedBytes() - before;
        assertEquals(67650.0, r[0]);
        // 218 910 calls: 64.0 bytes each now, 72.0 before (the frame's proto and other fields)
        assertTrue(used < 218910L * 68, used + " bytes allocated");
    }

    /** A local given arithmetic on values of unknown type (s = s + t[i]) keeps the numbers it gets unboxed. */
    @Test
    void summingTableValuesAllocatesNothingPerIteration() {
        Lua lua = new Lua();
        LuaFunction f = lua.load("local t = {} for i = 1, 1000 do t[i] = i * 1.5 end local s = 0 "
                + "for r = 1, 200 do for i = 1, #t do s = s + t[i] end end return s", "=sum");
        lua.call(f);
        long before = allocatedBytes();
        Object[] r = lua.call(f);
        long used = allocatedBytes() - before;
        assertEquals(200 * 1.5 * 500500, r[0]);
        // a box per addition would be 16 bytes x 200 000 (3.2 MB); the table's 1000 boxes remain
        assertTrue(used < 1 << 20, used + " bytes allocated");
    }

    /** s = s .. x appends in place to the buffer of s (linear), instead of copying s at every step (quadratic). */
    @Test
    void aStringGrownByConcatIsAppendedInPlace() {
        Lua lua = new Lua();
        LuaFunction f = lua.load("local s, keep = '', {} for i = 1, 20000 do s = s .. 'ab' "
                + "if i % 5000 == 0 then keep[#keep + 1] = s end end "
                + "return #s, s:sub(-4), #keep[1], keep[2]:sub(-3), #keep[3]", "=grow");
        long before = allocatedBytes();
        Object[] r = lua.call(f);
        long used = allocatedBytes() - before;
        assertEquals(40000.0, r[0]);
        assertEquals("abab", str(r[1]));
        assertEquals(10000.0, r[2]);
        assertEquals("bab", str(r[3]));
        assertEquals(30000.0, r[4]);
        // a fresh string per step would copy 20 000 strings of 20 KB on average (400 MB)
        assertTrue(used < 16 << 20, used + " bytes allocated");
    }

    @Test
    void instructionHookStopsAnEndlessLoopThroughPcall() {
        Lua lua = new Lua();
        AtomicInteger calls = new AtomicInteger();
        lua.setInstructionHook(1000, () -> {
            if (calls.incrementAndGet() == 50) {
                throw new Killed();
            }
        });
        LuaFunction f = lua.load("pcall(function() while true do end end) return 'unreachable'", "=script");
        assertThrows(Killed.class, () -> lua.call(f));
        assertEquals(50, calls.get());
        // the universe stays usable after an abort, and the hook can be removed
        lua.setInstructionHook(1, null);
        assertEquals(3.0, lua.run("return 1 + 2", "=again")[0]);
    }

    @Test
    void hookCountsCallsAndLoopIterations() {
        Lua lua = new Lua();
        AtomicInteger ticks = new AtomicInteger();
        lua.setInstructionHook(1, ticks::incrementAndGet);
        lua.run("local function f() end for i = 1, 10 do f() end", "=s");
        // main chunk call + 10 iterations + 10 calls of f
        assertEquals(21, ticks.get());
    }

    @Test
    void hookLuaErrorIsCatchableByPcall() {
        Lua lua = new Lua();
        lua.setInstructionHook(100, () -> {
            throw LuaError.fromLibrary("Script killed by user with SCRIPT KILL...");
        });
        Object[] r = lua.run("return pcall(function() while true do end end)", "@user_script");
        assertEquals(Boolean.FALSE, r[0]);
        assertEquals("user_script:1: Script killed by user with SCRIPT KILL...", str(r[1]));
    }

    @Test
    void hostFunctionsGetAndReturnBytesWithoutCopies() {
        Lua lua = new Lua();
        byte[] request = "xxGETyy".getBytes(StandardCharsets.US_ASCII);
        LuaString shared = LuaString.wrap(request, 2, 3);
        LuaString[] seen = new LuaString[1];
        lua.register("host", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                seen[0] = (LuaString) args[0];
                return new Object[] {shared, 2.0, null};
            }

            @Override
            public String name() {
                return "host";
            }
        });
        Object[] r = lua.run("local a, b, c = host('k\\0v') return a, b, c, #a", "=s");
        assertSame(shared, r[0]);
        assertSame(request, ((LuaString) r[0]).array());
        assertEquals(2.0, r[1]);
        assertEquals(null, r[2]);
        assertEquals(3.0, r[3]);
        assertArrayEquals(new byte[] {'k', 0, 'v'}, seen[0].toBytes());
    }

    @Test
    void hostErrorsGetLuaPositionsAndArgumentNames() {
        Lua lua = new Lua();
        lua.register("check", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                if (args.length == 0) {
                    throw LuaError.argError(1, "string expected, got no value");
                }
                throw LuaError.fromLibrary("Unknown Redis command called from script");
            }
        });
        Object[] r = lua.run("local a, b = pcall(function() check() end) local c, d = pcall(function()\n check(1) end)"
                + " return b, d", "@user_script");
        assertEquals("user_script:1: bad argument #1 to 'check' (string expected, got no value)", str(r[0]));
        assertEquals("user_script:2: Unknown Redis command called from script", str(r[1]));
    }

    @Test
    void protectedGlobalsRejectUnknownNamesLikeRedis() {
        Lua lua = new Lua();
        lua.globals().put("KEYS", new LuaTable());
        lua.protectGlobals(true);
        LuaError e = assertThrows(LuaError.class, () -> lua.run("return nosuchvar", "@user_script"));
        assertEquals("user_script:1: Script attempted to access nonexistent global variable 'nosuchvar'",
                e.getMessage());
        e = assertThrows(LuaError.class, () -> lua.run("newglobal = 1", "@user_script"));
        assertEquals("user_script:1: Attempt to modify a readonly table", e.getMessage());
        // only _G is protected; a host marks library tables read-only itself
        lua.run("string.myfield = 1", "@user_script");
        ((LuaTable) lua.globals().get("string")).setReadOnly(true);
        e = assertThrows(LuaError.class, () -> lua.run("string.other = 1", "@user_script"));
        assertEquals("user_script:1: Attempt to modify a readonly table", e.getMessage());
        assertEquals("table", str(lua.run("return type(KEYS)", "=s")[0]));
    }

    @Test
    void readOnlyTablesRefuseRawWritesToo() {
        Lua lua = new Lua();
        LuaTable t = new LuaTable();
        t.setReadOnly(true);
        lua.globals().put("ro", t);
        Object[] r = lua.run("return pcall(rawset, ro, 'a', 1)", "=s");
        assertEquals(Boolean.FALSE, r[0]);
        assertEquals("Attempt to modify a readonly table", str(r[1]));
    }

    @Test
    void deepRecursionIsALuaErrorNotACrash() {
        Lua lua = new Lua();
        Object[] r = lua.run("local function f() return 1 + f() end return pcall(f)", "=s");
        assertEquals(Boolean.FALSE, r[0]);
        assertEquals("s:1: stack overflow", str(r[1]));
        // with the limit lifted the JVM stack runs out first: still a Lua error
        lua.setMaxCallDepth(10_000_000);
        LuaError e = assertThrows(LuaError.class, () -> lua.run("local function f() return 1 + f() end f()", "=s"));
        assertTrue(e.getMessage().endsWith("stack overflow"), e.getMessage());
        // tail calls do not grow the stack
        assertEquals(0.0, lua.run("local function t(n) if n == 0 then return 0 end return t(n - 1) end "
                + "return t(1000000)", "=s")[0]);
    }

    @Test
    void hostileSourcesGiveLuaSyntaxErrors() {
        Lua lua = new Lua();
        String deep = "return " + "(".repeat(100_000) + "1" + ")".repeat(100_000);
        LuaError e = assertThrows(LuaError.class, () -> lua.load(deep, "=s"));
        assertEquals("s:1: chunk has too many syntax levels", e.getMessage());
        String deepTables = "return " + "{".repeat(100_000);
        assertThrows(LuaError.class, () -> lua.load(deepTables, "=s"));
        String deepBlocks = "do ".repeat(100_000);
        assertThrows(LuaError.class, () -> lua.load(deepBlocks, "=s"));
        e = assertThrows(LuaError.class, () -> lua.load("x = = 1", "x = = 1"));
        assertEquals("[string \"x = = 1\"]:1: unexpected symbol near '='", e.getMessage());
        e = assertThrows(LuaError.class, () -> lua.load(new byte[] {'x', '=', '"', 0, (byte) 0xff}, "=bin"));
        assertEquals("bin:1: unfinished string near '<eof>'", e.getMessage());
    }

    @Test
    void errorObjectsKeepTheirValue() {
        Lua lua = new Lua();
        LuaError e = assertThrows(LuaError.class, () -> lua.run("error({code = 42})", "=s"));
        assertEquals(42.0, ((LuaTable) e.value()).get("code"));
        e = assertThrows(LuaError.class, () -> lua.run("error('plain', 0)", "=s"));
        assertEquals("plain", e.getMessage());
    }

    @Test
    void printWritesToTheGivenStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Lua lua = new Lua(out);
        lua.run("print(1, 'a', nil, true, 0.1)", "=s");
        assertEquals("1\ta\tnil\ttrue\t0.1\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cjsonDecodeArgumentErrorsAreRedisCopys() {
        // Redis's deps/lua/src/lua_cjson.c: json_verify_arg_count(l, 1) then luaL_checklstring
        Lua lua = new Lua();
        Object[] r = lua.run("local a, b = pcall(cjson.decode) local c, d = pcall(cjson.decode, '1', 2) return b, d",
                "=s");
        assertEquals("bad argument #1 to '?' (string expected, got no value)", str(r[0]));
        assertEquals("bad argument #2 to '?' (found too many arguments)", str(r[1]));
        r = lua.run("return cjson.decode('[1,{\"a\":null}]')[2].a == cjson.null, type(cjson.null)", "=s");
        assertEquals(Boolean.TRUE, r[0]);
        assertEquals("userdata", str(r[1]));
    }

    @Test
    void numberTextIsLua51s() {
        assertEquals("1e+14", Lua.numberToString(1e14));
        assertEquals("99999999999999", Lua.numberToString(99999999999999.0));
        assertEquals("0.1", Lua.numberToString(0.1));
        assertEquals("-0", Lua.numberToString(-0.0));
        assertEquals("inf", Lua.numberToString(Double.POSITIVE_INFINITY));
        assertEquals(16.0, Lua.toNumber(LuaString.of(" 0x10 ")));
        assertEquals(null, Lua.toNumber(LuaString.of("1e")));
    }

    /**
     * Code compiled for debugging reports Lua 5.1's line events (the sequence redis-server's debugger stops at for
     * the same script: a function statement at its end, a call's body, a one-line while's back-edges, a for loop's
     * 'for' line between iterations) and shows the active locals, 5.1's hidden loop locals included, and the stack.
     */
    @Test
    void lineHookLocalsAndStackOfDebugCode() {
        String src = """
            local function f(x)
              local y = x * 2
              return y
            end
            local z = f(3)
            while z > 4 do z = z - 1 end
            for i = 1, 2 do
              z = z + i
            end
            return z
            """;
        Lua lua = new Lua();
        java.util.List<Integer> lines = new java.util.ArrayList<>();
        java.util.List<String> locals = new java.util.ArrayList<>();
        java.util.List<String> stack = new java.util.ArrayList<>();
        lua.setLineHook(line -> {
            lines.add(line);
            if (line == 8 && locals.isEmpty()) {
                for (Object[] v : lua.debugLocals(0)) {
                    locals.add(v[0] + "=" + Lua.toLuaString(v[1]));
                }
            }
            if (line == 2) {
                for (Lua.StackLevel l : lua.debugStack()) {
                    stack.add(l.chunk() + ":" + l.line() + ":" + l.name());
                }
            }
        });
        Object[] r = lua.call(lua.loadForDebug(src.getBytes(java.nio.charset.StandardCharsets.UTF_8), "@user_script"));
        assertEquals(7.0, r[0]);
        assertEquals(java.util.List.of(4, 5, 2, 3, 6, 6, 6, 7, 8, 7, 8, 7, 10), lines);
        assertEquals(java.util.List.of("f=" + locals.get(0).substring(2), "z=4", "(for index)=1", "(for limit)=2",
            "(for step)=1", "i=1"), locals);
        assertEquals(java.util.List.of("user_script:2:f", "user_script:5:null"), stack);
        lines.clear();
        lua.call(lua.load("local a = 1\nreturn a", "@plain"));
        assertTrue(lines.isEmpty(), "normal compilation reports nothing");
    }
}
