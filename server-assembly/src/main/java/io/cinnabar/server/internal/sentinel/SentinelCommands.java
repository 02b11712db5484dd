package io.cinnabar.server.internal.sentinel;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The commands of sentinel mode (Redis's sentinelCommand, sentinelInfoCommand, sentinelRoleCommand,
 * sentinelPublishCommand): {@code SENTINEL ...} with redis-sentinel's reply shapes and error texts, INFO with the
 * Sentinel section, ROLE, and PUBLISH, which a sentinel only takes on the hello channel.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread only.
 */
public final class SentinelCommands {
    /** The top-level commands a sentinel serves (Redis 7.2's commands flagged SENTINEL). */
    public static final Set<String> SERVED = Set.of("ping", "info", "role", "client", "subscribe", "unsubscribe",
        "psubscribe", "punsubscribe", "publish", "acl", "auth", "hello", "shutdown", "command", "sentinel");

    private static final String[] HELP = {
        "CKQUORUM <master-name>",
        "    Check if the current Sentinel configuration is able to reach the quorum",
        "    needed to failover a master and the majority needed to authorize the",
        "    failover.",
        "CONFIG SET <param> <value> [<param> <value> ...]",
        "    Set a global Sentinel configuration parameter.",
        "CONFIG GET <param> [param param param ...]",
        "    Get global Sentinel configuration parameter.",
        "DEBUG [<param> <value> ...]",
        "    Show a list of configurable time parameters and their values (milliseconds).",
        "    Or update current configurable parameters values (one or more).",
        "GET-MASTER-ADDR-BY-NAME <master-name>",
        "    Return the ip and port number of the master with that name.",
        "FAILOVER <master-name>",
        "    Manually failover a master node without asking for agreement from other",
        "    Sentinels",
        "FLUSHCONFIG",
        "    Force Sentinel to rewrite its configuration on disk, including the current",
        "    Sentinel state.",
        "INFO-CACHE <master-name>",
        "    Return last cached INFO output from masters and all its replicas.",
        "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
        "    Check if the master specified by ip:port is down from current Sentinel's",
        "    point of view.",
        "MASTER <master-name>",
        "    Show the state and info of the specified master.",
        "MASTERS",
        "    Show a list of monitored masters and their state.",
        "MONITOR <name> <ip> <port> <quorum>",
        "    Start monitoring a new master with the specified name, ip, port and quorum.",
        "MYID",
        "    Return the ID of the Sentinel instance.",
        "PENDING-SCRIPTS",
        "    Get pending scripts information.",
        "REMOVE <master-name>",
        "    Remove master from Sentinel's monitor list.",
        "REPLICAS <master-name>",
        "    Show a list of replicas for this master and their state.",
        "RESET <pattern>",
        "    Reset masters for specific master name matching this pattern.",
        "SENTINELS <master-name>",
        "    Show a list of Sentinel instances for this master and their state.",
        "SET <master-name> <option> <value> [<option> <value> ...]",
        "    Set configuration parameters for certain masters.",
        "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
        "    Simulate a Sentinel crash.",
    };

    private static final List<String> INFO_SECTIONS = List.of("server", "clients", "cpu", "stats", "sentinel");

    private final Sentinel s;
    /** The server's INFO sections (admin's generator, wired by Assembly). */
    private final Function<Set<String>, String> infoSections;

    public SentinelCommands(Sentinel s, Function<Set<String>, String> infoSections) {
        this.s = s;
        this.infoSections = infoSections;
    }

