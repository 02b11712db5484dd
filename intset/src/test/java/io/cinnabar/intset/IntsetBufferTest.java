package io.cinnabar.intset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The buffer API: {@link Intset#writeTo} and {@link Intset#load} round trips, either byte order. */
class IntsetBufferTest {
    @Property(tries = 200)
    void writeToThenLoadRoundTrips(@ForAll @Size(max = 60) java.util.List<Long> values, @ForAll boolean direct,
                                   @ForAll boolean bigEndian) {
        Intset s = new Intset();
        for (long v : values) {
            s.add(v);
        }
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(s.blobLength() + 3) : ByteBuffer.allocate(s.blobLength() + 3);
        buf.order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        s.writeTo(buf, 3);
        Intset back = new Intset();
        back.add(1);
        back.load(buf, 3, s.blobLength());
        assertArrayEquals(s.toByteArray(), back.toByteArray());
        assertEquals(s.size(), back.size());
        assertArrayEquals(s.toLongArray(), back.toLongArray());
        back.add(Long.MIN_VALUE); // still a working set
        assertEquals(Long.MIN_VALUE, back.min());
    }

    @Test
    void loadChecksTheHeader() {
        Intset s = new Intset();
        s.add(5);
        ByteBuffer buf = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        s.writeTo(buf, 0);
        Intset into = new Intset();
        assertThrows(IntsetFormatException.class, () -> into.load(buf, 0, s.blobLength() + 2));
        assertThrows(IntsetFormatException.class, () -> into.load(buf, 0, 4));
        buf.putInt(0, 3); // no such encoding
        assertThrows(IntsetFormatException.class, () -> into.load(buf, 0, s.blobLength()));
        assertEquals(0, into.size());
    }
}
