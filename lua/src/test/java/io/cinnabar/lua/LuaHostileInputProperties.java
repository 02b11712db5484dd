package io.cinnabar.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile arguments to every library function and mutated source text: the only outcomes allowed are a result or
 * a {@link LuaError} (or the hook's own kill), never a Java exception leaking out as "internal error", and never a
 * run the instruction hook cannot stop. The hook kills a call after a bounded number of hook periods, so a hang
 * shows as the preemptive timeout failing; the memory limit turns huge values into "not enough memory".
 */
class LuaHostileInputProperties {
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /** The library functions, by the global expression that reaches them. */
    private static final List<String> FUNCTIONS = new ArrayList<>();

    static {
        Lua lua = new Lua(OutputStream.nullOutputStream());
        for (String lib : new String[] {"string", "table", "math", "bit", "cjson", "cmsgpack", "struct"}) {
            LuaTable t = (LuaTable) lua.globals().get(lib);
            for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
                if (t.valueAt(p) instanceof LuaFunction && t.keyAt(p) instanceof LuaString name) {
                    FUNCTIONS.add(lib + "." + name);
                }
            }
        }
        for (String f : new String[] {"unpack", "select", "tonumber", "tostring", "type", "rawget", "rawset",
            "rawequal", "next", "ipairs", "pairs", "setmetatable", "getmetatable", "assert", "error", "pcall",
            "loadstring", "gcinfo", "collectgarbage"}) {
            FUNCTIONS.add(f);
        }
        FUNCTIONS.sort(null);
    }

    /** Arguments that sit on the edges of Lua's number to int conversions and of the libraries' size checks. */
    private static final String[] ARGS = {
        "nil", "true", "0", "1", "-1", "2", "8", "-8", "33", "-33", "0.5", "-0.5", "2^31", "-2^31", "2^31-1",
        "-2^31+1", "2^32", "-2^32", "2^53", "-2^53", "2^63", "-2^63", "2^64", "1/0", "-1/0", "0/0", "1e308",
        "-1e308", "''", "'a'", "'%'", "'%d'", "'%b'", "'%f'", "'[^'", "'(()'", "'%1'", "'%99999d'", "'%.99999f'",
        "'\\0'", "'\\255\\255\\255\\255'", "'\\221\\255\\255\\255\\255'", "'\\223\\255\\255\\255\\127'",
        "'\\219\\255\\255\\255\\127'", "string.rep('\\145', 3000)", "'c2147483647'", "'i32'", "'!16i'", "'c0'",
        "'[[[[[[[[[['", "'{\"a\":'", "'1e99999'", "string.rep('a', 40)", "string.rep('a*', 20)",
        "string.rep('(', 40)", "{}", "{1, 2, 3}", "{n = -1}", "{[2^31] = 1}", "{[-2^31] = 1}",
        "setmetatable({}, {__index = function() return 1 end})", "print", "function() end",
        "coroutine.create(function() end)",
    };

    @Provide
    Arbitrary<String> functions() {
        return Arbitraries.of(FUNCTIONS);
    }

    @Provide
    Arbitrary<String> args() {
        return Arbitraries.of(ARGS);
    }

    /** Runs {@code src} under an instruction hook that kills after {@code periods} periods, and a memory limit. */
    private static Object outcome(String src, int periods) {
        Lua lua = new Lua(OutputStream.nullOutputStream());
        int[] fired = {0};
        lua.setInstructionHook(1000, () -> {
            if (++fired[0] > periods) {
                throw new Killed();
            }
        });
        lua.setMemoryLimit(64L << 20);
        try {
            return lua.call(lua.load(src, "=fuzz"));
        } catch (LuaError | Killed e) {
            return e;
        }
    }

    private static void cleanly(String src) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> outcome(src, 2000), src);
    }

    @Property(tries = 400)
    void libraryFunctionsRejectHostileArgumentsCleanly(@ForAll("functions") String fn,
                                                       @ForAll @Size(max = 4) List<@net.jqwik.api.From("args") String> args) {
        cleanly("return " + fn + "(" + String.join(", ", args) + ")");
    }

    private static final String[] SCRIPTS = {
        "local t = {} for i = 1, 100 do t[#t + 1] = string.format('%5.2f', i / 3) end return table.concat(t, ',')",
        "local s = cjson.encode({a = {1, 2, {b = 'c'}}, d = 'e'}) return cjson.decode(s).a[3].b",
        "return cmsgpack.unpack(cmsgpack.pack({1, 2, {x = 'y'}, 'z', 3.5}))",
        "return struct.unpack('>iHc3', struct.pack('>iHc3', -7, 65535, 'abc'))",
        "local n = 0 for w in string.gmatch('one two  three', '%a+') do n = n + #w end return n",
        "return string.gsub('hello world', '(o)(%s?)', '%2%1')",
        "local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end return f(15)",
        "return bit.tohex(bit.bxor(0x1234, bit.lshift(1, 31)), -8)",
        "local t = setmetatable({}, {__index = function(t, k) return k * 2 end}) return t[21]",
        "return select('#', unpack({1, 2, 3, nil, 5}, 1, 5))",
    };

    @Provide
    Arbitrary<String> scripts() {
        return Arbitraries.of(SCRIPTS);
    }

    /** Byte mutations of small valid scripts: syntax errors or runtime errors, never anything else. */
    @Property(tries = 400)
    void mutatedScriptsFailCleanly(@ForAll("scripts") String script, @ForAll @IntRange(min = 0, max = 1 << 20) int at,
                                   @ForAll @IntRange(min = 0, max = 5) int how, @ForAll byte value) {
        byte[] b = script.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int p = at % b.length;
        String s = switch (how) {
            case 0 -> script.substring(0, p); // truncation
            case 1 -> { b[p] = value; yield new String(b, java.nio.charset.StandardCharsets.ISO_8859_1); }
            case 2 -> script.substring(0, p) + "(".repeat(300) + script.substring(p); // nesting
            case 3 -> script.substring(0, p) + "{".repeat(300) + script.substring(p);
            case 4 -> script.substring(0, p) + script.charAt(p) + script.substring(p); // one duplicated byte
            default -> script.substring(0, p) + " 2^31 " + script.substring(p);
        };
        cleanly(s);
    }

    /** Redis 7.2's CVE-2024-31449 fix: -2^31 digits mean 8 upper-case ones, not a negative string length. */
    @Example
    void tohexOfTheSmallestCountIsEightUpperCaseDigits() {
        Lua lua = new Lua(OutputStream.nullOutputStream());
        Object[] r = lua.run("return bit.tohex(0xabcdef01, -2^31), bit.tohex(1, 2^31), bit.tohex(0xff, -2^31 + 1)",
            "=t");
        assertEquals("ABCDEF01", r[0].toString());
        assertEquals("00000001", r[1].toString()); // 2^31 wraps to -2^31 in bit's argument conversion
        assertEquals("000000FF", r[2].toString());
    }
}
