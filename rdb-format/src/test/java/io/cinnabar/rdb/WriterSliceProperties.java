package io.cinnabar.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free writers give the same bytes as the array ones: {@code string(s, off, len)} as
 * {@code string(copy)} (int encodings, LZF, raw), {@code longString(v)} as {@code string(decimal text)}, and
 * {@code key(type, key, off, len, expire, idle, freq)} writes IDLE/FREQ records that the reader hands back.
 */
class WriterSliceProperties {
    private static byte[] bytes(boolean compression, Consumer<RdbWriter> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter w = RdbWriter.create(out, 11).compression(compression);
        body.accept(w);
        w.close();
        return out.toByteArray();
    }

    @Property(tries = 400)
    void sliceEqualsCopy(@ForAll @Size(max = 300) byte[] payload, @ForAll @IntRange(max = 20) int pad,
                         @ForAll boolean compression, @ForAll boolean repetitive) {
        byte[] s = repetitive ? ("ab" + "x".repeat(payload.length)).getBytes(StandardCharsets.US_ASCII) : payload;
        byte[] framed = new byte[s.length + 2 * pad];
        System.arraycopy(s, 0, framed, pad, s.length);
        assertArrayEquals(bytes(compression, w -> w.string(s)),
            bytes(compression, w -> w.string(framed, pad, s.length)));
    }

    @Property(tries = 400)
    void longStringEqualsItsText(@ForAll long v) {
        byte[] text = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(bytes(true, w -> w.string(text)), bytes(true, w -> w.longString(v)));
    }

    @Test
    void numbersThatLookLikeIntsButAreNot() {
        for (String t : new String[] {"007", "-0", "+1", "2147483648", "-2147483649", "12345678901", ""}) {
            byte[] s = t.getBytes(StandardCharsets.US_ASCII);
            byte[] framed = ("[" + t + "]").getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(bytes(true, w -> w.string(s)), bytes(true, w -> w.string(framed, 1, s.length)), t);
        }
    }

    @Test
    void idleAndFreqRecordsAreReadBack() {
        byte[] key = "..key..".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter w = RdbWriter.create(out, 11);
        w.header();
        w.selectDb(0);
        w.key(RdbFormat.TYPE_STRING, key, 2, 3, -1, 12345, -1);
        w.string("v".getBytes(StandardCharsets.US_ASCII));
        w.key(RdbFormat.TYPE_STRING, key, 2, 3, 1_700_000_000_000L, -1, 200);
        w.string("w".getBytes(StandardCharsets.US_ASCII));
        w.finish();
        StringBuilder seen = new StringBuilder();
        RdbReader.of(out.toByteArray()).read(new RdbVisitor() {
            @Override
            public void beginKey(RdbKey k) {
                seen.append(new String(k.key(), StandardCharsets.US_ASCII)).append(' ').append(k.idleSeconds())
                    .append(' ').append(k.freq()).append(' ').append(k.expireAtMs()).append(';');
            }
        });
        assertEquals("key 12345 -1 -1;key -1 200 1700000000000;", seen.toString());
    }
}
