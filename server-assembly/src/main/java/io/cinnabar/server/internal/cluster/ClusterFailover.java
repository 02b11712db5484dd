package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import io.cinnabar.server.internal.command.Client;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Failover in Redis Cluster (Redis 7.2 cluster.c), as a replica and as a master:
 * <ul>
 * <li>the replica election ({@code clusterHandleSlaveFailover}): a replica whose master is FAIL waits 500 ms, a
 * random 0-499 ms and 1000 ms per better-placed sibling ({@link #rank}), bumps the current epoch, asks every
 * master for a vote (FAILOVER_AUTH_REQUEST); with a majority of the slot-serving masters it takes the epoch as
 * its config epoch, claims its master's slots, stops replicating and broadcasts a PONG. The old master and the
 * other replicas follow through the PONG/UPDATE handling of {@link ClusterBus};</li>
 * <li>the vote ({@code clusterSendFailoverAuthIfNeeded}): one per epoch, not twice for one master within
 * 2 * cluster-node-timeout, not when a slot the replica claims has a greater config epoch here;</li>
 * <li>CLUSTER FAILOVER [FORCE|TAKEOVER] ({@code clusterHandleManualFailover}): MFSTART, the master pauses writes
 * and announces its offset with the PAUSED flag, the replica waits until it has applied that offset and elects
 * itself with FORCEACK (masters vote although the master is up); FORCE skips the offset, TAKEOVER the votes;</li>
 * <li>replica migration ({@code clusterHandleSlaveMigration}): a replica of the master with the most replicas
 * moves to an orphaned master (cluster-migration-barrier, cluster-allow-replica-migration).</li>
 * </ul>
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class ClusterFailover {
    /** Redis's CLUSTER_MF_TIMEOUT: how long a manual failover may take. */
    static final long MF_TIMEOUT = 5000;
    /** Redis's CLUSTER_MF_PAUSE_MULT: the master pauses writes for twice the timeout at most. */
    static final int MF_PAUSE_MULT = 2;
    /** Redis's CLUSTER_SLAVE_MIGRATION_DELAY: a master must be orphaned this long before a replica moves. */
    static final long MIGRATION_DELAY = 5000;
    /** Redis's CLUSTER_CANT_FAILOVER_RELOG_PERIOD (seconds). */
    static final long RELOG_PERIOD_MS = 10_000;

    static final int CANT_NONE = 0;
    static final int CANT_DATA_AGE = 1;
    static final int CANT_WAITING_DELAY = 2;
    static final int CANT_EXPIRED = 3;
    static final int CANT_WAITING_VOTES = 4;

    private final Cluster cl;
    private final ClusterState st;

    // the election of this replica (Redis's failover_auth_*)
    long authTime;
    int authCount;
    boolean authSent;
    int authRank;
    long authEpoch;
    private int cantReason = CANT_NONE;
    private long lastCantLogMs;

    // manual failover (Redis's mf_*): mfEnd != 0 while one runs, on the master (mfReplica set) or the replica
    long mfEnd;
    ClusterNode mfReplica;
    long mfMasterOffset = -1;
    boolean mfCanStart;

    private boolean todoFailover;
    private boolean todoManual;

    ClusterFailover(Cluster cl) {
        this.cl = cl;
        this.st = cl.st;
    }

    private long nodeTimeout() {
        return cl.nodeTimeout();
    }

    private ClusterBus bus() {
        return cl.bus;
    }

    // ---- messages

    /** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK and MFSTART from the bus. */
    void message(BusMessage m, ClusterNode sender) {
        if (sender == null) {
            return;
        }
        switch (m.type) {
            case FAILOVER_AUTH_REQUEST -> vote(m, sender);
            case FAILOVER_AUTH_ACK -> {
                // a vote counts when it comes from a master serving slots, for our election's epoch or later
                if (sender.isMaster() && sender.numSlots > 0 && m.currentEpoch >= authEpoch) {
                    authCount++;
                    todoFailover = true;
                }
            }
            case MFSTART -> manualFailoverRequested(sender);
            default -> {
            }
        }
    }

    /** A PING/PONG header from sender: a replica in a manual failover learns its paused master's offset. */
    void header(BusMessage m, ClusterNode sender) {
        if (mfEnd != 0 && st.myself.isReplica() && st.myself.master == sender && (m.mflags0 & MFLAG_PAUSED) != 0
                && mfMasterOffset == -1) {
            mfMasterOffset = sender.replOffset;
            todoManual = true;
            cl.server.log.notice("Received replication offset for paused master manual failover: " + mfMasterOffset);
        }
    }

    /** The mflags a header carries: PAUSED on a master in a manual failover. */
    int headerFlags() {
        return st.myself.isMaster() && mfEnd != 0 ? MFLAG_PAUSED : 0;
    }

    /** Redis's clusterSendFailoverAuthIfNeeded: this master votes for a replica of a failed master. */
    private void vote(BusMessage m, ClusterNode node) {
        ClusterNode me = st.myself;
        if (me.isReplica() || me.numSlots == 0) {
            return;
        }
        ClusterNode master = node.master;
        String who = "Failover auth denied to " + node.name + " (" + node.humanNodename + "): ";
        long now = System.currentTimeMillis();
        if (m.currentEpoch < st.currentEpoch) {
            cl.server.log.warning(who + "reqEpoch (" + m.currentEpoch + ") < curEpoch(" + st.currentEpoch + ")");
            return;
        }
        if (st.lastVoteEpoch == st.currentEpoch) {
            cl.server.log.warning(who + "already voted for epoch " + st.currentEpoch);
            return;
        }
        boolean force = (m.mflags0 & MFLAG_FORCEACK) != 0;
        if (node.isMaster() || master == null || !master.failed() && !force) {
            cl.server.log.warning(who + (node.isMaster() ? "it is a master node"
                : master == null ? "I don't know its master" : "its master is up"));
            return;
        }
        if (now - master.votedTime < nodeTimeout() * 2) {
            cl.server.log.warning("Failover auth denied to " + node.name + " " + node.humanNodename
                + ": can't vote about this master before " + (nodeTimeout() * 2 - (now - master.votedTime))
                + " milliseconds");
            return;
        }
        for (int s = 0; s < SLOTS; s++) {
            if (!BusMessage.slot(m.slots, s) || st.slots[s] == null || st.slots[s].configEpoch <= m.configEpoch) {
                continue;
            }
            cl.server.log.warning(who + "slot " + s + " epoch (" + st.slots[s].configEpoch + ") > reqEpoch ("
                + m.configEpoch + ")");
            return;
        }
        st.lastVoteEpoch = st.currentEpoch;
        master.votedTime = now;
        cl.save();
        if (node.link != null) {
            node.link.send(BusCodec.encode(bus().header(FAILOVER_AUTH_ACK)), FAILOVER_AUTH_ACK);
        }
        cl.server.log.notice("Failover auth granted to " + node.name + " (" + node.humanNodename + ") for epoch "
            + st.currentEpoch);
    }

    /** MFSTART: one of our replicas asks for a manual failover; writes pause and it gets our offset. */
    private void manualFailoverRequested(ClusterNode sender) {
        if (sender.master != st.myself) {
            return;
        }
        long now = System.currentTimeMillis();
        reset();
        mfEnd = now + MF_TIMEOUT;
        mfReplica = sender;
        pauseWrites(now + MF_TIMEOUT * MF_PAUSE_MULT);
        cl.server.log.notice("Manual failover requested by replica " + sender.name + " (" + sender.humanNodename
            + ").");
        if (sender.link != null) {
            bus().sendPing(sender.link, PING); // carries the offset the replica must reach, with PAUSED
        }
    }

    private void pauseWrites(long until) {
        var s = cl.server;
        if (s.pauseEndMs == 0 || until > s.pauseEndMs) {
            s.pauseWritesOnly = s.pauseEndMs == 0 || s.pauseWritesOnly;
            s.pauseEndMs = until;
        }
        if (cl.replication != null) {
            cl.replication.failoverPause(true);
        }
    }

    /** Redis's resetManualFailover: a master that paused for one resumes. */
    void reset() {
        if (mfReplica != null) {
            cl.server.unpause();
            if (cl.replication != null) {
                cl.replication.failoverPause(false);
            }
        }
        mfEnd = 0;
        mfCanStart = false;
        mfReplica = null;
        mfMasterOffset = -1;
    }

    // ---- CLUSTER FAILOVER

    /** CLUSTER FAILOVER [FORCE|TAKEOVER]. */
    void command(Client c) {
        if (c.argc > 3) {
            c.error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                + "'. Try CLUSTER HELP.");
            return;
        }
        boolean force = false;
        boolean takeover = false;
        if (c.argc == 3) {
            if (c.argIs(2, "force")) {
                force = true;
            } else if (c.argIs(2, "takeover")) {
                takeover = true;
                force = true;
            } else {
                c.error("ERR syntax error");
                return;
            }
        }
        ClusterNode me = st.myself;
        if (me.isMaster()) {
            c.error("ERR You should send CLUSTER FAILOVER to a replica");
            return;
        }
        if (me.master == null) {
            c.error("ERR I'm a replica but my master is unknown to me");
            return;
        }
        if (!force && (me.master.failed() || me.master.link == null)) {
            c.error("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
            return;
        }
        reset();
        mfEnd = System.currentTimeMillis() + MF_TIMEOUT;
        if (takeover) {
            cl.server.log.notice("Taking over the master (user request).");
            bumpEpochWithoutConsensus();
            replaceMaster();
        } else if (force) {
            cl.server.log.notice("Forced failover user request accepted.");
            mfCanStart = true;
            todoFailover = true;
        } else {
            cl.server.log.notice("Manual failover user request accepted.");
            if (me.master.link != null) {
                me.master.link.send(BusCodec.encode(bus().header(MFSTART)), MFSTART);
            }
        }
        c.ok();
    }

    /** Redis's clusterBumpConfigEpochWithoutConsensus. */
    private void bumpEpochWithoutConsensus() {
        long max = st.maxEpoch();
        if (st.myself.configEpoch == 0 || st.myself.configEpoch != max) {
            st.currentEpoch++;
            st.myself.configEpoch = st.currentEpoch;
            cl.todoSave = true;
            cl.todoFsync = true;
            cl.server.log.notice("New configEpoch set to " + st.myself.configEpoch);
        }
    }

    // ---- the election

    /** Redis's clusterGetSlaveRank: how many siblings that may fail over have a greater offset than ours. */
    int rank() {
        ClusterNode master = st.myself.master;
        if (master == null) {
            return 0;
        }
        long mine = cl.replOffset();
        int rank = 0;
        for (ClusterNode r : master.replicas) {
            if (r != st.myself && !r.has(NODE_NOFAILOVER) && r.replOffset > mine) {
                rank++;
            }
        }
        return rank;
    }

    /** Redis's clusterHandleSlaveFailover, from the cron and before sleeping. */
    void handleReplicaFailover(long now) {
        todoFailover = false;
        ClusterNode me = st.myself;
        int needed = st.size / 2 + 1;
        boolean manual = mfEnd != 0 && mfCanStart;
        long authTimeout = Math.max(nodeTimeout() * 2, 2000);
        long authRetry = authTimeout * 2;
        boolean noFailover = cl.server.config.getBool("cluster-replica-no-failover");
        if (me.isMaster() || me.master == null || !me.master.failed() && !manual || noFailover && !manual
                || me.master.numSlots == 0) {
            cantReason = CANT_NONE;
            return;
        }
        long dataAge = cl.replication == null ? 0 : cl.replication.masterDataAge(now);
        if (dataAge > nodeTimeout()) {
            dataAge -= nodeTimeout();
        }
        long factor = cl.server.config.getLong("cluster-replica-validity-factor");
        if (factor > 0 && !manual && dataAge > cl.server.config.getLong("repl-ping-replica-period") * 1000
                + nodeTimeout() * factor) {
            logCantFailover(CANT_DATA_AGE, now);
            return;
        }
        if (now - authTime > authRetry) {
            authTime = now + 500 + ThreadLocalRandom.current().nextInt(500);
            authCount = 0;
            authSent = false;
            authRank = rank();
            authTime += authRank * 1000L;
            if (mfEnd != 0) {
                authTime = now;
                authRank = 0;
                todoFailover = true;
            }
            cl.server.log.notice("Start of election delayed for " + (authTime - now) + " milliseconds (rank #"
                + authRank + ", offset " + cl.replOffset() + ").");
            pongSiblings(); // our offset, so the siblings rank themselves after us
            return;
        }
        if (!authSent && !manual) {
            int newRank = rank();
            if (newRank > authRank) {
                long added = (newRank - authRank) * 1000L;
                authTime += added;
                authRank = newRank;
                cl.server.log.notice("Replica rank updated to #" + newRank + ", added " + added
                    + " milliseconds of delay.");
            }
        }
        if (now < authTime) {
            logCantFailover(CANT_WAITING_DELAY, now);
            return;
        }
        if (now - authTime > authTimeout) {
            logCantFailover(CANT_EXPIRED, now);
            return;
        }
        if (!authSent) {
            st.currentEpoch++;
            authEpoch = st.currentEpoch;
            cl.server.log.notice("Starting a failover election for epoch " + st.currentEpoch + ".");
            requestVotes();
            authSent = true;
            cl.save();
            cl.todoUpdateState = true;
            return;
        }
        if (authCount >= needed) {
            cl.server.log.notice("Failover election won: I'm the new master.");
            if (me.configEpoch < authEpoch) {
                me.configEpoch = authEpoch;
                cl.server.log.notice("configEpoch set to " + me.configEpoch + " after successful failover");
            }
            replaceMaster();
        } else {
            logCantFailover(CANT_WAITING_VOTES, now);
        }
    }

    /** Redis's clusterBroadcastPong(CLUSTER_BROADCAST_LOCAL_SLAVES): a PONG to the other replicas of our master. */
    private void pongSiblings() {
        ClusterNode master = st.myself.master;
        if (bus() == null || master == null) {
            return;
        }
        for (ClusterNode r : master.replicas) {
            if (r != st.myself && r.link != null && !r.inHandshake()) {
                bus().sendPing(r.link, PONG);
            }
        }
    }

    /** Redis's clusterRequestFailoverAuth: FAILOVER_AUTH_REQUEST to every node (FORCEACK in a manual failover). */
    private void requestVotes() {
        if (bus() == null) {
            return;
        }
        BusMessage m = bus().header(FAILOVER_AUTH_REQUEST);
        if (mfEnd != 0) {
            m.mflags0 |= MFLAG_FORCEACK;
        }
        byte[] b = BusCodec.encode(m);
        for (ClusterNode n : st.nodes.values()) {
            if (n.link != null && n != st.myself && !n.inHandshake()) {
                n.link.send(b, FAILOVER_AUTH_REQUEST);
            }
        }
    }

    /** Redis's clusterFailoverReplaceYourMaster: this replica takes its master's slots and role. */
    void replaceMaster() {
        ClusterNode me = st.myself;
        ClusterNode old = me.master;
        if (me.isMaster() || old == null) {
            return;
        }
        cl.setNodeAsMaster(me);
        if (cl.replication != null && cl.replication.isReplica()) {
            cl.replication.unsetMaster();
        }
        for (int s = 0; s < SLOTS; s++) {
            if (old.ownsSlot(s)) {
                st.delSlot(s);
                st.addSlot(me, s);
            }
        }
        cl.updateState();
        cl.save();
        if (bus() != null) {
            bus().broadcastPong();
        }
        reset();
    }

    /** Redis's clusterLogCantFailover: a stalled election is logged once per reason (again after 10 s). */
    private void logCantFailover(int reason, long now) {
        if (reason == cantReason && now - lastCantLogMs < RELOG_PERIOD_MS) {
            return;
        }
        cantReason = reason;
        ClusterNode master = st.myself.master;
        if (master != null && master.failed() && now - master.failTime < nodeTimeout() + 5000) {
            return; // the master failed not long ago: nothing is stalled yet
        }
        String msg = switch (reason) {
            case CANT_DATA_AGE -> "Disconnected from master for longer than allowed. Please check the "
                + "'cluster-replica-validity-factor' configuration option.";
            case CANT_WAITING_DELAY -> "Waiting the delay before I can start a new failover.";
            case CANT_EXPIRED -> "Failover attempt expired.";
            case CANT_WAITING_VOTES -> "Waiting for votes, but majority still not reached.";
            default -> "Unknown reason code.";
        };
        lastCantLogMs = now;
        cl.server.log.notice("Currently unable to failover: " + msg);
        if (reason == CANT_WAITING_VOTES || reason == CANT_EXPIRED) {
            cl.server.log.notice("Needed quorum: " + (st.size / 2 + 1) + ". Number of votes received so far: "
                + authCount);
        }
    }

    // ---- manual failover, replica side

    /** Redis's clusterHandleManualFailover: the election may start once the paused master's offset is applied. */
    void handleManualFailover() {
        todoManual = false;
        if (mfEnd == 0 || mfCanStart || mfMasterOffset == -1) {
            return;
        }
        if (mfMasterOffset == cl.replOffset()) {
            mfCanStart = true;
            cl.server.log.notice("All master replication stream processed, manual failover can start.");
            todoFailover = true;
        }
    }

    /** Redis's manualFailoverCheckTimeout. */
    private void checkTimeout(long now) {
        if (mfEnd != 0 && mfEnd < now) {
            cl.server.log.warning("Manual failover timed out.");
            reset();
        }
    }

    // ---- replica migration

    private static int okReplicas(ClusterNode master) {
        int ok = 0;
        for (ClusterNode r : master.replicas) {
            if (!r.failed()) {
                ok++;
            }
        }
        return ok;
    }

    /** Redis's clusterHandleSlaveMigration. */
    private void handleReplicaMigration(int maxReplicas, long now) {
        if (st.state != ClusterState.OK) {
            return;
        }
        ClusterNode mine = st.myself.master;
        if (mine == null) {
            return;
        }
        int reachable = 0; // my master keeps at least the barrier of replicas neither failed nor timed out
        for (ClusterNode r : mine.replicas) {
            if (!r.has(NODE_FAIL | NODE_PFAIL)) {
                reachable++;
            }
        }
        if (reachable <= cl.server.config.getLong("cluster-migration-barrier")) {
            return;
        }
        ClusterNode candidate = st.myself;
        ClusterNode target = null;
        for (ClusterNode n : st.nodes.values()) {
            int ok = 0;
            boolean orphaned = !n.isReplica() && !n.failed() && n.has(NODE_MIGRATE_TO);
            if (n.isMaster()) {
                ok = okReplicas(n);
            }
            if (ok > 0) {
                orphaned = false;
            }
            if (orphaned) {
                if (target == null && n.numSlots > 0) {
                    target = n;
                }
                if (n.orphanedTime == 0) {
                    n.orphanedTime = now;
                }
            } else {
                n.orphanedTime = 0;
            }
            if (ok == maxReplicas) {
                for (ClusterNode r : n.replicas) {
                    if (r.name.compareTo(candidate.name) < 0) {
                        candidate = r;
                    }
                }
            }
        }
        if (target != null && candidate == st.myself && now - target.orphanedTime > MIGRATION_DELAY) {
            cl.server.log.warning("Migrating to orphaned master " + target.name);
            cl.becomeReplicaOf(target);
        }
    }

    // ---- timers

    /** The failover part of clusterCron (every 100 ms). */
    void cron(long now) {
        checkTimeout(now);
        ClusterNode me = st.myself;
        boolean noFailover = cl.server.config.getBool("cluster-replica-no-failover");
        int flags = noFailover ? me.flags | NODE_NOFAILOVER : me.flags & ~NODE_NOFAILOVER;
        if (flags != me.flags) { // Redis's clusterUpdateMyselfFlags
            me.flags = flags;
            cl.todoSave = true;
            cl.todoUpdateState = true;
        }
        int orphaned = 0;
        int maxReplicas = 0;
        int mine = 0;
        for (ClusterNode n : st.nodes.values()) {
            if (n == me || n.has(NODE_NOADDR | NODE_HANDSHAKE)) {
                continue;
            }
            if (me.isReplica() && n.isMaster() && !n.failed()) {
                int ok = okReplicas(n);
                if (ok == 0 && n.numSlots > 0 && n.has(NODE_MIGRATE_TO)) {
                    orphaned++;
                }
                maxReplicas = Math.max(maxReplicas, ok);
                if (me.master == n) {
                    mine = ok;
                }
            }
            if (mfEnd != 0 && me.isMaster() && mfReplica == n && n.link != null && bus() != null) {
                bus().sendPing(n.link, PING); // a replica in a manual failover is pinged continuously
            }
        }
        if (me.isReplica()) {
            // a replica whose replication is off follows its master again once it knows where it is
            if (cl.replication != null && !cl.replication.isReplica() && me.master != null
                    && me.master.hasAddress() && !me.master.ip.isEmpty()) {
                cl.replication.setMaster(me.master.ip, me.master.port, true);
            }
            handleManualFailover();
            handleReplicaFailover(now);
            if (orphaned > 0 && maxReplicas >= 2 && mine == maxReplicas
                    && cl.server.config.getBool("cluster-allow-replica-migration")) {
                handleReplicaMigration(maxReplicas, now);
            }
        }
    }

    /** The failover part of clusterBeforeSleep. */
    void beforeSleep() {
        if (todoManual) {
            if (st.myself.isReplica()) {
                handleManualFailover();
            }
            handleReplicaFailover(System.currentTimeMillis());
        } else if (todoFailover) {
            handleReplicaFailover(System.currentTimeMillis());
        }
    }
}
