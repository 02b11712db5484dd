package io.cinnabar.server.internal.sentinel;

import io.cinnabar.resp.RespValue;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Agreement and failover (Redis's sentinelCheckObjectivelyDown, sentinelAskMasterStateToOtherSentinels,
 * sentinelVoteLeader, sentinelGetLeader, sentinelSelectSlave and the failover state machine).
 * <p>
 * A master is ODOWN when this sentinel sees it SDOWN and, counting itself, at least {@code quorum} sentinels
 * answered {@code SENTINEL is-master-down-by-addr} with 1 in the last five seconds. The first sentinel to see
 * ODOWN starts a failover in a new epoch and asks the others for their vote; each sentinel votes once per epoch,
 * for the first asker. The sentinel with a majority of the known sentinels (and at least quorum votes) is the
 * leader: it picks a replica (lowest replica-priority other than 0, then highest replication offset, then lowest
 * run ID), sends it {@code SLAVEOF NO ONE}, waits for INFO to report it as master, reconfigures the other replicas
 * at most {@code parallel-syncs} at a time, and finally moves the master to the new address
 * ({@code +switch-master}). The others learn the new configuration from the leader's hello messages, whose
 * config epoch is higher.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread only.
 */
final class Failover {
    private final Sentinel s;

    Failover(Sentinel s) {
        this.s = s;
    }

    void checkObjectivelyDown(Instance m, long now) {
        int quorum = 0;
        boolean odown = false;
        if (m.is(Instance.S_DOWN)) {
            quorum = 1;
            for (Instance ri : m.sentinels.values()) {
                if (ri.is(Instance.MASTER_DOWN)) {
                    quorum++;
                }
            }
            odown = quorum >= m.quorum;
        }
        if (odown) {
            if (!m.is(Instance.O_DOWN)) {
                s.event(Sentinel.LOG_WARNING, "+odown", m, "%@ #quorum " + quorum + "/" + m.quorum);
                m.flags |= Instance.O_DOWN;
                m.oDownSince = now;
            }
        } else if (m.is(Instance.O_DOWN)) {
            s.event(Sentinel.LOG_WARNING, "-odown", m, "%@");
            m.flags &= ~Instance.O_DOWN;
        }
    }

