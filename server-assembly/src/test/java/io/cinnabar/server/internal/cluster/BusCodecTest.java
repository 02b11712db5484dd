package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BusCodecTest {
    static final String A = "4eb0496629874b769c159d743871c9a80cfb7791";
    static final String B = "0123456789abcdef0123456789abcdef01234567";

    static byte[] golden(String name) throws Exception {
        try (InputStream in = BusCodecTest.class.getResourceAsStream("/cluster/" + name)) {
            return in.readAllBytes();
        }
    }

    /** A MEET real Redis 7.0.15 sent after CLUSTER ADDSLOTS 0 1 5 16383 and CLUSTER MEET (hostname host-a). */
    @Test
    void parsesAMeetOfRealRedis() throws Exception {
        byte[] b = golden("meet-7.0.15.bin");
        assertEquals(2272, b.length);
        BusMessage m = BusCodec.parse(b, 0, b.length);
        assertEquals(BusDescriptor.MEET, m.type);
        assertEquals(23111, m.port);
        assertEquals(33111, m.cport);
        assertEquals(40, m.sender.length());
        assertTrue(m.sender.matches("[0-9a-f]{40}"));
        assertNull(m.slaveof);
        assertEquals(BusDescriptor.NODE_MASTER | BusDescriptor.NODE_MYSELF, m.flags);
        assertEquals(1, m.state);
        assertEquals("host-a", m.hostname);
        assertEquals(0, m.gossip.size());
        for (int s = 0; s < BusDescriptor.SLOTS; s++) {
            assertEquals(s == 0 || s == 1 || s == 5 || s == 16383, BusMessage.slot(m.slots, s), "slot " + s);
        }
        // our encoder writes the same bytes for the same content
        assertArrayEquals(b, BusCodec.encode(m));
    }

    static BusMessage sample(int type) {
        BusMessage m = new BusMessage(type);
        m.port = 7000;
        m.cport = 17000;
        m.currentEpoch = 7;
        m.configEpoch = 3;
        m.offset = 1234567890123L;
        m.sender = A;
        m.myIp = "10.1.2.3";
        m.flags = BusDescriptor.NODE_SLAVE;
        m.slaveof = B;
        BusMessage.setSlot(m.slots, 42);
        switch (type) {
            case BusDescriptor.PING, BusDescriptor.PONG, BusDescriptor.MEET -> {
                BusMessage.Gossip g = new BusMessage.Gossip();
                g.name = B;
                g.pingSent = 0xfffffffeL;
                g.pongReceived = 5;
                g.ip = "127.0.0.1";
                g.port = 7001;
                g.cport = 17001;
                g.flags = BusDescriptor.NODE_MASTER;
                m.gossip.add(g);
                m.hostname = "h\u00e9st";
                m.humanNodename = "node-1";
                m.forgotten.add(new BusMessage.Forgotten(B, 59));
                m.shardId = B;
            }
            case BusDescriptor.FAIL -> m.failNode = B;
            case BusDescriptor.PUBLISH, BusDescriptor.PUBLISHSHARD -> {
                m.channel = "ch".getBytes(StandardCharsets.UTF_8);
                m.message = "hello".getBytes(StandardCharsets.UTF_8);
            }
            case BusDescriptor.UPDATE -> {
                m.updateConfigEpoch = 9;
                m.updateNode = B;
                m.updateSlots = new byte[BusDescriptor.SLOT_BYTES];
                BusMessage.setSlot(m.updateSlots, 16383);
            }
            case BusDescriptor.MODULE -> {
                m.moduleId = 77;
                m.moduleType = 200;
                m.moduleData = new byte[] {1, 2, 3};
            }
            default -> {
            }
        }
        return m;
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        for (int t = 0; t < BusDescriptor.TYPE_COUNT; t++) {
            byte[] b = BusCodec.encode(sample(t));
            BusMessage m = BusCodec.parse(b, 0, b.length);
            assertEquals(t, m.type);
            assertEquals(A, m.sender);
            assertEquals(B, m.slaveof);
            assertEquals("10.1.2.3", m.myIp);
            assertEquals(1234567890123L, m.offset);
            assertTrue(BusMessage.slot(m.slots, 42));
            assertArrayEquals(b, BusCodec.encode(m), "type " + t);
        }
        BusMessage p = BusCodec.parse(BusCodec.encode(sample(BusDescriptor.PING)), 0,
            BusCodec.encode(sample(BusDescriptor.PING)).length);
        assertEquals("h\u00e9st", p.hostname);
        assertEquals("node-1", p.humanNodename);
        assertEquals(B, p.shardId);
        assertEquals(new BusMessage.Forgotten(B, 59), p.forgotten.get(0));
        assertEquals(0xfffffffeL, p.gossip.get(0).pingSent);
        assertEquals(17001, p.gossip.get(0).cport);
    }

    /** The fixed layout: a PING with one gossip section and a shard id extension is header + 104 + 48. */
    @Test
    void layoutOffsets() {
        BusMessage m = new BusMessage(BusDescriptor.PING);
        m.sender = A;
        m.shardId = B;
        BusMessage.Gossip g = new BusMessage.Gossip();
        g.name = B;
        g.port = 0x1234;
        m.gossip.add(g);
        byte[] b = BusCodec.encode(m);
        assertEquals(2256 + 104 + 48, b.length);
        assertEquals("RCmb", new String(b, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, b[9]);
        assertEquals(1, b[15]); // count
        assertEquals(1, b[2215]); // extensions
        assertEquals(4, b[2253]); // EXT_DATA
        assertEquals(0x12, b[2256 + 94]);
        assertEquals(48, b[2256 + 104 + 3]); // extension length
        assertEquals(3, b[2256 + 104 + 5]); // extension type shard id
    }

    @Test
    void refusesBadFrames() throws Exception {
        byte[] ping = BusCodec.encode(sample(BusDescriptor.PING));
        assertThrows(BusFormatException.class, () -> BusCodec.parse(ping, 0, ping.length - 1));
        byte[] bad = ping.clone();
        bad[0] = 'X';
        assertThrows(BusFormatException.class, () -> BusCodec.frameLength(bad, 0));
        byte[] ver = ping.clone();
        ver[9] = 2;
        assertThrows(BusFormatException.class, () -> BusCodec.parse(ver, 0, ver.length));
        byte[] count = ping.clone();
        count[15] = 2; // claims two gossip sections
        BusFormatException e = assertThrows(BusFormatException.class, () -> BusCodec.parse(count, 0, count.length));
        assertTrue(e.getMessage().startsWith("Received "), e.getMessage());
        byte[] pad = ping.clone();
        pad[2256 + 104 + 3] = 13; // hostname extension length not a multiple of 8
        e = assertThrows(BusFormatException.class, () -> BusCodec.parse(pad, 0, pad.length));
        assertTrue(e.getMessage().contains("without proper padding"), e.getMessage());
        byte[] pub = BusCodec.encode(sample(BusDescriptor.PUBLISH));
        pub[2256 + 3] = 100; // channel longer than the message
        assertThrows(BusFormatException.class, () -> BusCodec.parse(pub, 0, pub.length));
        byte[] huge = Arrays.copyOf(ping, 8);
        huge[4] = 0x7f;
        assertThrows(BusFormatException.class, () -> BusCodec.frameLength(huge, 0));
    }

    /** Random bytes behind a valid signature and length: decoding ends in a value or a BusFormatException. */
    @Property(tries = 300)
    void randomBodiesNeverCrash(@ForAll @Size(min = 2256, max = 6000) byte[] b, @ForAll @IntRange(max = 10) int type,
            @ForAll @IntRange(max = 70) int count, @ForAll boolean ext) {
        System.arraycopy(BusDescriptor.SIGNATURE, 0, b, 0, 4);
        BusCodec.put32(b, 4, b.length);
        BusCodec.put16(b, 8, 1);
        BusCodec.put16(b, 12, type);
        BusCodec.put16(b, 14, count);
        b[2253] = (byte) (ext ? 4 : 0);
        tryParse(b, b.length);
    }

    /** A valid message with some bytes changed or cut short. */
    @Property(tries = 500)
    void mutatedMessagesNeverCrash(@ForAll("messages") byte[] msg, @ForAll @Size(max = 8) int[] positions,
            @ForAll byte value, @ForAll @IntRange(max = 200) int cut) {
        byte[] b = msg.clone();
        for (int p : positions) {
            int at = Math.floorMod(p, b.length);
            if (at >= 8) {
                b[at] = value;
            }
        }
        tryParse(b, Math.max(0, b.length - cut));
    }

    @Provide
    Arbitrary<byte[]> messages() {
        return Arbitraries.integers().between(0, BusDescriptor.TYPE_COUNT - 1).map(t -> BusCodec.encode(sample(t)));
    }

    private static void tryParse(byte[] b, int len) {
        try {
            BusMessage m = BusCodec.parse(b, 0, len);
            assertTrue(m.gossip.size() <= len / BusDescriptor.GOSSIP_LENGTH);
        } catch (BusFormatException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }
}