    /** Attaches the sentinel implementations (after {@link CommandTable#sentinelMode}). */
    public void register(CommandTable t) {
        t.impl("info", this::info);
        t.impl("role", this::role);
        t.impl("publish", this::publish);
        t.impl("sentinel|help", c -> c.help("SENTINEL", HELP));
        t.impl("sentinel|masters", c -> {
            c.array(s.masters.size());
            s.masters.values().forEach(m -> instance(c, m));
        });
        t.impl("sentinel|master", c -> {
            Instance m = masterOrError(c, 2);
            if (m != null) {
                instance(c, m);
            }
        });
        t.impl("sentinel|replicas", this::replicas);
        t.impl("sentinel|slaves", this::replicas);
        t.impl("sentinel|sentinels", c -> {
            Instance m = masterOrError(c, 2);
            if (m != null) {
                c.array(m.sentinels.size());
                m.sentinels.values().forEach(r -> instance(c, r));
            }
        });
        t.impl("sentinel|myid", c -> c.bulk(s.myid));
        t.impl("sentinel|get-master-addr-by-name", this::getMasterAddr);
        t.impl("sentinel|is-master-down-by-addr", this::isMasterDownByAddr);
        t.impl("sentinel|reset", c -> c.integer(s.reset(c.argString(2))));
        t.impl("sentinel|failover", this::failover);
        t.impl("sentinel|ckquorum", this::ckquorum);
        t.impl("sentinel|flushconfig", this::flushConfigAndReply);
        t.impl("sentinel|monitor", this::monitor);
        t.impl("sentinel|remove", c -> {
            Instance m = masterOrError(c, 2);
            if (m != null) {
                s.event(Sentinel.LOG_WARNING, "-monitor", m, "%@");
                s.removeMaster(m);
                flushConfigAndReply(c);
            }
        });
        t.impl("sentinel|set", this::set);
        t.impl("sentinel|config", this::config);
        t.impl("sentinel|info-cache", this::infoCache);
        t.impl("sentinel|pending-scripts", c -> s.scripts.reply(c, System.currentTimeMillis()));
        t.impl("sentinel|simulate-failure", this::simulateFailure);
        t.impl("sentinel|debug", this::debug);
    }

    private Instance masterOrError(Client c, int arg) {
        Instance m = s.master(c.argString(arg));
        if (m == null) {
            c.error("ERR No such master with that name");
        }
        return m;
    }

    // ---- instance replies

    private static final String[] FAILOVER_STATES = {"none", "wait_start", "select_slave", "send_slaveof_noone",
        "wait_promotion", "reconf_slaves", "update_config"};

    /** Redis's addReplySentinelRedisInstance: the fields as a map (a flat array in RESP2). */
    void instance(Client c, Instance ri) {
        long now = System.currentTimeMillis();
        List<String> kv = new ArrayList<>();
        Links l = ri.link;
        add(kv, "name", ri.name);
        add(kv, "ip", s.announce(ri));
        add(kv, "port", ri.port);
        add(kv, "runid", ri.runid == null ? "" : ri.runid);
        add(kv, "flags", flags(ri));
        add(kv, "link-pending-commands", l.pendingCommands);
        add(kv, "link-refcount", 1);
        if (ri.is(Instance.FAILOVER_IN_PROGRESS)) {
            add(kv, "failover-state", FAILOVER_STATES[ri.failoverState]);
        }
        add(kv, "last-ping-sent", l.actPingTime != 0 ? now - l.actPingTime : 0);
        add(kv, "last-ok-ping-reply", now - l.lastAvailTime);
        add(kv, "last-ping-reply", now - l.lastPongTime);
        if (ri.is(Instance.S_DOWN)) {
            add(kv, "s-down-time", now - ri.sDownSince);
        }
        if (ri.is(Instance.O_DOWN)) {
            add(kv, "o-down-time", now - ri.oDownSince);
        }
        add(kv, "down-after-milliseconds", ri.downAfterPeriod);
        if (ri.is(Instance.MASTER | Instance.SLAVE)) {
            add(kv, "info-refresh", ri.infoRefresh == 0 ? 0 : now - ri.infoRefresh);
            add(kv, "role-reported", ri.roleReported == Instance.MASTER ? "master" : "slave");
            add(kv, "role-reported-time", now - ri.roleReportedTime);
        }
        if (ri.is(Instance.MASTER)) {
            add(kv, "config-epoch", Long.toUnsignedString(ri.configEpoch));
            add(kv, "num-slaves", ri.slaves.size());
            add(kv, "num-other-sentinels", ri.sentinels.size());
            add(kv, "quorum", ri.quorum);
            add(kv, "failover-timeout", ri.failoverTimeout);
            add(kv, "parallel-syncs", ri.parallelSyncs);
            if (ri.notificationScript != null) {
                add(kv, "notification-script", ri.notificationScript);
            }
            if (ri.clientReconfigScript != null) {
                add(kv, "client-reconfig-script", ri.clientReconfigScript);
            }
        }
        if (ri.is(Instance.SLAVE)) {
            add(kv, "master-link-down-time", ri.masterLinkDownTime);
            add(kv, "master-link-status", ri.slaveMasterLinkUp ? "ok" : "err");
            add(kv, "master-host", ri.slaveMasterHost != null ? ri.slaveMasterHost : "?");
            add(kv, "master-port", ri.slaveMasterPort);
            add(kv, "slave-priority", ri.slavePriority);
            add(kv, "slave-repl-offset", ri.slaveReplOffset);
            add(kv, "replica-announced", ri.replicaAnnounced ? 1 : 0);
        }
        if (ri.is(Instance.SENTINEL)) {
            add(kv, "last-hello-message", now - ri.lastHelloTime);
            add(kv, "voted-leader", ri.leader != null ? ri.leader : "?");
            add(kv, "voted-leader-epoch", Long.toUnsignedString(ri.leaderEpoch));
        }
        c.map(kv.size() / 2);
        kv.forEach(c::bulk);
    }

