package io.cinnabar.server.internal.sentinel;

import io.cinnabar.resp.RespValue;
import io.cinnabar.server.internal.command.Link;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/**
 * Watching instances (Redis's sentinelReconnectInstance, sentinelSendPeriodicCommands, sentinelRefreshInstanceInfo,
 * sentinelProcessHelloMessage, sentinelCheckSubjectivelyDown): keeps the links up, sends PING every second, INFO
 * every ten (every second to replicas during a failover), a hello message every two seconds, learns replicas from
 * a master's INFO and sentinels from hello messages, and flags an instance SDOWN when it has not answered a PING
 * validly for down-after-milliseconds.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread only.
 */
final class Monitor {
    private final Sentinel s;

    Monitor(Sentinel s) {
        this.s = s;
    }

    // ---- links

    void reconnect(Instance ri, long now) {
        Links l = ri.link;
        if (!l.disconnected() || ri.port == 0 || now - l.lastReconnTime < s.pingPeriod) {
            return;
        }
        l.lastReconnTime = now;
        if (l.cc == null) {
            Link link = s.server.outbound.connect(ri.host, ri.port, new Pending());
            l.open(link, false, null);
            auth(ri);
            clientSetName(ri, "cmd");
            sendPing(ri);
        }
        if (l.pc == null && !ri.is(Instance.SENTINEL)) {
            Link link = s.server.outbound.connect(ri.host, ri.port, new Pending());
            Links.Conn c = l.open(link, true, v -> helloReceived(ri, v));
            authOn(ri, c);
            c.send(null, Sentinel.cmdName(ri, "CLIENT"), "SETNAME", clientName("pubsub"));
            c.subscribe(Sentinel.cmdName(ri, "SUBSCRIBE"), Sentinel.HELLO_CHANNEL);
        }
    }

    /** The handler of a link until {@link Links#open} replaces it (never called: open runs at once). */
    private static final class Pending implements Link.Handler {
        @Override
        public void received(Link link, java.nio.ByteBuffer in) {
        }

        @Override
        public void closed(Link link, String reason) {
        }
    }

    private String clientName(String kind) {
        return "sentinel-" + s.myid.substring(0, 8) + "-" + kind;
    }

    private void clientSetName(Instance ri, String kind) {
        ri.link.command(null, Sentinel.cmdName(ri, "CLIENT"), "SETNAME", clientName(kind));
    }

    private void auth(Instance ri) {
        authOn(ri, ri.link.cc);
    }

    /**
     * AUTH with the master's auth-user/auth-pass, or for sentinels sentinel-user/sentinel-pass, else this sentinel's
     * own requirepass (Redis's sentinelSendAuthIfNeeded).
     */
    private void authOn(Instance ri, Links.Conn c) {
        String user;
        String pass;
        if (ri.is(Instance.SENTINEL)) {
            if (s.sentinelPass != null) {
                user = s.sentinelUser;
                pass = s.sentinelPass;
            } else {
                // as Redis (compatibility with old configs): requirepass serves incoming and outgoing authentication
                String requirepass = s.config.get("requirepass");
                user = null;
                pass = requirepass == null || requirepass.isEmpty() ? null : requirepass;
            }
        } else {
            Instance m = ri.masterOf();
            user = m.authUser;
            pass = m.authPass;
        }
        if (pass == null) {
            return;
        }
        String auth = Sentinel.cmdName(ri, "AUTH");
        if (user != null) {
            c.send(null, auth, user, pass);
        } else {
            c.send(null, auth, pass);
        }
    }

    // ---- periodic commands

    void sendPeriodicCommands(Instance ri, long now) {
        Links l = ri.link;
        if (l.disconnected() || l.pendingCommands >= 100) {
            return;
        }
        long infoPeriod;
        if (ri.is(Instance.SLAVE) && (ri.master.is(Instance.O_DOWN | Instance.FAILOVER_IN_PROGRESS)
                || ri.masterLinkDownTime != 0)) {
            infoPeriod = 1000;
        } else {
            infoPeriod = s.infoPeriod;
        }
        long pingPeriod = Math.min(ri.downAfterPeriod, s.pingPeriod);
        if (!ri.is(Instance.SENTINEL) && (ri.infoRefresh == 0 || now - ri.infoRefresh > infoPeriod)) {
            l.command(v -> infoReply(ri, v), Sentinel.cmdName(ri, "INFO"));
        }
        if (now - l.lastPongTime > pingPeriod && now - l.lastPingTime > pingPeriod / 2) {
            sendPing(ri);
        }
        if (now - ri.lastPubTime > s.publishPeriod) {
            sendHello(ri);
        }
    }

