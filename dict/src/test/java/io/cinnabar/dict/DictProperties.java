package io.cinnabar.dict;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Dict against a HashMap model, and the SCAN guarantee under interleaved resizes. */
class DictProperties {

    @AfterProperty
    void restorePolicy() {
        Dict.setResizePolicy(ResizePolicy.ENABLE);
    }

    private static byte[] key(int i) {
        return ("k" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** One random mutation or maintenance action, applied to both the dict and the model. */
    private static void randomAction(Random r, Dict<Integer> d, Map<String, Integer> model, int keySpace) {
        int k = r.nextInt(keySpace);
        switch (r.nextInt(12)) {
            case 0, 1, 2 -> {
                Integer old = d.put(key(k), k * 7);
                assertEquals(model.put("k" + k, k * 7), old);
            }
            case 3, 4 -> assertEquals(model.remove("k" + k), d.remove(key(k)));
            case 5 -> {
                // bulk growth: forces expansions
                int n = 1 + r.nextInt(Math.max(1, d.size() + 8));
                for (int i = 0; i < n; i++) {
                    int x = r.nextInt(keySpace);
                    d.put(key(x), x * 7);
                    model.put("k" + x, x * 7);
                }
            }
            case 6 -> {
                // bulk deletion then a shrink request
                for (String s : new HashSet<>(model.keySet())) {
                    if (r.nextInt(10) != 0) {
                        model.remove(s);
                        d.delete(s.getBytes(StandardCharsets.US_ASCII));
                    }
                }
                d.resizeIfNeeded();
            }
            case 7 -> d.rehash(1 + r.nextInt(20));
            case 8 -> d.resize();
            case 9 -> d.expand(d.size() + r.nextInt(4 * d.size() + 8));
            case 10 -> Dict.setResizePolicy(ResizePolicy.values()[r.nextInt(3)]);
            default -> assertEquals(model.get("k" + k), d.get(key(k)));
        }
    }

    private static void assertSameContents(Dict<Integer> d, Map<String, Integer> model) {
        assertEquals(model.size(), d.size());
        Map<String, Integer> seen = new HashMap<>();
        try (DictIterator<Integer> it = d.safeIterator()) {
            for (DictEntry<Integer> e = it.next(); e != null; e = it.next()) {
                assertNull(seen.put(s(e.key()), e.value()), "iterated twice");
            }
        }
        assertEquals(model, seen);
        for (Map.Entry<String, Integer> e : model.entrySet()) {
            assertEquals(e.getValue(), d.get(e.getKey().getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Property(tries = 200)
    void behavesLikeAHashMap(@ForAll long seed, @ForAll @IntRange(min = 1, max = 2000) int keySpace) {
        Random r = new Random(seed);
        Dict<Integer> d = new Dict<>(DictTest.SEED, false);
        Map<String, Integer> model = new HashMap<>();
        for (int step = 0; step < 400; step++) {
            randomAction(r, d, model, keySpace);
            if (step % 50 == 0) {
                assertSameContents(d, model);
            }
        }
        Dict.setResizePolicy(ResizePolicy.ENABLE);
        assertSameContents(d, model);
        while (d.rehash(100)) {
            assertSameContents(d, model);
        }
        assertSameContents(d, model);
        for (int i = 0; i < 50; i++) {
            DictEntry<Integer> e = d.randomEntry();
            if (model.isEmpty()) {
                assertNull(e);
            } else {
                assertSame(e, d.find(e.key()));
            }
        }
    }

    /**
     * SCAN: every key present from the first call to the last is returned at least once, however the table grows,
     * shrinks and rehashes between calls (keys added or deleted during the scan may or may not be returned).
     */
    @Property(tries = 300)
    void scanReturnsEveryKeyPresentThroughout(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int keySpace,
                                             @ForAll @IntRange(min = 0, max = 1500) int initial) {
        Random r = new Random(seed);
        Dict<Integer> d = new Dict<>(DictTest.SEED, false);
        Map<String, Integer> model = new HashMap<>();
        for (int i = 0; i < initial; i++) {
            int x = r.nextInt(keySpace);
            d.put(key(x), x * 7);
            model.put("k" + x, x * 7);
        }
        if (r.nextBoolean()) {
            d.rehash(r.nextInt(50)); // start the scan in the middle of a rehash, or not
        }
        Set<String> mustSee = new HashSet<>(model.keySet());
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int calls = 0;
        int resizes = 0;
        do {
            cursor = d.scan(cursor, e -> {
                seen.add(s(e.key()));
                assertEquals(model.get(s(e.key())), e.value());
            });
            if (++calls > 1_000_000) {
                fail("scan did not terminate");
            }
            int actions = r.nextInt(4);
            for (int a = 0; a < actions; a++) {
                long before = d.buckets();
                randomAction(r, d, model, keySpace);
                resizes += before != d.buckets() ? 1 : 0;
            }
            mustSee.retainAll(model.keySet());
        } while (cursor != 0);
        for (String k : mustSee) {
            assertTrue(seen.contains(k), "scan missed " + k + " after " + calls + " calls and " + resizes + " resizes");
        }
    }

    /** The same guarantee in the tightest case: the table doubles or halves between every two calls. */
    @Property(tries = 100)
    void scanSurvivesAResizeAfterEveryCall(@ForAll long seed, @ForAll @IntRange(min = 16, max = 4000) int n) {
        Random r = new Random(seed);
        Dict<Integer> d = new Dict<>(DictTest.SEED, false);
        for (int i = 0; i < n; i++) {
            d.add(key(i), i);
        }
        d.rehashFor(1_000_000);
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        boolean grow = r.nextBoolean();
        do {
            cursor = d.scan(cursor, e -> seen.add(s(e.key())));
            if (!d.isRehashing()) {
                int size = d.tableSize();
                d.expand(grow ? (long) size * 2 : Math.max(n, size / 2));
                grow = size <= n * 2 && (!grow || r.nextInt(3) == 0) ? true : !grow && size > n;
            }
            d.rehash(r.nextInt(size(d)));
        } while (cursor != 0);
        for (int i = 0; i < n; i++) {
            assertTrue(seen.contains("k" + i), "missed k" + i);
        }
    }

    private static int size(Dict<?> d) {
        return Math.max(1, d.tableSize() / 8);
    }
}
