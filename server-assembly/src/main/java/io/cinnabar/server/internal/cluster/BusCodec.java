package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes bus messages in the layout of {@link BusDescriptor}. Decoding trusts nothing: every length
 * is checked against the bytes present before anything is read or allocated, so a hostile or truncated message
 * costs at most its own size and ends in a {@link BusFormatException} with the reason. The checks are Redis's
 * clusterIsValidPacket (the length each type must have, extension padding and bounds) plus the bounds C gets
 * from its buffer; a message of a version other than 1 is refused as well (Redis ignores it).
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class BusCodec {
    private BusCodec() {
    }

    /** Largest message accepted from a peer (a PUBLISH carries a whole Pub/Sub message). */
    public static final int MAX_MESSAGE = 64 << 20;

    // ---- decoding

    /**
     * The total length announced by the 8 bytes at off (signature and totlen), checked as Redis's read handler
     * does before reading the rest: the signature must be "RCmb" and the length at least the header.
     */
    public static int frameLength(byte[] b, int off) throws BusFormatException {
        for (int i = 0; i < 4; i++) {
            if (b[off + i] != SIGNATURE[i]) {
                throw new BusFormatException("Bad message length or signature received on the Cluster bus.");
            }
        }
        long totlen = u32(b, off + TOTLEN_OFFSET);
        if (totlen < HEADER_LENGTH || totlen > MAX_MESSAGE) {
            throw new BusFormatException("Bad message length or signature received on the Cluster bus.");
        }
        return (int) totlen;
    }

    /** Decodes the message of len bytes at off (one whole frame). */
    public static BusMessage parse(byte[] b, int off, int len) throws BusFormatException {
        return parse(b, off, len, new byte[SLOT_BYTES]);
    }

    /**
     * Decodes the message of len bytes at off into a message whose slot bitmap is slots (SLOT_BYTES long,
     * overwritten): a receiver that is done with a message before parsing the next reuses one array.
     */
    public static BusMessage parse(byte[] b, int off, int len, byte[] slots) throws BusFormatException {
        if (len < HEADER_LENGTH) {
            throw new BusFormatException("Bus message of " + len + " bytes is shorter than the header");
        }
        int totlen = frameLength(b, off);
        if (totlen != len) {
            throw new BusFormatException("Bus message declares length " + totlen + " but has " + len + " bytes");
        }
        int type = u16(b, off + TYPE_OFFSET);
        int ver = u16(b, off + VER_OFFSET);
        if (ver != VERSION) {
            throw new BusFormatException("Bus message of protocol version " + ver + " ignored");
        }
        BusMessage m = new BusMessage(type, slots);
        readHeader(m, b, off);
        int body = off + HEADER_LENGTH;
        int end = off + len;
        switch (type) {
            case PING, PONG, MEET -> readPing(m, b, off, body, end, u16(b, off + COUNT_OFFSET));
            case FAIL -> {
                expect(m, len, HEADER_LENGTH + FAIL_LENGTH);
                m.failNode = str(b, body, NAME_LENGTH);
            }
            case PUBLISH, PUBLISHSHARD -> readPublish(m, b, body, len);
            case FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART -> expect(m, len, HEADER_LENGTH);
            case UPDATE -> {
                expect(m, len, HEADER_LENGTH + UPDATE_LENGTH);
                m.updateConfigEpoch = i64(b, body);
                m.updateNode = str(b, body + 8, NAME_LENGTH);
                m.updateSlots = java.util.Arrays.copyOfRange(b, body + 8 + NAME_LENGTH, body + UPDATE_LENGTH);
            }
            case MODULE -> {
                if (len < HEADER_LENGTH + MODULE_HEADER_LENGTH) {
                    expect(m, len, HEADER_LENGTH + MODULE_HEADER_LENGTH);
                }
                long dataLen = u32(b, body + 8);
                expect(m, len, HEADER_LENGTH + MODULE_HEADER_LENGTH + dataLen);
                m.moduleId = i64(b, body);
                m.moduleType = b[body + 12] & 0xff;
                m.moduleData = java.util.Arrays.copyOfRange(b, body + MODULE_HEADER_LENGTH, end);
            }
            default -> {
                // Redis assumes a type it does not know is well formed; its body is ignored
            }
        }
        return m;
    }

    private static void expect(BusMessage m, long len, long explen) throws BusFormatException {
        if (len != explen) {
            throw new BusFormatException("Received invalid " + typeName(m.type) + " packet of length " + len
                + " but expected length " + explen);
        }
    }

    private static void readHeader(BusMessage m, byte[] b, int off) {
        m.port = u16(b, off + PORT_OFFSET);
        m.currentEpoch = i64(b, off + CURRENT_EPOCH_OFFSET);
        m.configEpoch = i64(b, off + CONFIG_EPOCH_OFFSET);
        m.offset = i64(b, off + OFFSET_OFFSET);
        m.sender = str(b, off + SENDER_OFFSET, NAME_LENGTH);
        System.arraycopy(b, off + MYSLOTS_OFFSET, m.slots, 0, SLOT_BYTES);
        m.slaveof = allZero(b, off + SLAVEOF_OFFSET, NAME_LENGTH) ? null : str(b, off + SLAVEOF_OFFSET, NAME_LENGTH);
        m.myIp = cstr(b, off + MYIP_OFFSET, IP_LENGTH);
        m.pport = u16(b, off + PPORT_OFFSET);
        m.cport = u16(b, off + CPORT_OFFSET);
        m.flags = u16(b, off + FLAGS_OFFSET);
        m.state = b[off + STATE_OFFSET] & 0xff;
        m.mflags0 = b[off + MFLAGS_OFFSET] & 0xff;
    }

    private static void readPing(BusMessage m, byte[] b, int off, int body, int end, int count)
            throws BusFormatException {
        long explen = HEADER_LENGTH + (long) count * GOSSIP_LENGTH;
        int len = end - off;
        if (explen > len) {
            expect(m, len, explen);
        }
        for (int i = 0; i < count; i++) {
            int g = body + i * GOSSIP_LENGTH;
            BusMessage.Gossip e = new BusMessage.Gossip();
            e.name = str(b, g + GOSSIP_NAME, NAME_LENGTH);
            e.pingSent = u32(b, g + GOSSIP_PING_SENT);
            e.pongReceived = u32(b, g + GOSSIP_PONG_RECEIVED);
            e.ip = cstr(b, g + GOSSIP_IP, IP_LENGTH);
            e.port = u16(b, g + GOSSIP_PORT);
            e.cport = u16(b, g + GOSSIP_CPORT);
            e.flags = u16(b, g + GOSSIP_FLAGS);
            e.pport = u16(b, g + GOSSIP_PPORT);
            m.gossip.add(e);
        }
        if ((m.mflags0 & MFLAG_EXT_DATA) != 0) {
            int extensions = u16(b, off + EXTENSIONS_OFFSET);
            int p = (int) (off + explen);
            for (int i = 0; i < extensions; i++) {
                if (end - p < EXT_HEADER_LENGTH) {
                    throw new BusFormatException("Received invalid " + typeName(m.type)
                        + " packet with extension data that exceeds total packet length (" + len + ")");
                }
                long extlen = u32(b, p);
                if (extlen % 8 != 0 || extlen < EXT_HEADER_LENGTH) {
                    throw new BusFormatException("Received a " + typeName(m.type)
                        + " packet without proper padding (" + extlen + " bytes)");
                }
                if (end - p < extlen) {
                    throw new BusFormatException("Received invalid " + typeName(m.type)
                        + " packet with extension data that exceeds total packet length (" + len + ")");
                }
                readExtension(m, b, u16(b, p + 4), p + EXT_HEADER_LENGTH, (int) extlen - EXT_HEADER_LENGTH);
                p += (int) extlen;
            }
            explen = p - off;
        }
        expect(m, len, explen);
    }

    private static void readExtension(BusMessage m, byte[] b, int type, int p, int n) throws BusFormatException {
        switch (type) {
            case EXT_HOSTNAME -> m.hostname = cstr(b, p, n);
            case EXT_HUMAN_NODENAME -> m.humanNodename = cstr(b, p, n);
            case EXT_FORGOTTEN_NODE -> {
                if (n < FORGOTTEN_LENGTH) {
                    throw new BusFormatException("Forgotten node extension of " + n + " bytes");
                }
                m.forgotten.add(new BusMessage.Forgotten(str(b, p, NAME_LENGTH), i64(b, p + NAME_LENGTH)));
            }
            case EXT_SHARDID -> {
                if (n < NAME_LENGTH) {
                    throw new BusFormatException("Shard id extension of " + n + " bytes");
                }
                m.shardId = str(b, p, NAME_LENGTH);
            }
            default -> m.unknownExtensions.add(type);
        }
    }

    private static void readPublish(BusMessage m, byte[] b, int body, int len) throws BusFormatException {
        if (len < HEADER_LENGTH + PUBLISH_HEADER_LENGTH) {
            expect(m, len, HEADER_LENGTH + PUBLISH_HEADER_LENGTH);
        }
        long cl = u32(b, body);
        long ml = u32(b, body + 4);
        expect(m, len, HEADER_LENGTH + PUBLISH_HEADER_LENGTH + cl + ml);
        int p = body + PUBLISH_HEADER_LENGTH;
        m.channel = java.util.Arrays.copyOfRange(b, p, p + (int) cl);
        m.message = java.util.Arrays.copyOfRange(b, p + (int) cl, p + (int) (cl + ml));
    }

    // ---- encoding

    /** The bytes of m, totlen and (for PING/PONG/MEET) count, extensions and the EXT_DATA flag computed. */
    public static byte[] encode(BusMessage m) {
        byte[] b = new byte[length(m)];
        encode(m, b);
        return b;
    }

    /** The encoded length of m. */
    public static int length(BusMessage m) {
        return HEADER_LENGTH + bodyLength(m);
    }

    /**
     * Encodes m at the start of b (at least {@link #length} bytes; the bytes of the message are cleared first, so
     * a buffer can be reused) and returns its length.
     */
    public static int encode(BusMessage m, byte[] b) {
        int len = length(m);
        java.util.Arrays.fill(b, 0, len, (byte) 0);
        System.arraycopy(SIGNATURE, 0, b, 0, 4);
        put32(b, TOTLEN_OFFSET, len);
        put16(b, VER_OFFSET, m.version);
        put16(b, PORT_OFFSET, m.port);
        put16(b, TYPE_OFFSET, m.type);
        put64(b, CURRENT_EPOCH_OFFSET, m.currentEpoch);
        put64(b, CONFIG_EPOCH_OFFSET, m.configEpoch);
        put64(b, OFFSET_OFFSET, m.offset);
        putStr(b, SENDER_OFFSET, m.sender, NAME_LENGTH);
        System.arraycopy(m.slots, 0, b, MYSLOTS_OFFSET, SLOT_BYTES);
        if (m.slaveof != null) {
            putStr(b, SLAVEOF_OFFSET, m.slaveof, NAME_LENGTH);
        }
        putStr(b, MYIP_OFFSET, m.myIp, IP_LENGTH - 1);
        put16(b, PPORT_OFFSET, m.pport);
        put16(b, CPORT_OFFSET, m.cport);
        put16(b, FLAGS_OFFSET, m.flags);
        b[STATE_OFFSET] = (byte) m.state;
        int body = HEADER_LENGTH;
        switch (m.type) {
            case PING, PONG, MEET -> writePing(m, b, body);
            case FAIL -> putStr(b, body, m.failNode, NAME_LENGTH);
            case PUBLISH, PUBLISHSHARD -> {
                put32(b, body, m.channel.length);
                put32(b, body + 4, m.message.length);
                System.arraycopy(m.channel, 0, b, body + 8, m.channel.length);
                System.arraycopy(m.message, 0, b, body + 8 + m.channel.length, m.message.length);
            }
            case UPDATE -> {
                put64(b, body, m.updateConfigEpoch);
                putStr(b, body + 8, m.updateNode, NAME_LENGTH);
                System.arraycopy(m.updateSlots, 0, b, body + 8 + NAME_LENGTH, SLOT_BYTES);
            }
            case MODULE -> {
                put64(b, body, m.moduleId);
                put32(b, body + 8, m.moduleData.length);
                b[body + 12] = (byte) m.moduleType;
                System.arraycopy(m.moduleData, 0, b, body + MODULE_HEADER_LENGTH, m.moduleData.length);
            }
            default -> {
            }
        }
        b[MFLAGS_OFFSET] = (byte) m.mflags0;
        return len;
    }

    private static int bodyLength(BusMessage m) {
        return switch (m.type) {
            case PING, PONG, MEET -> m.gossip.size() * GOSSIP_LENGTH + extensionsLength(m);
            case FAIL -> FAIL_LENGTH;
            case PUBLISH, PUBLISHSHARD -> PUBLISH_HEADER_LENGTH + m.channel.length + m.message.length;
            case UPDATE -> UPDATE_LENGTH;
            case MODULE -> MODULE_HEADER_LENGTH + m.moduleData.length;
            default -> 0;
        };
    }

    private static int stringExtLength(String s) {
        return align8(EXT_HEADER_LENGTH + s.getBytes(StandardCharsets.UTF_8).length + 1);
    }

    private static int extensionsLength(BusMessage m) {
        int n = 0;
        if (m.hostname != null && !m.hostname.isEmpty()) {
            n += stringExtLength(m.hostname);
        }
        if (m.humanNodename != null && !m.humanNodename.isEmpty()) {
            n += stringExtLength(m.humanNodename);
        }
        n += m.forgotten.size() * (EXT_HEADER_LENGTH + FORGOTTEN_LENGTH);
        if (m.shardId != null) {
            n += EXT_HEADER_LENGTH + NAME_LENGTH;
        }
        return n;
    }

    private static void writePing(BusMessage m, byte[] b, int p) {
        put16(b, COUNT_OFFSET, m.gossip.size());
        for (BusMessage.Gossip g : m.gossip) {
            putStr(b, p + GOSSIP_NAME, g.name, NAME_LENGTH);
            put32(b, p + GOSSIP_PING_SENT, (int) g.pingSent);
            put32(b, p + GOSSIP_PONG_RECEIVED, (int) g.pongReceived);
            putStr(b, p + GOSSIP_IP, g.ip, IP_LENGTH - 1);
            put16(b, p + GOSSIP_PORT, g.port);
            put16(b, p + GOSSIP_CPORT, g.cport);
            put16(b, p + GOSSIP_FLAGS, g.flags);
            put16(b, p + GOSSIP_PPORT, g.pport);
            p += GOSSIP_LENGTH;
        }
        int extensions = 0;
        if (m.hostname != null && !m.hostname.isEmpty()) {
            p = writeStringExt(b, p, EXT_HOSTNAME, m.hostname);
            extensions++;
        }
        if (m.humanNodename != null && !m.humanNodename.isEmpty()) {
            p = writeStringExt(b, p, EXT_HUMAN_NODENAME, m.humanNodename);
            extensions++;
        }
        for (BusMessage.Forgotten f : m.forgotten) {
            put32(b, p, EXT_HEADER_LENGTH + FORGOTTEN_LENGTH);
            put16(b, p + 4, EXT_FORGOTTEN_NODE);
            putStr(b, p + EXT_HEADER_LENGTH, f.name(), NAME_LENGTH);
            put64(b, p + EXT_HEADER_LENGTH + NAME_LENGTH, f.ttlSeconds());
            p += EXT_HEADER_LENGTH + FORGOTTEN_LENGTH;
            extensions++;
        }
        if (m.shardId != null) {
            put32(b, p, EXT_HEADER_LENGTH + NAME_LENGTH);
            put16(b, p + 4, EXT_SHARDID);
            putStr(b, p + EXT_HEADER_LENGTH, m.shardId, NAME_LENGTH);
            extensions++;
        }
        put16(b, EXTENSIONS_OFFSET, extensions);
        if (extensions != 0) {
            m.mflags0 |= MFLAG_EXT_DATA;
        }
    }

    private static int writeStringExt(byte[] b, int p, int type, String s) {
        byte[] t = s.getBytes(StandardCharsets.UTF_8);
        int n = align8(EXT_HEADER_LENGTH + t.length + 1);
        put32(b, p, n);
        put16(b, p + 4, type);
        System.arraycopy(t, 0, b, p + EXT_HEADER_LENGTH, t.length);
        return p + n;
    }

    // ---- primitives (big-endian)

    static int u16(byte[] b, int p) {
        return (b[p] & 0xff) << 8 | b[p + 1] & 0xff;
    }

    static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
    }

    static long i64(byte[] b, int p) {
        return u32(b, p) << 32 | u32(b, p + 4);
    }

    static void put16(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
    }

    static void put32(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    static void put64(byte[] b, int p, long v) {
        put32(b, p, (int) (v >>> 32));
        put32(b, p + 4, (int) v);
    }

    /** Up to max bytes of s (ISO-8859-1), the rest left NUL. */
    private static void putStr(byte[] b, int p, String s, int max) {
        if (s == null) {
            return;
        }
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, b, p, Math.min(t.length, max));
    }

    private static String str(byte[] b, int p, int n) {
        return new String(b, p, n, StandardCharsets.ISO_8859_1);
    }

    /** A NUL-terminated string within n bytes (all n bytes when there is no NUL). */
    private static String cstr(byte[] b, int p, int n) {
        int e = p;
        while (e < p + n && b[e] != 0) {
            e++;
        }
        return new String(b, p, e - p, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b, int p, int n) {
        for (int i = p; i < p + n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
