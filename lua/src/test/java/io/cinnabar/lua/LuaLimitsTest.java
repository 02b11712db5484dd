package io.cinnabar.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hook runs inside long library calls, and the memory limit turns huge values into "not enough memory". */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LuaLimitsTest {
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /**
     * Runs {@code setup}, then calls the host function {@code arm()} and runs {@code work}: the hook kills the
     * script only once armed, so only work done inside the library call can reach it.
     */
    private static int killInside(String setup, String work) {
        Lua lua = new Lua();
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger firedArmed = new AtomicInteger();
        lua.register("arm", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                armed.set(true);
                return NONE;
            }
        });
        lua.setInstructionHook(50, () -> {
            if (armed.get() && firedArmed.incrementAndGet() == 3) {
                throw new Killed();
            }
        });
        LuaFunction f = lua.load(setup + " arm() " + work + " return 'finished'", "=s");
        assertThrows(Killed.class, () -> lua.call(f));
        return firedArmed.get();
    }

    @Test
    void hookStopsAHugeStringRep() {
        assertEquals(3, killInside("", "local s = string.rep('x', 64000000)"));
    }

    @Test
    void hookStopsAPathologicalFind() {
        // 2^40 steps of backtracking: without the hook inside the matcher this never ends
        assertEquals(3, killInside("local s = string.rep('a', 40)",
                "string.find(s, string.rep('a*', 40) .. 'b')"));
    }

    @Test
    void hookStopsAPathologicalGsubAndMatch() {
        assertEquals(3, killInside("local s = string.rep('a', 40)", "string.gsub(s, string.rep('a-', 40) .. 'b', 'x')"));
        assertEquals(3, killInside("local s = string.rep('a', 40)", "string.match(s, string.rep('a?', 40) .. 'b')"));
    }

    @Test
    void hookStopsASortWithoutComparator() {
        assertEquals(3, killInside("local t = {} for i = 1, 300000 do t[i] = (i * 7919) % 300007 end",
                "table.sort(t)"));
    }

    @Test
    void hookStopsAConcatOfABigTable() {
        assertEquals(3, killInside("local t = {} for i = 1, 300000 do t[i] = 'ab' end", "table.concat(t, ',')"));
    }

    private static Object[] pcallUnder(long limit, String body) {
        Lua lua = new Lua();
        lua.setMemoryLimit(limit);
        return lua.run("return pcall(function() " + body + " end)", "=s");
    }

    private static void assertNoMemory(long limit, String body) {
        Object[] r = pcallUnder(limit, body);
        assertEquals(Boolean.FALSE, r[0], body);
        assertEquals("not enough memory", r[1].toString(), body);
    }

    @Test
    void valuesPastTheMemoryLimitRaiseALuaError() {
        long mb = 1 << 20;
        assertNoMemory(4 * mb, "return string.rep('x', 5 * 1024 * 1024)");
        assertNoMemory(4 * mb, "local s = string.rep('x', 3 * 1024 * 1024) return s .. s");
        assertNoMemory(4 * mb, "local t = {} for i = 1, 1000000 do t[i] = i end");
        assertNoMemory(4 * mb, "local t = {} for i = 1, 1000000 do t[-i] = i end");
        assertNoMemory(4 * mb, "local t = {} for i = 1, 3000 do t[i] = string.rep('x', 2000) end"
                + " return table.concat(t)");
        assertNoMemory(4 * mb, "return string.gsub(string.rep('a', 3000), 'a', string.rep('b', 2000))");
        // under the limit the same shapes work
        Object[] ok = pcallUnder(64 * mb, "return #(string.rep('x', 3 * 1024 * 1024) .. 'y')");
        assertEquals(Boolean.TRUE, ok[0]);
        assertEquals((double) (3 * mb + 1), ok[1]);
    }

    @Test
    void theDefaultLimitRefusesStringsPastTwoGigabytesWithoutAnOutOfMemoryError() {
        Lua lua = new Lua();
        Object[] r = lua.run("return pcall(string.rep, 'xy', 2^30 + 1)", "=s");
        assertEquals(Boolean.FALSE, r[0]);
        assertTrue(r[1].toString().endsWith("not enough memory"), r[1].toString());
        assertThrows(IllegalArgumentException.class, () -> lua.setMemoryLimit(0));
    }

    /**
     * The run bound: a script that keeps 160 MB of distinct strings in a table gets "not enough memory" under a
     * 48 MB bound (pcall catches it, as 5.1's memory errors); one that makes and drops the same amount of garbage
     * runs to the end; without a bound the keeping script is not stopped before it has kept more than the bound.
     */
    @Test
    void runMemoryLimitStopsWhatAScriptKeepsNotWhatItChurns() {
        String keep = "local t = {} for i = 1, 20000 do t[i] = string.rep('x', 8000) .. i end return #t";
        String churn = "local n = 0 for i = 1, 20000 do local s = string.rep('x', 8000) .. i n = n + #s end return n";
        Lua lua = new Lua();
        lua.setInstructionHook(100, () -> { });
        lua.setRunMemoryLimit(48L << 20);
        LuaError e = assertThrows(LuaError.class, () -> lua.run(keep, "=keep"));
        assertEquals("not enough memory", e.getMessage());
        Object[] caught = lua.run("return pcall(function() " + keep + " end)", "=pcall");
        assertEquals(Boolean.FALSE, caught[0]);
        assertEquals("not enough memory", caught[1].toString());
        Object[] r = lua.run(churn, "=churn");
        assertTrue((Double) r[0] > 160_000_000, "the churning script ran to the end");
        Lua free = new Lua();
        free.setInstructionHook(100, () -> { });
        assertEquals(20000.0, free.run(keep, "=unbounded")[0]);
    }
}
