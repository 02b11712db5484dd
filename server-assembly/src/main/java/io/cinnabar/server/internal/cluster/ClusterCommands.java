package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.keyspace.Db;
import java.util.ArrayList;
import java.util.List;

/**
 * CLUSTER and its subcommands, ASKING, READONLY, READWRITE, and the refusals of SELECT, MOVE and SWAPDB in
 * cluster mode, with Redis 7.2's replies and error texts (Redis's clusterCommand). COUNTKEYSINSLOT and
 * GETKEYSINSLOT use the per-slot key index ({@link SlotKeys}).
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class ClusterCommands {
    private final Cluster cl;
    private final ClusterState st;

    private ClusterCommands(Cluster cl) {
        this.cl = cl;
        this.st = cl.st;
    }

    private static final String[] HELP = {
        "ADDSLOTS <slot> [<slot> ...]",
        "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "BUMPEPOCH",
        "    Advance the cluster config epoch.",
        "COUNT-FAILURE-REPORTS <node-id>",
        "    Return number of failure reports for <node-id>.",
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]",
        "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
        "FAILOVER [FORCE|TAKEOVER]",
        "    Promote current replica node to being a master.",
        "FORGET <node-id>",
        "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "FLUSHSLOTS",
        "    Delete current node own slots information.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]",
        "    Connect nodes into a working cluster.",
        "MYID",
        "    Return the node id.",
        "MYSHARDID",
        "    Return the node's shard id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port@bus-port[,hostname]> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICATE <node-id>",
        "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]",
        "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>",
        "    Set config epoch of current node.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
        "    Set slot state.",
        "REPLICAS <node-id>",
        "    Return <node-id> replicas.",
        "SAVECONFIG",
        "    Force saving cluster configuration on disk.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
        "LINKS",
        "    Return information about all network links between this node and its peers.",
        "    Output format is an array where each array element is a map containing attributes of a link",
    };

    /** Without cluster-enabled: CLUSTER, ASKING, READONLY and READWRITE answer that cluster support is off. */
    public static void registerDisabled(CommandTable t) {
        Command.Handler off = c -> c.error("ERR This instance has cluster support disabled");
        for (String sub : t.declared("cluster").subcommands.keySet()) {
            t.impl("cluster|" + sub, off);
        }
        t.impl("asking", off);
        t.impl("readonly", off);
        t.impl("readwrite", off);
    }

    /** MIGRATE, in both modes. */
    public static Migrate registerMigrate(CommandTable t, io.cinnabar.server.internal.command.Server server) {
        Migrate m = new Migrate(server);
        t.impl("migrate", m::run);
        return m;
    }

    /** Registers the commands of cl's cluster in t. */
    public static void register(CommandTable t, Cluster cl) {
        ClusterCommands k = new ClusterCommands(cl);
        t.impl("cluster|help", c -> c.help("CLUSTER", HELP));
        t.impl("cluster|info", c -> c.verbatim(cl.infoText()));
        t.impl("cluster|myid", c -> c.bulk(cl.st.myself.name));
        t.impl("cluster|myshardid", c -> c.bulk(cl.st.myself.shardId));
        t.impl("cluster|nodes", c -> c.verbatim(cl.st.describeAll(false)));
        t.impl("cluster|keyslot", c -> c.integer(KeySlots.slot(c.argBuf, c.argOff[2], c.argLen[2])));
        t.impl("cluster|countkeysinslot", k::countKeysInSlot);
        t.impl("cluster|getkeysinslot", k::getKeysInSlot);
        t.impl("cluster|addslots", c -> k.slots(c, true, false));
        t.impl("cluster|delslots", c -> k.slots(c, false, false));
        t.impl("cluster|addslotsrange", c -> k.slots(c, true, true));
        t.impl("cluster|delslotsrange", c -> k.slots(c, false, true));
        t.impl("cluster|flushslots", k::flushSlots);
        t.impl("cluster|setslot", k::setSlot);
        t.impl("cluster|bumpepoch", k::bumpEpoch);
        t.impl("cluster|set-config-epoch", k::setConfigEpoch);
        t.impl("cluster|forget", k::forget);
        t.impl("cluster|count-failure-reports", k::countFailureReports);
        t.impl("cluster|replicas", k::replicas);
        t.impl("cluster|slaves", k::replicas);
        t.impl("cluster|saveconfig", k::saveConfig);
        t.impl("cluster|reset", k::reset);
        t.impl("cluster|meet", k::meet);
        t.impl("cluster|replicate", k::replicate);
        t.impl("cluster|failover", cl.failover::command);
        t.impl("cluster|slots", k::slotsReply);
        t.impl("cluster|shards", k::shards);
        t.impl("cluster|links", k::links);
        t.impl("asking", c -> {
            c.asking = true;
            c.ok();
        });
        t.impl("readonly", c -> {
            c.readonly = true;
            c.ok();
        });
        t.impl("readwrite", c -> {
            c.readonly = false;
            c.ok();
        });
        refuse(t, "select", c -> Numbers.string2ll(c.argBuf, c.argOff[1], c.argLen[1], c.ctx.tmp) && c.ctx.tmp[0] != 0,
            "ERR SELECT is not allowed in cluster mode");
        refuse(t, "move", c -> true, "ERR MOVE is not allowed in cluster mode");
        refuse(t, "replicaof", c -> true, "ERR REPLICAOF not allowed in cluster mode.");
        refuse(t, "slaveof", c -> true, "ERR REPLICAOF not allowed in cluster mode.");
        propagatePublish(t, cl, "publish", false);
        propagatePublish(t, cl, "spublish", true);
        refuse(t, "swapdb", c -> true, "ERR SWAPDB is not allowed in cluster mode");
    }

    /** PUBLISH and SPUBLISH also go over the bus (Redis's clusterPropagatePublish). */
    private static void propagatePublish(CommandTable t, Cluster cl, String name, boolean sharded) {
        Command.Handler inner = t.lookupFull(name).handler;
        t.impl(name, c -> {
            inner.run(c);
            if (cl.bus != null) {
                cl.bus.publish(c.arg(1), c.arg(2), sharded);
            }
        });
    }

    private static void refuse(CommandTable t, String name, java.util.function.Predicate<Client> when, String err) {
        Command cmd = t.lookupFull(name);
        Command.Handler inner = cmd.handler;
        t.impl(name, c -> {
            if (when.test(c)) {
                c.error(err);
            } else {
                inner.run(c);
            }
        });
    }

    // ---- slots and keys

    int countKeys(int slot) {
        return cl.slotKeys.count(slot);
    }

    private void countKeysInSlot(Client c) {
        if (!c.argLongOr(2, "ERR value is not an integer or out of range")) {
            return;
        }
        long slot = c.ctx.tmp[0];
        if (slot < 0 || slot >= SLOTS) {
            c.error("ERR Invalid slot");
            return;
        }
        c.integer(countKeys((int) slot));
    }

    private void getKeysInSlot(Client c) {
        if (!c.argLongOr(2, "ERR value is not an integer or out of range")) {
            return;
        }
        long slot = c.ctx.tmp[0];
        if (!c.argLongOr(3, "ERR value is not an integer or out of range")) {
            return;
        }
        long max = c.ctx.tmp[0];
        if (slot < 0 || slot >= SLOTS || max < 0) {
            c.error("ERR Invalid slot or number of keys");
            return;
        }
        c.array(Math.min(max, countKeys((int) slot)));
        cl.slotKeys.visit((int) slot, max, c::bulk);
    }

    /** Redis's getSlotOrReply: the slot in argument i, or -1 after the error. */
    private static int slotArg(Client c, int i) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[i], c.argLen[i], c.ctx.tmp) || c.ctx.tmp[0] < 0
                || c.ctx.tmp[0] >= SLOTS) {
            c.error("ERR Invalid or out of range slot");
            return -1;
        }
        return (int) c.ctx.tmp[0];
    }

    /** ADDSLOTS, DELSLOTS and their RANGE forms: every slot is checked before any changes. */
    private void slots(Client c, boolean add, boolean range) {
        if (range && c.argc % 2 == 1) {
            c.error("ERR wrong number of arguments for '" + c.cmd.fullName + "' command");
            return;
        }
        boolean[] seen = new boolean[SLOTS];
        List<Integer> list = new ArrayList<>();
        for (int i = 2; i < c.argc; i += range ? 2 : 1) {
            int start = slotArg(c, i);
            if (start < 0) {
                return;
            }
            int end = start;
            if (range) {
                end = slotArg(c, i + 1);
                if (end < 0) {
                    return;
                }
                if (start > end) {
                    c.error("ERR start slot number " + start + " is greater than end slot number " + end);
                    return;
                }
            }
            for (int s = start; s <= end; s++) {
                if (add && st.slots[s] != null) {
                    c.error("ERR Slot " + s + " is already busy");
                    return;
                }
                if (!add && st.slots[s] == null) {
                    c.error("ERR Slot " + s + " is already unassigned");
                    return;
                }
                if (seen[s]) {
                    c.error("ERR Slot " + s + " specified multiple times");
                    return;
                }
                seen[s] = true;
                list.add(s);
            }
        }
        for (int s : list) {
            if (add) {
                st.importingFrom[s] = null;
                st.addSlot(st.myself, s);
            } else {
                st.delSlot(s);
            }
        }
        changed();
        c.ok();
    }

    /** The config changed: save and recompute the state before sleeping (Redis's clusterDoBeforeSleep). */
    private void changed() {
        cl.todoSave = true;
        cl.todoUpdateState = true;
    }

    private void flushSlots(Client c) {
        if (cl.server.dbs[0].size() != 0) {
            c.error("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
            return;
        }
        st.delNodeSlots(st.myself);
        changed();
        c.ok();
    }

    private void setSlot(Client c) {
        if (st.myself.isReplica()) {
            c.error("ERR Please use SETSLOT only with masters.");
            return;
        }
        int slot = slotArg(c, 2);
        if (slot < 0) {
            return;
        }
        String action = c.argString(3).toLowerCase(java.util.Locale.ROOT);
        if ((action.equals("migrating") || action.equals("importing") || action.equals("node")) && c.argc == 5) {
            if (action.equals("migrating") && st.slots[slot] != st.myself) {
                c.error("ERR I'm not the owner of hash slot " + slot);
                return;
            }
            if (action.equals("importing") && st.slots[slot] == st.myself) {
                c.error("ERR I'm already the owner of hash slot " + slot);
                return;
            }
            String id = c.argString(4);
            ClusterNode n = st.lookup(id);
            if (n == null) {
                c.error((action.equals("node") ? "ERR Unknown node " : "ERR I don't know about node ") + id);
                return;
            }
            if (n.isReplica()) {
                c.error("ERR Target node is not a master");
                return;
            }
            switch (action) {
                case "migrating" -> st.migratingTo[slot] = n;
                case "importing" -> st.importingFrom[slot] = n;
                default -> {
                    if (!setSlotNode(c, slot, n)) {
                        return;
                    }
                }
            }
        } else if (action.equals("stable") && c.argc == 4) {
            st.migratingTo[slot] = null;
            st.importingFrom[slot] = null;
        } else {
            c.error("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
            return;
        }
        changed();
        c.ok();
    }

    /** SETSLOT NODE once n is known to be a master: false after the error when this node still holds keys. */
    private boolean setSlotNode(Client c, int slot, ClusterNode n) {
        int keys = st.slots[slot] == st.myself ? countKeys(slot) : 0;
        if (st.slots[slot] == st.myself && n != st.myself && keys != 0) {
            c.error("ERR Can't assign hashslot " + slot + " to a different node while I still hold keys for this "
                + "hash slot.");
            return false;
        }
        if (keys == 0 && st.migratingTo[slot] != null) {
            st.migratingTo[slot] = null;
        }
        if (n == st.myself && st.importingFrom[slot] != null) {
            st.importingFrom[slot] = null;
            st.delSlot(slot);
            st.addSlot(n, slot);
            if (bumpEpochWithoutConsensus()) {
                cl.server.log.warning("configEpoch updated after importing slot " + slot);
            }
            if (cl.bus != null) {
                cl.bus.broadcastPong();
            }
            return true;
        }
        boolean wasMine = st.slots[slot] == st.myself;
        st.delSlot(slot);
        st.addSlot(n, slot);
        if (wasMine && n != st.myself && st.myself.numSlots == 0
            && cl.server.config.getBool("cluster-allow-replica-migration")) {
            // a master left without slots follows the node that took its last one (Redis 7.0+)
            cl.server.log.warning("Configuration change detected. Reconfiguring myself as a replica of " + n.name);
            cl.becomeReplicaOf(n);
        }
        return true;
    }

    /** Redis's clusterBumpConfigEpochWithoutConsensus: true when the config epoch moved. */
    boolean bumpEpochWithoutConsensus() {
        long max = st.maxEpoch();
        if (st.myself.configEpoch == 0 || st.myself.configEpoch != max) {
            st.currentEpoch++;
            st.myself.configEpoch = st.currentEpoch;
            cl.todoSave = true;
            cl.todoFsync = true;
            return true;
        }
        return false;
    }

    private void bumpEpoch(Client c) {
        boolean bumped = bumpEpochWithoutConsensus();
        cl.save();
        c.simple((bumped ? "BUMPED " : "STILL ") + st.myself.configEpoch);
    }

    private void setConfigEpoch(Client c) {
        if (!c.argLongOr(2, "ERR value is not an integer or out of range")) {
            return;
        }
        long epoch = c.ctx.tmp[0];
        if (epoch < 0) {
            c.error("ERR Invalid config epoch specified: " + epoch);
        } else if (st.nodes.size() > 1) {
            c.error("ERR The user can assign a config epoch only when the node does not know any other node.");
        } else if (st.myself.configEpoch != 0) {
            c.error("ERR Node config epoch is already non-zero");
        } else {
            st.myself.configEpoch = epoch;
            cl.server.log.warning("configEpoch set to " + epoch + " via CLUSTER SET-CONFIG-EPOCH");
            if (st.currentEpoch < epoch) {
                st.currentEpoch = epoch;
            }
            changed();
            c.ok();
        }
    }

    private void forget(Client c) {
        String id = c.argString(2);
        ClusterNode n = st.lookup(id);
        if (n == null) {
            c.error("ERR Unknown node " + id);
        } else if (n == st.myself) {
            c.error("ERR I tried hard but I can't forget myself...");
        } else if (st.myself.isReplica() && st.myself.master == n) {
            c.error("ERR Can't forget my master!");
        } else {
            st.blacklist.put(n.name, System.currentTimeMillis() + 60_000);
            if (cl.bus != null) {
                cl.bus.forgetNode(n);
            } else {
                st.remove(n);
            }
            changed();
            c.ok();
        }
    }

    private void countFailureReports(Client c) {
        String id = c.argString(2);
        ClusterNode n = st.lookup(id);
        if (n == null) {
            c.error("ERR Unknown node " + id);
            return;
        }
        c.integer(n.countFailReports(System.currentTimeMillis(), cl.nodeTimeout() * 2));
    }

    private void replicas(Client c) {
        String id = c.argString(2);
        ClusterNode n = st.lookup(id);
        if (n == null) {
            c.error("ERR Unknown node " + id);
            return;
        }
        if (!n.isMaster()) {
            c.error("ERR The specified node is not a master");
            return;
        }
        c.array(n.replicas.size());
        for (ClusterNode r : n.replicas) {
            c.bulk(st.describe(r, false));
        }
    }

    private void saveConfig(Client c) {
        String err = cl.save();
        if (err != null) {
            c.error("ERR error saving the cluster node config: " + err);
        } else {
            c.ok();
        }
    }

    private void reset(Client c) {
        boolean hard = false;
        if (c.argc == 3) {
            if (c.argIs(2, "hard")) {
                hard = true;
            } else if (!c.argIs(2, "soft")) {
                c.error("ERR syntax error");
                return;
            }
        } else if (c.argc > 3) {
            c.error("ERR syntax error");
            return;
        }
        if (st.myself.isMaster() && cl.server.dbs[0].size() != 0) {
            c.error("ERR CLUSTER RESET can't be called with master nodes containing keys");
            return;
        }
        cl.reset(hard);
        c.ok();
    }

    private void replicate(Client c) {
        String id = c.argString(2);
        ClusterNode n = st.lookup(id);
        if (n == null) {
            c.error("ERR Unknown node " + id);
        } else if (n == st.myself) {
            c.error("ERR Can't replicate myself");
        } else if (n.isReplica()) {
            c.error("ERR I can only replicate a master, not a replica.");
        } else if (st.myself.isMaster() && (st.myself.numSlots != 0 || cl.server.dbs[0].size() != 0)) {
            c.error("ERR To set a master the node must be empty and without assigned slots.");
        } else {
            cl.becomeReplicaOf(n);
            cl.save();
            c.ok();
        }
    }

    private void meet(Client c) {
        if (c.argc > 5) {
            c.error("ERR wrong number of arguments for 'cluster|meet' command");
            return;
        }
        String ip = c.argString(2);
        if (!Numbers.string2ll(c.argBuf, c.argOff[3], c.argLen[3], c.ctx.tmp)) {
            c.error("ERR Invalid TCP base port specified: " + c.argString(3));
            return;
        }
        long port = c.ctx.tmp[0];
        long cport = port + 10000;
        if (c.argc == 5) {
            if (!Numbers.string2ll(c.argBuf, c.argOff[4], c.argLen[4], c.ctx.tmp)) {
                c.error("ERR Invalid TCP bus port specified: " + c.argString(4));
                return;
            }
            cport = c.ctx.tmp[0];
        }
        String norm = ClusterBus.normalizeIp(ip);
        if (norm == null || port <= 0 || port > 65535 || cport <= 0 || cport > 65535 || cl.bus == null) {
            c.error("ERR Invalid node address specified: " + ip + ":" + c.argString(3));
            return;
        }
        cl.bus.startHandshake(norm, (int) port, (int) cport);
        c.ok();
    }

    // ---- topology replies

    /** One node of CLUSTER SLOTS: endpoint, port, id, and the map of the other networking metadata. */
    private void slotsNode(Client c, ClusterNode n) {
        String pref = cl.server.config.get("cluster-preferred-endpoint-type");
        List<String> meta = new ArrayList<>();
        if (!pref.equals("ip") && !n.ip.isEmpty()) {
            meta.add("ip");
            meta.add(n.ip);
        }
        if (!pref.equals("hostname") && !n.hostname.isEmpty()) {
            meta.add("hostname");
            meta.add(n.hostname);
        }
        c.array(4);
        c.bulk(cl.endpoint(n));
        c.integer(n.port);
        c.bulk(n.name);
        c.map(meta.size() / 2);
        for (String s : meta) {
            c.bulk(s);
        }
    }

    private void slotsReply(Client c) {
        List<Object[]> rows = new ArrayList<>();
        for (ClusterNode n : st.nodes.values()) {
            if (!n.isMaster() || n.numSlots == 0) {
                continue;
            }
            for (int[] r : ClusterState.ranges(n)) {
                rows.add(new Object[] {r, n});
            }
        }
        rows.sort((a, b) -> Integer.compare(((int[]) a[0])[0], ((int[]) b[0])[0]));
        c.array(rows.size());
        for (Object[] row : rows) {
            int[] r = (int[]) row[0];
            ClusterNode n = (ClusterNode) row[1];
            List<ClusterNode> reps = new ArrayList<>();
            for (ClusterNode rep : n.replicas) {
                // Redis's isReplicaAvailable: not one still loading its first (or a full) sync, offset 0
                long offset = rep == st.myself ? cl.replOffset() : rep.replOffset;
                if (!rep.failed() && rep.hasAddress() && offset != 0) {
                    reps.add(rep);
                }
            }
            c.array(3 + reps.size());
            c.integer(r[0]);
            c.integer(r[1]);
            slotsNode(c, n);
            for (ClusterNode rep : reps) {
                slotsNode(c, rep);
            }
        }
    }

    private void shards(Client c) {
        List<ClusterNode> masters = new ArrayList<>();
        for (ClusterNode n : st.nodes.values()) {
            if (n.isMaster() && !n.inHandshake()) {
                masters.add(n);
            }
        }
        c.array(masters.size());
        for (ClusterNode m : masters) {
            c.map(2);
            c.bulk("slots");
            List<int[]> ranges = ClusterState.ranges(m);
            c.array(ranges.size() * 2L);
            for (int[] r : ranges) {
                c.integer(r[0]);
                c.integer(r[1]);
            }
            c.bulk("nodes");
            List<ClusterNode> members = new ArrayList<>();
            members.add(m);
            members.addAll(m.replicas);
            c.array(members.size());
            for (ClusterNode n : members) {
                shardNode(c, n);
            }
        }
    }

    private void shardNode(Client c, ClusterNode n) {
        boolean host = !n.hostname.isEmpty();
        c.map(host ? 8 : 7);
        c.bulk("id");
        c.bulk(n.name);
        c.bulk("port");
        c.integer(n.port);
        c.bulk("ip");
        c.bulk(n.ip);
        c.bulk("endpoint");
        c.bulk(cl.endpoint(n));
        if (host) {
            c.bulk("hostname");
            c.bulk(n.hostname);
        }
        c.bulk("role");
        c.bulk(n.isReplica() ? "replica" : "master");
        c.bulk("replication-offset");
        long offset = n == st.myself ? cl.replOffset() : n.replOffset;
        c.integer(offset);
        c.bulk("health");
        c.bulk(n.failed() ? "fail" : n.isReplica() && offset == 0 ? "loading" : "online");
    }

    /**
     * CLUSTER LINKS, in Redis's order: node by node (the node table's order), each node's outbound link ("to")
     * followed by its inbound link ("from"). Links not yet attached to a node (an inbound handshake that has not
     * named its sender) are not listed, as in Redis, which only walks the nodes' links.
     */
    private void links(Client c) {
        int count = 0;
        for (ClusterNode n : st.nodes.values()) {
            count += (n.link != null ? 1 : 0) + (n.inboundLink != null ? 1 : 0);
        }
        c.array(count);
        for (ClusterNode n : st.nodes.values()) {
            if (n.link != null) {
                link(c, n.link, n);
            }
            if (n.inboundLink != null) {
                link(c, n.inboundLink, n);
            }
        }
    }

    private static void link(Client c, ClusterBus.BusLink l, ClusterNode n) {
        c.map(6);
        c.bulk("direction");
        c.bulk(l.inbound ? "from" : "to");
        c.bulk("node");
        c.bulk(n.name);
        c.bulk("create-time");
        c.integer(l.ctime);
        c.bulk("events");
        c.bulk(l.inbound ? "r" : l.pending() > 0 ? "rw" : "r");
        c.bulk("send-buffer-allocated");
        c.integer(l.pending());
        c.bulk("send-buffer-used");
        c.integer(l.pending());
    }
}