    boolean sendPing(Instance ri) {
        Links l = ri.link;
        boolean ok = l.command(v -> pingReply(ri, v), Sentinel.cmdName(ri, "PING"));
        if (ok) {
            l.lastPingTime = System.currentTimeMillis();
            if (l.actPingTime == 0) {
                l.actPingTime = l.lastPingTime;
            }
        }
        return ok;
    }

    private void pingReply(Instance ri, RespValue v) {
        Links l = ri.link;
        long now = System.currentTimeMillis();
        String text = statusText(v);
        if (text != null) {
            if (text.startsWith("PONG") || text.startsWith("LOADING") || text.startsWith("MASTERDOWN")) {
                l.lastAvailTime = now;
                l.actPingTime = 0;
            } else if (text.startsWith("BUSY") && ri.is(Instance.S_DOWN) && !ri.is(Instance.SCRIPT_KILL_SENT)) {
                if (l.command(null, Sentinel.cmdName(ri, "SCRIPT"), "KILL")) {
                    ri.flags |= Instance.SCRIPT_KILL_SENT;
                }
            }
        }
        l.lastPongTime = now;
    }

    /** The text of a status or error reply, else null. */
    static String statusText(RespValue v) {
        if (v instanceof RespValue.SimpleString ss) {
            return new String(ss.value(), StandardCharsets.UTF_8);
        }
        if (v instanceof RespValue.SimpleError e) {
            return new String(e.message(), StandardCharsets.UTF_8);
        }
        return null;
    }

    static String text(RespValue v) {
        if (v instanceof RespValue.BulkString b) {
            return new String(b.value(), StandardCharsets.UTF_8);
        }
        if (v instanceof RespValue.Verbatim vb) {
            return new String(vb.text(), StandardCharsets.UTF_8);
        }
        return statusText(v);
    }

    // ---- hello

    /** Sends a hello message through the instance (PUBLISH on its command link), Redis's sentinelSendHello. */
    boolean sendHello(Instance ri) {
        Links l = ri.link;
        if (l.disconnected()) {
            return false;
        }
        String ip = s.announceAddress(l.cc);
        if (ip.isEmpty()) {
            return false; // still connecting: the local address is not known yet
        }
        Instance master = ri.masterOf();
        Instance addr = Sentinel.currentMasterAddress(master);
        String payload = ip + "," + s.announcePortOr() + "," + s.myid + "," + s.currentEpoch
            + "," + master.name + "," + s.announce(addr) + "," + addr.port + "," + master.configEpoch;
        return l.command(v -> {
            if (!(v instanceof RespValue.SimpleError)) {
                ri.lastPubTime = System.currentTimeMillis();
            }
        }, Sentinel.cmdName(ri, "PUBLISH"), Sentinel.HELLO_CHANNEL, payload);
    }

    /** Makes the next timer tick send hello messages for the master (after a change of its configuration). */
    void forceHelloUpdate(Instance master) {
        long t = System.currentTimeMillis() - s.publishPeriod - 1;
        master.lastPubTime = t;
        master.slaves.values().forEach(r -> r.lastPubTime = t);
        master.sentinels.values().forEach(r -> r.lastPubTime = t);
    }

    private void helloReceived(Instance ri, RespValue v) {
        if (!(v instanceof RespValue.Aggregate a) || a.items().size() != 3) {
            return;
        }
        String kind = text(a.items().get(0));
        if (!"message".equals(kind)) {
            return;
        }
        String payload = text(a.items().get(2));
        if (payload != null) {
            processHello(payload);
        }
    }

