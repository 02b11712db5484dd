package io.cinnabar.benchmarks.lua;

import io.cinnabar.lua.Lua;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;
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
 * rate limiter written as a Redis script (KEYS/ARGV tables made per call, a host {@code redis.call} doing HMGET,
 * HSET and PEXPIRE on an in-memory map). Each invocation calls the compiled chunk once.
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
    /** A token-bucket rate limiter as a Redis script: KEYS/ARGV, state in a hash through redis.call. */
    static final String LIMITER = "local key = KEYS[1]\n"
            + "local rate = tonumber(ARGV[1])\n"
            + "local capacity = tonumber(ARGV[2])\n"
            + "local now = tonumber(ARGV[3])\n"
            + "local requested = tonumber(ARGV[4])\n"
            + "local data = redis.call('HMGET', key, 'tokens', 'ts')\n"
            + "local tokens = tonumber(data[1]) or capacity\n"
            + "local last = tonumber(data[2]) or 0\n"
            + "local filled = math.min(capacity, tokens + math.max(0, now - last) * rate)\n"
            + "local allowed = filled >= requested\n"
            + "if allowed then filled = filled - requested end\n"
            + "redis.call('HSET', key, 'tokens', tostring(filled), 'ts', tostring(now))\n"
            + "redis.call('PEXPIRE', key, math.ceil(capacity / rate * 1000))\n"
            + "return allowed and 1 or 0";

    /**
     * The host side of {@code redis.call} for the limiter: HMGET, HSET and PEXPIRE on an in-memory map of hashes
     * (string arguments in, a table or an integer out), the same work for both engines.
     */
    static final class Store {
        final Map<String, Map<String, String>> hashes = new HashMap<>();
        long expires;

        /** Returns a List of (nullable) strings for HMGET, else a Long. */
        Object call(String[] argv) {
            switch (argv[0]) {
                case "HMGET": {
                    Map<String, String> h = hashes.get(argv[1]);
                    List<String> r = new ArrayList<>(argv.length - 2);
                    for (int i = 2; i < argv.length; i++) {
                        r.add(h == null ? null : h.get(argv[i]));
                    }
                    return r;
                }
                case "HSET": {
                    Map<String, String> h = hashes.computeIfAbsent(argv[1], k -> new HashMap<>());
                    long added = 0;
                    for (int i = 2; i + 1 < argv.length; i += 2) {
                        if (h.put(argv[i], argv[i + 1]) == null) {
                            added++;
                        }
                    }
                    return added;
                }
                case "PEXPIRE":
                    expires = Long.parseLong(argv[2]);
                    return 1L;
                default:
                    throw new IllegalArgumentException("unknown command " + argv[0]);
            }
        }
    }

    @Param({"fib", "strings", "sort", "limiter"})
    public String script;

    private LuaFunction cinnabar;
    private Lua lua;
    private LuaValue luaj;
    private Globals luajGlobals;
    private long now;
    private long nowJ;
    private static final LuaString KEY = LuaString.of("limiter:user:42");

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
        luajGlobals = g;
        luaj = g.load(src, script);
        if (script.equals("limiter")) {
            installRedis();
        }
        Object a = cinnabar();
        double b = ((LuaValue) luaj()).todouble();
        if (!(a instanceof Double d) || d != b) {
            throw new IllegalStateException(script + ": cinnabar " + a + " luaj " + b);
        }
    }

    /** redis.call for both engines, each over its own Store. */
    private void installRedis() {
        Store ours = new Store();
        LuaTable redis = new LuaTable();
        redis.put("call", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                String[] argv = new String[args.length];
                for (int i = 0; i < args.length; i++) {
                    argv[i] = Lua.toLuaString(args[i]).toString();
                }
                Object r = ours.call(argv);
                if (r instanceof List<?> list) {
                    LuaTable t = new LuaTable();
                    for (int i = 0; i < list.size(); i++) {
                        Object v = list.get(i);
                        t.put(i + 1, v == null ? Boolean.FALSE : LuaString.of((String) v)); // nil bulk -> false
                    }
                    return new Object[] {t};
                }
                return new Object[] {(double) (Long) r};
            }
        });
        lua.globals().put("redis", redis);
        Store theirs = new Store();
        LuaValue redisJ = LuaValue.tableOf();
        redisJ.set("call", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                String[] argv = new String[args.narg()];
                for (int i = 0; i < argv.length; i++) {
                    argv[i] = args.arg(i + 1).tojstring();
                }
                Object r = theirs.call(argv);
                if (r instanceof List<?> list) {
                    LuaValue t = LuaValue.tableOf();
                    for (int i = 0; i < list.size(); i++) {
                        Object v = list.get(i);
                        t.set(i + 1, v == null ? LuaValue.FALSE : LuaValue.valueOf((String) v));
                    }
                    return t;
                }
                return LuaValue.valueOf((double) (Long) r);
            }
        });
        luajGlobals.set("redis", redisJ);
    }

    @Benchmark
    public Object cinnabar() {
        if (script.equals("limiter")) {
            // fresh KEYS/ARGV per call, as the server builds them
            now++;
            LuaTable keys = new LuaTable();
            keys.put(1, KEY);
            LuaTable argv = new LuaTable();
            argv.put(1, LuaString.of("2"));
            argv.put(2, LuaString.of("10"));
            argv.put(3, LuaString.of(Long.toString(now / 4)));
            argv.put(4, LuaString.of("1"));
            lua.globals().put("KEYS", keys);
            lua.globals().put("ARGV", argv);
        }
        return lua.call(cinnabar)[0];
    }

    @Benchmark
    public Object luaj() {
        if (script.equals("limiter")) {
            nowJ++;
            long t = nowJ / 4;
            luajGlobals.set("KEYS", LuaValue.listOf(new LuaValue[] {LuaValue.valueOf("limiter:user:42")}));
            luajGlobals.set("ARGV", LuaValue.listOf(new LuaValue[] {LuaValue.valueOf("2"), LuaValue.valueOf("10"),
                LuaValue.valueOf(Long.toString(t)), LuaValue.valueOf("1")}));
        }
        return luaj.call();
    }
}
