package io.cinnabar.server.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CallContext#writeId}: the text of a stream id, reusing the digits of the previous id's milliseconds when
 * they are the same. Every text must equal {@code Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq)},
 * whatever came before it: the same ms (only seq rewritten), a longer or shorter ms or seq, values above 2^63.
 */
class CallContextTest {
    private static String text(CallContext ctx, long ms, long seq) {
        int len = ctx.writeId(ms, seq);
        return new String(ctx.idText(), 0, len, StandardCharsets.US_ASCII);
    }

    private static String expected(long ms, long seq) {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    @Test
    void worksAfterAnyPreviousId() {
        CallContext ctx = new CallContext();
        long[][] ids = {{1733412345678L, 0}, {1733412345678L, 12345}, {1733412345678L, 7}, {9, 9},
            {1733412345679L, 0}, {-1L, -1L}, {-1L, 0}, {0, 0}, {0, -1L}, {10, 5}, {1, 5}, {100, 1}, {100, 1}};
        for (long[] id : ids) {
            assertEquals(expected(id[0], id[1]), text(ctx, id[0], id[1]));
        }
        Random r = new Random(3);
        long ms = 0;
        for (int i = 0; i < 100_000; i++) {
            int k = r.nextInt(5);
            ms = k == 0 ? r.nextLong() : k == 1 ? r.nextInt(1000) : k == 2 ? ms + r.nextInt(2) : ms;
            long seq = r.nextBoolean() ? r.nextInt(200) : r.nextLong();
            assertEquals(expected(ms, seq), text(ctx, ms, seq));
        }
    }
}
