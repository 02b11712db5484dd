package io.cinnabar.server.internal.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link Db#expand} (RESIZEDB when loading an RDB): the table is sized at once, keys already present move and stay
 * findable, later inserts up to that size never start a rehash, and a hostile size is capped.
 */
class DbExpandTest {
    private static byte[] k(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void sizesTheTableOnceAndKeepsTheKeys() {
        Db db = new Db(0);
        for (int i = 0; i < 100; i++) {
            db.add(k(i));
        }
        db.expand(100_000);
        assertEquals(131_072, db.buckets());
        assertFalse(db.rehashing());
        for (int i = 100; i < 100_000; i++) {
            db.add(k(i));
            assertFalse(db.rehashing(), "no resize while the announced keys arrive");
        }
        for (int i = 0; i < 100_000; i++) {
            assertNotNull(db.find(k(i)));
        }
        assertEquals(100_000, db.size());
    }

    @Test
    void smallerSizesAndHostileSizes() {
        Db db = new Db(0);
        int before = db.buckets();
        db.expand(1);
        assertEquals(before, db.buckets());
        db.expand(Long.MAX_VALUE);
        assertEquals(Db.MAX_EXPAND, db.buckets());
    }

    @Test
    void bucketMemoryIsCountedAndReturnedOnFlush() {
        Db db = new Db(0);
        long empty = db.tableHeapBytes();
        for (int i = 0; i < 100_000; i++) {
            db.add(k(i));
        }
        while (db.rehash(100)) {
            // the growth to 131072 buckets ends (the cron's work)
        }
        assertTrue(db.tableHeapBytes() - empty >= 8L * 131_072, "the 131072 buckets are counted");
        db.clear(); // FLUSHDB / FLUSHALL: a new table, the old chunks no longer held
        assertEquals(empty, db.tableHeapBytes());
        db.expand(Long.MAX_VALUE); // a hostile RESIZEDB: the 16 Mi-bucket table reserves nothing until written
        assertEquals(Db.MAX_EXPAND, db.buckets());
        assertTrue(db.tableHeapBytes() < empty + 64 * 1024, "" + db.tableHeapBytes());
    }
}
