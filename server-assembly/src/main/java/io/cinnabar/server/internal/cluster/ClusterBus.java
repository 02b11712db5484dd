package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import io.cinnabar.server.internal.command.Link;
import io.cinnabar.server.internal.command.Outbound;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cluster bus (Redis's cluster.c networking and gossip): the listener on the bus port, one outgoing link per
 * known node (PING, MEET, FAIL, UPDATE travel on it) and the links other nodes open to us (we answer PONG on
 * them), the handshake of CLUSTER MEET, gossip sections and ping extensions, failure detection (PFAIL after
 * cluster-node-timeout without a PONG, FAIL once a majority of masters reports it, FAIL broadcast), epochs
 * (currentEpoch and configEpoch propagation, UPDATE messages, configEpoch collisions), and the cron of
 * clusterCron (every 100 ms).
 * <p>
 * Input is framed from each link's buffer without copying until a whole message is there (the event loop bounds
 * the buffer); a message that does not parse is dropped with a log line, a bad signature or length closes the
 * link, as Redis does.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class ClusterBus {
    /** One bus connection, to a node (outbound) or from one (inbound). */
    public final class BusLink implements Link.Handler {
        final Link link;
        public final boolean inbound;
        public ClusterNode node;
        public final long ctime = System.currentTimeMillis();

        BusLink(Link link, boolean inbound, ClusterNode node) {
            this.link = link;
            this.inbound = inbound;
            this.node = node;
        }

        public long pending() {
            return link.pendingBytes();
        }

        @Override
        public void connected(Link l) {
            if (node == null) {
                return;
            }
            long oldPingSent = node.pingSent;
            sendPing(this, node.has(NODE_MEET) ? MEET : PING);
            if (oldPingSent != 0) {
                node.pingSent = oldPingSent;
            }
            node.flags &= ~NODE_MEET;
        }

        @Override
        public void received(Link l, ByteBuffer in) {
            while (in.remaining() >= 8 && link.isOpen()) {
                byte[] a = in.array();
                int off = in.arrayOffset() + in.position();
                int len;
                try {
                    len = BusCodec.frameLength(a, off);
                } catch (BusFormatException e) {
                    cl.server.log.warning(e.getMessage());
                    free(this);
                    return;
                }
                if (in.remaining() < len) {
                    return; // the rest of the message has not arrived yet
                }
                in.position(in.position() + len);
                int msgType = BusCodec.u16(a, off + TYPE_OFFSET);
                if (msgType == cl.dropPacketFilter) {
                    if (msgType < TYPE_COUNT) {
                        st.received[msgType]++; // Redis counts it before the filter drops it
                    }
                    cl.server.log.warning("Dropping packet that matches debug drop filter");
                    continue;
                }
                BusMessage m;
                try {
                    m = BusCodec.parse(a, off, len, parsedSlots); // m is processed before the next parse
                } catch (BusFormatException e) {
                    int type = BusCodec.u16(a, off + TYPE_OFFSET);
                    if (type < TYPE_COUNT) {
                        st.received[type]++;
                    }
                    cl.server.log.warning(e.getMessage());
                    continue;
                }
                process(this, m);
            }
        }

        @Override
        public void closed(Link l, String reason) {
            if (node != null && !inbound) {
                cl.server.log.verbose("Connection with Node " + node.name + " at " + node.ip + ":" + node.cport
                    + " failed: " + reason);
                if (node.pingSent == 0) {
                    node.pingSent = System.currentTimeMillis(); // failure detection needs a pending ping
                }
            }
            detach(this);
        }

        void send(byte[] msg, int type) {
            send(msg, msg.length, type);
        }

        /** Queues the first len bytes of msg (copied: msg may be reused at once). */
        void send(byte[] msg, int len, int type) {
            if (!link.isOpen()) {
                return;
            }
            long limit = cl.server.config.getLong("cluster-link-sendbuf-limit");
            if (limit > 0 && link.pendingBytes() + len > limit) {
                cl.server.log.warning("Freeing cluster link(" + (inbound ? "from" : "to") + " node "
                    + (node == null ? "?" : node.name) + "), used memory: " + link.pendingBytes()
                    + ", exceeds limit: " + limit);
                st.linksBufferLimitExceeded++;
                free(this);
                return;
            }
            link.write(msg, 0, len);
            if (type >= 0 && type < TYPE_COUNT) {
                st.sent[type]++;
            }
        }
    }

    private final Cluster cl;
    private final ClusterState st;
    private final Outbound outbound;
    private final List<BusLink> links = new ArrayList<>();
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private long iteration;
    private long lastCronMs;
    /** A cron run later than this after the previous one means the event loop itself was held up. */
    static final long STALLED_MS = 250;
    /** The previous cron run came late and judged no ping delay. */
    private boolean stalledRun;

    ClusterBus(Cluster cl, Outbound outbound) {
        this.cl = cl;
        this.st = cl.st;
        this.outbound = outbound;
    }

    /** Listens on the bus port of every bind address (the first one that is not optional must work). */
    void listen() throws IOException {
        String bind = cl.server.config.get("bind");
        int port = cl.busPort();
        List<String> hosts = new ArrayList<>();
        for (String b : bind.trim().split("\\s+")) {
            boolean optional = b.startsWith("-");
            String h = optional ? b.substring(1) : b;
            if (h.equals("*") || h.isEmpty()) {
                hosts.clear();
                hosts.add("*");
                break;
            }
            if (h.contains(":") && optional) {
                continue;
            }
            hosts.add(h);
        }
        if (hosts.isEmpty()) {
            hosts.add("*");
        }
        for (String h : hosts) {
            listeners.add(outbound.listen(h, port, l -> {
                BusLink bl = new BusLink(l, true, null);
                links.add(bl);
                return bl;
            }));
        }
    }

    void close() {
        for (AutoCloseable a : listeners) {
            try {
                a.close();
            } catch (Exception e) {
                cl.server.log.warning("Closing the cluster bus listener: " + e.getMessage());
            }
        }
        for (BusLink l : new ArrayList<>(links)) {
            free(l);
        }
    }

    public List<BusLink> links() {
        return List.copyOf(links);
    }

    int linkCount() {
        return links.size();
    }

    private long nodeTimeout() {
        return cl.nodeTimeout();
    }

    /** Closes a link and forgets it (Redis's freeClusterLink). */
    void free(BusLink l) {
        l.link.close();
        detach(l);
    }

    private void detach(BusLink l) {
        links.remove(l);
        if (l.node != null) {
            if (l.node.link == l) {
                l.node.link = null;
            }
            if (l.node.inboundLink == l) {
                l.node.inboundLink = null;
            }
        }
    }

    /** An IP literal in canonical form, or null (Redis's inet_pton check of CLUSTER MEET; no name lookup). */
    static String normalizeIp(String ip) {
        if (ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String p : ip.split("\\.")) {
                if (Integer.parseInt(p) > 255) {
                    return null;
                }
            }
            return ip;
        }
        if (ip.contains(":") && ip.matches("[0-9a-fA-F:.]+")) {
            try {
                return java.net.InetAddress.getByName(ip).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** Redis's clusterStartHandshake: a node with a random name in HANDSHAKE|MEET state, met at the next cron. */
    void startHandshake(String ip, int port, int cport) {
        for (ClusterNode n : st.nodes.values()) {
            if (n.inHandshake() && n.ip.equalsIgnoreCase(ip) && n.port == port && n.cport == cport) {
                return;
            }
        }
        ClusterNode n = new ClusterNode(ClusterState.randomName(), NODE_HANDSHAKE | NODE_MEET);
        n.ip = ip;
        n.port = port;
        n.cport = cport;
        st.add(n);
    }

    /** Deletes a node and closes its links (Redis's clusterDelNode). */
    void deleteNode(ClusterNode n) {
        if (n.link != null) {
            free(n.link);
        }
        if (n.inboundLink != null) {
            free(n.inboundLink);
        }
        for (BusLink l : new ArrayList<>(links)) {
            if (l.node == n) {
                free(l);
            }
        }
        st.remove(n);
        cl.todoSave = true;
        cl.todoUpdateState = true;
    }

    void forgetNode(ClusterNode n) {
        deleteNode(n);
    }

    // ---- sending

    /** The header every message carries (Redis's clusterBuildMessageHdr). */
    BusMessage header(int type) {
        ClusterNode me = st.myself;
        ClusterNode master = me.isReplica() && me.master != null ? me.master : me;
        BusMessage m = new BusMessage(type, master.slots); // encoded at once: the bitmap is not copied
        m.sender = me.name;
        m.myIp = cl.server.config.get("cluster-announce-ip");
        m.port = me.port;
        m.pport = me.pport;
        m.cport = me.cport;
        m.flags = me.flags;
        m.state = st.state;
        m.slaveof = me.isReplica() && me.master != null ? me.master.name : null;
        m.currentEpoch = st.currentEpoch;
        m.configEpoch = master.configEpoch;
        m.offset = cl.replOffset();
        m.mflags0 = cl.failover.headerFlags();
        return m;
    }

    private static BusMessage.Gossip gossip(ClusterNode n) {
        BusMessage.Gossip g = new BusMessage.Gossip();
        g.name = n.name;
        g.pingSent = n.pingSent / 1000;
        g.pongReceived = n.pongReceived / 1000;
        g.ip = n.ip;
        g.port = n.port;
        g.cport = n.cport;
        g.flags = n.flags;
        g.pport = n.pport;
        return g;
    }

    /** Redis's clusterSendPing: PING, PONG or MEET with gossip about a tenth of the nodes and every PFAIL one. */
    void sendPing(BusLink l, int type) {
        long now = System.currentTimeMillis();
        BusMessage m = header(type);
        int fresh = st.nodes.size() - 2;
        int wanted = Math.max(3, st.nodes.size() / 10);
        wanted = Math.min(wanted, Math.max(fresh, 0));
        List<ClusterNode> all = new ArrayList<>(st.nodes.values());
        Set<ClusterNode> chosen = new HashSet<>();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int maxIterations = wanted * 3;
        while (fresh > 0 && chosen.size() < wanted && maxIterations-- > 0) {
            ClusterNode n = all.get(r.nextInt(all.size()));
            if (n == st.myself || n.timedOut() || n.has(NODE_HANDSHAKE | NODE_NOADDR)
                    || n.link == null && n.numSlots == 0) {
                continue;
            }
            if (chosen.add(n)) {
                m.gossip.add(gossip(n));
            }
        }
        for (ClusterNode n : all) {
            if (n.timedOut() && !n.has(NODE_HANDSHAKE | NODE_NOADDR) && chosen.add(n)) {
                m.gossip.add(gossip(n));
            }
        }
        ClusterNode me = st.myself;
        m.hostname = me.hostname.isEmpty() ? null : me.hostname;
        m.humanNodename = me.humanNodename.isEmpty() ? null : me.humanNodename;
        for (Map.Entry<String, Long> e : st.blacklist.entrySet()) {
            long ttl = (e.getValue() - now) / 1000;
            if (ttl >= 0) {
                m.forgotten.add(new BusMessage.Forgotten(e.getKey(), ttl));
            }
        }
        m.shardId = me.shardId;
        if (l.node != null && type == PING) {
            l.node.pingSent = now;
        }
        int len = BusCodec.length(m);
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        l.send(scratch, BusCodec.encode(m, scratch), type);
    }

    /** The slot bitmap of the message being processed (nothing keeps a reference to it). */
    private final byte[] parsedSlots = new byte[SLOT_BYTES];

    /** The encoding buffer of PING/PONG/MEET (the link copies what it queues). */
    private byte[] scratch = new byte[8192];

    /** PONG to every connected node (Redis's clusterBroadcastPong(CLUSTER_BROADCAST_ALL)). */
    void broadcastPong() {
        for (ClusterNode n : st.nodes.values()) {
            if (n.link != null && n != st.myself && !n.inHandshake()) {
                sendPing(n.link, PONG);
            }
        }
    }

    private void broadcast(BusMessage m) {
        byte[] b = BusCodec.encode(m);
        for (ClusterNode n : st.nodes.values()) {
            if (n.link != null && n != st.myself && !n.inHandshake()) {
                n.link.send(b, m.type);
            }
        }
    }

    void sendFail(String name) {
        BusMessage m = header(FAIL);
        m.failNode = name;
        broadcast(m);
    }

    /** Tells l's node that n owns the slots it claims (Redis's clusterSendUpdate). */
    void sendUpdate(BusLink l, ClusterNode n) {
        if (l == null) {
            return;
        }
        BusMessage m = header(UPDATE);
        m.updateNode = n.name;
        m.updateConfigEpoch = n.configEpoch;
        m.updateSlots = n.slots.clone();
        l.send(BusCodec.encode(m), UPDATE);
    }

    /** PUBLISH (to every node) or PUBLISHSHARD (to the nodes of this shard). */
    void publish(byte[] channel, byte[] message, boolean sharded) {
        BusMessage m = header(sharded ? PUBLISHSHARD : PUBLISH);
        m.channel = channel;
        m.message = message;
        if (!sharded) {
            broadcast(m);
            return;
        }
        byte[] b = BusCodec.encode(m);
        ClusterNode master = st.myself.isReplica() && st.myself.master != null ? st.myself.master : st.myself;
        List<ClusterNode> shard = new ArrayList<>(master.replicas);
        shard.add(master);
        for (ClusterNode n : shard) {
            if (n != st.myself && n.link != null) {
                n.link.send(b, m.type);
            }
        }
    }

    // ---- receiving (Redis's clusterProcessPacket)

    private static String ipOf(String addr) {
        int c = addr.lastIndexOf(':');
        String ip = c < 0 ? addr : addr.substring(0, c);
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        return ip;
    }

    /** Redis's nodeIp2String: the announced IP, else the peer address of the link. */
    private static String announcedIp(BusLink l, BusMessage m) {
        return m.myIp.isEmpty() ? ipOf(l.link.remoteAddress()) : m.myIp;
    }

    void process(BusLink l, BusMessage m) {
        long now = System.currentTimeMillis();
        int type = m.type;
        if (type < TYPE_COUNT) {
            st.received[type]++;
        }
        ClusterNode sender = l.node != null && !l.node.inHandshake() ? l.node : st.lookup(m.sender);
        if (sender != null && l.inbound && l.node == null) {
            l.node = sender;
            if (sender.inboundLink != null && sender.inboundLink != l) {
                free(sender.inboundLink);
            }
            sender.inboundLink = l;
        }
        if (sender != null) {
            sender.dataReceived = now;
        }
        if (sender != null && !sender.inHandshake()) {
            if (m.currentEpoch > st.currentEpoch) {
                st.currentEpoch = m.currentEpoch;
                cl.todoSave = true;
                cl.todoFsync = true;
            }
            if (m.configEpoch > sender.configEpoch) {
                sender.configEpoch = m.configEpoch;
                cl.todoSave = true;
                cl.todoFsync = true;
                cl.todoUpdateState = true;
            }
            sender.replOffset = m.offset;
            sender.replOffsetTime = now;
            cl.failover.header(m, sender);
        }
        if (type == PING || type == MEET) {
            if ((type == MEET || st.myself.ip.isEmpty()) && cl.server.config.get("cluster-announce-ip").isEmpty()) {
                String ip = ipOf(l.link.localAddress());
                if (!ip.isEmpty() && !ip.equals(st.myself.ip)) {
                    st.myself.ip = ip;
                    cl.server.log.notice("IP address for this node updated to " + ip);
                    cl.todoSave = true;
                }
            }
            if (sender == null && type == MEET) {
                ClusterNode n = new ClusterNode(ClusterState.randomName(), NODE_HANDSHAKE);
                n.ip = announcedIp(l, m);
                n.port = m.port;
                n.pport = m.pport;
                n.cport = m.cport;
                st.add(n);
                cl.todoSave = true;
                processGossip(null, m, true);
            }
            sendPing(l, PONG);
        }
        if (m.isPingLike()) {
            if (!processPingConfig(l, m, sender, now)) {
                return;
            }
        } else if (type == FAIL) {
            processFail(m, sender, now);
        } else if (type == PUBLISH || type == PUBLISHSHARD) {
            if (sender != null) {
                cl.deliver(m.channel, m.message, type == PUBLISHSHARD);
            }
        } else if (type == UPDATE) {
            processUpdate(m, sender);
        } else if (type == FAILOVER_AUTH_REQUEST || type == FAILOVER_AUTH_ACK || type == MFSTART) {
            cl.failoverMessage(m, sender);
        } else if (type != MODULE) {
            cl.server.log.warning("Received unknown packet type: " + type);
        }
    }

    /** The PING/PONG/MEET part of clusterProcessPacket; false when the link was dropped. */
    private boolean processPingConfig(BusLink l, BusMessage m, ClusterNode sender, long now) {
        if (l.node != null && !l.inbound) {
            if (l.node.inHandshake()) {
                if (sender != null) {
                    updateAddressIfNeeded(sender, l, m);
                    deleteNode(l.node);
                    return false;
                }
                st.rename(l.node, m.sender);
                cl.server.log.verbose("Handshake with node " + l.node.name + " completed.");
                l.node.flags &= ~NODE_HANDSHAKE;
                l.node.flags |= m.flags & (NODE_MASTER | NODE_SLAVE);
                cl.todoSave = true;
            } else if (!l.node.name.equals(m.sender)) {
                cl.server.log.verbose("PONG contains mismatching sender ID. About node " + l.node.name
                    + " added " + (now - l.node.ctime) + " ms ago, having flags " + l.node.flags);
                l.node.flags |= NODE_NOADDR;
                l.node.ip = "";
                l.node.port = 0;
                l.node.pport = 0;
                l.node.cport = 0;
                free(l);
                cl.todoSave = true;
                return false;
            }
        }
        if (sender != null) {
            sender.flags = (sender.flags & ~NODE_NOFAILOVER) | (m.flags & NODE_NOFAILOVER);
        }
        if (sender != null && m.type == PING && !sender.inHandshake() && updateAddressIfNeeded(sender, l, m)) {
            cl.todoSave = true;
            cl.todoUpdateState = true;
        }
        if (!l.inbound && m.type == PONG && l.node != null) {
            l.node.pongReceived = now;
            l.node.pingSent = 0;
            if (l.node.timedOut()) {
                l.node.flags &= ~NODE_PFAIL;
                cl.todoSave = true;
                cl.todoUpdateState = true;
            } else if (l.node.failed()) {
                clearFailureIfNeeded(l.node, now);
            }
        }
        if (sender == null) {
            return true;
        }
        roleChange(sender, m);
        ClusterNode senderMaster = sender.isMaster() ? sender : sender.master;
        boolean dirtySlots = senderMaster != null && !Arrays.equals(senderMaster.slots, m.slots);
        if (sender.isMaster() && dirtySlots) {
            updateSlotsConfigWith(sender, m.configEpoch, m.slots);
        }
        if (dirtySlots) {
            for (int s = 0; s < SLOTS; s++) {
                if (BusMessage.slot(m.slots, s)) {
                    ClusterNode owner = st.slots[s];
                    if (owner == sender || owner == null) {
                        continue;
                    }
                    if (owner.configEpoch > m.configEpoch) {
                        cl.server.log.verbose("Node " + sender.name + " has old slots configuration, sending an "
                            + "UPDATE message about " + owner.name);
                        sendUpdate(sender.link, owner);
                        break;
                    }
                }
            }
        }
        if (st.myself.isMaster() && sender.isMaster() && m.configEpoch == st.myself.configEpoch) {
            handleEpochCollision(sender);
        }
        processGossip(sender, m, false);
        processExtensions(sender, m, now);
        return true;
    }

    /** Slave -> master or master -> slave, and a replica's master changing. */
    private void roleChange(ClusterNode sender, BusMessage m) {
        if (m.slaveof == null) {
            cl.setNodeAsMaster(sender);
            return;
        }
        ClusterNode master = st.lookup(m.slaveof);
        if (sender.isMaster()) {
            cl.server.log.notice("Node " + sender.name + " is now a replica of node " + m.slaveof);
            st.delNodeSlots(sender);
            sender.flags &= ~(NODE_MASTER | NODE_MIGRATE_TO);
            sender.flags |= NODE_SLAVE;
            cl.todoSave = true;
            cl.todoUpdateState = true;
        }
        if (master != null && sender.master != master) {
            st.setMaster(sender, master);
            cl.todoSave = true;
        }
    }

    /** Redis's nodeUpdateAddressIfNeeded. */
    private boolean updateAddressIfNeeded(ClusterNode n, BusLink l, BusMessage m) {
        if (l == n.link) {
            return false;
        }
        String ip = announcedIp(l, m);
        if (n.port == m.port && n.cport == m.cport && n.pport == m.pport && ip.equals(n.ip)) {
            return false;
        }
        n.ip = ip;
        n.port = m.port;
        n.pport = m.pport;
        n.cport = m.cport;
        if (n.link != null) {
            free(n.link);
        }
        n.flags &= ~NODE_NOADDR;
        cl.server.log.notice("Address updated for node " + n.name + " (" + n.humanNodename + "), now " + ip + ":"
            + n.port);
        cl.addressChanged(n);
        return true;
    }

    /** Redis's clusterProcessGossipSection. */
    private void processGossip(ClusterNode sender, BusMessage m, boolean meet) {
        long now = System.currentTimeMillis();
        for (BusMessage.Gossip g : m.gossip) {
            ClusterNode n = st.lookup(g.name);
            if (n != null) {
                if (sender != null && sender.isMaster() && n != st.myself) {
                    if ((g.flags & (NODE_FAIL | NODE_PFAIL)) != 0) {
                        if (n.addFailReport(sender, now)) {
                            cl.server.log.verbose("Node " + sender.name + " reported node " + n.name
                                + " as not reachable.");
                        }
                        markFailingIfNeeded(n, now);
                    } else if (n.failReports.remove(sender) != null) {
                        cl.server.log.verbose("Node " + sender.name + " reported node " + n.name
                            + " is back online.");
                    }
                }
                if ((g.flags & (NODE_FAIL | NODE_PFAIL)) == 0 && n.pingSent == 0
                        && n.countFailReports(now, nodeTimeout() * 2) == 0) {
                    long pong = g.pongReceived * 1000;
                    if (pong <= now + 500 && pong > n.pongReceived) {
                        n.pongReceived = pong;
                    }
                }
                if (n.has(NODE_FAIL | NODE_PFAIL) && (g.flags & NODE_NOADDR) == 0
                        && (g.flags & (NODE_FAIL | NODE_PFAIL)) == 0
                        && (!n.ip.equalsIgnoreCase(g.ip) || n.port != g.port || n.cport != g.cport)) {
                    if (n.link != null) {
                        free(n.link);
                    }
                    n.ip = g.ip;
                    n.port = g.port;
                    n.pport = g.pport;
                    n.cport = g.cport;
                    n.flags &= ~NODE_NOADDR;
                }
            } else if ((sender != null || meet) && (g.flags & NODE_NOADDR) == 0 && !blacklisted(g.name, now)
                    && ClusterState.validName(g.name)) {
                ClusterNode fresh = new ClusterNode(g.name, g.flags & ~(NODE_MYSELF | NODE_MEET | NODE_HANDSHAKE));
                fresh.ip = g.ip;
                fresh.port = g.port;
                fresh.pport = g.pport;
                fresh.cport = g.cport;
                st.add(fresh);
                cl.todoSave = true;
            }
        }
    }

    private boolean blacklisted(String name, long now) {
        Long until = st.blacklist.get(name);
        if (until == null) {
            return false;
        }
        if (until < now) {
            st.blacklist.remove(name);
            return false;
        }
        return true;
    }

    /** Redis's clusterProcessPingExt. */
    private void processExtensions(ClusterNode sender, BusMessage m, long now) {
        String host = m.hostname == null ? "" : m.hostname;
        if (!host.equals(sender.hostname)) {
            sender.hostname = host;
            cl.todoSave = true;
        }
        String human = m.humanNodename == null ? "" : m.humanNodename;
        if (!human.equals(sender.humanNodename)) {
            sender.humanNodename = human;
            cl.todoSave = true;
        }
        for (BusMessage.Forgotten f : m.forgotten) {
            ClusterNode n = st.lookup(f.name());
            if (n != null && n != st.myself && !(st.myself.isReplica() && st.myself.master == n)) {
                st.blacklist.put(n.name, now + f.ttlSeconds() * 1000);
                deleteNode(n);
            }
        }
        if (m.shardId != null && ClusterState.validName(m.shardId) && !m.shardId.equals(sender.shardId)) {
            sender.shardId = m.shardId;
            if (sender == st.myself.master) {
                st.myself.shardId = m.shardId;
            }
            cl.todoSave = true;
        }
    }

    private void processFail(BusMessage m, ClusterNode sender, long now) {
        if (sender == null) {
            cl.server.log.notice("Ignoring FAIL message from unknown node " + m.sender + " about " + m.failNode);
            return;
        }
        ClusterNode failing = st.lookup(m.failNode);
        if (failing != null && !failing.has(NODE_FAIL | NODE_MYSELF)) {
            cl.server.log.notice("FAIL message received from " + sender.name + " about " + failing.name);
            failing.flags |= NODE_FAIL;
            failing.failTime = now;
            failing.flags &= ~NODE_PFAIL;
            cl.todoSave = true;
            cl.todoUpdateState = true;
        }
    }

    private void processUpdate(BusMessage m, ClusterNode sender) {
        if (sender == null) {
            return;
        }
        ClusterNode n = st.lookup(m.updateNode);
        if (n == null || n.configEpoch >= m.updateConfigEpoch) {
            return;
        }
        if (n.isReplica()) {
            cl.setNodeAsMaster(n);
        }
        n.configEpoch = m.updateConfigEpoch;
        cl.todoSave = true;
        cl.todoFsync = true;
        updateSlotsConfigWith(n, m.updateConfigEpoch, m.updateSlots);
    }

    /** Redis's clusterUpdateSlotsConfigWith: slots claimed with a greater config epoch move to sender. */
    void updateSlotsConfigWith(ClusterNode sender, long senderEpoch, byte[] slots) {
        if (sender == st.myself) {
            cl.server.log.notice("Discarding UPDATE message about myself.");
            return;
        }
        ClusterNode me = st.myself;
        ClusterNode curMaster = me.isMaster() ? me : me.master;
        ClusterNode newMaster = null;
        List<Integer> dirty = new ArrayList<>();
        int migratedOurs = 0;
        int senderSlots = 0;
        for (int s = 0; s < SLOTS; s++) {
            if (!BusMessage.slot(slots, s)) {
                continue;
            }
            senderSlots++;
            if (st.slots[s] == sender || st.importingFrom[s] != null) {
                continue;
            }
            if (st.slots[s] == null || st.slots[s].configEpoch < senderEpoch) {
                if (st.slots[s] == me && sender != me && cl.hasKeysInSlot(s)) {
                    dirty.add(s);
                }
                if (st.slots[s] == curMaster) {
                    newMaster = sender;
                    migratedOurs++;
                }
                st.delSlot(s);
                st.addSlot(sender, s);
                cl.todoSave = true;
                cl.todoFsync = true;
                cl.todoUpdateState = true;
            }
        }
        if (newMaster != null && curMaster != null && curMaster.numSlots == 0
                && (cl.server.config.getBool("cluster-allow-replica-migration") || senderSlots == migratedOurs)) {
            cl.server.log.notice("Configuration change detected. Reconfiguring myself as a replica of "
                + sender.name);
            cl.becomeReplicaOf(sender);
        } else if (!dirty.isEmpty()) {
            for (int s : dirty) {
                cl.deleteKeysInSlot(s);
            }
        }
    }

    /** Redis's clusterHandleConfigEpochCollision: the node with the smaller name takes a new epoch. */
    private void handleEpochCollision(ClusterNode sender) {
        if (sender.configEpoch != st.myself.configEpoch || sender.name.compareTo(st.myself.name) <= 0) {
            return;
        }
        st.currentEpoch++;
        st.myself.configEpoch = st.currentEpoch;
        cl.save();
        cl.server.log.verbose("WARNING: configEpoch collision with node " + sender.name + " (" + sender.humanNodename
            + "). configEpoch set to " + st.myself.configEpoch);
    }

    /** Redis's markNodeAsFailingIfNeeded: PFAIL becomes FAIL with reports from a majority of masters. */
    private void markFailingIfNeeded(ClusterNode n, long now) {
        int quorum = st.size / 2 + 1;
        if (!n.timedOut() || n.failed()) {
            return;
        }
        int failures = n.countFailReports(now, nodeTimeout() * 2);
        if (st.myself.isMaster()) {
            failures++;
        }
        if (failures < quorum) {
            return;
        }
        cl.server.log.notice("Marking node " + n.name + " as failing (quorum reached).");
        n.flags &= ~NODE_PFAIL;
        n.flags |= NODE_FAIL;
        n.failTime = now;
        sendFail(n.name);
        cl.todoSave = true;
        cl.todoUpdateState = true;
    }

    /** Redis's clearNodeFailureIfNeeded. */
    private void clearFailureIfNeeded(ClusterNode n, long now) {
        if (n.isReplica() || n.numSlots == 0) {
            cl.server.log.notice("Clear FAIL state for node " + n.name + ": " + (n.isReplica() ? "replica" : "master")
                + " is reachable again.");
            n.flags &= ~NODE_FAIL;
            cl.todoSave = true;
            cl.todoUpdateState = true;
        } else if (now - n.failTime > nodeTimeout() * 2) {
            cl.server.log.notice("Clear FAIL state for node " + n.name
                + ": is reachable again and nobody is serving its slots after some time.");
            n.flags &= ~NODE_FAIL;
            cl.todoSave = true;
            cl.todoUpdateState = true;
        }
    }

    // ---- cron

    /** Redis's clusterCron, run every 100 ms from the server cron. */
    void cron(long now) {
        if (now - lastCronMs < 100) {
            return;
        }
        // This event loop was held up (a GC pause, no CPU, a slow command) since the last run: the PONGs that
        // arrived meanwhile are still unread, so judging ping delays now would blame the peers for our own delay.
        // This run neither marks PFAIL nor drops links; the next one does, after the loop has read its input.
        // Never twice in a row, so a loop that is always late still detects failures (one run later).
        boolean judge = now - lastCronMs <= STALLED_MS || stalledRun;
        stalledRun = !judge;
        lastCronMs = now;
        iteration++;
        long timeout = nodeTimeout();
        long handshakeTimeout = Math.max(timeout, 1000);
        boolean updateState = false;
        st.pfailNodes = 0;
        for (ClusterNode n : new ArrayList<>(st.nodes.values())) {
            if (n == st.myself || n.has(NODE_NOADDR)) {
                continue;
            }
            if (n.timedOut()) {
                st.pfailNodes++;
            }
            if (n.inHandshake() && now - n.ctime > handshakeTimeout) {
                deleteNode(n);
                continue;
            }
            if (n.link == null) {
                connect(n);
            }
        }
        if (iteration % 10 == 0) {
            List<ClusterNode> all = new ArrayList<>(st.nodes.values());
            ClusterNode minPong = null;
            for (int j = 0; j < 5 && !all.isEmpty(); j++) {
                ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
                if (n.link == null || n.pingSent != 0 || n.has(NODE_MYSELF | NODE_HANDSHAKE)) {
                    continue;
                }
                if (minPong == null || minPong.pongReceived > n.pongReceived) {
                    minPong = n;
                }
            }
            if (minPong != null) {
                sendPing(minPong.link, PING);
            }
        }
        for (ClusterNode n : new ArrayList<>(st.nodes.values())) {
            if (n.has(NODE_MYSELF | NODE_NOADDR | NODE_HANDSHAKE)) {
                continue;
            }
            long pingDelay = now - n.pingSent;
            long dataDelay = now - n.dataReceived;
            if (judge && n.link != null && now - n.link.ctime > timeout && n.pingSent != 0
                    && pingDelay > timeout / 2 && dataDelay > timeout / 2) {
                free(n.link);
            }
            if (n.link != null && n.link.link.isConnected() && n.pingSent == 0
                    && now - n.pongReceived > timeout / 2) {
                sendPing(n.link, PING);
                continue;
            }
            if (n.pingSent == 0) {
                continue;
            }
            if (judge && Math.min(pingDelay, dataDelay) > timeout && !n.has(NODE_PFAIL | NODE_FAIL)) {
                cl.server.log.verbose("*** NODE " + n.name + " possibly failing");
                n.flags |= NODE_PFAIL;
                updateState = true;
            }
        }
        if (updateState || st.state == ClusterState.FAIL) {
            cl.updateState();
        }
    }

    private void connect(ClusterNode n) {
        BusLink[] holder = new BusLink[1];
        Link.Handler h = new Link.Handler() {
            @Override
            public void connected(Link link) {
                holder[0].connected(link);
            }

            @Override
            public void received(Link link, ByteBuffer in) {
                holder[0].received(link, in);
            }

            @Override
            public void closed(Link link, String reason) {
                holder[0].closed(link, reason);
            }
        };
        Link link = outbound.connect(n.ip, n.cport, h);
        BusLink bl = new BusLink(link, false, n);
        holder[0] = bl;
        link.handler(bl);
        links.add(bl);
        n.link = bl;
    }
}