    /** Processes a hello message from a Pub/Sub link or published to this sentinel (Redis's sentinelProcessHelloMessage). */
    void processHello(String hello) {
        String[] t = hello.split(",", -1);
        if (t.length != 8) {
            return;
        }
        if (t[2].equals(s.myid)) {
            return;
        }
        Instance master = s.master(t[4]);
        if (master == null) {
            return;
        }
        int port;
        long epoch;
        int masterPort;
        long masterConfigEpoch;
        try {
            port = Integer.parseInt(t[1]);
            epoch = Long.parseLong(t[3]);
            masterPort = Integer.parseInt(t[6]);
            masterConfigEpoch = Long.parseLong(t[7]);
        } catch (NumberFormatException e) {
            return;
        }
        Instance si = sentinelByAddrAndRunId(master, t[0], port, t[2]);
        if (si == null) {
            boolean removed = removeSentinelByRunId(master, t[2]);
            if (removed) {
                s.event(Sentinel.LOG_NOTICE, "+sentinel-address-switch", master,
                    "%@ ip " + t[0] + " port " + port + " for " + t[2]);
            } else {
                Instance other = sentinelByAddrAndRunId(master, t[0], port, null);
                if (other != null) {
                    s.event(Sentinel.LOG_NOTICE, "+sentinel-invalid-addr", other, "%@");
                    master.sentinels.values().remove(other);
                    other.link.closeAll();
                }
            }
            si = s.create(t[2], Instance.SENTINEL, t[0], port, master.quorum, master, new String[1]);
            if (si != null) {
                if (!removed) {
                    s.event(Sentinel.LOG_NOTICE, "+sentinel", si, "%@");
                }
                si.runid = t[2];
                s.flushConfig();
            }
        }
        if (epoch > s.currentEpoch) {
            s.currentEpoch = epoch;
            s.flushConfig();
            s.event(Sentinel.LOG_WARNING, "+new-epoch", master, Long.toString(s.currentEpoch));
        }
        if (si != null && master.configEpoch < masterConfigEpoch) {
            master.configEpoch = masterConfigEpoch;
            if (masterPort != master.port || !master.host.equalsIgnoreCase(t[5])) {
                String oldHost = master.host;
                int oldPort = master.port;
                s.event(Sentinel.LOG_WARNING, "+config-update-from", si, "%@");
                s.event(Sentinel.LOG_WARNING, "+switch-master", master, master.name + " " + oldHost + " " + oldPort
                    + " " + t[5] + " " + masterPort);
                s.resetMasterAndChangeAddress(master, t[5], masterPort);
                s.scripts.clientReconfig(master, "observer", "start", oldHost, oldPort, master.host, master.port);
            }
        }
        if (si != null) {
            si.lastHelloTime = System.currentTimeMillis();
        }
    }

    private static Instance sentinelByAddrAndRunId(Instance master, String host, int port, String runid) {
        for (Instance si : master.sentinels.values()) {
            if ((runid == null || runid.equals(si.runid)) && (host == null || si.sameAddress(host, port))) {
                return si;
            }
        }
        return null;
    }

    private static boolean removeSentinelByRunId(Instance master, String runid) {
        for (Iterator<Instance> it = master.sentinels.values().iterator(); it.hasNext(); ) {
            Instance si = it.next();
            if (runid.equals(si.runid)) {
                it.remove();
                si.link.closeAll();
                return true;
            }
        }
        return false;
    }

    // ---- INFO

    private void infoReply(Instance ri, RespValue v) {
        String info = text(v);
        if (info != null && !(v instanceof RespValue.SimpleError)) {
            refreshInfo(ri, info);
        }
    }

    /** Redis's sentinelRefreshInstanceInfo: what an INFO reply tells about an instance and its replicas. */
    void refreshInfo(Instance ri, String info) {
        long now = System.currentTimeMillis();
        ri.info = info;
        ri.masterLinkDownTime = 0;
        int role = 0;
        for (String raw : info.split("\r\n")) {
            String line = raw.strip();
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String val = line.substring(colon + 1);
            switch (key) {
                case "run_id" -> runId(ri, val, now);
                case "master_link_down_since_seconds" -> ri.masterLinkDownTime = parseLong(val) * 1000;
                case "role" -> role = val.equals("master") ? Instance.MASTER : val.equals("slave") ? Instance.SLAVE : 0;
                case "master_host" -> {
                    if (!val.equals(ri.slaveMasterHost)) {
                        ri.slaveMasterHost = val;
                        ri.slaveConfChangeTime = now;
                    }
                }
                case "master_port" -> {
                    int p = (int) parseLong(val);
                    if (p != ri.slaveMasterPort) {
                        ri.slaveMasterPort = p;
                        ri.slaveConfChangeTime = now;
                    }
                }
                case "master_link_status" -> ri.slaveMasterLinkUp = val.equals("up");
                case "slave_priority", "replica_priority" -> ri.slavePriority = (int) parseLong(val);
                case "slave_repl_offset" -> ri.slaveReplOffset = parseLong(val);
                case "replica_announced" -> ri.replicaAnnounced = !val.equals("0");
                default -> {
                    if (ri.is(Instance.MASTER) && key.startsWith("slave") && key.length() > 5
                            && Character.isDigit(key.charAt(5))) {
                        replicaLine(ri, val);
                    }
                }
            }
        }
        ri.infoRefresh = now;
        if (role != 0 && role != ri.roleReported) {
            ri.roleReported = role;
            ri.roleReportedTime = now;
            if (role == Instance.SLAVE) {
                ri.slaveConfChangeTime = now;
            }
            s.event(Sentinel.LOG_VERBOSE, (ri.flags & (Instance.MASTER | Instance.SLAVE)) == role ? "+role-change"
                : "-role-change", ri, "%@ new reported role is " + (role == Instance.MASTER ? "master" : "slave"));
        }
        if (s.tilt) {
            return;
        }
        if (ri.is(Instance.SLAVE) && role == Instance.MASTER) {
            replicaBecameMaster(ri, now);
        }
        if (ri.is(Instance.SLAVE) && role == Instance.SLAVE) {
            replicaOfWrongMaster(ri, now);
            reconfProgress(ri);
        }
    }

