package io.cinnabar.dict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DictTest {
    static final byte[] SEED = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @AfterEach
    void restorePolicy() {
        Dict.setResizePolicy(ResizePolicy.ENABLE);
    }

    /** Fills until a rehash is in progress and returns the dict (not paused, ENABLE policy). */
    static Dict<Integer> rehashingDict(int keys) {
        Dict<Integer> d = new Dict<>(SEED, false);
        int i = 0;
        while (i < keys || !d.isRehashing()) {
            d.add(b("key:" + i), i);
            i++;
        }
        return d;
    }

    /** sumOfFirst walks the entries the iterator returns first, in its order, mid-rehash and not (no iterator). */
    @Test
    void sumOfFirstSumsTheIteratorsFirstEntries() {
        Dict<Integer> rehashing = rehashingDict(100);
        rehashing.rehash(3);
        assertTrue(rehashing.isRehashing());
        Dict<Integer> stable = new Dict<>(SEED, false);
        for (int i = 0; i < 50; i++) {
            stable.add(b("k" + i), i);
        }
        for (Dict<Integer> d : List.of(rehashing, stable)) {
            for (long n : new long[] {0, 1, 5, d.size(), d.size() + 10L}) {
                long expected = 0;
                long seen = 0;
                try (DictIterator<Integer> it = d.iterator()) {
                    for (DictEntry<Integer> e = it.next(); e != null && seen < n; e = it.next()) {
                        expected += e.value() * 1000L + e.key().length;
                        seen++;
                    }
                }
                assertEquals(expected, d.sumOfFirst(n, e -> e.value() * 1000L + e.key().length), "n=" + n);
            }
        }
        assertTrue(rehashing.isRehashing(), "a read-only walk does not rehash");
    }

    @Test
    void basicOperations() {
        Dict<String> d = new Dict<>();
        assertTrue(d.isEmpty());
        assertNull(d.get(b("a")));
        assertTrue(d.add(b("a"), "1"));
        assertFalse(d.add(b("a"), "2"));
        assertEquals("1", d.get(b("a")));
        assertEquals("1", d.put(b("a"), "3"));
        assertNull(d.put(b("b"), "4"));
        assertEquals(2, d.size());
        assertEquals("3", d.remove(b("a")));
        assertNull(d.remove(b("a")));
        assertFalse(d.delete(b("zz")));
        assertEquals(1, d.size());
        d.clear();
        assertEquals(0, d.size());
        assertEquals(0, d.buckets());
    }

    @Test
    void lookupFromASliceWithoutCopy() {
        Dict<String> d = new Dict<>(SEED, false);
        d.add(b("user:1000"), "x");
        byte[] network = b("*2\r\n$3\r\nGET\r\n$9\r\nuser:1000\r\n");
        int off = new String(network, StandardCharsets.ISO_8859_1).indexOf("user:");
        assertEquals("x", d.get(network, off, 9));
        assertNull(d.get(network, off, 8));
        DictEntry<String> e = d.addOrFind(network, 0, 4);
        assertNull(e.value());
        assertEquals("*2\r\n", s(e.key()));
        network[0] = 'X';
        assertEquals("*2\r\n", s(e.key()), "the inserted key is a copy of the slice");
        assertSame(e, d.find(b("*2\r\n")));
        assertEquals(2, d.size());
        assertSame(e, d.unlink(b("X*2\r\n*2\r\n"), 5, 4));
    }

    @Test
    void caseInsensitiveDictForCommandNames() {
        Dict<String> d = Dict.caseInsensitive();
        d.add(b("GET"), "get");
        assertEquals("get", d.get(b("get")));
        assertEquals("get", d.get(b("gEt")));
        assertNull(d.get(b("GETX")));
        assertFalse(d.add(b("get"), "again"));
        assertEquals("get", d.remove(b("Get")));
        Dict<String> sensitive = new Dict<>();
        sensitive.add(b("GET"), "get");
        assertNull(sensitive.get(b("get")));
    }

    @Test
    void entryMetadata() {
        Dict<String> d = new Dict<>();
        DictEntry<String> e = d.addRaw(b("k"));
        assertNotNull(e);
        assertNull(d.addRaw(b("k")));
        e.setValue("v");
        e.setMeta(1_700_000_000_000L);
        assertEquals(1_700_000_000_000L, d.find(b("k")).meta());
        assertEquals("v", d.get(b("k")));
    }

    @Test
    void growsByDoublingAtOneToOne() {
        Dict<Integer> d = new Dict<>(SEED, false);
        d.add(b("k0"), 0);
        assertEquals(4, d.tableSize());
        for (int i = 1; i < 4; i++) {
            d.add(b("k" + i), i);
        }
        assertEquals(4, d.tableSize());
        assertFalse(d.isRehashing());
        d.add(b("k4"), 4); // used (4) >= size (4) before this insert: grow to 8
        assertTrue(d.isRehashing());
        assertEquals(8, d.rehashTargetSize());
        while (d.rehash(1)) {
            // finish
        }
        assertEquals(8, d.tableSize());
        assertEquals(5, d.size());
    }

    @Test
    void avoidPolicyGrowsOnlyPastTheForceRatio() {
        Dict<Integer> d = new Dict<>(SEED, false);
        for (int i = 0; i < 4; i++) {
            d.add(b("k" + i), i);
        }
        Dict.setResizePolicy(ResizePolicy.AVOID);
        int i = 4;
        // grows once used / size > 5, i.e. when 24 keys are in 4 buckets and one more arrives
        while (!d.isRehashing()) {
            d.add(b("k" + i), i);
            i++;
        }
        assertEquals(25, d.size());
        assertEquals(32, d.rehashTargetSize());
        // 32 / 4 >= 5: rehashing proceeds even under AVOID
        assertTrue(d.rehash(1) || !d.isRehashing());
        assertFalse(d.resize(), "no shrinking under AVOID");
    }

    @Test
    void avoidPolicyPausesARehashBetweenCloseSizes() {
        Dict<Integer> d = rehashingDict(100);
        int idx = d.rehashIndex();
        Dict.setResizePolicy(ResizePolicy.AVOID);
        assertFalse(d.rehash(10));
        d.get(b("key:1"));
        assertEquals(idx, d.rehashIndex());
        Dict.setResizePolicy(ResizePolicy.FORBID);
        assertEquals(0, d.rehashFor(1000));
        assertEquals(idx, d.rehashIndex());
        Dict.setResizePolicy(ResizePolicy.ENABLE);
        d.rehashFor(1_000_000);
        assertFalse(d.isRehashing());
    }

    @Test
    void forbidPolicyNeverGrows() {
        Dict<Integer> d = new Dict<>(SEED, false);
        d.add(b("first"), 0);
        Dict.setResizePolicy(ResizePolicy.FORBID);
        for (int i = 0; i < 1000; i++) {
            d.add(b("k" + i), i);
        }
        assertEquals(4, d.tableSize());
        assertFalse(d.isRehashing());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, d.get(b("k" + i)));
        }
    }

    @Test
    void shrinkRule() {
        Dict<Integer> d = new Dict<>(SEED, false);
        for (int i = 0; i < 1000; i++) {
            d.add(b("k" + i), i);
        }
        d.rehashFor(1_000_000);
        assertEquals(1024, d.tableSize());
        for (int i = 0; i < 898; i++) {
            d.delete(b("k" + i));
        }
        assertEquals(102, d.size()); // 102 * 100 / 1024 = 9 < 10
        assertTrue(d.needsResize());
        d.delete(b("k" + 999));
        d.add(b("k" + 999), 999);
        Dict<Integer> at10 = new Dict<>(SEED, false);
        for (int i = 0; i < 1000; i++) {
            at10.add(b("k" + i), i);
        }
        at10.rehashFor(1_000_000);
        for (int i = 0; i < 897; i++) {
            at10.delete(b("k" + i));
        }
        assertEquals(103, at10.size()); // 103 * 100 / 1024 = 10
        assertFalse(at10.needsResize());

        Dict.setResizePolicy(ResizePolicy.AVOID);
        assertFalse(d.resize());
        Dict.setResizePolicy(ResizePolicy.ENABLE);
        assertTrue(d.resizeIfNeeded());
        assertEquals(128, d.rehashTargetSize()); // smallest power of two >= 102
        d.rehashFor(1_000_000);
        assertEquals(128, d.tableSize());
        for (int i = 898; i < 1000; i++) {
            assertEquals(i, d.get(b("k" + i)));
        }
        Dict<Integer> small = new Dict<>(SEED, false);
        small.add(b("x"), 1);
        assertFalse(small.needsResize(), "a table of the initial size never needs shrinking");
    }

    @Test
    void eachOperationMovesOneBucketAndVisitsAtMostTenEmptyOnes() {
        Dict<Integer> d = rehashingDict(5000);
        // make the old table sparse so that empty runs longer than 10 exist (without rehashing meanwhile)
        d.pauseRehashing();
        for (int i = 0; i < 5000; i += 1) {
            if (i % 7 != 0) {
                d.delete(b("key:" + i));
            }
        }
        d.resumeRehashing();
        int longestRunSeen = 0;
        int key = 0;
        int ops = 0;
        while (d.isRehashing()) {
            int before = d.rehashIndex();
            int oldUsed = d.size();
            d.get(b("key:" + (key++ % 5000)));
            ops++;
            if (d.isRehashing()) {
                int advanced = d.rehashIndex() - before;
                assertTrue(advanced >= 1 && advanced <= Dict.EMPTY_VISITS_PER_STEP,
                    "one step advanced the rehash index by " + advanced);
                longestRunSeen = Math.max(longestRunSeen, advanced);
            }
            assertEquals(oldUsed, d.size());
        }
        assertTrue(ops > 100, "ops " + ops);
        assertEquals(Dict.EMPTY_VISITS_PER_STEP, longestRunSeen, "the sparse table made some steps stop at the bound");
    }

    @Test
    void rehashStepMovesExactlyOneNonEmptyBucket() {
        Dict<Integer> d = rehashingDict(3000);
        DictEntry<Integer>[] old = d.table(0);
        while (d.isRehashing()) {
            int idx = d.rehashIndex();
            int firstNonEmpty = idx;
            while (firstNonEmpty < old.length && old[firstNonEmpty] == null) {
                firstNonEmpty++;
            }
            d.rehash(1);
            if (!d.isRehashing()) {
                break;
            }
            if (firstNonEmpty - idx < Dict.EMPTY_VISITS_PER_STEP) {
                assertNull(old[firstNonEmpty], "the first non-empty bucket was moved");
                assertEquals(firstNonEmpty + 1, d.rehashIndex(), "and nothing after it");
            } else {
                assertEquals(idx + Dict.EMPTY_VISITS_PER_STEP, d.rehashIndex());
            }
        }
    }

    @Test
    void rehashForRespectsPauseAndFinishes() {
        Dict<Integer> d = rehashingDict(100_000);
        d.pauseRehashing();
        assertEquals(0, d.rehashFor(10_000));
        int idx = d.rehashIndex();
        d.get(b("key:5"));
        d.add(b("new"), 1);
        assertEquals(idx, d.rehashIndex());
        d.resumeRehashing();
        assertThrows(IllegalStateException.class, d::resumeRehashing);
        int steps = d.rehashFor(10_000_000);
        assertTrue(steps % Dict.REHASH_BATCH == 0);
        assertFalse(d.isRehashing());
        for (int i = 0; i < 100_000; i++) {
            assertEquals(i, d.get(b("key:" + i)));
        }
    }

    @Test
    void safeIteratorAllowsDeletionAndSeesEveryKeyOnce() {
        Dict<Integer> d = rehashingDict(1000);
        int n = d.size();
        Set<String> seen = new HashSet<>();
        try (DictIterator<Integer> it = d.safeIterator()) {
            int idx = d.rehashIndex();
            for (DictEntry<Integer> e = it.next(); e != null; e = it.next()) {
                assertTrue(seen.add(s(e.key())), "returned twice: " + s(e.key()));
                d.delete(e.key());
                d.add(b("other:" + e.value()), -1);
                assertEquals(idx, d.rehashIndex(), "rehash is paused");
            }
        }
        assertFalse(d.isRehashingPaused());
        for (String k : seen) {
            if (k.startsWith("key:")) {
                assertNull(d.get(b(k)));
            }
        }
        assertTrue(seen.stream().filter(k -> k.startsWith("key:")).count() == n);
    }

    @Test
    void unsafeIteratorDetectsModification() {
        Dict<Integer> d = rehashingDict(100);
        DictIterator<Integer> it = d.iterator();
        it.next();
        d.get(b("key:1")); // a lookup rehashes one step: the fingerprint changes
        assertThrows(ConcurrentModificationException.class, it::close);

        Dict<Integer> quiet = new Dict<>(SEED, false);
        for (int i = 0; i < 10; i++) {
            quiet.add(b("q" + i), i);
        }
        quiet.rehashFor(1000);
        int count = 0;
        try (DictIterator<Integer> ok = quiet.iterator()) {
            for (DictEntry<Integer> e = ok.next(); e != null; e = ok.next()) {
                count++;
                assertEquals(e.value(), quiet.get(e.key()));
            }
        }
        assertEquals(10, count);
        DictIterator<Integer> bad = quiet.iterator();
        bad.next();
        quiet.add(b("late"), 1);
        assertThrows(ConcurrentModificationException.class, bad::close);
    }

    @Test
    void randomEntriesArePresentEntries() {
        Dict<Integer> d = rehashingDict(2000);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            DictEntry<Integer> e = i % 2 == 0 ? d.randomEntry() : d.fairRandomEntry();
            assertSame(e, d.find(e.key()));
            seen.merge(s(e.key()), 1, Integer::sum);
        }
        assertTrue(seen.size() > 1000, "random entries spread: " + seen.size());
        DictEntry<Integer>[] dest = Dict.entryArray(20);
        Dict<Integer> d2 = rehashingDict(2000);
        int n = d2.someEntries(dest, 20);
        assertTrue(n > 0 && n <= 20);
        for (int i = 0; i < n; i++) {
            assertSame(dest[i], d2.find(dest[i].key()));
        }
        assertNull(new Dict<Integer>().randomEntry());
        assertNull(new Dict<Integer>().fairRandomEntry());
        assertEquals(0, new Dict<Integer>().someEntries(dest, 5));
        Dict<Integer> three = new Dict<>();
        three.add(b("a"), 1);
        three.add(b("b"), 2);
        three.add(b("c"), 3);
        assertEquals(3, three.someEntries(dest, 20));
    }

    @Test
    void fairRandomEntryIsRoughlyUniform() {
        Dict<Integer> d = new Dict<>(SEED, false);
        int n = 64;
        for (int i = 0; i < n; i++) {
            d.add(b("key:" + i), i);
        }
        d.rehashFor(1000);
        int[] counts = new int[n];
        int draws = 64_000;
        for (int i = 0; i < draws; i++) {
            counts[d.fairRandomEntry().value()]++;
        }
        for (int c : counts) {
            assertTrue(c > draws / n / 3 && c < draws / n * 3, "count " + c);
        }
    }

    /**
     * Hash flooding: 2^16 keys built from "Aa"/"BB" blocks all share one {@code String.hashCode}; under SipHash
     * with a secret seed they spread like random keys.
     */
    @Test
    void collidingKeysForWeakHashesStillSpread() {
        Dict<Integer> d = new Dict<>();
        List<String> keys = new ArrayList<>();
        for (int m = 0; m < (1 << 16); m++) {
            StringBuilder sb = new StringBuilder();
            for (int bit = 0; bit < 16; bit++) {
                sb.append((m >> bit & 1) == 0 ? "Aa" : "BB");
            }
            keys.add(sb.toString());
        }
        assertEquals(1, keys.stream().mapToInt(String::hashCode).distinct().count());
        for (int i = 0; i < keys.size(); i++) {
            d.add(b(keys.get(i)), i);
        }
        d.rehashFor(10_000_000);
        int maxChain = 0;
        for (DictEntry<Integer> head : d.table(0)) {
            int len = 0;
            for (DictEntry<Integer> e = head; e != null; e = e.next) {
                len++;
            }
            maxChain = Math.max(maxChain, len);
        }
        assertTrue(maxChain <= 12, "longest chain " + maxChain);
        assertTrue(d.stats().contains("number of elements: 65536"), d.stats());
    }

    @Test
    void reverseBinaryCursorVisitsEveryBucketOnce() {
        for (int exp = 2; exp <= 10; exp++) {
            long mask = (1L << exp) - 1;
            Set<Long> seen = new HashSet<>();
            long v = 0;
            do {
                assertTrue(seen.add(v & mask));
                v = Dict.nextCursor(v, mask);
            } while (v != 0);
            assertEquals(1 << exp, seen.size());
        }
        // size 8: 0 -> 4 -> 2 -> 6 -> 1 -> 5 -> 3 -> 7 -> 0
        assertEquals(4, Dict.nextCursor(0, 7));
        assertEquals(2, Dict.nextCursor(4, 7));
        assertEquals(6, Dict.nextCursor(2, 7));
        assertEquals(0, Dict.nextCursor(7, 7));
    }

    @Test
    void scanOfAStableTableReturnsEachKeyOnce() {
        Dict<Integer> d = new Dict<>(SEED, false);
        for (int i = 0; i < 500; i++) {
            d.add(b("k" + i), i);
        }
        d.rehashFor(1000);
        Map<String, Integer> counts = new HashMap<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> counts.merge(s(e.key()), 1, Integer::sum));
        } while (cursor != 0);
        assertEquals(500, counts.size());
        assertTrue(counts.values().stream().allMatch(c -> c == 1));
        assertEquals(0, new Dict<Integer>().scan(0, e -> { }));
    }

    @Test
    void scanCallbackMayDeleteTheEntry() {
        Dict<Integer> d = rehashingDict(300);
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> d.delete(e.key()));
        } while (cursor != 0);
        assertEquals(0, d.size());
    }

    @Test
    void expandRefusals() {
        Dict<Integer> d = new Dict<>(SEED, false);
        assertTrue(d.expand(100));
        assertEquals(128, d.tableSize());
        assertFalse(d.expand(100), "same size");
        for (int i = 0; i < 50; i++) {
            d.add(b("k" + i), i);
        }
        assertFalse(d.expand(10), "below the key count");
        assertTrue(d.expand(1000));
        assertFalse(d.expand(4000), "already rehashing");
        assertFalse(new Dict<Integer>().expand((1L << 30) + 1));
        assertEquals(50L * Dict.ENTRY_BYTES + (128 + 1024) * Dict.BUCKET_BYTES, d.memoryUsage());
    }
}
