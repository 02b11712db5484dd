package io.cinnabar.server.internal.sentinel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One instance a sentinel knows of (Redis's sentinelRedisInstance): a monitored master, one of its replicas, or
 * another sentinel watching the same master. A master owns its replicas and sentinels, keyed by "ip:port" as
 * Redis names them. Times are milliseconds of {@link System#currentTimeMillis()}; 0 means never.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class Instance {
    static final int MASTER = 1;
    static final int SLAVE = 1 << 1;
    static final int SENTINEL = 1 << 2;
    static final int S_DOWN = 1 << 3;
    static final int O_DOWN = 1 << 4;
    static final int MASTER_DOWN = 1 << 5;
    static final int FAILOVER_IN_PROGRESS = 1 << 6;
    static final int PROMOTED = 1 << 7;
    static final int RECONF_SENT = 1 << 8;
    static final int RECONF_INPROG = 1 << 9;
    static final int RECONF_DONE = 1 << 10;
    static final int FORCE_FAILOVER = 1 << 11;
    static final int SCRIPT_KILL_SENT = 1 << 12;
    static final int MASTER_REBOOT = 1 << 13;

    static final int FAILOVER_NONE = 0;
    static final int FAILOVER_WAIT_START = 1;
    static final int FAILOVER_SELECT_SLAVE = 2;
    static final int FAILOVER_SEND_SLAVEOF_NOONE = 3;
    static final int FAILOVER_WAIT_PROMOTION = 4;
    static final int FAILOVER_RECONF_SLAVES = 5;
    static final int FAILOVER_UPDATE_CONFIG = 6;

    int flags;
    /** The master's name; "ip:port" for replicas and sentinels. */
    String name;
    String runid;
    long configEpoch;
    String host;
    int port;
    /** The address host resolves to, kept for {@link Sentinel#announce}; null until asked, "" when unresolvable. */
    String ip;
    /** The host {@link #ip} was resolved from. */
    String ipOf;
    /** Command and Pub/Sub connections (the Pub/Sub one only for masters and replicas). */
    final Links link;

    long lastPubTime;
    long lastHelloTime;
    long lastMasterDownReplyTime;
    long sDownSince;
    long oDownSince;
    long downAfterPeriod;
    long masterRebootDownAfterPeriod;
    long masterRebootSince;
    long infoRefresh;
    /** Latest INFO text (SENTINEL INFO-CACHE). */
    String info;

    int roleReported;
    long roleReportedTime;
    long slaveConfChangeTime;

    // master
    final Map<String, Instance> sentinels = new LinkedHashMap<>();
    final Map<String, Instance> slaves = new LinkedHashMap<>();
    int quorum;
    int parallelSyncs = 1;
    String authPass;
    String authUser;
    String notificationScript;
    String clientReconfigScript;
    /**
     * rename-command: the name the monitored servers know a command by ({name as given, new name}), by lower-case
     * original name.
     */
    final Map<String, String[]> renamedCommands = new LinkedHashMap<>();

    // replica
    long masterLinkDownTime;
    int slavePriority = 100;
    boolean replicaAnnounced = true;
    long slaveReconfSentTime;
    Instance master;
    String slaveMasterHost;
    int slaveMasterPort;
    boolean slaveMasterLinkUp;
    long slaveReplOffset;

    // failover
    String leader;
    long leaderEpoch;
    long failoverEpoch;
    int failoverState;
    long failoverStateChangeTime;
    long failoverStartTime;
    long failoverTimeout = 180_000;
    long failoverDelayLogged;
    Instance promotedSlave;

    Instance(int kind, String name, String host, int port, Instance master) {
        this.flags = kind;
        this.host = host;
        this.port = port;
        this.master = master;
        this.name = kind == MASTER ? name : announceName(host, port);
        this.downAfterPeriod = master != null ? master.downAfterPeriod : 30_000;
        this.masterRebootDownAfterPeriod = master != null ? master.masterRebootDownAfterPeriod : 0;
        this.roleReported = kind == SENTINEL ? 0 : kind;
        this.roleReportedTime = System.currentTimeMillis();
        this.link = new Links(this);
    }

    /** "ip:port", with brackets around an IPv6 address, as Redis's announceSentinelAddr. */
    static String announceName(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    boolean is(int flag) {
        return (flags & flag) != 0;
    }

    /** "master", "slave" or "sentinel" (Redis's sentinelRedisInstanceTypeStr). */
    String typeName() {
        return is(MASTER) ? "master" : is(SLAVE) ? "slave" : is(SENTINEL) ? "sentinel" : "unknown";
    }

    /** The master of this instance, itself for a master. */
    Instance masterOf() {
        return is(MASTER) ? this : master;
    }

    boolean sameAddress(String h, int p) {
        return port == p && host.equalsIgnoreCase(h);
    }
}