    private static void add(List<String> kv, String k, Object v) {
        kv.add(k);
        kv.add(String.valueOf(v));
    }

    static String flags(Instance ri) {
        StringBuilder b = new StringBuilder();
        flag(b, ri.is(Instance.S_DOWN), "s_down");
        flag(b, ri.is(Instance.O_DOWN), "o_down");
        flag(b, ri.is(Instance.MASTER), "master");
        flag(b, ri.is(Instance.SLAVE), "slave");
        flag(b, ri.is(Instance.SENTINEL), "sentinel");
        flag(b, ri.link.disconnected(), "disconnected");
        flag(b, ri.is(Instance.MASTER_DOWN), "master_down");
        flag(b, ri.is(Instance.FAILOVER_IN_PROGRESS), "failover_in_progress");
        flag(b, ri.is(Instance.PROMOTED), "promoted");
        flag(b, ri.is(Instance.RECONF_SENT), "reconf_sent");
        flag(b, ri.is(Instance.RECONF_INPROG), "reconf_inprog");
        flag(b, ri.is(Instance.RECONF_DONE), "reconf_done");
        flag(b, ri.is(Instance.FORCE_FAILOVER), "force_failover");
        flag(b, ri.is(Instance.SCRIPT_KILL_SENT), "script_kill_sent");
        flag(b, ri.is(Instance.MASTER_REBOOT), "master_reboot");
        if (b.length() > 0) {
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    private static void flag(StringBuilder b, boolean on, String name) {
        if (on) {
            b.append(name).append(',');
        }
    }

    private void replicas(Client c) {
        Instance m = masterOrError(c, 2);
        if (m == null) {
            return;
        }
        List<Instance> shown = new ArrayList<>();
        for (Instance r : m.slaves.values()) {
            if (r.replicaAnnounced) {
                shown.add(r);
            }
        }
        c.array(shown.size());
        shown.forEach(r -> instance(c, r));
    }

    // ---- the other subcommands

    private void getMasterAddr(Client c) {
        Instance m = s.master(c.argString(2));
        if (m == null) {
            c.nullArray();
            return;
        }
        Instance a = Sentinel.currentMasterAddress(m);
        c.array(2);
        c.bulk(s.announce(a));
        c.bulkLong(a.port);
    }

    private void isMasterDownByAddr(Client c) {
        long port;
        long epoch;
        try {
            port = Long.parseLong(c.argString(3));
            epoch = Long.parseLong(c.argString(4));
        } catch (NumberFormatException e) {
            c.error("ERR value is not an integer or out of range");
            return;
        }
        String host = c.argString(2);
        String runid = c.argString(5);
        Instance ri = null;
        for (Instance m : s.masters.values()) {
            if (m.sameAddress(host, (int) port)) {
                ri = m;
                break;
            }
        }
        boolean down = ri != null && ri.is(Instance.S_DOWN) && !s.tilt;
        String leader = null;
        long[] leaderEpoch = new long[1];
        if (ri != null && !runid.equals("*")) {
            leader = s.failover.voteLeader(ri, epoch, runid, leaderEpoch);
        }
        c.array(3);
        c.integer(down ? 1 : 0);
        c.bulk(leader != null ? leader : "*");
        c.integer(leaderEpoch[0]);
    }

    private void failover(Client c) {
        Instance m = masterOrError(c, 2);
        if (m == null) {
            return;
        }
        if (m.is(Instance.FAILOVER_IN_PROGRESS)) {
            c.error("-INPROG Failover already in progress");
            return;
        }
        long now = System.currentTimeMillis();
        if (s.failover.selectSlave(m, now) == null) {
            c.error("-NOGOODSLAVE No suitable replica to promote");
            return;
        }
        s.server.log.warning("Executing user requested FAILOVER of '" + m.name + "'");
        s.failover.start(m, now);
        m.flags |= Instance.FORCE_FAILOVER;
        c.ok();
    }

    private void ckquorum(Client c) {
        Instance m = masterOrError(c, 2);
        if (m == null) {
            return;
        }
        int usable = 1;
        for (Instance si : m.sentinels.values()) {
            if (!si.is(Instance.S_DOWN | Instance.O_DOWN)) {
                usable++;
            }
        }
        int voters = m.sentinels.size() + 1;
        String e = null;
        if (usable < m.quorum) {
            e = "-NOQUORUM " + usable + " usable Sentinels. Not enough available Sentinels to reach the specified "
                + "quorum for this master";
        }
        if (usable < voters / 2 + 1) {
            e = (e == null ? "-NOQUORUM " + usable + " usable Sentinels. " : e + ". ")
                + "Not enough available Sentinels to reach the majority and authorize a failover";
        }
        if (e != null) {
            c.error(e);
        } else {
            c.simple("OK " + usable + " usable Sentinels. Quorum and failover authorization can be reached");
        }
    }

    private void monitor(Client c) {
        String name = c.argString(2);
        String host = c.argString(3);
        long port;
        long quorum;
        try {
            port = Long.parseLong(c.argString(4));
        } catch (NumberFormatException e) {
            c.error("ERR Invalid port");
            return;
        }
        try {
            quorum = Long.parseLong(c.argString(5));
        } catch (NumberFormatException e) {
            c.error("ERR value is not an integer or out of range");
            return;
        }
        if (quorum <= 0) {
            c.error("ERR Quorum must be 1 or greater.");
            return;
        }
        if (port <= 0 || port > 65535) {
            c.error("ERR Invalid port number.");
            return;
        }
        String bad = s.checkAddress(host, port);
        if (bad != null) {
            c.error(bad);
            return;
        }
        String[] err = new String[1];
        Instance m = s.create(name, Instance.MASTER, host, (int) port, (int) quorum, null, err);
        if (m == null) {
            c.error("ERR Duplicate master name.");
            return;
        }
        flushConfigAndReply(c);
        s.event(Sentinel.LOG_WARNING, "+monitor", m, "%@ quorum " + m.quorum);
    }

    /**
     * Saves the state and replies OK, or Redis's error when the file cannot be written (sentinelFlushConfigAndReply);
     * an embedded sentinel without a file has nothing to save.
     */
    private void flushConfigAndReply(Client c) {
        if (s.flushConfig() || s.config.configFile == null) {
            c.ok();
        } else {
            c.error("ERR Failed to save config file. Check server logs.");
        }
    }

    /**
     * SENTINEL SET master option value [option value ...] as Redis's sentinelSetCommand: options are read in
     * order, each taking its values (two for rename-command); an unknown option or one short of values stops with an
     * error, the changes made before it are kept and saved.
     */
    private void set(Client c) {
        if (c.argc < 5) {
            c.error("ERR wrong number of arguments for 'sentinel|set' command");
            return;
        }
        Instance m = masterOrError(c, 2);
        if (m == null) {
            return;
        }
        boolean changed = false;
        for (int i = 3; i < c.argc; i++) {
            int moreArgs = c.argc - 1 - i;
            String opt = c.argString(i).toLowerCase(Locale.ROOT);
            String err;
            String logged;
            if (opt.equals("rename-command") && moreArgs > 1) {
                String from = c.argString(i + 1);
                String to = c.argString(i + 2);
                err = from.isEmpty() || to.isEmpty()
                    ? "ERR Invalid argument '" + (to.isEmpty() ? to : from) + "' for SENTINEL SET '" + c.argString(i) + "'"
                    : null;
                if (err == null) {
                    SentinelConfig.rename(m, from, to);
                }
                logged = c.argString(i) + " " + from + " " + to;
                i += 2;
            } else if (moreArgs > 0 && !opt.equals("rename-command")) {
                String val = c.argString(i + 1);
                err = setOption(m, opt, val, c.argString(i));
                logged = c.argString(i) + " " + (opt.equals("auth-pass") ? "******" : val);
                i++;
            } else {
                err = "ERR Unknown option or number of arguments for SENTINEL SET '" + c.argString(i) + "'";
                logged = null;
            }
            if (err != null) {
                if (changed) {
                    s.flushConfig();
                }
                c.error(err);
                return;
            }
            changed = true;
            s.event(Sentinel.LOG_WARNING, "+set", m, "%@ " + logged);
        }
        flushConfigAndReply(c);
    }

    /** One option of SENTINEL SET (opt lower-cased, name as given for the error text); the error, or null. */
    private String setOption(Instance m, String opt, String val, String name) {
        String bad = "ERR Invalid argument '" + val + "' for SENTINEL SET '" + name + "'";
        switch (opt) {
            case "down-after-milliseconds", "failover-timeout", "master-reboot-down-after-period" -> {
                long v = parseOr(val, -1);
                if (v < 0 || v == 0 && !opt.startsWith("master-reboot")) {
                    return bad;
                }
                switch (opt) {
                    case "down-after-milliseconds" -> {
                        m.downAfterPeriod = v;
                        m.slaves.values().forEach(r -> r.downAfterPeriod = v);
                        m.sentinels.values().forEach(r -> r.downAfterPeriod = v);
                    }
                    case "failover-timeout" -> m.failoverTimeout = v;
                    default -> m.masterRebootDownAfterPeriod = v;
                }
            }
            case "parallel-syncs", "quorum" -> {
                long v = parseOr(val, -1);
                if (v <= 0 || v > Integer.MAX_VALUE) {
                    return bad;
                }
                if (opt.equals("quorum")) {
                    m.quorum = (int) v;
                } else {
                    m.parallelSyncs = (int) v;
                }
            }
            case "notification-script", "client-reconfig-script" -> {
                if (s.denyScriptsReconfig) {
                    return "ERR Reconfiguration of scripts path is denied for security reasons. Check the "
                        + "deny-scripts-reconfig configuration directive in your Sentinel configuration";
                }
                if (!val.isEmpty() && !SentinelConfig.executable(s, val)) {
                    return "ERR " + (opt.startsWith("notification") ? "Notification" : "Client reconfiguration")
                        + " script seems non existing or non executable";
                }
                String v = val.isEmpty() ? null : val;
                if (opt.startsWith("notification")) {
                    m.notificationScript = v;
                } else {
                    m.clientReconfigScript = v;
                }
            }
            case "auth-pass", "auth-user" -> {
                String v = val.isEmpty() ? null : val;
                if (opt.equals("auth-pass")) {
                    m.authPass = v;
                } else {
                    m.authUser = v;
                }
                s.resetLinks(m);
            }
            default -> {
                return "ERR Unknown option or number of arguments for SENTINEL SET '" + name + "'";
            }
        }
        return null;
    }

    private static long parseOr(String v, long dflt) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static final List<String> GLOBAL = List.of("resolve-hostnames", "announce-hostnames", "announce-ip",
        "announce-port", "sentinel-user", "sentinel-pass", "loglevel");

    private void config(Client c) {
        String sub = c.argc >= 3 ? c.argString(2).toLowerCase(Locale.ROOT) : "";
        if (sub.equals("get") && c.argc >= 4) {
            Set<String> names = new LinkedHashSet<>();
            for (int i = 3; i < c.argc; i++) {
                byte[] p = c.arg(i);
                for (String g : GLOBAL) {
                    if (io.cinnabar.server.internal.config.Glob.match(p, g.getBytes(StandardCharsets.UTF_8), true)) {
                        names.add(g);
                    }
                }
            }
            c.map(names.size());
            for (String n : names) {
                c.bulk(n);
                c.bulk(globalValue(n));
            }
            return;
        }
        if (sub.equals("set") && c.argc >= 5 && c.argc % 2 == 1) {
            for (int i = 3; i < c.argc; i += 2) {
                String n = c.argString(i).toLowerCase(Locale.ROOT);
                String v = c.argString(i + 1);
                if (!GLOBAL.contains(n)) {
                    c.error("ERR Invalid argument '" + c.argString(i) + "' to SENTINEL CONFIG SET");
                    return;
                }
                if (!validGlobal(n, v)) {
                    c.error("ERR Invalid value '" + v + "' to SENTINEL CONFIG SET '" + n + "'");
                    return;
                }
            }
            for (int i = 3; i < c.argc; i += 2) {
                setGlobal(c.argString(i).toLowerCase(Locale.ROOT), c.argString(i + 1));
            }
            flushConfigAndReply(c);
            return;
        }
        c.error("ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...]/ SET <param> <value> [<param> <value> ...] "
            + "are supported.");
    }

    private String globalValue(String n) {
        return switch (n) {
            case "resolve-hostnames" -> s.resolveHostnames ? "yes" : "no";
            case "announce-hostnames" -> s.announceHostnames ? "yes" : "no";
            case "announce-ip" -> s.announceIp == null ? "" : s.announceIp;
            case "announce-port" -> Integer.toString(s.announcePort);
            case "sentinel-user" -> s.sentinelUser == null ? "" : s.sentinelUser;
            case "sentinel-pass" -> s.sentinelPass == null ? "" : s.sentinelPass;
            default -> s.config.get("loglevel");
        };
    }

    private static boolean validGlobal(String n, String v) {
        return switch (n) {
            case "resolve-hostnames", "announce-hostnames" -> SentinelConfig.yesno(v) != null;
            case "announce-port" -> {
                long p = parseOr(v, -1);
                yield p >= 0 && p <= 65535;
            }
            case "loglevel" -> List.of("debug", "verbose", "notice", "warning", "nothing").contains(v);
            default -> true;
        };
    }

    private void setGlobal(String n, String v) {
        switch (n) {
            case "resolve-hostnames" -> s.resolveHostnames = SentinelConfig.yesno(v);
            case "announce-hostnames" -> {
                s.announceHostnames = SentinelConfig.yesno(v);
                s.masters.values().forEach(s.monitor::forceHelloUpdate);
            }
            case "announce-ip" -> s.announceIp = v.isEmpty() ? null : v;
            case "announce-port" -> s.announcePort = (int) parseOr(v, 0);
            case "sentinel-user" -> {
                s.sentinelUser = v.isEmpty() ? null : v;
                s.masters.values().forEach(m -> m.sentinels.values().forEach(si -> si.link.closeAll()));
            }
            case "sentinel-pass" -> {
                s.sentinelPass = v.isEmpty() ? null : v;
                s.masters.values().forEach(m -> m.sentinels.values().forEach(si -> si.link.closeAll()));
            }
            default -> {
                s.config.putRaw("loglevel", v);
                s.server.log.setLevel(v);
            }
        }
    }

    private void infoCache(Client c) {
        List<Instance> ms = new ArrayList<>();
        if (c.argc == 2) {
            ms.addAll(s.masters.values());
        } else {
            for (int i = 2; i < c.argc; i++) {
                Instance m = s.master(c.argString(i));
                if (m != null) {
                    ms.add(m);
                }
            }
        }
        long now = System.currentTimeMillis();
        c.array(ms.size() * 2L); // a flat list of name, entries (redis-sentinel answers an array in RESP3 too)
        for (Instance m : ms) {
            c.bulk(m.name);
            c.array(1 + m.slaves.size());
            cacheEntry(c, m, now);
            m.slaves.values().forEach(r -> cacheEntry(c, r, now));
        }
    }

    private static void cacheEntry(Client c, Instance ri, long now) {
        c.array(2);
        if (ri.info == null) {
            c.nullBulk();
            c.nullBulk();
        } else {
            c.integer(now - ri.infoRefresh);
            c.bulk(ri.info);
        }
    }

    private void simulateFailure(Client c) {
        int flags = 0;
        for (int i = 2; i < c.argc; i++) {
            String a = c.argString(i).toLowerCase(Locale.ROOT);
            switch (a) {
                case "crash-after-election" -> {
                    flags |= Sentinel.SIMFAILURE_CRASH_AFTER_ELECTION;
                    s.server.log.warning("Failure simulation: this Sentinel will crash after being successfully "
                        + "elected as failover leader");
                }
                case "crash-after-promotion" -> {
                    flags |= Sentinel.SIMFAILURE_CRASH_AFTER_PROMOTION;
                    s.server.log.warning("Failure simulation: this Sentinel will crash after promoting the selected "
                        + "replica to master");
                }
                case "help" -> {
                    c.array(2);
                    c.bulk("crash-after-election");
                    c.bulk("crash-after-promotion");
                    return;
                }
                default -> {
                    c.error("ERR Unknown failure simulation specified");
                    return;
                }
            }
        }
        s.simFailure = flags;
        c.ok();
    }

    private static final String[] DEBUG_PARAMS = {"INFO-PERIOD", "PING-PERIOD", "ASK-PERIOD", "PUBLISH-PERIOD",
        "DEFAULT-DOWN-AFTER", "DEFAULT-FAILOVER-TIMEOUT", "TILT-TRIGGER", "TILT-PERIOD", "SLAVE-RECONF-TIMEOUT",
        "MIN-LINK-RECONNECT-PERIOD", "ELECTION-TIMEOUT", "SCRIPT-MAX-RUNTIME", "SCRIPT-RETRY-DELAY"};

    private void debug(Client c) {
        if (c.argc == 2) {
            c.map(DEBUG_PARAMS.length);
            for (String p : DEBUG_PARAMS) {
                c.bulk(p);
                c.bulkLong(debugValue(p));
            }
            return;
        }
        if (c.argc % 2 != 0) {
            c.error("ERR wrong number of arguments for 'sentinel|debug' command");
            return;
        }
        for (int i = 2; i < c.argc; i += 2) {
            String p = c.argString(i).toUpperCase(Locale.ROOT);
            String v = c.argString(i + 1);
            if (!List.of(DEBUG_PARAMS).contains(p)) {
                c.error("ERR Unknown option or number of arguments for SENTINEL DEBUG '" + c.argString(i) + "'");
                return;
            }
            if (parseOr(v, 0) <= 0) {
                c.error("ERR Invalid argument '" + v + "' for SENTINEL DEBUG '" + c.argString(i) + "'");
                return;
            }
        }
        for (int i = 2; i < c.argc; i += 2) {
            setDebug(c.argString(i).toUpperCase(Locale.ROOT), Long.parseLong(c.argString(i + 1)));
        }
        c.ok();
    }

    private long debugValue(String p) {
        return switch (p) {
            case "INFO-PERIOD" -> s.infoPeriod;
            case "PING-PERIOD" -> s.pingPeriod;
            case "ASK-PERIOD" -> s.askPeriod;
            case "PUBLISH-PERIOD" -> s.publishPeriod;
            case "DEFAULT-DOWN-AFTER" -> s.defaultDownAfter;
            case "DEFAULT-FAILOVER-TIMEOUT" -> s.defaultFailoverTimeout;
            case "TILT-TRIGGER" -> s.tiltTrigger;
            case "TILT-PERIOD" -> s.tiltPeriod;
            case "SLAVE-RECONF-TIMEOUT" -> s.slaveReconfTimeout;
            case "MIN-LINK-RECONNECT-PERIOD" -> s.minLinkReconnectPeriod;
            case "ELECTION-TIMEOUT" -> s.electionTimeout;
            case "SCRIPT-MAX-RUNTIME" -> s.scriptMaxRuntime;
            default -> s.scriptRetryDelay;
        };
    }

    private void setDebug(String p, long v) {
        switch (p) {
            case "INFO-PERIOD" -> s.infoPeriod = v;
            case "PING-PERIOD" -> s.pingPeriod = v;
            case "ASK-PERIOD" -> s.askPeriod = v;
            case "PUBLISH-PERIOD" -> s.publishPeriod = v;
            case "DEFAULT-DOWN-AFTER" -> s.defaultDownAfter = v;
            case "DEFAULT-FAILOVER-TIMEOUT" -> s.defaultFailoverTimeout = v;
            case "TILT-TRIGGER" -> s.tiltTrigger = v;
            case "TILT-PERIOD" -> s.tiltPeriod = v;
            case "SLAVE-RECONF-TIMEOUT" -> s.slaveReconfTimeout = v;
            case "MIN-LINK-RECONNECT-PERIOD" -> s.minLinkReconnectPeriod = v;
            case "ELECTION-TIMEOUT" -> s.electionTimeout = v;
            case "SCRIPT-MAX-RUNTIME" -> s.scriptMaxRuntime = v;
            default -> s.scriptRetryDelay = v;
        }
    }

    // ---- INFO, ROLE, PUBLISH

    private void info(Client c) {
        Set<String> sections = new LinkedHashSet<>();
        boolean all = c.argc == 1;
        for (int i = 1; i < c.argc; i++) {
            String a = c.argString(i).toLowerCase(Locale.ROOT);
            if (a.equals("all") || a.equals("everything") || a.equals("default")) {
                all = true;
            } else {
                sections.add(a);
            }
        }
        if (all) {
            sections.addAll(INFO_SECTIONS);
        }
        Set<String> generic = new LinkedHashSet<>(sections);
        generic.retainAll(Set.of("server", "clients", "cpu", "stats"));
        StringBuilder b = new StringBuilder(infoSections.apply(generic));
        if (sections.contains("sentinel")) {
            if (b.length() > 0) {
                b.append("\r\n");
            }
            sentinelSection(b);
        }
        c.verbatim(b.toString());
    }

    private void sentinelSection(StringBuilder b) {
        long now = System.currentTimeMillis();
        b.append("# Sentinel\r\n");
        b.append("sentinel_masters:").append(s.masters.size()).append("\r\n");
        b.append("sentinel_tilt:").append(s.tilt ? 1 : 0).append("\r\n");
        b.append("sentinel_tilt_since_seconds:").append(s.tilt ? (now - s.tiltStartTime) / 1000 : -1).append("\r\n");
        b.append("sentinel_running_scripts:").append(s.scripts.running()).append("\r\n");
        b.append("sentinel_scripts_queue_length:").append(s.scripts.queued()).append("\r\n");
        b.append("sentinel_simulate_failure_flags:").append(s.simFailure).append("\r\n");
        int i = 0;
        for (Instance m : s.masters.values()) {
            String status = m.is(Instance.O_DOWN) ? "odown" : m.is(Instance.S_DOWN) ? "sdown" : "ok";
            b.append("master").append(i++).append(":name=").append(m.name).append(",status=").append(status)
                .append(",address=").append(Instance.announceName(s.announce(m), m.port)).append(",slaves=")
                .append(m.slaves.size()).append(",sentinels=").append(m.sentinels.size() + 1).append("\r\n");
        }
    }

    private void role(Client c) {
        c.array(2);
        c.bulk("sentinel");
        c.array(s.masters.size());
        s.masters.keySet().forEach(c::bulk);
    }

    private void publish(Client c) {
        if (!c.argString(1).equals(Sentinel.HELLO_CHANNEL)) {
            c.error("ERR Only HELLO messages are accepted by Sentinel instances.");
            return;
        }
        s.monitor.processHello(c.argString(2));
        c.integer(1);
    }
}
