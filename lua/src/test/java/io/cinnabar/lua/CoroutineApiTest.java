package io.cinnabar.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Coroutines as the host sees them: the kill path, closing suspended ones, depth and hook state across switches. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoroutineApiTest {
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    @Test
    void hookKillInsideACoroutineGoesThroughResumeAndPcall() {
        Lua lua = new Lua();
        AtomicInteger fired = new AtomicInteger();
        lua.setInstructionHook(1000, () -> {
            if (fired.incrementAndGet() == 20) {
                throw new Killed();
            }
        });
        LuaFunction f = lua.load("local co = coroutine.create(function() while true do end end)"
                + " pcall(coroutine.resume, co) return 'unreachable'", "=s");
        assertThrows(Killed.class, () -> lua.call(f));
        assertEquals(20, fired.get());
        lua.setInstructionHook(1, null);
        // the universe is usable afterwards, on the main stack and in new coroutines
        assertEquals("true 3", str(lua.run("local ok, v = coroutine.resume(coroutine.create(function(a) return a + 1 end), 2)"
                + " return tostring(ok) .. ' ' .. v", "=again")));
    }

    @Test
    void closeCoroutinesEndsSuspendedOnesAndRestoresTheCounters() {
        Lua lua = new Lua();
        lua.run("cos = {} for i = 1, 50 do local c = coroutine.create(function() local function d(n)"
                + " if n == 0 then coroutine.yield() else d(n - 1) end end d(i) end) coroutine.resume(c) cos[i] = c end",
                "=s");
        assertEquals("suspended", str(lua.run("return coroutine.status(cos[50])", "=s")));
        lua.closeCoroutines();
        assertEquals("dead dead", str(lua.run("return coroutine.status(cos[1]) .. ' ' .. coroutine.status(cos[50])",
                "=s")));
        assertEquals("false cannot resume dead coroutine",
                str(lua.run("local ok, e = coroutine.resume(cos[3]) return tostring(ok) .. ' ' .. e", "=s")));
        // the call depth was restored: a deep recursion still reaches exactly the configured limit
        String deep = "local n = 0 local function r() n = n + 1 r() end pcall(r) return n";
        Lua fresh = new Lua();
        fresh.setMaxCallDepth(200);
        lua.setMaxCallDepth(200);
        assertEquals(str(fresh.run(deep, "=s")), str(lua.run(deep, "=s")));
    }

    @Test
    void depthLimitCountsTheResumersStack() {
        Lua lua = new Lua();
        lua.setMaxCallDepth(100);
        Object[] r = lua.run("local function r(n) return 1 + r(n + 1) end"
                + " return coroutine.resume(coroutine.create(function() return r(0) end))", "=s");
        assertEquals(Boolean.FALSE, r[0]);
        assertEquals("s:1: stack overflow", r[1].toString());
    }

    @Test
    void yieldAcrossAHostFunctionIsRefused() {
        Lua lua = new Lua();
        Lua[] self = {lua};
        lua.register("host", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                return self[0].call(args[0]);
            }
        });
        Object[] r = lua.run("return coroutine.resume(coroutine.create(function() host(coroutine.yield) end))", "=s");
        assertEquals(Boolean.FALSE, r[0]);
        assertEquals("attempt to yield across metamethod/C-call boundary", r[1].toString());
    }

    private static String str(Object[] r) {
        return r.length == 0 || r[0] == null ? "nil" : r[0].toString();
    }
}
