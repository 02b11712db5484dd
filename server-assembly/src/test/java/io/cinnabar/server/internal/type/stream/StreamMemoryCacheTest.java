package io.cinnabar.server.internal.type.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * StreamValue keeps the listpack part of MEMORY USAGE and its last node between writes (the memory accounting
 * measures a stream before and after each XADD): after random XADDs (small nodes, so nodes open often), XDELs and
 * XTRIMs, the kept figure equals one computed afresh, and the contents equal a copy's (the last-node shortcut
 * appends where a fresh lookup would).
 */
class StreamMemoryCacheTest {
    private static byte[][] argv(String... s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            b[i] = s[i].getBytes(StandardCharsets.US_ASCII);
        }
        return b;
    }

    @Test
    void keptFigureEqualsAFreshOne() {
        Random r = new Random(15);
        for (int round = 0; round < 20; round++) {
            StreamValue s = new StreamValue();
            List<StreamId> ids = new ArrayList<>();
            java.util.Set<StreamId> live = new java.util.HashSet<>();
            long maxBytes = 64 + r.nextInt(400);
            long maxEntries = 1 + r.nextInt(12);
            for (int op = 0; op < 400; op++) {
                int k = r.nextInt(20);
                if (k < 14) {
                    String v = "v".repeat(r.nextInt(30));
                    String[] fv = r.nextBoolean() ? new String[] {"f", v} : new String[] {"f", v, "g" + k, "x"};
                    StreamId added = s.append(StreamId.parseAdd("*".getBytes(StandardCharsets.US_ASCII)), 1000 + op / 3,
                        argv(fv), 0, fv.length / 2, maxBytes, maxEntries);
                    ids.add(added);
                    live.add(added);
                } else if (k < 17 && !ids.isEmpty()) {
                    StreamId victim = ids.get(r.nextInt(ids.size()));
                    s.delete(List.of(victim));
                    live.remove(victim);
                } else if (k < 19) {
                    s.trim(StreamValue.Trim.maxlen(r.nextInt(40), r.nextBoolean(), 0));
                } else {
                    s.memoryUsage(1 + r.nextInt(8)); // another sample count replaces the kept figure
                }
                s.memoryUsage(5);
                assertEquals(s.listpacksUsage(5), s.listpacksUsageKept(), "round " + round + " op " + op);
                List<StreamValue.Entry> all = s.range(StreamId.MIN, StreamId.MAX, false, Long.MAX_VALUE);
                assertEquals(s.length(), all.size());
                for (int i = 0; i < all.size(); i++) {
                    assertTrue(live.contains(all.get(i).id()), "an id never added or deleted");
                    assertTrue(i == 0 || all.get(i - 1).id().compareTo(all.get(i).id()) < 0);
                }
                if (!all.isEmpty() && k < 14) {
                    assertEquals(s.lastId(), all.get(all.size() - 1).id()); // appended to the last node
                }
            }
        }
    }
}