    private void runId(Instance ri, String val, long now) {
        if (val.length() != 40 || val.equals(ri.runid)) {
            return;
        }
        if (ri.runid != null) {
            s.event(Sentinel.LOG_NOTICE, "+reboot", ri, "%@");
            if (ri.is(Instance.MASTER) && ri.masterRebootDownAfterPeriod != 0) {
                ri.flags |= Instance.MASTER_REBOOT;
                ri.masterRebootSince = now;
            }
        }
        ri.runid = val;
    }

    /** "slave0:ip=...,port=...,state=...,offset=...,lag=..." of a master's INFO: a replica we may not know yet. */
    private void replicaLine(Instance master, String val) {
        String ip = null;
        int port = 0;
        for (String kv : val.split(",")) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = kv.substring(0, eq);
            if (k.equals("ip")) {
                ip = kv.substring(eq + 1);
            } else if (k.equals("port")) {
                port = (int) parseLong(kv.substring(eq + 1));
            }
        }
        if (ip == null || port <= 0 || s.lookupSlave(master, ip, port) != null) {
            return;
        }
        Instance r = s.create(null, Instance.SLAVE, ip, port, master.quorum, master, new String[1]);
        if (r != null) {
            s.event(Sentinel.LOG_NOTICE, "+slave", r, "%@");
            s.flushConfig();
        }
    }

    private void replicaBecameMaster(Instance ri, long now) {
        Instance m = ri.master;
        if (ri.is(Instance.PROMOTED) && m.is(Instance.FAILOVER_IN_PROGRESS)
                && m.failoverState == Instance.FAILOVER_WAIT_PROMOTION) {
            m.configEpoch = m.failoverEpoch;
            m.failoverState = Instance.FAILOVER_RECONF_SLAVES;
            m.failoverStateChangeTime = now;
            s.flushConfig();
            s.event(Sentinel.LOG_WARNING, "+promoted-slave", ri, "%@");
            if ((s.simFailure & Sentinel.SIMFAILURE_CRASH_AFTER_PROMOTION) != 0) {
                s.failover.simulatedCrash();
            }
            s.event(Sentinel.LOG_WARNING, "+failover-state-reconf-slaves", m, "%@");
            s.scripts.clientReconfig(m, "leader", "start", m.host, m.port, ri.host, ri.port);
            forceHelloUpdate(m);
        } else {
            long wait = s.publishPeriod * 4;
            if (!ri.is(Instance.PROMOTED) && looksSane(m, now) && noDownFor(ri, wait, now)
                    && now - ri.roleReportedTime > wait) {
                if (sendReplicaOf(ri, s.announce(m), m.port)) {
                    s.event(Sentinel.LOG_NOTICE, "+convert-to-slave", ri, "%@");
                }
            }
        }
    }

    private void replicaOfWrongMaster(Instance ri, long now) {
        Instance m = ri.master;
        if (ri.slaveMasterPort == m.port && m.host.equalsIgnoreCase(ri.slaveMasterHost)) {
            return;
        }
        long wait = m.failoverTimeout;
        if (looksSane(m, now) && noDownFor(ri, wait, now) && now - ri.slaveConfChangeTime > wait) {
            if (sendReplicaOf(ri, s.announce(m), m.port)) {
                s.event(Sentinel.LOG_NOTICE, "+fix-slave-config", ri, "%@");
            }
        }
    }

    private void reconfProgress(Instance ri) {
        Instance p = ri.master.promotedSlave;
        if (!ri.is(Instance.RECONF_SENT | Instance.RECONF_INPROG) || p == null) {
            return;
        }
        if (ri.is(Instance.RECONF_SENT) && ri.slaveMasterHost != null && p.host.equalsIgnoreCase(ri.slaveMasterHost)
                && ri.slaveMasterPort == p.port) {
            ri.flags &= ~Instance.RECONF_SENT;
            ri.flags |= Instance.RECONF_INPROG;
            s.event(Sentinel.LOG_NOTICE, "+slave-reconf-inprog", ri, "%@");
        }
        if (ri.is(Instance.RECONF_INPROG) && ri.slaveMasterLinkUp) {
            ri.flags &= ~Instance.RECONF_INPROG;
            ri.flags |= Instance.RECONF_DONE;
            s.event(Sentinel.LOG_NOTICE, "+slave-reconf-done", ri, "%@");
        }
    }

    /** Redis's sentinelMasterLooksSane. */
    boolean looksSane(Instance m, long now) {
        return m.is(Instance.MASTER) && m.roleReported == Instance.MASTER
            && !m.is(Instance.S_DOWN | Instance.O_DOWN) && now - m.infoRefresh < s.infoPeriod * 2;
    }

    /** Redis's sentinelRedisInstanceNoDownFor. */
    static boolean noDownFor(Instance ri, long ms, long now) {
        long recent = Math.max(ri.sDownSince, ri.oDownSince);
        return recent == 0 || now - recent > ms;
    }

    /**
     * Redis's sentinelSendSlaveOf: MULTI, SLAVEOF host port (or NO ONE with a null host), CONFIG REWRITE,
     * CLIENT KILL TYPE normal and pubsub, EXEC, so the change is on disk and clients reconnect.
     */
    boolean sendReplicaOf(Instance ri, String host, int port) {
        Links l = ri.link;
        if (l.cc == null) {
            return false;
        }
        String h = host == null ? "NO" : host;
        String p = host == null ? "ONE" : Integer.toString(port);
        l.command(null, Sentinel.cmdName(ri, "MULTI"));
        l.command(null, Sentinel.cmdName(ri, "SLAVEOF"), h, p);
        l.command(null, Sentinel.cmdName(ri, "CONFIG"), "REWRITE");
        l.command(null, Sentinel.cmdName(ri, "CLIENT"), "KILL", "TYPE", "normal");
        l.command(null, Sentinel.cmdName(ri, "CLIENT"), "KILL", "TYPE", "pubsub");
        l.command(null, Sentinel.cmdName(ri, "EXEC"));
        return true;
    }

    // ---- SDOWN

    void checkSubjectivelyDown(Instance ri, long now) {
        Links l = ri.link;
        long elapsed = 0;
        if (l.actPingTime != 0) {
            elapsed = now - l.actPingTime;
        } else if (l.disconnected()) {
            elapsed = now - l.lastAvailTime;
        }
        if (l.cc != null && now - l.ccConnTime > s.minLinkReconnectPeriod && l.actPingTime != 0
                && now - l.actPingTime > ri.downAfterPeriod / 2 && now - l.lastPongTime > ri.downAfterPeriod / 2) {
            l.drop(l.cc);
        }
        if (l.pc != null && now - l.pcConnTime > s.minLinkReconnectPeriod
                && now - l.pcLastActivity > s.publishPeriod * 3) {
            l.drop(l.pc);
        }
        if (ri.is(Instance.MASTER_REBOOT) && now - ri.masterRebootSince >= ri.masterRebootDownAfterPeriod) {
            ri.flags &= ~Instance.MASTER_REBOOT;
        }
        boolean down = elapsed > ri.downAfterPeriod
            || ri.is(Instance.MASTER) && ri.roleReported == Instance.SLAVE
                && now - ri.roleReportedTime > ri.downAfterPeriod + s.infoPeriod * 2
            || ri.is(Instance.MASTER_REBOOT);
        if (down) {
            if (!ri.is(Instance.S_DOWN)) {
                s.event(Sentinel.LOG_WARNING, "+sdown", ri, "%@");
                ri.sDownSince = now;
                ri.flags |= Instance.S_DOWN;
            }
        } else if (ri.is(Instance.S_DOWN)) {
            s.event(Sentinel.LOG_WARNING, "-sdown", ri, "%@");
            ri.flags &= ~(Instance.S_DOWN | Instance.SCRIPT_KILL_SENT);
        }
    }

    static long parseLong(String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static List<RespValue> items(RespValue v) {
        return v instanceof RespValue.Aggregate a ? a.items() : List.of();
    }
}
