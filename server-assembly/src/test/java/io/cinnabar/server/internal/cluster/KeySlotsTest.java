package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KeySlotsTest {
    static int slot(String k) {
        return KeySlots.slot(k.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crc16OfTheCheckString() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x31C3, KeySlots.crc16(b, 0, b.length));
    }

    /** Values CLUSTER KEYSLOT of Redis 7.0.15 returns. */
    @Test
    void slotsAsRedisComputesThem() {
        assertEquals(12182, slot("foo"));
        assertEquals(15495, slot("a"));
        assertEquals(0, slot(""));
        assertEquals(15495, slot("{a}b"));
        assertEquals(slot("{}a"), KeySlots.crc16("{}a".getBytes(StandardCharsets.US_ASCII), 0, 3) & 16383);
        assertEquals(slot("user1000"), slot("{user1000}.following"));
        assertEquals(slot("user1000"), slot("x{user1000}y{z}"));
        assertEquals(slot("{a"), KeySlots.crc16("{a".getBytes(StandardCharsets.US_ASCII), 0, 2) & 16383);
    }

    /** A tag is the part between the first '{' and the first '}' after it, when not empty. */
    @Property(tries = 300)
    void hashTagsSelectTheirPart(@ForAll String prefix, @ForAll String tag, @ForAll String suffix) {
        if (prefix.contains("{") || tag.contains("}") || tag.isEmpty()) {
            return;
        }
        assertEquals(slot(tag), slot(prefix + "{" + tag + "}" + suffix));
    }
}
