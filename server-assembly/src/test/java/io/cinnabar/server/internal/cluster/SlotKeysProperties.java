package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.keyspace.Db;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The per-slot key index against a model: per slot, the keys present in the order they were added. */
class SlotKeysProperties {
    private static final Db DB0 = new Db(0);
    private static final Db DB1 = new Db(1);

    /** Keys from a small pool: a quarter share one hash tag (one slot holds many keys), the rest spread. */
    private static byte[] key(int i) {
        String s = i % 4 == 0 ? "{tag}k" + i : "key:" + i + (i % 3 == 0 ? "-with-a-longer-name-" + i : "");
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void check(Map<Integer, LinkedHashSet<String>> model, SlotKeys idx) {
        for (int s = 0; s < BusDescriptor.SLOTS; s++) {
            LinkedHashSet<String> m = model.get(s);
            int n = m == null ? 0 : m.size();
            assertEquals(n, idx.count(s), "count of slot " + s);
            if (n == 0) {
                assertEquals(0, idx.keys(s, 10).size());
                continue;
            }
            List<String> newestFirst = new ArrayList<>(m);
            java.util.Collections.reverse(newestFirst);
            List<String> got = new ArrayList<>();
            for (byte[] k : idx.keys(s, Long.MAX_VALUE)) {
                got.add(new String(k, StandardCharsets.UTF_8));
            }
            assertEquals(newestFirst, got, "keys of slot " + s);
            assertEquals(Math.min(3, n), idx.keys(s, 3).size());
        }
    }

    @Property(tries = 200)
    void followsAddsDeletesAndFlushes(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 399) Integer> ops) {
        SlotKeys idx = new SlotKeys();
        Map<Integer, LinkedHashSet<String>> model = new HashMap<>();
        for (int op : ops) {
            int kind = op % 10;
            byte[] k = key(op / 4);
            String ks = new String(k, StandardCharsets.UTF_8);
            int slot = KeySlots.slot(k, 0, k.length);
            LinkedHashSet<String> m = model.computeIfAbsent(slot, x -> new LinkedHashSet<>());
            if (kind < 5) {
                if (!m.contains(ks)) { // the keyspace adds a key only when absent
                    m.add(ks);
                    idx.keyAdded(DB0, k, 0, k.length);
                }
            } else if (kind < 8) {
                if (m.remove(ks)) {
                    idx.keyDeleted(DB0, k, 0, k.length);
                }
            } else if (kind == 8) {
                if (m.remove(ks)) {
                    idx.keyExpired(DB0, k, 0, k.length);
                }
            } else if (op == 399) {
                model.clear();
                idx.flushed(DB0);
            } else {
                idx.keyAdded(DB1, k, 0, k.length); // another database is not indexed
            }
        }
        check(model, idx);
    }

    @Test
    void oneSlotWithManyKeysStaysCompact() {
        SlotKeys idx = new SlotKeys();
        Map<Integer, LinkedHashSet<String>> model = new HashMap<>();
        int slot = KeySlots.slot("{tag}".getBytes(StandardCharsets.UTF_8), 0, 5);
        LinkedHashSet<String> m = model.computeIfAbsent(slot, x -> new LinkedHashSet<>());
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 20_000; i++) {
                byte[] k = ("{tag}" + round + ":" + i).getBytes(StandardCharsets.UTF_8);
                idx.keyAdded(DB0, k, 0, k.length);
                m.add(new String(k, StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 20_000; i += round % 2 == 0 ? 1 : 2) {
                byte[] k = ("{tag}" + round + ":" + i).getBytes(StandardCharsets.UTF_8);
                idx.keyDeleted(DB0, k, 0, k.length);
                m.remove(new String(k, StandardCharsets.UTF_8));
            }
        }
        check(model, idx);
        // 20,000 live keys of 8 to 12 bytes: key + 4 in the arena (with dead records and unused space at most
        // twice that) and at most 4 / (1/4) bytes of table
        long perKey = idx.bytes() / m.size();
        System.out.println("SlotKeys: " + perKey + " bytes per key of 8 to 12 bytes");
        assertTrue(perKey <= 2 * (12 + 4) + 16, "bytes per key " + perKey);
        idx.flushed(DB0);
        assertEquals(0, idx.bytes());
    }

    @Test
    void swapIntoDatabaseZeroRebuilds() {
        SlotKeys idx = new SlotKeys();
        Db zero = new Db(0);
        for (int i = 0; i < 50; i++) {
            zero.add(key(i)); // a Db without listeners: the index learns of the keys by the rebuild
        }
        idx.swapped(zero, DB1);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            counts.merge(KeySlots.slot(key(i), 0, key(i).length), 1, Integer::sum);
        }
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            assertEquals((int) e.getValue(), idx.count(e.getKey()));
        }
    }
}
