package io.cinnabar.listpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The buffer API: {@link Listpack#writeTo} and {@link Listpack#load} round trips through heap and direct buffers. */
class ListpackBufferTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Property(tries = 200)
    void writeToThenLoadRoundTrips(@ForAll @Size(max = 40) java.util.List<@Size(max = 300) String> elements,
                                   @ForAll boolean direct) {
        Listpack lp = new Listpack();
        for (String s : elements) {
            lp.append(s.getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer buf = (direct ? ByteBuffer.allocateDirect(lp.bytes() + 10) : ByteBuffer.allocate(lp.bytes() + 10))
            .order(ByteOrder.LITTLE_ENDIAN);
        lp.writeTo(buf, 5);
        assertEquals(0, buf.position());
        Listpack back = Listpack.of(b("left"), b("over"), b("x".repeat(500))); // a larger array is reused
        byte[] arr = back.array();
        back.load(buf, 5, lp.bytes());
        if (lp.bytes() <= arr.length) {
            assertSame(arr, back.array(), "a large enough array is reused");
        }
        assertEquals(lp.count(), back.count());
        assertArrayEquals(lp.toByteArray(), back.toByteArray());
        assertEquals(lp.toList().size(), back.toList().size());
        back.append("more".getBytes(StandardCharsets.UTF_8)); // still a working listpack
        assertEquals(lp.count() + 1, back.count());
    }

    @Test
    void loadRejectsBytesThatAreNoListpack() {
        Listpack lp = Listpack.of(b("a"), b("b"));
        ByteBuffer buf = ByteBuffer.allocate(64);
        lp.writeTo(buf, 0);
        Listpack into = new Listpack();
        assertThrows(ListpackException.class, () -> into.load(buf, 0, lp.bytes() + 1)); // total-bytes mismatch
        assertThrows(ListpackException.class, () -> into.load(buf, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> into.load(buf, 60, 10));
        assertEquals(0, into.count(), "left empty after a failed load");
        into.load(buf, 0, lp.bytes());
        assertEquals(2, into.count());
    }
}
