package io.cinnabar.server.internal.sentinel;

import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigRewrite;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The state of a sentinel (Redis's sentinelState): its id, the current epoch, the monitored masters with their
 * replicas and fellow sentinels, TILT mode, the global options, and the timing parameters SENTINEL DEBUG shows.
 * {@link #timer} runs from the server cron and drives {@link Monitor} (links, PING, INFO, hello messages, SDOWN)
 * and {@link Failover} (ODOWN, votes, the failover state machine). Events are logged and published on the
 * channel named after them ({@code +sdown}, {@code +switch-master}, ...).
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Sentinel {
    static final String HELLO_CHANNEL = "__sentinel__:hello";

    final Server server;
    final Config config;
    String myid;
    long currentEpoch;
    final Map<String, Instance> masters = new LinkedHashMap<>();
    boolean tilt;
    long tiltStartTime;
    long previousTime = System.currentTimeMillis();
    String announceIp;
    int announcePort;
    boolean resolveHostnames;
    boolean announceHostnames;
    boolean denyScriptsReconfig = true;
    String sentinelUser;
    String sentinelPass;
    int simFailure;
    static final int SIMFAILURE_CRASH_AFTER_ELECTION = 1;
    static final int SIMFAILURE_CRASH_AFTER_PROMOTION = 2;

    // SENTINEL DEBUG parameters (milliseconds)
    long infoPeriod = 10_000;
    long pingPeriod = 1_000;
    long askPeriod = 1_000;
    long publishPeriod = 2_000;
    long defaultDownAfter = 30_000;
    long defaultFailoverTimeout = 180_000;
    long tiltTrigger = 2_000;
    long tiltPeriod = 30_000;
    long slaveReconfTimeout = 10_000;
    long minLinkReconnectPeriod = 15_000;
    long electionTimeout = 10_000;
    long scriptMaxRuntime = 60_000;
    long scriptRetryDelay = 30_000;

    final Monitor monitor;
    final Failover failover;
    final Scripts scripts;

    public Sentinel(Server server) {
        this.server = server;
        this.config = server.config;
        this.monitor = new Monitor(this);
        this.failover = new Failover(this);
        this.scripts = new Scripts(this);
    }

    // ---- events

    /**
     * Logs and publishes an event (Redis's sentinelEvent). With an instance and a format starting "%@" the message
     * is the instance's description ("master name ip port", or "slave ip:port ip port @ master ip port") followed
     * by the rest of the format; otherwise the text as given.
     */
    void event(int level, String type, Instance ri, String text) {
        String msg;
        if (ri != null && text.startsWith("%@")) {
            Instance m = ri.masterOf();
            StringBuilder b = new StringBuilder();
            b.append(ri.typeName()).append(' ').append(ri.name).append(' ').append(announce(ri)).append(' ')
                .append(ri.port);
            if (m != ri) {
                b.append(" @ ").append(m.name).append(' ').append(announce(m)).append(' ').append(m.port);
            }
            b.append(text, 2, text.length());
            msg = b.toString();
        } else {
            msg = text;
        }
        server.log.log(level, type + " " + msg);
        if (level != LOG_DEBUG) {
            server.pubsub.publish(type.getBytes(StandardCharsets.UTF_8), msg.getBytes(StandardCharsets.UTF_8));
        }
        if (level == LOG_WARNING && ri != null) {
            Instance m = ri.masterOf();
            if (m.notificationScript != null) {
                scripts.schedule(m.notificationScript, type, msg);
            }
        }
    }

    static final int LOG_DEBUG = 0;
    static final int LOG_VERBOSE = 1;
    static final int LOG_NOTICE = 2;
    static final int LOG_WARNING = 3;

    // ---- instances

    Instance master(String name) {
        return masters.get(name);
    }

    /**
     * Creates a master, replica or sentinel (Redis's createSentinelRedisInstance); null with the reason in
     * {@code err[0]} when the name or address is taken.
     */
    Instance create(String name, int kind, String host, int port, int quorum, Instance master, String[] err) {
        if (kind == Instance.MASTER) {
            if (masters.containsKey(name)) {
                err[0] = "BUSY";
                return null;
            }
            Instance ri = new Instance(kind, name, host, port, null);
            ri.quorum = quorum;
            ri.downAfterPeriod = defaultDownAfter;
            ri.failoverTimeout = defaultFailoverTimeout;
            masters.put(name, ri);
            return ri;
        }
        Map<String, Instance> table = kind == Instance.SLAVE ? master.slaves : master.sentinels;
        // replicas are named ip:port; sentinels by their run ID when known (as redis-sentinel names them)
        String key = kind == Instance.SENTINEL && name != null ? name : Instance.announceName(host, port);
        if (table.containsKey(key)) {
            err[0] = "BUSY";
            return null;
        }
        Instance ri = new Instance(kind, key, host, port, master);
        ri.name = key;
        ri.failoverTimeout = master.failoverTimeout;
        table.put(key, ri);
        return ri;
    }

    /**
     * The address of an instance as replies, events, hello messages and the config file show it (Redis's
     * announceSentinelAddr): the host name as given with announce-hostnames, else the IP it resolves to.
     */
    String announce(Instance ri) {
        if (announceHostnames || !resolveHostnames || isIp(ri.host)) {
            return ri.host; // without resolve-hostnames an address is an IP already
        }
        if (ri.ip == null || ri.ip.isEmpty() || !ri.host.equals(ri.ipOf)) {
            ri.ipOf = ri.host;
            try {
                ri.ip = InetAddress.getByName(ri.host).getHostAddress();
            } catch (UnknownHostException e) {
                ri.ip = ""; // as Redis keeps an unresolved address: an empty IP, resolved again when asked
            }
        }
        return ri.ip;
    }

    Instance lookupSlave(Instance master, String host, int port) {
        return master.slaves.get(Instance.announceName(host, port));
    }

    /** Checks an address as Redis's createSentinelAddr does: a port in range, an IP (or, with resolve-hostnames, a name). */
    String checkAddress(String host, long port) {
        if (port < 0 || port > 65535) {
            return "ERR Invalid port number";
        }
        if (!resolveHostnames && !isIp(host)) {
            return "ERR Invalid IP address or hostname specified";
        }
        if (resolveHostnames && !isIp(host)) {
            try {
                InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                return "ERR Invalid IP address or hostname specified";
            }
        }
        return null;
    }

    static boolean isIp(String host) {
        if (host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] p = host.split("\\.", -1);
        if (p.length != 4) {
            return false;
        }
        for (String s : p) {
            if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit) || Integer.parseInt(s) > 255) {
                return false;
            }
        }
        return true;
    }

    /** The address a master is reached at right now: its promoted replica once it was promoted (Redis's sentinelGetCurrentMasterAddress). */
    static Instance currentMasterAddress(Instance master) {
        if ((master.is(Instance.FAILOVER_IN_PROGRESS)) && master.promotedSlave != null
                && master.failoverState >= Instance.FAILOVER_RECONF_SLAVES) {
            return master.promotedSlave;
        }
        return master;
    }

    /**
     * Forgets a master's replicas (and, unless keepSentinels, its sentinels), closes its links and ends a failover
     * (Redis's sentinelResetMaster).
     */
    void resetMaster(Instance ri, boolean keepSentinels, boolean generateEvent) {
        for (Instance s : ri.slaves.values()) {
            s.link.closeAll();
        }
        ri.slaves.clear();
        if (!keepSentinels) {
            for (Instance s : ri.sentinels.values()) {
                s.link.closeAll();
            }
            ri.sentinels.clear();
        }
        ri.link.closeAll();
        long now = System.currentTimeMillis();
        ri.link.actPingTime = now;
        ri.link.lastPingTime = 0;
        ri.link.lastAvailTime = now;
        ri.link.lastPongTime = now;
        ri.flags &= Instance.MASTER;
        ri.leader = null;
        ri.failoverState = Instance.FAILOVER_NONE;
        ri.failoverStateChangeTime = 0;
        ri.failoverStartTime = 0;
        ri.promotedSlave = null;
        ri.runid = null;
        ri.slaveConfChangeTime = 0;
        ri.sDownSince = 0;
        ri.oDownSince = 0;
        ri.masterRebootSince = 0;
        ri.link.lastReconnTime = 0;
        ri.roleReported = Instance.MASTER;
        ri.roleReportedTime = System.currentTimeMillis();
        ri.info = null;
        ri.infoRefresh = 0;
        if (generateEvent) {
            event(LOG_WARNING, "+reset-master", ri, "%@");
        }
    }

    /**
     * Moves a master to a new address after a failover (Redis's sentinelResetMasterAndChangeAddress): the old
     * master and the other replicas become its replicas.
     */
    void resetMasterAndChangeAddress(Instance master, String host, int port) {
        List<String[]> replicas = new ArrayList<>();
        for (Instance s : master.slaves.values()) {
            if (!s.sameAddress(host, port)) {
                replicas.add(new String[] {s.host, Integer.toString(s.port)});
            }
        }
        if (!master.sameAddress(host, port)) {
            replicas.add(new String[] {master.host, Integer.toString(master.port)});
        }
        resetMaster(master, true, false);
        master.host = host;
        master.port = port;
        String[] err = new String[1];
        for (String[] r : replicas) {
            Instance s = create(null, Instance.SLAVE, r[0], Integer.parseInt(r[1]), 0, master, err);
            if (s != null) {
                event(LOG_NOTICE, "+slave", s, "%@");
            }
        }
        flushConfig();
    }

    /** SENTINEL RESET: masters whose name matches the glob; their count. */
    int reset(String pattern) {
        int n = 0;
        for (Instance ri : masters.values()) {
            if (io.cinnabar.server.internal.config.Glob.match(pattern.getBytes(StandardCharsets.UTF_8),
                ri.name.getBytes(StandardCharsets.UTF_8), false)) {
                resetMaster(ri, false, true);
                n++;
            }
        }
        return n;
    }

    /** Closes the links of a master and its replicas (their credentials changed): they reconnect and authenticate. */
    void resetLinks(Instance m) {
        m.link.closeAll();
        m.slaves.values().forEach(r -> r.link.closeAll());
    }

    void removeMaster(Instance ri) {
        resetMaster(ri, false, false);
        masters.remove(ri.name);
    }

    // ---- time

    /** Redis's sentinelTimer: called by the server cron. */
    public void timer() {
        long now = System.currentTimeMillis();
        // as Redis: the timer frequency changes all the time (hz .. 2*hz-1), so that sentinels do not tick in step
        // and are unlikely to start a failover, and ask for votes, at the same moment
        long hz = Math.max(1, Math.min(500, config.getLong("hz")));
        server.hz = (int) (hz + ThreadLocalRandom.current().nextLong(hz));
        checkTilt(now);
        for (Iterator<Instance> it = new ArrayList<>(masters.values()).iterator(); it.hasNext(); ) {
            Instance m = it.next();
            if (masters.get(m.name) != m) {
                continue; // removed meanwhile
            }
            handleInstance(m, now);
            for (Instance s : new ArrayList<>(m.slaves.values())) {
                handleInstance(s, now);
            }
            for (Instance s : new ArrayList<>(m.sentinels.values())) {
                handleInstance(s, now);
            }
            if (m.failoverState == Instance.FAILOVER_UPDATE_CONFIG) {
                failover.switchToPromotedSlave(m);
            }
        }
        scripts.run(now);
    }

    private void checkTilt(long now) {
        long delta = now - previousTime;
        if (delta < 0 || delta > tiltTrigger) {
            enterTilt(now);
        }
        previousTime = now;
    }

    void enterTilt(long now) {
        tilt = true;
        tiltStartTime = now;
        event(LOG_WARNING, "+tilt", null, "#tilt mode entered");
    }

    private void handleInstance(Instance ri, long now) {
        monitor.reconnect(ri, now);
        monitor.sendPeriodicCommands(ri, now);
        if (tilt) {
            if (now - tiltStartTime < tiltPeriod) {
                return;
            }
            tilt = false;
            event(LOG_WARNING, "-tilt", null, "#tilt mode exited");
        }
        monitor.checkSubjectivelyDown(ri, now);
        if (ri.is(Instance.MASTER)) {
            failover.checkObjectivelyDown(ri, now);
            if (failover.startIfNeeded(ri, now)) {
                failover.askMasterState(ri, now, true);
            }
            failover.stateMachine(ri, now);
            failover.askMasterState(ri, now, false);
        }
    }

    // ---- configuration

    /** The {@code dir} directory: redis-sentinel chdir()s there, so relative script paths are taken from it. */
    java.nio.file.Path workingDir() {
        return java.nio.file.Path.of(config.get("dir"));
    }

    /** Rewrites the config file with the sentinel state (Redis's sentinelFlushConfig); logs a failure. */
    boolean flushConfig() {
        if (config.configFile == null) {
            return false;
        }
        try {
            ConfigRewrite.rewrite(config, SentinelConfig.lines(this));
            server.log.notice("Sentinel new configuration saved on disk");
            return true;
        } catch (IOException e) {
            server.log.warning("WARNING: Sentinel was not able to save the new configuration on disk!!!: "
                + e.getMessage());
            return false;
        }
    }

    /** The startup after the config is loaded (Redis's sentinelIsRunning): id, save, +monitor events. */
    public void started() {
        // the clocks start now, not when the config was loaded (a slow JVM start would otherwise look like a
        // stalled timer, TILT, and like instances silent since the load, SDOWN)
        long now = System.currentTimeMillis();
        previousTime = now;
        for (Instance m : masters.values()) {
            m.link.startClock(now);
            m.slaves.values().forEach(r -> r.link.startClock(now));
            m.sentinels.values().forEach(r -> r.link.startClock(now));
        }
        if (myid == null) {
            myid = Server.randomHex(40);
        }
        flushConfig();
        server.log.warning("Sentinel ID is " + myid);
        for (Instance m : masters.values()) {
            event(LOG_WARNING, "+monitor", m, "%@ quorum " + m.quorum);
        }
    }

    /** A random delay under a second that keeps sentinels from acting in lockstep (Redis's SENTINEL_MAX_DESYNC). */
    static long desync() {
        return ThreadLocalRandom.current().nextLong(1000);
    }

    /** The address this sentinel announces in hello messages: announce-ip, else the link's local address. */
    String announceAddress(Links.Conn c) {
        if (announceIp != null && !announceIp.isEmpty()) {
            return announceIp;
        }
        String local = c.link.localAddress();
        int colon = local.lastIndexOf(':');
        String ip = colon > 0 ? local.substring(0, colon) : local;
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        return ip;
    }

    int announcePortOr() {
        return announcePort != 0 ? announcePort : server.loop.port();
    }

    /** The name under which a command is sent to a master's servers (rename-command). */
    static String cmdName(Instance ri, String name) {
        Instance m = ri.masterOf();
        if (m == null) {
            return name;
        }
        String[] r = m.renamedCommands.get(name.toLowerCase(java.util.Locale.ROOT));
        return r != null ? r[1] : name;
    }
}
