package io.cinnabar.server.internal.evict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The eviction pool against a model: after any sequence of offers and takes of the best candidate, the pool holds
 * the 16 best scores offered and not taken (a score equal to the worst held one is not admitted into a full pool),
 * in ascending order, each with the key and database it was offered with.
 */
class EvictionPoolProperties {
    @Property(tries = 500)
    void holdsTheBestSixteenSorted(@ForAll @Size(max = 200) List<@IntRange(min = -1, max = 60) Integer> ops) {
        EvictionPool pool = new EvictionPool();
        List<Long> model = new ArrayList<>();
        int n = 0;
        for (int op : ops) {
            if (op < 0) { // take the best candidate, as performEvictions does
                int k = EvictionPool.SIZE - 1;
                while (k >= 0 && !pool.used(k)) {
                    k--;
                }
                if (k >= 0) {
                    assertEquals(model.remove(model.size() - 1).longValue(), pool.score(k));
                    pool.clear(k);
                }
                continue;
            }
            long score = op;
            String key = "key:" + score + ":" + n++ + (n % 7 == 0 ? "x".repeat(300) : "");
            byte[] kb = key.getBytes(StandardCharsets.ISO_8859_1);
            boolean full = model.size() == EvictionPool.SIZE;
            boolean admitted = pool.offer(op % 16, kb, 0, kb.length, score);
            if (!full) {
                model.add(score);
                assertEquals(true, admitted);
            } else if (score > model.get(0)) {
                model.remove(0);
                model.add(score);
                assertEquals(true, admitted);
            } else {
                assertEquals(false, admitted);
            }
            Collections.sort(model);
            long[] held = new long[model.size()];
            int j = 0;
            for (int i = 0; i < EvictionPool.SIZE; i++) {
                if (pool.used(i)) {
                    held[j++] = pool.score(i);
                    String k = new String(pool.key(i), 0, pool.keyLength(i), StandardCharsets.ISO_8859_1);
                    assertEquals(Long.parseLong(k.split(":")[1]), pool.score(i), "key travels with its score");
                    assertEquals(pool.score(i) % 16, pool.db(i));
                }
            }
            assertEquals(model.size(), j);
            assertArrayEquals(model.stream().mapToLong(Long::longValue).toArray(), held);
        }
    }
}
