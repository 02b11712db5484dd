package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.ClusterRouting;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.KeySpecs;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Redis Cluster in this server: the state ({@link ClusterState}) loaded from and saved to nodes.conf, the
 * redirection check of the command pipeline (Redis's getNodeByQuery and clusterRedirectClient), the deferred
 * work of clusterBeforeSleep, and the INFO numbers. The bus lives in {@link ClusterBus}, the commands in
 * {@link ClusterCommands}.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Cluster implements ClusterRouting {
    static final int REDIR_NONE = 0;
    static final int REDIR_CROSS_SLOT = 1;
    static final int REDIR_UNSTABLE = 2;
    static final int REDIR_ASK = 3;
    static final int REDIR_MOVED = 4;
    static final int REDIR_DOWN_STATE = 5;
    static final int REDIR_DOWN_UNBOUND = 6;
    static final int REDIR_DOWN_RO_STATE = 7;

    final Server server;
    final ClusterState st = new ClusterState();
    /** Elections, votes, manual failover and replica migration. */
    final ClusterFailover failover = new ClusterFailover(this);
    final Path configFile;
    ClusterBus bus;
    io.cinnabar.server.internal.replication.Replication replication;
    /** MIGRATE's connection cache (closed after 10 s unused, from the cron). */
    Migrate migrate;
    /** The keys of database 0 by slot (COUNTKEYSINSLOT, GETKEYSINSLOT, the keys of a lost slot). */
    final SlotKeys slotKeys = new SlotKeys();
    boolean todoSave;
    /**
     * The pending save must reach the disk (Redis's CLUSTER_TODO_FSYNC_CONFIG: epochs, slot ownership, roles);
     * without it, nodes.conf is rewritten but not fsynced (nodes learned by gossip, failure flags). Either way the
     * pending save is written by the writer thread (see saveLater).
     */
    boolean todoFsync;
    boolean todoUpdateState;
    private int redirSlot;
    /** DEBUG DROP-CLUSTER-PACKET-FILTER: bus messages of this type are dropped on receipt (-1: none). */
    long dropPacketFilter = -1;
    /** cluster-announce-ip as last applied to myself. */
    private String announcedIp = "";

    /** Loads (or creates) nodes.conf; throws when the file exists but cannot be used (Redis exits then). */
    public Cluster(Server server) throws IOException {
        this.server = server;
        this.configFile = Path.of(server.config.get("dir")).resolve(server.config.get("cluster-config-file"));
        boolean loaded = NodesConf.load(configFile, st, System.currentTimeMillis());
        if (!loaded) {
            st.myself = new ClusterNode(ClusterState.randomName(), NODE_MYSELF | NODE_MASTER);
            st.add(st.myself);
            server.log.notice("No cluster configuration found, I'm " + st.myself.name);
        } else {
            server.log.notice("Node configuration loaded, I'm " + st.myself.name.substring(0, 6));
        }
        for (ClusterNode n : st.nodes.values()) {
            n.link = null;
        }
        server.pubsub.indexShardChannels(KeySlots::slot);
        st.slotDeleted = server.pubsub::removeShardChannelsInSlot;
        server.keyspace.addListener(slotKeys);
        if (server.dbs[0].size() != 0) {
            slotKeys.rebuild(server.dbs[0]);
        }
        announce();
        updateState();
        save();
    }

    /** The node's own addresses from the config (port, bus port, announced ip/hostname/nodename). */
    void announce() {
        ClusterNode me = st.myself;
        int port = clientPort();
        int ap = (int) server.config.getLong("cluster-announce-port");
        me.port = ap != 0 ? ap : port;
        int abp = (int) server.config.getLong("cluster-announce-bus-port");
        me.cport = abp != 0 ? abp : busPort();
        me.pport = 0;
        String ip = server.config.get("cluster-announce-ip");
        if (!ip.isEmpty()) {
            me.ip = ip;
        }
        announcedIp = ip;
        me.hostname = server.config.get("cluster-announce-hostname");
        me.humanNodename = server.config.get("cluster-announce-human-nodename");
    }

    /**
     * CONFIG SET of an announced address takes effect at once in myself's CLUSTER NODES line and the next
     * messages, as Redis's apply functions do (updateClusterAnnouncedPort, updateClusterIp, updateClusterHostname).
     */
    @Override
    public void configChanged(String name) {
        switch (name) {
            case "cluster-announce-port", "cluster-announce-bus-port", "cluster-announce-tls-port",
                 "cluster-announce-hostname", "cluster-announce-human-nodename" -> announce();
            case "cluster-announce-ip" -> {
                String ip = server.config.get("cluster-announce-ip");
                if (!ip.equals(announcedIp)) {
                    st.myself.ip = ip; // empty: learned again from the next PING/MEET (Redis: autodetection)
                }
                announcedIp = ip;
            }
            default -> {
            }
        }
    }

    /** The port the bus listens on: cluster-port, or port + 10000. */
    public int busPort() {
        int cp = (int) server.config.getLong("cluster-port");
        return cp != 0 ? cp : clientPort() + 10000;
    }

    /** The TCP port clients use: the bound one once listening (port 0 picks one), else the configured one. */
    private int clientPort() {
        int bound = server.loop == null ? 0 : server.loop.port();
        return bound != 0 ? bound : (int) server.config.getLong("port");
    }

    public ClusterState state() {
        return st;
    }

    /** DEBUG DROP-CLUSTER-PACKET-FILTER type: received bus messages of that type are ignored (-1 drops none). */
    public void dropPacketFilter(long type) {
        dropPacketFilter = type;
    }

    /**
     * DEBUG CLUSTERLINK KILL: closes the bus link to ("to"), from ("from") or both ("all") links of a node.
     * Returns null when done, else the error text (unknown node or direction).
     */
    public String killLink(String direction, String nodeName) {
        ClusterNode n = st.lookup(nodeName);
        if (n == null) {
            return "Unknown node " + nodeName;
        }
        boolean to = direction.equalsIgnoreCase("to") || direction.equalsIgnoreCase("all");
        boolean from = direction.equalsIgnoreCase("from") || direction.equalsIgnoreCase("all");
        if (!to && !from) {
            return "Unknown direction " + direction;
        }
        if (to && n.link != null) {
            bus.free(n.link);
        }
        if (from && n.inboundLink != null) {
            bus.free(n.inboundLink);
        }
        return null;
    }

    /** Saves nodes.conf now, fsynced; logs and returns the error text on failure, else null. */
    String save() {
        return save(true);
    }

    /**
     * Saves nodes.conf now, on this thread (fsynced or not): the saves whose content must be on disk before the
     * next message leaves (a vote, an election, this node's own epoch, CLUSTER commands). Logs and returns the error
     * text on failure, else null.
     */
    String save(boolean fsync) {
        byte[] content = NodesConf.render(st).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        todoSave = false;
        todoFsync = false;
        try {
            synchronized (fileLock) {
                synchronized (pendingLock) { // an older pending save is superseded (its fsync is kept)
                    fsync |= pendingFsync;
                    pendingContent = null;
                    pendingFsync = false;
                }
                NodesConf.write(content, configFile, fsync);
            }
            return null;
        } catch (IOException e) {
            server.log.warning("Could not save the cluster configuration: " + e.getMessage());
            return e.getMessage();
        }
    }

    /** Orders the writes of nodes.conf: the event loop's own saves and the writer thread's. */
    private final Object fileLock = new Object();
    private final Object pendingLock = new Object();
    /** The newest configuration waiting for the writer thread, and whether it must be fsynced (pendingLock). */
    private byte[] pendingContent;
    private boolean pendingFsync;
    /** Writes deferred saves off the event loop; its thread ends after 5 s without work. */
    private final java.util.concurrent.ThreadPoolExecutor writer = new java.util.concurrent.ThreadPoolExecutor(1, 1,
        5, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "cinnabar-nodes-conf");
            t.setDaemon(true);
            return t;
        });

    {
        writer.allowCoreThreadTimeOut(true);
    }

    /**
     * The save of clusterBeforeSleep (what gossip, failure detection and other nodes' epochs changed): rendered
     * here, written (and fsynced when asked) by the writer thread, the newest content only. Redis writes it from
     * the event loop; 60 nodes in one JVM sharing one disk spent seconds of each loop in these writes and fsyncs
     * while converging, and missed PONG deadlines for it.
     */
    private void saveLater() {
        byte[] content = NodesConf.render(st).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean fsync = todoFsync;
        todoSave = false;
        todoFsync = false;
        synchronized (pendingLock) {
            pendingContent = content;
            pendingFsync |= fsync;
        }
        writer.execute(this::writePending);
    }

    /** The writer thread: writes the newest pending configuration, if a later save did not already. */
    private void writePending() {
        synchronized (fileLock) {
            byte[] content;
            boolean fsync;
            synchronized (pendingLock) {
                content = pendingContent;
                fsync = pendingFsync;
                pendingContent = null;
                pendingFsync = false;
            }
            if (content == null) {
                return;
            }
            try {
                NodesConf.write(content, configFile, fsync);
            } catch (IOException e) {
                server.log.warning("Could not save the cluster configuration: " + e.getMessage());
            }
        }
    }

    void updateState() {
        st.updateState(server.config.getBool("cluster-require-full-coverage"));
        todoUpdateState = false;
    }

    // ---- the pipeline seam

    @Override
    public boolean route(Client c, Command cmd) {
        boolean asking = c.asking;
        if (!c.inMulti && !cmd.fullName.equals("asking")) {
            c.asking = false;
        }
        // Redis's mustObeyClient: the master link and the AOF loader are never redirected
        if (c.isDetached() || c.replRole == Client.ROLE_MASTER
                || cmd.keySpecs.isEmpty() && !cmd.fullName.equals("exec")) {
            return true;
        }
        int code = query(c, cmd, asking);
        qFirstBuf = null; // a queued command's arguments are not kept beyond the check
        if (code == REDIR_NONE) {
            return true;
        }
        if (c.inMulti && cmd.fullName.equals("exec")) {
            server.transactions.discardQueued(c); // Redis answers the redirection instead of EXEC's reply
        }
        redirect(c, code);
        return false;
    }

    @Override
    public int scriptQuery(Client sc, Command cmd, Client caller) {
        if (caller.isDetached() || caller.replRole == Client.ROLE_MASTER) {
            return SCRIPT_NO_KEYS;
        }
        sc.readonly = caller.readonly;
        List<int[]> keys = KeySpecs.keys(sc, cmd, 0, sc.argc);
        if (keys == null || keys.isEmpty()) {
            return SCRIPT_NO_KEYS;
        }
        return switch (query(sc, cmd, caller.asking)) {
            case REDIR_NONE -> redirSlot;
            case REDIR_DOWN_RO_STATE -> SCRIPT_DOWN_RO;
            case REDIR_DOWN_STATE -> SCRIPT_DOWN;
            default -> SCRIPT_NON_LOCAL;
        };
    }

    @Override
    public int keySlot(byte[] b, int off, int len) {
        return KeySlots.slot(b, off, len);
    }

    private ClusterNode redirNode;

    // what one getNodeByQuery found so far (over EXEC's queued commands, or one command)
    private int qCode;
    private int qSlot;
    private ClusterNode qNode;
    private boolean qMigrating;
    private boolean qImporting;
    private boolean qMultipleKeys;
    private boolean qWrite;
    private boolean qPubsubShard;
    private int qMissing;
    private byte[] qFirstBuf;
    private int qFirstOff;
    private int qFirstLen;

    /**
     * Redis's getNodeByQuery for one command, or for EXEC every command its transaction queued (a slot that moved
     * or started migrating since a command was queued, or queued commands on different slots, are caught here):
     * REDIR_NONE when this node serves it (redirNode/redirSlot set otherwise).
     */
    private int query(Client c, Command cmd, boolean asking) {
        qCode = REDIR_NONE;
        qSlot = -1;
        qNode = null;
        qMigrating = false;
        qImporting = false;
        qMultipleKeys = false;
        qWrite = false;
        qPubsubShard = false;
        qMissing = 0;
        qFirstBuf = null;
        if (cmd.fullName.equals("exec")) {
            if (!c.inMulti || server.transactions == null) {
                return REDIR_NONE; // EXEC without MULTI answers its own error
            }
            if (!server.transactions.eachQueued(c, q -> scan(c, q))) {
                return qCode;
            }
        } else {
            // Redis's getCommandFlags: a script declaring no no-writes flag is a write (MOVED on a replica)
            qWrite = (server.commandFlags(c, cmd) & Command.WRITE) != 0;
            if (!scan(c, cmd)) {
                return qCode;
            }
        }
        ClusterNode n = qNode;
        if (n == null) {
            return REDIR_NONE; // no key at all
        }
        if (st.state != ClusterState.OK) {
            if (qPubsubShard) {
                if (!server.config.getBool("cluster-allow-pubsubshard-when-down")) {
                    return REDIR_DOWN_STATE;
                }
            } else if (!server.config.getBool("cluster-allow-reads-when-down")) {
                return REDIR_DOWN_STATE;
            } else if (qWrite) {
                return REDIR_DOWN_RO_STATE;
            }
        }
        int slot = qSlot;
        redirSlot = slot;
        if ((qMigrating || qImporting) && cmd.fullName.equals("migrate")) {
            return REDIR_NONE;
        }
        if (qMigrating && qMissing > 0) {
            if (qMultipleKeys) {
                return REDIR_UNSTABLE;
            }
            redirNode = st.migratingTo[slot];
            return REDIR_ASK;
        }
        if (qImporting && (asking || cmd.has(Command.ASKING))) {
            return qMultipleKeys && qMissing > 0 ? REDIR_UNSTABLE : REDIR_NONE;
        }
        if ((c.readonly || qPubsubShard) && !qWrite && st.myself.isReplica() && st.myself.master == n) {
            return REDIR_NONE;
        }
        if (n != st.myself) {
            redirNode = n;
            return REDIR_MOVED;
        }
        return REDIR_NONE;
    }

    /** Adds cmd's keys (in c's arguments) to the query; false when it already fails (qCode set). */
    private boolean scan(Client c, Command cmd) {
        if (cmd.has(Command.WRITE)) {
            qWrite = true;
        }
        switch (cmd.fullName) {
            case "ssubscribe", "sunsubscribe", "spublish" -> qPubsubShard = true;
            default -> {
            }
        }
        boolean migrate = cmd.fullName.equals("migrate");
        if (cmd.keySpecs.isEmpty() && !migrate) {
            return true;
        }
        List<int[]> keys = migrate ? migrateKeys(c) : KeySpecs.keys(c, cmd, 0, c.argc);
        if (keys == null) {
            return true;
        }
        Db db0 = server.dbs[0];
        for (int[] k : keys) {
            int a = k[0];
            byte[] buf = c.argBuf;
            int off = c.argOff[a];
            int len = c.argLen[a];
            int s = KeySlots.slot(buf, off, len);
            if (qFirstBuf == null) {
                qFirstBuf = buf;
                qFirstOff = off;
                qFirstLen = len;
                qSlot = s;
                qNode = st.slots[s];
                if (qNode == null) {
                    redirSlot = s;
                    qCode = REDIR_DOWN_UNBOUND;
                    return false;
                }
                if (qNode == st.myself && st.migratingTo[s] != null) {
                    qMigrating = true;
                } else if (st.importingFrom[s] != null) {
                    qImporting = true;
                }
            } else if (!java.util.Arrays.equals(qFirstBuf, qFirstOff, qFirstOff + qFirstLen, buf, off, off + len)) {
                if (s != qSlot) {
                    qCode = REDIR_CROSS_SLOT;
                    return false;
                }
                qMultipleKeys = true;
            }
            if ((qMigrating || qImporting) && !qPubsubShard) {
                Entry e = db0.find(buf, off, len);
                if (e == null || db0.expired(e, server.keyspace.cmdTimeMs)) {
                    qMissing++;
                }
            }
        }
        return true;
    }

    /**
     * MIGRATE's keys as Redis's migrateGetKeys finds them (its KEYS key spec is incomplete): argument 3, or the
     * arguments after KEYS when argument 3 is empty (none when it is not); AUTH and AUTH2 values are skipped.
     */
    private static List<int[]> migrateKeys(Client c) {
        List<int[]> out = new java.util.ArrayList<>();
        for (int i = 6; i < c.argc; i++) {
            if (c.argIs(i, "keys")) {
                if (c.argLen[3] != 0) {
                    return out; // MIGRATE itself refuses this form
                }
                for (int k = i + 1; k < c.argc; k++) {
                    out.add(new int[] {k, 1});
                }
                return out;
            }
            if (c.argIs(i, "auth")) {
                i++;
            } else if (c.argIs(i, "auth2")) {
                i += 2;
            }
        }
        out.add(new int[] {3, 0});
        return out;
    }

    private long lastBlockedCheckMs;

    /**
     * Redis's clusterRedirectBlockedClientIfNeeded, which its clients cron runs for every blocked client about once a
     * second: a client blocked on a key of a slot this node no longer serves (nor imports) is unblocked with MOVED,
     * or CLUSTERDOWN when the slot is unbound or the cluster is down.
     */
    void redirectBlockedClients() {
        for (Client c : server.blocking.blockedOnKeys()) {
            if (c.blocked == null) {
                continue;
            }
            if (st.state != ClusterState.OK) {
                server.blocking.unblockWithError(c, "CLUSTERDOWN The cluster is down");
                continue;
            }
            byte[] key = c.blocked.firstKey();
            if (key == null) {
                continue;
            }
            int slot = KeySlots.slot(key, 0, key.length);
            ClusterNode node = st.slots[slot];
            Command cmd = c.blocked.command();
            if (c.readonly && cmd != null && !cmd.has(Command.WRITE) && !st.myself.isMaster()
                && st.myself.master == node) {
                node = st.myself;
            }
            if (node != st.myself && st.importingFrom[slot] == null) {
                server.blocking.unblockWithError(c, node == null ? "CLUSTERDOWN Hash slot not served"
                    : "MOVED " + slot + " " + endpoint(node) + ":" + node.port);
            }
        }
    }

    /** Redis's clusterRedirectClient. */
    private void redirect(Client c, int code) {
        switch (code) {
            case REDIR_CROSS_SLOT -> c.error("CROSSSLOT Keys in request don't hash to the same slot");
            case REDIR_UNSTABLE -> c.error("TRYAGAIN Multiple keys request during rehashing of slot");
            case REDIR_DOWN_STATE -> c.error("CLUSTERDOWN The cluster is down");
            case REDIR_DOWN_RO_STATE -> c.error("CLUSTERDOWN The cluster is down and only accepts read commands");
            case REDIR_DOWN_UNBOUND -> c.error("CLUSTERDOWN Hash slot not served");
            default -> c.error((code == REDIR_ASK ? "ASK " : "MOVED ") + redirSlot + " " + endpoint(redirNode) + ":"
                + redirNode.port);
        }
    }

    /** Redis's getPreferredEndpoint: the ip, the hostname ("?" when unset) or "?" per cluster-preferred-endpoint-type. */
    String endpoint(ClusterNode n) {
        return switch (server.config.get("cluster-preferred-endpoint-type")) {
            case "hostname" -> n.hostname.isEmpty() ? "?" : n.hostname;
            case "unknown-endpoint" -> "?";
            default -> n.ip;
        };
    }

    /** Starts the bus: listens on the bus port; the cron connects to the known nodes. */
    @Override
    public boolean start() {
        int port = server.loop.port();
        if (port > 65535 - 10000 && server.config.getLong("cluster-port") == 0) {
            server.log.warning("Redis port number too high. Cluster communication port is 10,000 port numbers "
                + "higher than your Redis port. Your Redis port number must be 55535 or less.");
            return false;
        }
        announce();
        bus = new ClusterBus(this, server.outbound);
        try {
            bus.listen();
        } catch (IOException e) {
            server.log.warning("Could not bind the cluster bus port " + busPort() + ": " + e.getMessage());
            return false;
        }
        save();
        return true;
    }

    /** Stops listening and closes every bus link. */
    public void stop() {
        if (bus != null) {
            bus.close();
        }
    }

    /**
     * The replication layer: CLUSTER REPLICATE and role changes follow or leave a master through it. A replica in
     * nodes.conf follows its master from the first cron (Redis's clusterCron), so after the startup load: the
     * replication ID and offset of its file are then the history its PSYNC continues. Its keyspace is a replica's
     * from the start: the expired keys it loads wait for its master's DELs.
     */
    public void replication(io.cinnabar.server.internal.replication.Replication r) {
        this.replication = r;
        if (st.myself.isReplica()) {
            server.keyspace.replica = true; // Redis's iAmMaster: no expiry of its own, from the load on
        }
    }

    /** Gives the cron MIGRATE's connection cache to expire. */
    public void migrate(Migrate m) {
        this.migrate = m;
    }

    long nodeTimeout() {
        return server.config.getLong("cluster-node-timeout");
    }

    /**
     * The replication offset this node announces (bus headers, rank, CLUSTER SHARDS): a master's
     * master_repl_offset, a replica's {@link io.cinnabar.server.internal.replication.Replication#replicaOffset()}
     * (0 during a full resync: CLUSTER SLOTS then hides it, as Redis's isReplicaAvailable).
     */
    long replOffset() {
        if (replication == null) {
            return 0;
        }
        return replication.isReplica() ? replication.replicaOffset() : replication.masterOffset();
    }

    /** Redis's clusterSetNodeAsMaster. */
    void setNodeAsMaster(ClusterNode n) {
        if (n.isMaster()) {
            return;
        }
        if (n.master != null) {
            n.master.replicas.remove(n);
            if (n != st.myself) {
                n.flags |= NODE_MIGRATE_TO;
            }
        }
        n.flags &= ~NODE_SLAVE;
        n.flags |= NODE_MASTER;
        n.master = null;
        todoSave = true;
        todoUpdateState = true;
    }

    /**
     * Redis's clusterSetMaster: this node becomes master's replica (CLUSTER REPLICATE, or its slots were taken
     * over by a node with a greater config epoch) and replicates from it.
     */
    void becomeReplicaOf(ClusterNode master) {
        ClusterNode me = st.myself;
        if (me.isMaster()) {
            me.flags &= ~(NODE_MASTER | NODE_MIGRATE_TO);
            me.flags |= NODE_SLAVE;
            for (int s = 0; s < SLOTS; s++) {
                st.importingFrom[s] = null;
                st.migratingTo[s] = null;
            }
        }
        st.setMaster(me, master);
        if (replication != null) {
            replication.setMaster(master.ip, master.port, true);
        }
        failover.reset();
        todoSave = true;
        todoFsync = true;
        todoUpdateState = true;
    }

    /** A node's address changed; a replica whose master moved would reconnect its replication link here. */
    void addressChanged(ClusterNode n) {
        if (st.myself.isReplica() && st.myself.master == n && replication != null) {
            replication.setMaster(n.ip, n.port, true);
        }
    }

    boolean hasKeysInSlot(int slot) {
        return slotKeys.count(slot) != 0;
    }

    /**
     * Redis's delKeysInSlot: the keys of a slot this node lost, deleted (O(keys of the slot)). Each deletion
     * reaches the replicas and the AOF as its own {@code DEL} ({@code UNLINK} under lazyfree-lazy-server-del),
     * WATCH and tracking see the key change, and the dirty counter moves by one per key. As in Redis 7.2, no
     * keyspace notification is published (Redis tells only modules). Returns the number of keys deleted.
     */
    int deleteKeysInSlot(int slot) {
        Db db = server.dbs[0];
        boolean lazy = server.keyspace.lazyServerDel;
        int n = 0;
        for (byte[] k : slotKeys.keys(slot, Long.MAX_VALUE)) {
            Entry e = db.find(k);
            if (e != null) {
                server.keyspace.delete(db, e);
                server.propagation.propagateDeletion(db.id, k, lazy);
                server.keyspace.changes(1);
                n++;
            }
        }
        return n;
    }

    /** A PUBLISH or PUBLISHSHARD that arrived on the bus: delivered to the local subscribers. */
    void deliver(byte[] channel, byte[] message, boolean sharded) {
        if (sharded) {
            server.pubsub.publishShard(channel, message);
        } else {
            server.pubsub.publish(channel, message);
        }
    }

    /** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: see {@link ClusterFailover}. */
    void failoverMessage(BusMessage m, ClusterNode sender) {
        failover.message(m, sender);
    }

    /** Redis's clusterReset: forget every other node and every slot; HARD also takes a new name and epoch 0. */
    void reset(boolean hard) {
        ClusterNode me = st.myself;
        if (me.isReplica()) {
            setNodeAsMaster(me);
            if (replication != null && replication.isReplica()) {
                replication.unsetMaster();
            }
            if (replication != null) { // a replica's data set and functions are flushed away (Redis's emptyData)
                replication.emptyData();
            } else {
                for (Db db : server.dbs) {
                    server.keyspace.flush(db);
                }
            }
        }
        for (int s = 0; s < SLOTS; s++) {
            st.migratingTo[s] = null;
            st.importingFrom[s] = null;
        }
        st.delNodeSlots(me);
        for (ClusterNode n : new java.util.ArrayList<>(st.nodes.values())) {
            if (n != me) {
                if (bus != null) {
                    bus.deleteNode(n);
                } else {
                    st.remove(n);
                }
            }
        }
        st.blacklist.clear();
        if (hard) {
            st.currentEpoch = 0;
            st.lastVoteEpoch = 0;
            me.configEpoch = 0;
            String old = me.name;
            st.rename(me, ClusterState.randomName());
            me.shardId = ClusterState.randomName();
            server.log.notice("Node hard reset, now I'm " + me.name + " (was " + old + ")");
        }
        save();
        updateState();
    }

    @Override
    public void cron(long nowMs) {
        if (bus != null) {
            bus.cron(nowMs);
            failover.cron(nowMs);
        }
        if (nowMs - lastBlockedCheckMs >= 1000 && server.blocking != null && server.blocking.blockedClients() > 0) {
            lastBlockedCheckMs = nowMs;
            redirectBlockedClients();
        }
        if (migrate != null) {
            migrate.closeIdle(nowMs);
        }
    }

    @Override
    public void beforeSleep() {
        if (bus != null) {
            failover.beforeSleep();
        }
        if (todoUpdateState) {
            updateState();
        }
        if (todoSave) {
            saveLater();
        }
    }

    @Override
    public boolean myselfIsMaster() {
        return st.myself.isMaster();
    }

    @Override
    public int connections() {
        return bus == null ? 0 : bus.linkCount();
    }

    /** CLUSTER INFO's text (Redis's genClusterInfoString). */
    String infoText() {
        int assigned = 0;
        int ok = 0;
        int pfail = 0;
        int fail = 0;
        for (int s = 0; s < SLOTS; s++) {
            ClusterNode n = st.slots[s];
            if (n == null) {
                continue;
            }
            assigned++;
            if (n.failed()) {
                fail++;
            } else if (n.timedOut()) {
                pfail++;
            } else {
                ok++;
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("cluster_state:").append(st.state == ClusterState.OK ? "ok" : "fail").append("\r\n");
        b.append("cluster_slots_assigned:").append(assigned).append("\r\n");
        b.append("cluster_slots_ok:").append(ok).append("\r\n");
        b.append("cluster_slots_pfail:").append(pfail).append("\r\n");
        b.append("cluster_slots_fail:").append(fail).append("\r\n");
        b.append("cluster_known_nodes:").append(st.nodes.size()).append("\r\n");
        b.append("cluster_size:").append(st.size).append("\r\n");
        b.append("cluster_current_epoch:").append(st.currentEpoch).append("\r\n");
        b.append("cluster_my_epoch:").append(st.myself.epoch()).append("\r\n");
        long sent = 0;
        for (int t = 0; t < TYPE_COUNT; t++) {
            if (st.sent[t] != 0) {
                b.append("cluster_stats_messages_").append(typeName(t)).append("_sent:").append(st.sent[t])
                    .append("\r\n");
                sent += st.sent[t];
            }
        }
        b.append("cluster_stats_messages_sent:").append(sent).append("\r\n");
        long received = 0;
        for (int t = 0; t < TYPE_COUNT; t++) {
            if (st.received[t] != 0) {
                b.append("cluster_stats_messages_").append(typeName(t)).append("_received:").append(st.received[t])
                    .append("\r\n");
                received += st.received[t];
            }
        }
        b.append("cluster_stats_messages_received:").append(received).append("\r\n");
        b.append("total_cluster_links_buffer_limit_exceeded:").append(st.linksBufferLimitExceeded).append("\r\n");
        return b.toString();
    }
}
