package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cluster as this node sees it (Redis's clusterState): the nodes by name, the owner of each of the 16384
 * slots, the slots being migrated or imported, the current epoch and last vote, the nodes recently forgotten,
 * the bus statistics; and the text forms built from it (CLUSTER NODES lines, nodes.conf).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ClusterState {
    public static final int OK = 0;
    public static final int FAIL = 1;

    public ClusterNode myself;
    public long currentEpoch;
    public long lastVoteEpoch;
    public int state = FAIL;
    /** Masters serving at least one slot. */
    public int size;
    public final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    /** Forgotten node names and when (ms) they may be added again. */
    public final Map<String, Long> blacklist = new LinkedHashMap<>();
    public final ClusterNode[] slots = new ClusterNode[SLOTS];
    public final ClusterNode[] migratingTo = new ClusterNode[SLOTS];
    public final ClusterNode[] importingFrom = new ClusterNode[SLOTS];
    public final long[] sent = new long[TYPE_COUNT];
    public final long[] received = new long[TYPE_COUNT];
    public long linksBufferLimitExceeded;
    public long pfailNodes;
    /** Told each slot that loses its owner, before the slot is cleared (Redis's clusterDelSlot: removeChannelsInSlot). */
    public java.util.function.IntConsumer slotDeleted = s -> { };

    /** 40 random hex characters (a node name or shard id). */
    public static String randomName() {
        StringBuilder b = new StringBuilder(NAME_LENGTH);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < NAME_LENGTH; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    /** Redis's verifyClusterNodeId: 40 characters of [0-9a-z]. */
    public static boolean validName(String s) {
        if (s.length() != NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z')) {
                return false;
            }
        }
        return true;
    }

    public ClusterNode lookup(String name) {
        return name == null ? null : nodes.get(name);
    }

    public void add(ClusterNode n) {
        nodes.put(n.name, n);
    }

    /** Renames a node met in handshake (its random name) once its real name is known. */
    public void rename(ClusterNode n, String name) {
        nodes.remove(n.name);
        n.name = name;
        nodes.put(name, n);
    }

    /** Removes a node (Redis's clusterDelNode): its slots, migrations, failure reports and links go with it. */
    public void remove(ClusterNode n) {
        for (int s = 0; s < SLOTS; s++) {
            if (importingFrom[s] == n) {
                importingFrom[s] = null;
            }
            if (migratingTo[s] == n) {
                migratingTo[s] = null;
            }
            if (slots[s] == n) {
                delSlot(s);
            }
        }
        for (ClusterNode o : nodes.values()) {
            o.failReports.remove(n);
        }
        if (n.master != null) {
            n.master.replicas.remove(n);
        }
        for (ClusterNode r : n.replicas) {
            if (r.master == n) {
                r.master = null;
            }
        }
        nodes.remove(n.name);
    }

    /** Redis's clusterAddSlot: false when the slot already has an owner. */
    public boolean addSlot(ClusterNode n, int slot) {
        if (slots[slot] != null) {
            return false;
        }
        if (!n.ownsSlot(slot)) {
            BusMessage.setSlot(n.slots, slot);
            n.numSlots++;
        }
        slots[slot] = n;
        return true;
    }

    /** Redis's clusterDelSlot: false when the slot had no owner. */
    public boolean delSlot(int slot) {
        ClusterNode n = slots[slot];
        if (n == null) {
            return false;
        }
        slotDeleted.accept(slot);
        if (n.ownsSlot(slot)) {
            n.slots[slot >> 3] &= (byte) ~(1 << (slot & 7));
            n.numSlots--;
        }
        slots[slot] = null;
        return true;
    }

    /** Removes every slot of n; the number removed. */
    public int delNodeSlots(ClusterNode n) {
        int d = 0;
        for (int s = 0; s < SLOTS; s++) {
            if (n.ownsSlot(s) && delSlot(s)) {
                d++;
            }
        }
        return d;
    }

    /** Makes n a replica of m (Redis's clusterSetNodeAsMaster inverse and clusterNodeAddSlave). */
    public void setMaster(ClusterNode n, ClusterNode m) {
        if (n.master != null) {
            n.master.replicas.remove(n);
        }
        n.master = m;
        if (m != null && !m.replicas.contains(n)) {
            m.replicas.add(n);
            m.flags |= NODE_MIGRATE_TO; // Redis's clusterNodeAddSlave: a master that had replicas may get one back
        }
        if (m != null) {
            n.flags = (n.flags & ~NODE_MASTER) | NODE_SLAVE;
            n.shardId = m.shardId;
        }
    }

    /** The largest config epoch of any node (Redis's clusterGetMaxEpoch, at least currentEpoch). */
    public long maxEpoch() {
        long max = 0;
        for (ClusterNode n : nodes.values()) {
            max = Math.max(max, n.configEpoch);
        }
        return Math.max(max, currentEpoch);
    }

    /** Redis's clusterUpdateState: ok when every slot is served (or full coverage is not required). */
    public void updateState(boolean requireFullCoverage) {
        int newState = OK;
        if (requireFullCoverage) {
            for (int s = 0; s < SLOTS; s++) {
                if (slots[s] == null || slots[s].failed()) {
                    newState = FAIL;
                    break;
                }
            }
        }
        size = 0;
        int reachable = 0;
        for (ClusterNode n : nodes.values()) {
            if (n.isMaster() && n.numSlots > 0) {
                size++;
                if (!n.has(NODE_FAIL | NODE_PFAIL)) {
                    reachable++;
                }
            }
        }
        if (reachable < size / 2 + 1) {
            newState = FAIL;
        }
        state = newState;
    }

    // ---- text forms

    /** The address field: "ip:port@cport[,hostname]"; for nodes.conf also the aux fields. */
    private static void address(StringBuilder b, ClusterNode n, boolean aux) {
        b.append(n.ip).append(':').append(n.port).append('@').append(n.cport);
        if (!n.hostname.isEmpty()) {
            b.append(',').append(n.hostname);
        }
        if (aux) {
            if (n.hostname.isEmpty()) {
                b.append(',');
            }
            b.append(",tls-port=").append(n.tlsPort);
            if (!n.humanNodename.isEmpty()) {
                b.append(",nodename=").append(n.humanNodename);
            }
            b.append(",shard-id=").append(n.shardId);
        }
    }

    /** One CLUSTER NODES line (Redis's clusterGenNodeDescription), without the newline. */
    public String describe(ClusterNode n, boolean forConfig) {
        StringBuilder b = new StringBuilder(128);
        b.append(n.name).append(' ');
        address(b, n, forConfig);
        b.append(' ').append(n.flagsText()).append(' ');
        b.append(n.master != null ? n.master.name : "-").append(' ');
        b.append(n.pingSent).append(' ').append(n.pongReceived).append(' ').append(n.epoch()).append(' ');
        b.append(n.link != null || n.has(NODE_MYSELF) ? "connected" : "disconnected");
        if (n.isMaster()) {
            for (int s = nextRun(n.slots, 0); s < SLOTS; ) {
                int e = runEnd(n.slots, s);
                b.append(' ').append(s);
                if (e - 1 != s) {
                    b.append('-').append(e - 1);
                }
                s = nextRun(n.slots, e);
            }
        }
        if (n == myself) {
            for (int s = 0; s < SLOTS; s++) {
                if (migratingTo[s] != null) {
                    b.append(" [").append(s).append("->-").append(migratingTo[s].name).append(']');
                } else if (importingFrom[s] != null) {
                    b.append(" [").append(s).append("-<-").append(importingFrom[s].name).append(']');
                }
            }
        }
        return b.toString();
    }

    /** CLUSTER NODES (handshake nodes are not shown) or the node lines of nodes.conf (all but handshake). */
    public String describeAll(boolean forConfig) {
        StringBuilder b = new StringBuilder();
        for (ClusterNode n : nodes.values()) {
            if (n.inHandshake()) {
                continue;
            }
            b.append(describe(n, forConfig)).append('\n');
        }
        return b.toString();
    }

    /** The masters' slot ranges as [start, end] pairs, for CLUSTER SLOTS and SHARDS. */
    public static List<int[]> ranges(ClusterNode n) {
        List<int[]> out = new ArrayList<>();
        for (int s = nextRun(n.slots, 0); s < SLOTS; ) {
            int e = runEnd(n.slots, s);
            out.add(new int[] {s, e - 1});
            s = nextRun(n.slots, e);
        }
        return out;
    }

    /**
     * The first slot at or after from set in the bitmap (Redis's bit order: slot s is bit s & 7 of byte s >> 3), or
     * SLOTS; whole empty bytes are skipped, so a node's ranges cost O(SLOT_BYTES + ranges), not a test per slot
     * (nodes.conf is rendered on every change: 60 nodes x 16384 slot tests each time was most of a node's CPU).
     */
    static int nextRun(byte[] bitmap, int from) {
        int s = from;
        while (s < SLOTS) {
            if ((s & 7) == 0 && bitmap[s >> 3] == 0) {
                s += 8;
            } else if (BusMessage.slot(bitmap, s)) {
                return s;
            } else {
                s++;
            }
        }
        return SLOTS;
    }

    /** The first slot after start (a set one) that is not set, or SLOTS; whole full bytes are skipped. */
    static int runEnd(byte[] bitmap, int start) {
        int s = start;
        while (s < SLOTS) {
            if ((s & 7) == 0 && bitmap[s >> 3] == (byte) 0xff) {
                s += 8;
            } else if (BusMessage.slot(bitmap, s)) {
                s++;
            } else {
                return s;
            }
        }
        return SLOTS;
    }
}
