package io.cinnabar.server.internal.sentinel;

import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code sentinel ...} lines of the configuration file (Redis's sentinelHandleConfiguration and
 * rewriteConfigSentinelOption): parsed once the whole file is read, with Redis's error texts, and written back
 * with the state (myid, epochs, known replicas and sentinels) on every change, so a restarted sentinel resumes
 * where it stopped.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class SentinelConfig {
    private SentinelConfig() {
    }

    /** The options applied before any {@code monitor} line (Redis's preMonitorCfgName). */
    private static final java.util.Set<String> PRE_MONITOR = java.util.Set.of("announce-ip", "announce-port",
        "deny-scripts-reconfig", "sentinel-user", "sentinel-pass", "current-epoch", "myid", "resolve-hostnames",
        "announce-hostnames");

    /**
     * Applies the file's sentinel lines as Redis's loadSentinelConfigFromQueue does: first the global options
     * ({@link #PRE_MONITOR}), then the {@code monitor} lines, then the rest (per-master options may come before
     * their master's {@code monitor} line in the file), each group in file order; the first bad line stops with
     * Redis's fatal error text.
     */
    public static void load(Sentinel s, Config config) throws ConfigFile.FatalConfigError {
        for (int phase = 0; phase < 3; phase++) {
            for (Config.UserLine l : config.sentinelLines) {
                if (phaseOf(l.args().get(0)) != phase) {
                    continue;
                }
                String err = apply(s, l.args());
                if (err != null) {
                    throw ConfigFile.fatal(l.line(), l.text(), err);
                }
            }
        }
    }

    private static int phaseOf(String option) {
        String o = option.toLowerCase(Locale.ROOT);
        return o.equals("monitor") ? 1 : PRE_MONITOR.contains(o) ? 0 : 2;
    }

    /** One sentinel line without its "sentinel" word; the error text, or null. */
    static String apply(Sentinel s, List<String> a) {
        int argc = a.size() + 1; // as Redis counts, "sentinel" included
        String op = a.get(0).toLowerCase(Locale.ROOT);
        String[] err = new String[1];
        switch (op) {
            case "monitor" -> {
                if (argc != 6) {
                    break;
                }
                long quorum = atoi(a.get(4));
                if (quorum <= 0) {
                    return "Quorum must be 1 or greater.";
                }
                String bad = s.checkAddress(a.get(2), atoi(a.get(3)));
                if (bad != null) {
                    return bad.startsWith("ERR Invalid port") ? "Invalid port number" : "Can't resolve instance hostname.";
                }
                if (s.create(a.get(1), Instance.MASTER, a.get(2), (int) atoi(a.get(3)), (int) quorum, null, err) == null) {
                    return "Duplicated master name.";
                }
                return null;
            }
            case "down-after-milliseconds", "failover-timeout" -> {
                if (argc != 4) {
                    break;
                }
                Instance ri = s.master(a.get(1));
                if (ri == null) {
                    return "No such master with specified name.";
                }
                long v = atoi(a.get(2));
                if (v <= 0) {
                    return "negative or zero time parameter.";
                }
                if (op.equals("failover-timeout")) {
                    ri.failoverTimeout = v;
                } else {
                    ri.downAfterPeriod = v;
                    ri.slaves.values().forEach(r -> r.downAfterPeriod = v);
                    ri.sentinels.values().forEach(r -> r.downAfterPeriod = v);
                }
                return null;
            }
            case "parallel-syncs", "notification-script", "client-reconfig-script", "auth-pass", "auth-user",
                 "config-epoch", "leader-epoch", "master-reboot-down-after-period" -> {
                if (argc != 4) {
                    break;
                }
                Instance ri = s.master(a.get(1));
                if (ri == null) {
                    return "No such master with specified name.";
                }
                return masterOption(s, ri, op, a.get(2));
            }
            case "known-slave", "known-replica" -> {
                if (argc != 5) {
                    break;
                }
                Instance ri = s.master(a.get(1));
                if (ri == null) {
                    return "No such master with specified name.";
                }
                if (s.checkAddress(a.get(2), atoi(a.get(3))) != null
                        || s.create(null, Instance.SLAVE, a.get(2), (int) atoi(a.get(3)), ri.quorum, ri, err) == null) {
                    return "Wrong hostname or port for replica.";
                }
                return null;
            }
            case "known-sentinel" -> {
                if (argc != 5 && argc != 6) {
                    break;
                }
                Instance ri = s.master(a.get(1));
                if (ri == null) {
                    return "No such master with specified name.";
                }
                Instance si = s.checkAddress(a.get(2), atoi(a.get(3))) != null ? null
                    : s.create(argc == 6 ? a.get(4) : null, Instance.SENTINEL, a.get(2), (int) atoi(a.get(3)),
                        ri.quorum, ri, err);
                if (si == null) {
                    return "Wrong hostname or port for sentinel.";
                }
                if (argc == 6) {
                    si.runid = a.get(4);
                }
                return null;
            }
            case "rename-command" -> {
                if (argc != 5) {
                    break;
                }
                Instance ri = s.master(a.get(1));
                if (ri == null) {
                    return "No such master with specified name.";
                }
                rename(ri, a.get(2), a.get(3));
                return null;
            }
            case "current-epoch" -> {
                if (argc != 3) {
                    break;
                }
                long e = atoi(a.get(1));
                if (e > s.currentEpoch) {
                    s.currentEpoch = e;
                }
                return null;
            }
            case "myid" -> {
                if (argc != 3) {
                    break;
                }
                if (a.get(1).length() != 40) {
                    return "Malformed Sentinel id in myid option.";
                }
                s.myid = a.get(1);
                return null;
            }
            case "announce-ip" -> {
                if (argc != 3) {
                    break;
                }
                s.announceIp = a.get(1).isEmpty() ? null : a.get(1);
                return null;
            }
            case "announce-port" -> {
                if (argc != 3) {
                    break;
                }
                s.announcePort = (int) atoi(a.get(1));
                return null;
            }
            case "deny-scripts-reconfig", "resolve-hostnames", "announce-hostnames" -> {
                if (argc != 3) {
                    break;
                }
                Boolean v = yesno(a.get(1));
                if (v == null) {
                    return "Please specify yes or no for the " + op + (op.startsWith("deny") ? " options." : " option.");
                }
                switch (op) {
                    case "deny-scripts-reconfig" -> s.denyScriptsReconfig = v;
                    case "resolve-hostnames" -> s.resolveHostnames = v;
                    default -> s.announceHostnames = v;
                }
                return null;
            }
            case "sentinel-user", "sentinel-pass" -> {
                if (argc != 3) {
                    break;
                }
                String v = a.get(1).isEmpty() ? null : a.get(1);
                if (op.equals("sentinel-user")) {
                    s.sentinelUser = v;
                } else {
                    s.sentinelPass = v;
                }
                return null;
            }
            default -> {
            }
        }
        return "Unrecognized sentinel configuration statement.";
    }

    private static String masterOption(Sentinel s, Instance ri, String op, String v) {
        switch (op) {
            case "parallel-syncs" -> ri.parallelSyncs = (int) atoi(v);
            case "notification-script", "client-reconfig-script" -> {
                if (!executable(s, v)) {
                    return op.startsWith("notification") ? "Notification script seems non existing or non executable."
                        : "Client reconfiguration script seems non existing or non executable.";
                }
                if (op.startsWith("notification")) {
                    ri.notificationScript = v;
                } else {
                    ri.clientReconfigScript = v;
                }
            }
            case "auth-pass" -> ri.authPass = v;
            case "auth-user" -> ri.authUser = v;
            case "config-epoch" -> {
                ri.configEpoch = parseEpoch(v);
                if (ri.configEpoch > s.currentEpoch) {
                    s.currentEpoch = ri.configEpoch;
                }
            }
            case "leader-epoch" -> ri.leaderEpoch = parseEpoch(v);
            default -> {
                long p = atoi(v);
                if (p < 0) {
                    return "negative time parameter.";
                }
                ri.masterRebootDownAfterPeriod = p;
                ri.slaves.values().forEach(r -> r.masterRebootDownAfterPeriod = p);
            }
        }
        return null;
    }

    static void rename(Instance ri, String cmd, String renamed) {
        String k = cmd.toLowerCase(Locale.ROOT);
        if (k.equals(renamed.toLowerCase(Locale.ROOT))) {
            ri.renamedCommands.remove(k);
        } else {
            ri.renamedCommands.remove(k); // the file keeps the name as last given (Redis deletes, then adds)
            ri.renamedCommands.put(k, new String[] {cmd, renamed});
        }
    }

    /**
     * Whether the script exists and is executable; a relative path is taken from the {@code dir} directory, as
     * redis-sentinel (which chdir()s there at startup) sees it.
     */
    static boolean executable(Sentinel s, String path) {
        Path p = s.workingDir().resolve(path);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    static Boolean yesno(String v) {
        return v.equalsIgnoreCase("yes") ? Boolean.TRUE : v.equalsIgnoreCase("no") ? Boolean.FALSE : null;
    }

    /** C's atoi: leading blanks, a sign, digits; 0 when none. */
    static long atoi(String v) {
        int i = 0;
        int n = v.length();
        while (i < n && Character.isWhitespace(v.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
            neg = v.charAt(i) == '-';
            i++;
        }
        long r = 0;
        while (i < n && Character.isDigit(v.charAt(i)) && r < Integer.MAX_VALUE) {
            r = r * 10 + (v.charAt(i) - '0');
            i++;
        }
        return neg ? -r : r;
    }

    private static long parseEpoch(String v) {
        try {
            return Long.parseUnsignedLong(v.strip());
        } catch (NumberFormatException e) {
            return Math.max(0, atoi(v));
        }
    }

    // ---- rewrite

    /** The sentinel lines of the rewritten file, in Redis 7's order. */
    static List<String> lines(Sentinel s) {
        List<String> out = new ArrayList<>();
        out.add("sentinel myid " + s.myid);
        if (!s.denyScriptsReconfig) {
            out.add("sentinel deny-scripts-reconfig no");
        }
        if (s.resolveHostnames) {
            out.add("sentinel resolve-hostnames yes");
        }
        if (s.announceHostnames) {
            out.add("sentinel announce-hostnames yes");
        }
        for (Instance m : s.masters.values()) {
            Instance addr = Sentinel.currentMasterAddress(m);
            out.add("sentinel monitor " + m.name + " " + s.announce(addr) + " " + addr.port + " " + m.quorum);
            if (m.downAfterPeriod != s.defaultDownAfter) {
                out.add("sentinel down-after-milliseconds " + m.name + " " + m.downAfterPeriod);
            }
            if (m.failoverTimeout != s.defaultFailoverTimeout) {
                out.add("sentinel failover-timeout " + m.name + " " + m.failoverTimeout);
            }
            if (m.parallelSyncs != 1) {
                out.add("sentinel parallel-syncs " + m.name + " " + m.parallelSyncs);
            }
            if (m.notificationScript != null) {
                out.add("sentinel notification-script " + m.name + " " + m.notificationScript);
            }
            if (m.clientReconfigScript != null) {
                out.add("sentinel client-reconfig-script " + m.name + " " + m.clientReconfigScript);
            }
            if (m.authPass != null) {
                out.add("sentinel auth-pass " + m.name + " " + m.authPass);
            }
            if (m.authUser != null) {
                out.add("sentinel auth-user " + m.name + " " + m.authUser);
            }
            if (m.masterRebootDownAfterPeriod != 0) {
                out.add("sentinel master-reboot-down-after-period " + m.name + " " + m.masterRebootDownAfterPeriod);
            }
            out.add("sentinel config-epoch " + m.name + " " + Long.toUnsignedString(m.configEpoch));
            out.add("sentinel leader-epoch " + m.name + " " + Long.toUnsignedString(m.leaderEpoch));
            for (Instance r : m.slaves.values()) {
                if (r.sameAddress(addr.host, addr.port)) {
                    continue;
                }
                out.add("sentinel known-replica " + m.name + " " + s.announce(r) + " " + r.port);
            }
            for (Instance si : m.sentinels.values()) {
                if (si.runid != null) {
                    out.add("sentinel known-sentinel " + m.name + " " + s.announce(si) + " " + si.port + " "
                        + si.runid);
                }
            }
            m.renamedCommands.values().forEach(v -> out.add("sentinel rename-command " + m.name + " " + v[0] + " "
                + v[1]));
        }
        out.add("sentinel current-epoch " + Long.toUnsignedString(s.currentEpoch));
        if (s.announceIp != null) {
            out.add("sentinel announce-ip " + s.announceIp);
        }
        if (s.announcePort != 0) {
            out.add("sentinel announce-port " + s.announcePort);
        }
        if (s.sentinelUser != null) {
            out.add("sentinel sentinel-user " + s.sentinelUser);
        }
        if (s.sentinelPass != null) {
            out.add("sentinel sentinel-pass " + s.sentinelPass);
        }
        return out;
    }
}