    boolean startIfNeeded(Instance m, long now) {
        if (!m.is(Instance.O_DOWN) || m.is(Instance.FAILOVER_IN_PROGRESS)) {
            return false;
        }
        if (now - m.failoverStartTime < m.failoverTimeout * 2) {
            if (m.failoverDelayLogged != m.failoverStartTime) {
                m.failoverDelayLogged = m.failoverStartTime;
                String when = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ENGLISH)
                    .format(Instant.ofEpochMilli(m.failoverStartTime + m.failoverTimeout * 2)
                        .atZone(ZoneId.systemDefault()));
                s.server.log.notice("Next failover delay: I will not start a failover before " + when);
            }
            return false;
        }
        start(m, now);
        return true;
    }

    /** Redis's sentinelStartFailover: a new epoch, +try-failover, the election starts. */
    void start(Instance m, long now) {
        m.failoverState = Instance.FAILOVER_WAIT_START;
        m.flags |= Instance.FAILOVER_IN_PROGRESS;
        m.failoverEpoch = ++s.currentEpoch;
        s.event(Sentinel.LOG_WARNING, "+new-epoch", m, Long.toString(s.currentEpoch));
        s.event(Sentinel.LOG_WARNING, "+try-failover", m, "%@");
        m.failoverStartTime = now + Sentinel.desync();
        m.failoverStateChangeTime = now;
    }

    void askMasterState(Instance m, long now, boolean forced) {
        for (Instance ri : m.sentinels.values()) {
            if (now - ri.lastMasterDownReplyTime > s.askPeriod * 5) {
                ri.flags &= ~Instance.MASTER_DOWN;
                ri.leader = null;
            }
            if (!m.is(Instance.S_DOWN) || ri.link.disconnected()) {
                continue;
            }
            if (!forced && now - ri.lastMasterDownReplyTime < s.askPeriod) {
                continue;
            }
            ri.link.command(v -> isMasterDownReply(ri, v), Sentinel.cmdName(ri, "SENTINEL"), "is-master-down-by-addr",
                s.announce(m), Integer.toString(m.port), Long.toString(s.currentEpoch),
                m.failoverState > Instance.FAILOVER_NONE ? s.myid : "*");
        }
    }

    private void isMasterDownReply(Instance ri, RespValue v) {
        List<RespValue> r = Monitor.items(v);
        if (r.size() != 3 || !(r.get(0) instanceof RespValue.Int down) || Monitor.text(r.get(1)) == null
                || !(r.get(2) instanceof RespValue.Int epoch)) {
            return;
        }
        ri.lastMasterDownReplyTime = System.currentTimeMillis();
        if (down.value() == 1) {
            ri.flags |= Instance.MASTER_DOWN;
        } else {
            ri.flags &= ~Instance.MASTER_DOWN;
        }
        String leader = Monitor.text(r.get(1));
        if (!leader.equals("*")) {
            if (ri.leaderEpoch != epoch.value()) {
                s.server.log.notice(ri.name + " voted for " + leader + " " + epoch.value());
            }
            ri.leader = leader;
            ri.leaderEpoch = epoch.value();
        }
    }

    /** Redis's sentinelVoteLeader: the vote of this sentinel in an epoch, given to the first who asks. */
    String voteLeader(Instance m, long reqEpoch, String reqRunid, long[] leaderEpoch) {
        if (reqEpoch > s.currentEpoch) {
            s.currentEpoch = reqEpoch;
            s.flushConfig();
            s.event(Sentinel.LOG_WARNING, "+new-epoch", m, Long.toString(s.currentEpoch));
        }
        if (m.leaderEpoch < reqEpoch && s.currentEpoch <= reqEpoch) {
            m.leader = reqRunid;
            m.leaderEpoch = s.currentEpoch;
            s.flushConfig();
            s.event(Sentinel.LOG_WARNING, "+vote-for-leader", m, m.leader + " " + m.leaderEpoch);
            if (!m.leader.equalsIgnoreCase(s.myid)) {
                m.failoverStartTime = System.currentTimeMillis() + Sentinel.desync();
            }
        }
        leaderEpoch[0] = m.leaderEpoch;
        return m.leader;
    }

    /** Redis's sentinelGetLeader: the winner of the epoch's election as far as this sentinel knows, or null. */
    String getLeader(Instance m, long epoch) {
        Map<String, Integer> counters = new HashMap<>();
        int voters = m.sentinels.size() + 1;
        for (Instance ri : m.sentinels.values()) {
            if (ri.leader != null && ri.leaderEpoch == s.currentEpoch) {
                counters.merge(ri.leader, 1, Integer::sum);
            }
        }
        String winner = null;
        int maxVotes = 0;
        for (Map.Entry<String, Integer> e : counters.entrySet()) {
            if (e.getValue() > maxVotes || (e.getValue() == maxVotes && winner != null
                    && e.getKey().compareTo(winner) > 0)) {
                maxVotes = e.getValue();
                winner = e.getKey();
            }
        }
        long[] le = new long[1];
        String myvote = voteLeader(m, epoch, winner != null ? winner : s.myid, le);
        if (myvote != null && le[0] == epoch) {
            int votes = counters.merge(myvote, 1, Integer::sum);
            if (votes > maxVotes) {
                maxVotes = votes;
                winner = myvote;
            }
        }
        int votersQuorum = voters / 2 + 1;
        if (winner != null && (maxVotes < votersQuorum || maxVotes < m.quorum)) {
            winner = null;
        }
        return winner;
    }

    // ---- the state machine

    void stateMachine(Instance m, long now) {
        if (!m.is(Instance.MASTER) || !m.is(Instance.FAILOVER_IN_PROGRESS)) {
            return;
        }
        switch (m.failoverState) {
            case Instance.FAILOVER_WAIT_START -> waitStart(m, now);
            case Instance.FAILOVER_SELECT_SLAVE -> selectSlaveState(m, now);
            case Instance.FAILOVER_SEND_SLAVEOF_NOONE -> sendSlaveOfNoOne(m, now);
            case Instance.FAILOVER_WAIT_PROMOTION -> {
                if (now - m.failoverStateChangeTime > m.failoverTimeout) {
                    s.event(Sentinel.LOG_WARNING, "-failover-abort-slave-timeout", m, "%@");
                    abort(m);
                }
            }
            case Instance.FAILOVER_RECONF_SLAVES -> reconfNextSlave(m, now);
            default -> {
            }
        }
    }

    private void waitStart(Instance m, long now) {
        String leader = getLeader(m, m.failoverEpoch);
        boolean isLeader = leader != null && leader.equalsIgnoreCase(s.myid);
        if (!isLeader && !m.is(Instance.FORCE_FAILOVER)) {
            long electionTimeout = Math.min(s.electionTimeout, m.failoverTimeout);
            if (now - m.failoverStartTime > electionTimeout) {
                s.event(Sentinel.LOG_WARNING, "-failover-abort-not-elected", m, "%@");
                abort(m);
            }
            return;
        }
        s.event(Sentinel.LOG_WARNING, "+elected-leader", m, "%@");
        if ((s.simFailure & Sentinel.SIMFAILURE_CRASH_AFTER_ELECTION) != 0) {
            simulatedCrash();
        }
        m.failoverState = Instance.FAILOVER_SELECT_SLAVE;
        m.failoverStateChangeTime = now;
        s.event(Sentinel.LOG_WARNING, "+failover-state-select-slave", m, "%@");
    }

    private void selectSlaveState(Instance m, long now) {
        Instance slave = selectSlave(m, now);
        if (slave == null) {
            s.event(Sentinel.LOG_WARNING, "-failover-abort-no-good-slave", m, "%@");
            abort(m);
            return;
        }
        s.event(Sentinel.LOG_WARNING, "+selected-slave", slave, "%@");
        slave.flags |= Instance.PROMOTED;
        m.promotedSlave = slave;
        m.failoverState = Instance.FAILOVER_SEND_SLAVEOF_NOONE;
        m.failoverStateChangeTime = now;
        s.event(Sentinel.LOG_NOTICE, "+failover-state-send-slaveof-noone", slave, "%@");
    }

    private void sendSlaveOfNoOne(Instance m, long now) {
        Instance p = m.promotedSlave;
        if (p.link.disconnected()) {
            if (now - m.failoverStateChangeTime > m.failoverTimeout) {
                s.event(Sentinel.LOG_WARNING, "-failover-abort-slave-timeout", m, "%@");
                abort(m);
            }
            return;
        }
        if (!s.monitor.sendReplicaOf(p, null, 0)) {
            return;
        }
        s.event(Sentinel.LOG_NOTICE, "+failover-state-wait-promotion", p, "%@");
        m.failoverState = Instance.FAILOVER_WAIT_PROMOTION;
        m.failoverStateChangeTime = now;
    }

    private void reconfNextSlave(Instance m, long now) {
        int inProgress = 0;
        for (Instance r : m.slaves.values()) {
            if (r.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) {
                inProgress++;
            }
        }
        for (Instance r : m.slaves.values()) {
            if (inProgress >= m.parallelSyncs) {
                break;
            }
            if (r.is(Instance.PROMOTED | Instance.RECONF_DONE)) {
                continue;
            }
            if (r.is(Instance.RECONF_SENT) && now - r.slaveReconfSentTime > s.slaveReconfTimeout) {
                s.event(Sentinel.LOG_NOTICE, "-slave-reconf-sent-timeout", r, "%@");
                r.flags &= ~Instance.RECONF_SENT;
                r.flags |= Instance.RECONF_DONE;
            }
            if (r.is(Instance.RECONF_SENT | Instance.RECONF_INPROG) || r.link.disconnected()) {
                continue;
            }
            if (s.monitor.sendReplicaOf(r, s.announce(m.promotedSlave), m.promotedSlave.port)) {
                r.flags |= Instance.RECONF_SENT;
                r.slaveReconfSentTime = now;
                s.event(Sentinel.LOG_NOTICE, "+slave-reconf-sent", r, "%@");
                inProgress++;
            }
        }
        detectEnd(m, now);
    }

    private void detectEnd(Instance m, long now) {
        Instance p = m.promotedSlave;
        if (p == null || p.is(Instance.S_DOWN)) {
            return;
        }
        int notReconfigured = 0;
        for (Instance r : m.slaves.values()) {
            if (!r.is(Instance.PROMOTED | Instance.RECONF_DONE | Instance.S_DOWN)) {
                notReconfigured++;
            }
        }
        boolean timeout = false;
        if (now - m.failoverStateChangeTime > m.failoverTimeout) {
            notReconfigured = 0;
            timeout = true;
            s.event(Sentinel.LOG_WARNING, "+failover-end-for-timeout", m, "%@");
        }
        if (notReconfigured == 0) {
            s.event(Sentinel.LOG_WARNING, "+failover-end", m, "%@");
            m.failoverState = Instance.FAILOVER_UPDATE_CONFIG;
            m.failoverStateChangeTime = now;
        }
        if (timeout) {
            for (Instance r : m.slaves.values()) {
                if (r.is(Instance.PROMOTED | Instance.RECONF_DONE | Instance.RECONF_SENT) || r.link.disconnected()) {
                    continue;
                }
                if (s.monitor.sendReplicaOf(r, s.announce(p), p.port)) {
                    s.event(Sentinel.LOG_NOTICE, "+slave-reconf-sent-be", r, "%@");
                    r.flags |= Instance.RECONF_SENT;
                }
            }
        }
    }

    /** The end of a failover: the master moves to the promoted replica's address (Redis's sentinelFailoverSwitchToPromotedSlave). */
    void switchToPromotedSlave(Instance m) {
        Instance ref = m.promotedSlave != null ? m.promotedSlave : m;
        String oldHost = m.host;
        int oldPort = m.port;
        s.event(Sentinel.LOG_WARNING, "+switch-master", m, m.name + " " + s.announce(m) + " " + m.port + " "
            + s.announce(ref) + " " + ref.port);
        s.resetMasterAndChangeAddress(m, ref.host, ref.port);
        s.scripts.clientReconfig(m, "leader", "end", oldHost, oldPort, m.host, m.port);
    }

    void abort(Instance m) {
        m.flags &= ~(Instance.FAILOVER_IN_PROGRESS | Instance.FORCE_FAILOVER);
        m.failoverState = Instance.FAILOVER_NONE;
        m.failoverStateChangeTime = System.currentTimeMillis();
        if (m.promotedSlave != null) {
            m.promotedSlave.flags &= ~Instance.PROMOTED;
            m.promotedSlave = null;
        }
    }

    /**
     * Redis's sentinelSelectSlave: the best replica to promote, or null. Replicas that are down, disconnected, not
     * heard from for 5 s, with priority 0, with stale INFO, or cut from the master for too long are not candidates.
     */
    Instance selectSlave(Instance m, long now) {
        long maxMasterDown = m.downAfterPeriod * 10;
        if (m.is(Instance.S_DOWN)) {
            maxMasterDown += now - m.sDownSince;
        }
        long infoValidity = m.is(Instance.S_DOWN) ? s.pingPeriod * 5 : s.infoPeriod * 3;
        List<Instance> candidates = new ArrayList<>();
        for (Instance r : m.slaves.values()) {
            if (r.is(Instance.S_DOWN | Instance.O_DOWN) || r.link.disconnected()
                    || now - r.link.lastAvailTime > s.pingPeriod * 5 || r.slavePriority == 0
                    || now - r.infoRefresh > infoValidity || r.masterLinkDownTime > maxMasterDown) {
                continue;
            }
            candidates.add(r);
        }
        candidates.sort(PROMOTION_ORDER);
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    /** Lower priority first, then the larger offset, then the smaller run ID (a missing one last). */
    static final Comparator<Instance> PROMOTION_ORDER = (a, b) -> {
        if (a.slavePriority != b.slavePriority) {
            return Integer.compare(a.slavePriority, b.slavePriority);
        }
        if (a.slaveReplOffset != b.slaveReplOffset) {
            return a.slaveReplOffset > b.slaveReplOffset ? -1 : 1;
        }
        if (a.runid == null && b.runid == null) {
            return 0;
        }
        if (a.runid == null) {
            return 1;
        }
        if (b.runid == null) {
            return -1;
        }
        return a.runid.compareToIgnoreCase(b.runid);
    };

    /** SENTINEL SIMULATE-FAILURE: the process exits as if it crashed, with Redis's status 99. */
    void simulatedCrash() {
        s.server.log.warning("Sentinel crash simulated");
        Runtime.getRuntime().halt(99);
    }
}
