package io.cinnabar.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class LuaProperties {

    @Provide
    Arbitrary<Double> doubles() {
        // no -0.0 literal: lua5.1 shares one constant slot between 0 and -0 in a chunk (a 5.1 quirk, see README)
        return Arbitraries.oneOf(
                Arbitraries.doubles(),
                Arbitraries.doubles().between(-1e6, 1e6).ofScale(3),
                Arbitraries.longs().between(-(1L << 54), 1L << 54).map(l -> (double) l),
                Arbitraries.integers().between(-320, 300).map(e -> Math.pow(10, e)),
                Arbitraries.longs().map(Double::longBitsToDouble).filter(d -> !d.isNaN() && !d.isInfinite()))
                .filter(d -> !(d == 0 && 1 / d < 0));
    }

    /** tostring and string.format of random numbers print exactly as lua5.1 prints them. */
    @Property(tries = 15)
    void numberTextEqualsLua51(@ForAll @Size(min = 1, max = 60) List<@net.jqwik.api.From("doubles") Double> values)
            throws Exception {
        StringBuilder src = new StringBuilder();
        for (double d : values) {
            src.append("local x = ").append(Double.toString(d)).append('\n');
            src.append("print(x, -x, x .. '', string.format('%.3g|%e|%.10f|%5.2f|%g|%.14g|%.0e|%G|%d|%x', "
                    + "x, x, x, x, x, x, x, x, x, x))\n");
        }
        Path dir = Files.createTempDirectory("luanum");
        try {
            LuaOracle.Result[] r = LuaOracle.both(dir, "num.lua", src.toString());
            assertNull(r[0].error(), "the reference failed: " + r[0].error());
            assertEquals(r[0].stdout(), r[1].stdout());
            assertEquals(r[0].error(), r[1].error());
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * cjson: encoding random trees (arrays, one-key objects, strings with any byte, numbers, booleans, null) gives
     * lua-cjson's exact text, and decode(encode(v)) encodes to the same text again.
     */
    @Property(tries = 20)
    void cjsonEqualsLuaCjsonAndRoundTrips(@ForAll @Size(min = 1, max = 20) List<@net.jqwik.api.From("jsonValues") String> values)
            throws Exception {
        StringBuilder src = new StringBuilder("local cjson = cjson or require('cjson')\n");
        for (String v : values) {
            src.append("do local v = ").append(v).append(" local e = cjson.encode(v)\n")
                    .append("print(e) if cjson.encode(cjson.decode(e)) ~= e then print('ROUNDTRIP-MISMATCH') end end\n");
        }
        Path dir = Files.createTempDirectory("luajson");
        try {
            LuaOracle.Result[] r = LuaOracle.both(dir, "json_prop.lua", src.toString());
            assertNull(r[0].error(), "the reference failed: " + r[0].error());
            assertEquals(r[0].error(), r[1].error());
            assertEquals(r[0].stdout(), r[1].stdout());
            assertTrue(!r[1].stdout().contains("ROUNDTRIP-MISMATCH"), r[1].stdout());
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Provide
    Arbitrary<String> jsonValues() {
        return jsonValue(4);
    }

    private Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> strings = Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMaxLength(12)
                .map(LuaProperties::luaQuote);
        Arbitrary<String> numbers = doubles().filter(d -> d != 0 || 1 / d > 0)
                .map(d -> d < 0 ? "(" + d + ")" : Double.toString(d));
        Arbitrary<String> leaves = Arbitraries.oneOf(strings, numbers, Arbitraries.of("true", "false", "cjson.null"));
        if (depth == 0) {
            return leaves;
        }
        Arbitrary<String> child = Arbitraries.lazy(() -> jsonValue(depth - 1));
        Arbitrary<String> arrays = child.list().ofMinSize(1).ofMaxSize(5).map(l -> "{" + String.join(", ", l) + "}");
        Arbitrary<String> objects = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(5)
                .flatMap(k -> child.map(v -> "{[" + luaQuote(k) + "] = " + v + "}"));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaves), net.jqwik.api.Tuple.of(2, arrays), net.jqwik.api.Tuple.of(1, objects),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("{}")));
    }

    private static String luaQuote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append('\\').append(String.format("%03d", (int) c)); // exact bytes in both interpreters
        }
        return b.append('"').toString();
    }

    /** A table answers like a map from keys to values, and # is always a border. */
    @Property(tries = 300)
    void tableBehavesAsAMapWithBorders(@ForAll @Size(max = 200) List<@net.jqwik.api.From("ops") int[]> ops) {
        LuaTable t = new LuaTable();
        Map<Object, Object> model = new HashMap<>();
        for (int[] op : ops) {
            Object key = op[0] < 40 ? (Object) (double) op[0] : LuaString.of("k" + op[0]);
            Object val = op[1] == 0 ? null : (double) op[1];
            t.put(key, val);
            if (val == null) {
                model.remove(key);
            } else {
                model.put(key, val);
            }
            int n = t.length();
            assertTrue(n == 0 || t.get(n) != null, "t[#t] is nil");
            assertNull(t.get(n + 1), "t[#t+1] is not nil");
        }
        Set<Object> seen = new HashSet<>();
        for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
            Object k = t.keyAt(p);
            assertTrue(seen.add(k), "key twice: " + k);
            assertEquals(model.get(k), t.valueAt(p));
        }
        assertEquals(model.keySet(), seen);
        for (Map.Entry<Object, Object> e : model.entrySet()) {
            assertNotNull(t.get(e.getKey()));
        }
    }

    @Provide
    Arbitrary<int[]> ops() {
        return Arbitraries.integers().between(-2, 60).flatMap(k -> Arbitraries.integers().between(0, 3)
                .map(v -> new int[] {k, v}));
    }

    /** Any bytes either compile or fail with a Lua error; never another exception. */
    @Property(tries = 500)
    void arbitrarySourcesFailOnlyWithLuaErrors(@ForAll("sources") String source) {
        Lua lua = new Lua();
        try {
            lua.load(source.getBytes(StandardCharsets.ISO_8859_1), "=fuzz");
        } catch (LuaError e) {
            assertTrue(e.getMessage().startsWith("fuzz:"), e.getMessage());
        }
    }

    @Provide
    Arbitrary<String> sources() {
        Arbitrary<String> tokens = Arbitraries.of("local", "x", "=", "(", ")", "{", "}", "[", "]", "function", "end",
                "if", "then", "else", "return", "...", "..", ".", ",", ";", "1", "0x1f", "1e", "'s'", "\"", "[[",
                "]]", "--", "\n", " ", "for", "in", "do", "while", "repeat", "until", "not", "#", "-", "+", "==",
                "~=", "<=", ":", "nil", "true", "\\", "\0", "\377", "and", "or", "break", "[=[", "%");
        return tokens.list().ofMaxSize(40).map(l -> String.join("", l));
    }
}
