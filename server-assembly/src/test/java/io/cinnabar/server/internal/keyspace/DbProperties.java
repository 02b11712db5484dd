package io.cinnabar.server.internal.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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

/** The keyspace table against a HashMap model: adds, removes (growing and shrinking the table), finds and SCAN. */
class DbProperties {
    @Provide
    Arbitrary<List<Integer>> ops() {
        // key ids from a small range so removes hit; the sign picks add (+) or remove (-)
        return Arbitraries.integers().between(-300, 300).list().ofMinSize(1).ofMaxSize(2000);
    }

    private static byte[] key(int id) {
        return ("k" + id).getBytes(StandardCharsets.US_ASCII);
    }

    @Property(tries = 200)
    void tableAgreesWithModel(@ForAll("ops") List<Integer> ops) {
        Db db = new Db(0);
        Map<String, Entry> model = new HashMap<>();
        long[] tmp = new long[1];
        for (int op : ops) {
            int id = Math.abs(op);
            byte[] k = key(id);
            String ks = "k" + id;
            Entry found = db.find(k);
            assertEquals(model.get(ks), found);
            if (op >= 0 && found == null) {
                Entry e = db.add(k);
                // an embedded value shares the key's array: the table must still find the key by its own bytes
                byte[] v = ("v" + id).getBytes(StandardCharsets.US_ASCII);
                e.setString(v, 0, v.length, tmp);
                model.put(ks, e);
            } else if (op < 0 && found != null) {
                db.remove(found);
                model.remove(ks);
            } else if (id % 7 == 0) {
                db.rehashFor(id % 2); // the cron's step, sometimes finishing a resize
            }
            if (id % 5 == 0) {
                assertScanReturnsAll(db, model); // a SCAN can also run while a resize is half done
            }
            assertEquals(model.size(), db.size());
        }
        for (Map.Entry<String, Entry> m : model.entrySet()) {
            Entry e = db.find(m.getKey().getBytes(StandardCharsets.US_ASCII));
            assertNotNull(e);
            assertEquals(m.getValue(), e);
        }
        assertNull(db.find(key(100_000)));
        assertScanReturnsAll(db, model);
        assertTrue(db.buckets() >= db.size() || db.size() == 0);
    }

    private static void assertScanReturnsAll(Db db, Map<String, Entry> model) {
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        do {
            cursor = db.scan(cursor, e -> seen.add(new String(e.keyArray(), 0, e.klen(), StandardCharsets.US_ASCII)));
        } while (cursor != 0);
        assertEquals(model.keySet(), seen);
    }

    /** SCAN's guarantee: a key present for the whole scan is returned, though the table grows between the calls. */
    @Property(tries = 100)
    void scanSurvivesResizesBetweenCalls(@ForAll("ops") List<Integer> ops) {
        Db db = new Db(0);
        long[] tmp = new long[1];
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            db.add(key(i)).setString(new byte[] {'v'}, 0, 1, tmp);
            stable.add("k" + i);
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int next = 1000;
        int step = 0;
        do {
            cursor = db.scan(cursor, e -> seen.add(new String(e.keyArray(), 0, e.klen(), StandardCharsets.US_ASCII)));
            int op = ops.get(step++ % ops.size());
            for (int j = 0; j < Math.abs(op) % 40; j++) {
                if (op >= 0 && next < 3000) { // bounded: a table that grows on every call could outrun any scan
                    db.add(key(next++)).setString(new byte[] {'v'}, 0, 1, tmp); // grows
                } else if (next > 1000) {
                    Entry e = db.find(key(--next));
                    if (e != null) {
                        db.remove(e); // shrinks
                    }
                }
            }
        } while (cursor != 0);
        assertTrue(seen.containsAll(stable), () -> "missed " + stable.stream().filter(k -> !seen.contains(k)).toList());
    }
}
