package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of the cluster as this node knows it (Redis's clusterNode): name, shard, flags, epochs, the slots it
 * serves, its master or replicas, addresses, the times of the last ping and pong, its bus links, and the failure
 * reports other masters sent about it.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ClusterNode {
    public String name;
    public String shardId;
    public int flags;
    public long configEpoch;
    public final byte[] slots = new byte[SLOT_BYTES];
    public int numSlots;
    public ClusterNode master;
    public final List<ClusterNode> replicas = new ArrayList<>();
    public long ctime = System.currentTimeMillis();
    public long pingSent;
    public long pongReceived;
    public long dataReceived;
    public long failTime;
    public long votedTime;
    public long replOffsetTime;
    public long orphanedTime;
    public long replOffset;
    public String ip = "";
    public String hostname = "";
    public String humanNodename = "";
    public int port;
    public int pport;
    public int cport;
    /** tls-port of nodes.conf (always 0: no TLS). */
    public int tlsPort;
    /** Our connection to the node (we send PINGs on it), or null. */
    public ClusterBus.BusLink link;
    /** The connection the node opened to us, or null. */
    public ClusterBus.BusLink inboundLink;
    /** Masters that reported this node as failing, and when (ms). */
    public final Map<ClusterNode, Long> failReports = new LinkedHashMap<>();

    public ClusterNode(String name, int flags) {
        this.name = name;
        this.flags = flags;
        this.shardId = ClusterState.randomName();
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean isMaster() {
        return has(NODE_MASTER);
    }

    public boolean isReplica() {
        return has(NODE_SLAVE);
    }

    public boolean failed() {
        return has(NODE_FAIL);
    }

    public boolean timedOut() {
        return has(NODE_PFAIL);
    }

    public boolean inHandshake() {
        return has(NODE_HANDSHAKE);
    }

    public boolean hasAddress() {
        return !has(NODE_NOADDR);
    }

    public boolean ownsSlot(int slot) {
        return BusMessage.slot(slots, slot);
    }

    /** Config epoch as Redis's nodeEpoch: a replica reports its master's. */
    public long epoch() {
        return isReplica() && master != null ? master.configEpoch : configEpoch;
    }

    /** The flags word of CLUSTER NODES ("myself,master", "slave,fail?", "noflags"). */
    public String flagsText() {
        StringBuilder b = new StringBuilder();
        flag(b, NODE_MYSELF, "myself");
        flag(b, NODE_MASTER, "master");
        flag(b, NODE_SLAVE, "slave");
        flag(b, NODE_PFAIL, "fail?");
        flag(b, NODE_FAIL, "fail");
        flag(b, NODE_HANDSHAKE, "handshake");
        flag(b, NODE_NOADDR, "noaddr");
        flag(b, NODE_NOFAILOVER, "nofailover");
        return b.isEmpty() ? "noflags" : b.toString();
    }

    private void flag(StringBuilder b, int f, String text) {
        if (has(f)) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(text);
        }
    }

    /** Adds a failure report from sender; true when it is new. */
    boolean addFailReport(ClusterNode sender, long now) {
        return failReports.put(sender, now) == null;
    }

    /** Drops reports older than maxAge and returns how many remain. */
    int countFailReports(long now, long maxAge) {
        failReports.values().removeIf(t -> now - t > maxAge);
        return failReports.size();
    }

    @Override
    public String toString() {
        return name;
    }
}
