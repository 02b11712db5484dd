package io.cinnabar.benchmarks.lua;

import io.cinnabar.lua.Lua;
import io.cinnabar.lua.LuaFunction;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same compiled Lua scripts run by Cinnabar's engine and by LuaJ 3 (interpreted, its default): recursive fib,
 * string building with table.concat and string.format, table.sort of numbers and strings, and a token-bucket
 * rate-limiter step in the shape of a Redis script. Each invocation calls the compiled chunk once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LuaBenchmark {
    static final String FIB = "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end\n"
            + "return fib(20)";
    static final String STRINGS = "local parts = {}\n"
            + "for i = 1, 200 do parts[#parts + 1] = string.format('%s:%d', 'key', i) .. ',' end\n"
            + "local s = table.concat(parts)\n"
            + "local n = 0 for w in string.gmatch(s, '%a+:(%d+)') do n = n + #w end\n"
            + "return #s + n";
    static final String SORT = "local t = {} local seed = 42\n"
            + "for i = 1, 500 do seed = (seed * 1103515245 + 12345) % 2147483648 t[i] = seed end\n"
            + "table.sort(t)\n"
            + "local w = {} for i = 1, 200 do w[i] = 'k' .. (t[i] % 1000) end\n"
            + "table.sort(w, function(a, b) return a > b end)\n"
            + "return t[1] + #w[1]";
    static final String LIMITER = "local state = {tokens = 10, ts = 0}\n"
            + "local allowed = 0\n"
            + "for now = 1, 100 do\n"
            + "  local rate, cap = 2, 10\n"
            + "  local tokens = tonumber(state.tokens) or cap\n"
            + "  local last = tonumber(state.ts) or 0\n"
            + "  local filled = math.min(cap, tokens + (now - last) * rate)\n"
            + "  local ok = filled >= 1\n"
            + "  if ok then filled = filled - 1; allowed = allowed + 1 end\n"
            + "  state.tokens = tostring(filled); state.ts = tostring(now)\n"
            + "end\n"
            + "return allowed";

    @Param({"fib", "strings", "sort", "limiter"})
    public String script;

    private LuaFunction cinnabar;
    private Lua lua;
    private LuaValue luaj;

    @Setup
    public void setup() {
        String src = switch (script) {
            case "fib" -> FIB;
            case "strings" -> STRINGS;
            case "sort" -> SORT;
            default -> LIMITER;
        };
        lua = new Lua(OutputStream.nullOutputStream());
        cinnabar = lua.load(src, "=" + script);
        Globals g = JsePlatform.standardGlobals();
        luaj = g.load(src, script);
        Object a = lua.call(cinnabar)[0];
        double b = luaj.call().todouble();
        if (!(a instanceof Double d) || d != b) {
            throw new IllegalStateException(script + ": cinnabar " + a + " luaj " + b);
        }
    }

    @Benchmark
    public Object cinnabar() {
        return lua.call(cinnabar)[0];
    }

    @Benchmark
    public Object luaj() {
        return luaj.call();
    }
}
