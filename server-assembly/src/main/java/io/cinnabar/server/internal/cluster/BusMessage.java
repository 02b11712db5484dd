package io.cinnabar.server.internal.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One cluster bus message, decoded ({@link BusCodec#parse}) or to be encoded ({@link BusCodec#encode}); field
 * meanings and offsets are in {@link BusDescriptor}. Names are the 40 characters of a node name as ISO-8859-1
 * text; a slot bitmap is {@link BusDescriptor#SLOT_BYTES} bytes.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class BusMessage {
    /** One gossip section of a PING, PONG or MEET: what the sender knows of a third node. */
    public static final class Gossip {
        public String name;
        public long pingSent;
        public long pongReceived;
        public String ip = "";
        public int port;
        public int cport;
        public int flags;
        public int pport;
    }

    /** A node the sender forgot (CLUSTER FORGET) and for how many more seconds it stays forgotten. */
    public record Forgotten(String name, long ttlSeconds) {
    }

    public int type;
    public int version = BusDescriptor.VERSION;
    public int port;
    public long currentEpoch;
    public long configEpoch;
    public long offset;
    public String sender = "";
    public byte[] slots;
    /** Master of the sender, or null for a master (all NUL on the wire). */
    public String slaveof;
    public String myIp = "";
    public int pport;
    public int cport;
    public int flags;
    public int state;
    public int mflags0;

    // PING, PONG, MEET
    public final List<Gossip> gossip = new ArrayList<>();
    public String hostname;
    public String humanNodename;
    public String shardId;
    public final List<Forgotten> forgotten = new ArrayList<>();
    /** Extension types this parser does not know, as found (Redis logs and ignores them). */
    public final List<Integer> unknownExtensions = new ArrayList<>();

    // FAIL
    public String failNode;

    // PUBLISH, PUBLISHSHARD
    public byte[] channel;
    public byte[] message;

    // UPDATE
    public long updateConfigEpoch;
    public String updateNode;
    public byte[] updateSlots;

    // MODULE
    public long moduleId;
    public int moduleType;
    public byte[] moduleData;

    public BusMessage(int type) {
        this(type, new byte[BusDescriptor.SLOT_BYTES]);
    }

    /** A message whose slot bitmap is slots itself, not a copy (a header about to be encoded, never changed). */
    BusMessage(int type, byte[] slots) {
        this.type = type;
        this.slots = slots;
    }

    public boolean isPingLike() {
        return type == BusDescriptor.PING || type == BusDescriptor.PONG || type == BusDescriptor.MEET;
    }

    public static boolean slot(byte[] bitmap, int slot) {
        return (bitmap[slot >> 3] & (1 << (slot & 7))) != 0;
    }

    public static void setSlot(byte[] bitmap, int slot) {
        bitmap[slot >> 3] |= (byte) (1 << (slot & 7));
    }
}
