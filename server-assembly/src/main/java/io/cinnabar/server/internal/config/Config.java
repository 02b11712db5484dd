package io.cinnabar.server.internal.config;

import io.cinnabar.sds.Numbers;
import io.cinnabar.sds.SdsArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's configuration: every option a Redis 7.2 server knows, with its type, bounds, built-in default
 * (those of a server started without a config file) and aliases, and the current values.
 * <p>
 * Values are validated with Redis's rules and error texts (yes/no, integers with memory units, enums, and the
 * special multi-argument options {@code save}, {@code bind}, {@code client-output-buffer-limit},
 * {@code notify-keyspace-events}, {@code oom-score-adj-values}, {@code latency-tracking-info-percentiles}) and kept
 * in their canonical text form, which is what {@code CONFIG GET} returns. Options the server does not act on yet
 * are still accepted and reported (the README lists which ones have an effect).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Config {
    public static final String VERSION = "7.2.4";

    public enum Type { BOOL, INT, MEMORY, ENUM, STRING, SPECIAL }

    public static final class Def {
        public final String name;
        public final Type type;
        final String dflt;
        final long min;
        final long max;
        final String[] values;
        public final boolean immutable;
        public final boolean protectedConfig;
        final boolean percent;
        Def alias; // the other name of the same option, if any

        Def(String name, Type type, String dflt, long min, long max, String[] values, boolean immutable,
            boolean protectedConfig, boolean percent) {
            this.name = name;
            this.type = type;
            this.dflt = dflt;
            this.min = min;
            this.max = max;
            this.values = values;
            this.immutable = immutable;
            this.protectedConfig = protectedConfig;
            this.percent = percent;
        }
    }

    private static boolean isLegacy(String n) {
        return n.contains("slave") || n.contains("ziplist") || n.equals("lua-time-limit");
    }

    private static final long LL = Long.MAX_VALUE;
    private static final long UINT = 4294967295L;
    private static final long INT = Integer.MAX_VALUE;

    /*
     * One option per line: type name default [min max | values] [flags]. Types: b bool, i integer, m memory,
     * e enum (comma separated), s string, x special. Flags: imm (immutable), prot (protected), pct (percent allowed),
     * alias=NAME.
     */
    private static final String TABLE = """
        e acl-pubsub-default resetchannels allchannels,resetchannels
        s aclfile "" imm
        i acllog-max-len 128 0 LL
        i active-defrag-cycle-max 25 1 99
        i active-defrag-cycle-min 1 1 99
        m active-defrag-ignore-bytes 104857600 1 LL
        i active-defrag-max-scan-fields 1000 1 LL
        i active-defrag-threshold-lower 10 0 1000
        i active-defrag-threshold-upper 100 0 1000
        i active-expire-effort 1 1 10
        b activedefrag no
        b activerehashing yes
        b always-show-logo no imm
        b aof-disable-auto-gc no
        b aof-load-truncated yes
        b aof-rewrite-incremental-fsync yes
        b aof-timestamp-enabled no
        b aof-use-rdb-preamble yes
        s aof_rewrite_cpulist "" imm
        s appenddirname appendonlydir imm
        s appendfilename appendonly.aof imm
        e appendfsync everysec everysec,always,no
        b appendonly no
        m auto-aof-rewrite-min-size 67108864 0 LL
        i auto-aof-rewrite-percentage 100 0 INT
        s bgsave_cpulist "" imm
        x bind "* -::*"
        s bind-source-addr ""
        s bio_cpulist "" imm
        i busy-reply-threshold 5000 0 LL alias=lua-time-limit
        x client-output-buffer-limit "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        m client-query-buffer-limit 1073741824 1048576 LL
        b cluster-allow-pubsubshard-when-down yes
        b cluster-allow-reads-when-down no
        b cluster-allow-replica-migration yes
        i cluster-announce-bus-port 0 0 65535
        s cluster-announce-hostname ""
        s cluster-announce-human-nodename ""
        s cluster-announce-ip ""
        i cluster-announce-port 0 0 65535
        i cluster-announce-tls-port 0 0 65535
        s cluster-config-file nodes.conf imm
        b cluster-enabled no imm
        m cluster-link-sendbuf-limit 0 0 LL
        i cluster-migration-barrier 1 0 INT
        i cluster-node-timeout 15000 0 LL
        i cluster-port 0 0 65535 imm
        e cluster-preferred-endpoint-type ip ip,hostname,unknown-endpoint
        b cluster-replica-no-failover no alias=cluster-slave-no-failover
        i cluster-replica-validity-factor 10 0 INT alias=cluster-slave-validity-factor
        b cluster-require-full-coverage yes
        b crash-log-enabled yes
        b crash-memcheck-enabled yes
        b daemonize no imm
        i databases 16 1 INT imm
        s dbfilename dump.rdb prot
        x dir . prot
        b disable-thp yes imm
        b dynamic-hz yes
        e enable-debug-command no no,yes,local imm
        e enable-module-command no no,yes,local imm
        e enable-protected-configs no no,yes,local imm
        i hash-max-listpack-entries 512 0 LL alias=hash-max-ziplist-entries
        i hash-max-listpack-value 64 0 LL alias=hash-max-ziplist-value
        m hll-sparse-max-bytes 3000 0 LL
        i hz 10 0 INT
        s ignore-warnings ""
        i io-threads 1 1 128 imm
        b io-threads-do-reads no imm
        b jemalloc-bg-thread yes
        i key-load-delay 0 -2147483648 INT
        i latency-monitor-threshold 0 0 LL
        b latency-tracking yes
        x latency-tracking-info-percentiles "50 99 99.9"
        b lazyfree-lazy-eviction no
        b lazyfree-lazy-expire no
        b lazyfree-lazy-server-del no
        b lazyfree-lazy-user-del no
        b lazyfree-lazy-user-flush no
        i lfu-decay-time 1 0 INT
        i lfu-log-factor 10 0 INT
        i list-compress-depth 0 0 INT
        i list-max-listpack-size -2 -2147483648 INT alias=list-max-ziplist-size
        i loading-process-events-interval-bytes 2097152 1024 INT
        s locale-collate ""
        s logfile "" imm
        e loglevel notice debug,verbose,notice,warning,nothing
        s masterauth ""
        s masteruser ""
        i maxclients 10000 1 UINT
        m maxmemory 0 0 LL
        m maxmemory-clients 0 0 LL pct
        i maxmemory-eviction-tenacity 10 0 100
        e maxmemory-policy noeviction volatile-lru,volatile-lfu,volatile-random,volatile-ttl,allkeys-lru,allkeys-lfu,allkeys-random,noeviction
        i maxmemory-samples 5 1 64
        i min-replicas-max-lag 10 0 INT alias=min-slaves-max-lag
        i min-replicas-to-write 0 0 INT alias=min-slaves-to-write
        b no-appendfsync-on-rewrite no
        e oom-score-adj no no,yes,relative,absolute
        x oom-score-adj-values "0 200 800"
        s pidfile "" imm
        i port 6379 0 65535
        s proc-title-template "{title} {listen-addr} {server-mode}"
        e propagation-error-behavior ignore ignore,panic,panic-on-replicas
        b protected-mode yes
        m proto-max-bulk-len 536870912 1048576 LL
        b rdb-del-sync-files no
        b rdb-save-incremental-fsync yes
        b rdbchecksum yes imm
        b rdbcompression yes
        i rdb-key-save-delay 0 -2147483648 INT
        i cinnabar-rdb-version 11 10 11
        b cinnabar-jit-warmup no imm
        m repl-backlog-size 1048576 1 LL
        i repl-backlog-ttl 3600 0 LL
        b repl-disable-tcp-nodelay no
        e repl-diskless-load disabled disabled,on-empty-db,swapdb
        b repl-diskless-sync yes
        i repl-diskless-sync-delay 5 0 INT
        i repl-diskless-sync-max-replicas 0 0 INT
        i repl-ping-replica-period 10 1 INT alias=repl-ping-slave-period
        i repl-timeout 60 1 INT
        s replica-announce-ip "" alias=slave-announce-ip
        i replica-announce-port 0 0 65535 alias=slave-announce-port
        b replica-announced yes
        b replica-ignore-disk-write-errors no
        b replica-ignore-maxmemory yes alias=slave-ignore-maxmemory
        b replica-lazy-flush no alias=slave-lazy-flush
        i replica-priority 100 0 INT alias=slave-priority
        b replica-read-only yes alias=slave-read-only
        b replica-serve-stale-data yes alias=slave-serve-stale-data
        x replicaof "" alias=slaveof
        s requirepass ""
        e sanitize-dump-payload no no,yes,clients
        x save "3600 1 300 100 60 10000"
        s server_cpulist "" imm
        i set-max-intset-entries 512 0 LL
        i set-max-listpack-entries 128 0 LL
        i set-max-listpack-value 64 0 LL
        b set-proc-title yes imm
        x shutdown-on-sigint default
        x shutdown-on-sigterm default
        i shutdown-timeout 10 0 INT
        i slowlog-log-slower-than 10000 -1 LL
        i slowlog-max-len 128 0 LL
        i socket-mark-id 0 0 UINT
        b stop-writes-on-bgsave-error yes
        m stream-node-max-bytes 4096 0 LL
        i stream-node-max-entries 100 0 LL
        e supervised no upstart,systemd,auto,no imm
        b syslog-enabled no imm
        e syslog-facility local0 user,local0,local1,local2,local3,local4,local5,local6,local7 imm
        s syslog-ident redis imm
        i tcp-backlog 511 0 INT imm
        i tcp-keepalive 300 0 INT
        i timeout 0 0 LL
        e tls-auth-clients yes no,yes,optional
        s tls-ca-cert-dir ""
        s tls-ca-cert-file ""
        s tls-cert-file ""
        s tls-ciphers ""
        s tls-ciphersuites ""
        s tls-client-cert-file ""
        s tls-client-key-file ""
        s tls-client-key-file-pass ""
        b tls-cluster no
        s tls-dh-params-file ""
        s tls-key-file ""
        s tls-key-file-pass ""
        i tls-port 0 0 65535
        b tls-prefer-server-ciphers no
        s tls-protocols ""
        b tls-replication no
        i tls-session-cache-size 20480 0 INT
        i tls-session-cache-timeout 300 0 LL
        b tls-session-caching yes
        i tracking-table-max-keys 1000000 0 LL
        s unixsocket "" imm
        x unixsocketperm 0
        b use-exit-on-panic no
        i watchdog-period 0 0 INT
        i zset-max-listpack-entries 128 0 LL alias=zset-max-ziplist-entries
        i zset-max-listpack-value 64 0 LL alias=zset-max-ziplist-value
        x notify-keyspace-events ""
        """;

    /** All names, aliases included, in table order. */
    static final Map<String, Def> DEFS = new LinkedHashMap<>();

    static {
        for (String line : TABLE.split("\n")) {
            List<String> t = SdsArgs.split(line);
            if (t == null || t.isEmpty()) {
                continue;
            }
            Type type = switch (t.get(0)) {
                case "b" -> Type.BOOL;
                case "i" -> Type.INT;
                case "m" -> Type.MEMORY;
                case "e" -> Type.ENUM;
                case "s" -> Type.STRING;
                default -> Type.SPECIAL;
            };
            String name = t.get(1);
            String dflt = t.get(2);
            int k = 3;
            long min = 0;
            long max = 0;
            String[] values = null;
            if (type == Type.INT || type == Type.MEMORY) {
                min = bound(t.get(k++));
                max = bound(t.get(k++));
            } else if (type == Type.ENUM) {
                values = t.get(k++).split(",");
            }
            boolean imm = false;
            boolean prot = false;
            boolean pct = false;
            String alias = null;
            for (; k < t.size(); k++) {
                String f = t.get(k);
                if (f.equals("imm")) {
                    imm = true;
                } else if (f.equals("prot")) {
                    prot = true;
                } else if (f.equals("pct")) {
                    pct = true;
                } else if (f.startsWith("alias=")) {
                    alias = f.substring(6);
                }
            }
            Def d = new Def(name, type, dflt, min, max, values, imm, prot, pct);
            DEFS.put(name, d);
            if (alias != null) {
                Def a = new Def(alias, type, dflt, min, max, values, imm, prot, pct);
                a.alias = d;
                d.alias = a;
                DEFS.put(alias, a);
            }
        }
    }

    private static long bound(String s) {
        return switch (s) {
            case "LL" -> LL;
            case "UINT" -> UINT;
            case "INT" -> INT;
            default -> Long.parseLong(s);
        };
    }

    /** Current values by primary name (an alias reads and writes its primary). */
    private final Map<String, String> values = new HashMap<>();
    /** A {@code user <name> <rules...>} line of the configuration: loaded by the ACL code at startup. */
    public record UserLine(int line, String text, List<String> args) {
    }

    /** The {@code user} lines, in order. */
    public final List<UserLine> userLines = new ArrayList<>();
    /**
     * The {@code rename-command <name> <new-name>} lines, in order (args: the two names; an empty new name removes
     * the command): applied to the command table once every command is registered.
     */
    public final List<UserLine> renameLines = new ArrayList<>();
    /**
     * The {@code sentinel ...} lines of the file, in order, kept for the sentinel code, which parses them once the
     * whole file is read (as Redis queues them); their presence puts the launcher in sentinel mode.
     */
    public final List<UserLine> sentinelLines = new ArrayList<>();
    /** Sentinel mode: {@code --sentinel} on the command line, or sentinel lines in the file. */
    public boolean sentinelMode;
    /** The config file given at startup, absolute, or null. */
    public Path configFile;
    /** The "save" option was set by the config text once (later lines append). */
    private boolean saveSeen;

    public Config() {
        for (Def d : DEFS.values()) {
            if (primary(d) == d) {
                values.put(d.name, d.dflt);
            }
        }
        values.put("dir", Path.of("").toAbsolutePath().toString());
    }

    public static Def primary(Def d) {
        if (d.alias != null && isLegacy(d.name)) {
            return d.alias;
        }
        return d;
    }

    public static Def lookup(String name) {
        return DEFS.get(name.toLowerCase(Locale.ROOT));
    }

    public static String versionString() {
        return VERSION;
    }

    public String get(String name) {
        Def d = lookup(name);
        return d == null ? null : values.get(primary(d).name);
    }

    public long getLong(String name) {
        String v = get(name);
        return switch (v) {
            case "yes" -> 1;
            case "no" -> 0;
            default -> Long.parseLong(v);
        };
    }

    public boolean getBool(String name) {
        return "yes".equals(get(name));
    }

    /** Parses and stores a value given as arguments (config file, command line or CONFIG SET). */
    public void set(Def d, List<String> args, boolean fromFile) throws ConfigException {
        String v = normalize(d, args, fromFile);
        values.put(primary(d).name, v);
        if (primary(d).name.equals("notify-keyspace-events")) {
            notifyFlags = Notify.parse(args.get(0)); // the text drops 'n' next to 'A' (as Redis prints it)
        }
    }

    /** The notify-keyspace-events classes as last set ('n' included, which the canonical text may not show). */
    private int notifyFlags;

    public int notifyFlags() {
        return notifyFlags;
    }

    /** Validates args for d and returns the canonical text, without storing it. */
    String normalize(Def d, List<String> args, boolean fromFile) throws ConfigException {
        if (d.type != Type.SPECIAL && args.size() != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        String a = args.isEmpty() ? "" : args.get(0);
        switch (d.type) {
            case BOOL:
                String l = a.toLowerCase(Locale.ROOT);
                if (!l.equals("yes") && !l.equals("no")) {
                    throw new ConfigException("argument must be 'yes' or 'no'");
                }
                return l;
            case ENUM:
                for (String e : d.values) {
                    if (e.equalsIgnoreCase(a)) {
                        return e;
                    }
                }
                throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", d.values));
            case STRING:
                return a;
            case INT:
            case MEMORY:
                return numeric(d, a);
            default:
                return special(d, args, fromFile);
        }
    }

    private static String numeric(Def d, String a) throws ConfigException {
        long v;
        if (d.type == Type.MEMORY) {
            if (d.percent && a.endsWith("%")) {
                long p = parseLongStrict(a.substring(0, a.length() - 1));
                if (p == Long.MIN_VALUE || p < 0) {
                    throw new ConfigException("argument must be a memory or percent value");
                }
                if (p > 100) { // Redis's only percent config (maxmemory-clients) has the lower bound -100
                    throw new ConfigException("percentage argument must be less or equal to 100");
                }
                return p + "%";
            }
            v = memtoll(a);
            if (v < 0) {
                throw new ConfigException(d.percent ? "argument must be a memory or percent value"
                    : "argument must be a memory value");
            }
        } else {
            v = parseLongStrict(a);
            if (v == Long.MIN_VALUE && !a.equals("-9223372036854775808")) {
                throw new ConfigException("argument couldn't be parsed into an integer");
            }
        }
        if (v < d.min || v > d.max) {
            throw new ConfigException("argument must be between " + d.min + " and " + d.max + " inclusive");
        }
        return Long.toString(v);
    }

    static long parseLongStrict(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        long[] out = new long[1];
        return Numbers.string2ll(b, 0, b.length, out) ? out[0] : Long.MIN_VALUE;
    }

    /** Redis's memtoull: a number with an optional unit b, k, kb, m, mb, g, gb; -1 when invalid. */
    public static long memtoll(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        long mul = 1;
        String num = l;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"},
            {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] u : units) {
            if (l.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                num = l.substring(0, l.length() - u[0].length());
                break;
            }
        }
        if (num.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < num.length(); i++) {
            if (!Character.isDigit(num.charAt(i))) {
                return -1;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(num), mul);
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
    }

    private String special(Def d, List<String> args, boolean fromFile) throws ConfigException {
        Def p = primary(d);
        switch (p.name) {
            case "save":
                return save(args, fromFile);
            case "bind":
                if (args.size() > 16) {
                    throw new ConfigException("Too many bind addresses specified.");
                }
                return String.join(" ", args);
            case "dir":
                return dir(args);
            case "client-output-buffer-limit":
                return clientOutputBufferLimit(args);
            case "notify-keyspace-events":
                one(args);
                return Notify.normalize(args.get(0));
            case "oom-score-adj-values":
                return oomScoreAdjValues(args);
            case "latency-tracking-info-percentiles":
                return percentiles(args);
            case "replicaof":
                if (args.size() == 2 && args.get(0).equalsIgnoreCase("no") && args.get(1).equalsIgnoreCase("one")) {
                    return "";
                }
                if (args.size() != 2) {
                    throw new ConfigException("wrong number of arguments");
                }
                try {
                    long port = Long.parseLong(args.get(1));
                    if (port < 0 || port > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new ConfigException("Invalid master port");
                }
                return args.get(0) + " " + args.get(1);
            case "unixsocketperm":
                one(args);
                try {
                    long v = Long.parseLong(args.get(0), 8);
                    if (v < 0 || v > 0777) {
                        throw new NumberFormatException();
                    }
                    return Long.toOctalString(v);
                } catch (NumberFormatException e) {
                    throw new ConfigException("Invalid socket file permissions");
                }
            case "shutdown-on-sigint":
            case "shutdown-on-sigterm":
                return shutdownFlags(args);
            default:
                throw new ConfigException("Bad directive or wrong number of arguments");
        }
    }

    private static void one(List<String> args) throws ConfigException {
        if (args.size() != 1) {
            throw new ConfigException("wrong number of arguments");
        }
    }

    private String save(List<String> args, boolean fromFile) throws ConfigException {
        List<String> parts = new ArrayList<>();
        for (String a : args) {
            for (String t : a.trim().split("\\s+")) {
                if (!t.isEmpty()) {
                    parts.add(t);
                }
            }
        }
        if (parts.size() % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        for (String t : parts) {
            long v = parseLongStrict(t);
            if (v < 0 && !t.equals("0")) {
                throw new ConfigException("Invalid save parameters");
            }
        }
        String joined = String.join(" ", parts);
        if (fromFile && saveSeen && !joined.isEmpty()) {
            String cur = values.get("save");
            return cur.isEmpty() ? joined : cur + " " + joined;
        }
        if (fromFile) {
            saveSeen = true;
        }
        return joined;
    }

    private String dir(List<String> args) throws ConfigException {
        one(args);
        Path p = Path.of(values.get("dir")).resolve(args.get(0)).normalize();
        if (!Files.isDirectory(p)) {
            throw new ConfigException("No such file or directory");
        }
        return p.toAbsolutePath().toString();
    }

    private String clientOutputBufferLimit(List<String> args) throws ConfigException {
        List<String> t = new ArrayList<>();
        for (String a : args) {
            for (String s : a.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    t.add(s);
                }
            }
        }
        if (t.size() % 4 != 0 || t.isEmpty()) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        String[] cls = {"normal", "slave", "pubsub"};
        String[] now = values.get("client-output-buffer-limit").split(" ");
        String[] cur = new String[3];
        for (int i = 0; i < 3; i++) {
            cur[i] = String.join(" ", java.util.Arrays.copyOfRange(now, i * 4, i * 4 + 4));
        }
        for (int i = 0; i < t.size(); i += 4) {
            String c = t.get(i).toLowerCase(Locale.ROOT);
            if (c.equals("replica")) {
                c = "slave";
            }
            int idx = java.util.Arrays.asList(cls).indexOf(c);
            if (idx < 0) {
                throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
            long hard = memtoll(t.get(i + 1));
            long soft = memtoll(t.get(i + 2));
            long secs = parseLongStrict(t.get(i + 3));
            if (hard < 0 || soft < 0 || secs < 0 && !t.get(i + 3).equals("0")) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            cur[idx] = c + " " + hard + " " + soft + " " + secs;
        }
        return String.join(" ", cur);
    }

    private static String oomScoreAdjValues(List<String> args) throws ConfigException {
        List<String> t = new ArrayList<>();
        for (String a : args) {
            for (String s : a.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    t.add(s);
                }
            }
        }
        if (t.size() != 3) {
            throw new ConfigException("wrong number of arguments");
        }
        for (String s : t) {
            long v = parseLongStrict(s);
            if ((v == Long.MIN_VALUE) || v < -2000 || v > 2000) {
                throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
        }
        return String.join(" ", t);
    }

    /**
     * latency-tracking-info-percentiles: as Redis's multi-argument options, one argument (CONFIG SET's value, or a
     * single config-file argument) is split at every single space (so an empty token between two spaces is an
     * error); each number is read with string2d (sds's strtod) and kept as C's "%f" without trailing zeros.
     */
    private static String percentiles(List<String> args) throws ConfigException {
        List<String> tokens = args;
        if (args.size() == 1) {
            tokens = args.get(0).isEmpty() ? List.of() : List.of(args.get(0).split(" ", -1));
        }
        List<String> out = new ArrayList<>();
        for (String s : tokens) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            double v = io.cinnabar.sds.Numbers.parseDouble(b, 0, b.length);
            if (Double.isNaN(v)) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (v < 0 || v > 100) {
                throw new ConfigException(
                    "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            out.add(percentText(v));
        }
        return String.join(" ", out);
    }

    /** C's "%f" of a percentile with the trailing zeros (and a trailing point) removed, as Redis prints it. */
    public static String percentText(double v) {
        String s = new java.math.BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
        if (v == 0 && 1 / v < 0) {
            s = "-" + s;
        }
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /**
     * shutdown-on-sigint/sigterm: Redis's flag enum, shown as the set of flags in the enum's order (save, nosave,
     * now, force), or "default" when none is set.
     */
    private static String shutdownFlags(List<String> args) throws ConfigException {
        List<String> order = List.of("save", "nosave", "now", "force");
        boolean[] set = new boolean[order.size()];
        boolean any = false;
        for (String a : args) {
            for (String s : a.trim().split("\\s+")) {
                String l = s.toLowerCase(Locale.ROOT);
                if (!l.equals("default") && !order.contains(l)) {
                    throw new ConfigException("argument(s) must be one of the following: default, save, nosave, now, force");
                }
                any = true;
                if (!l.equals("default")) {
                    set[order.indexOf(l)] = true;
                }
            }
        }
        if (!any) {
            throw new ConfigException("argument(s) must be one of the following: default, save, nosave, now, force");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < set.length; i++) {
            if (set[i]) {
                out.add(order.get(i));
            }
        }
        return out.isEmpty() ? "default" : String.join(" ", out);
    }

    /**
     * Redis's HIDDEN_CONFIG options (test-only): CONFIG GET shows them when asked by exact name, never by a pattern.
     * Cinnabar's {@code cinnabar-jit-warmup} is hidden too: a launcher setting with no meaning to a Redis client.
     */
    private static final java.util.Set<String> HIDDEN = java.util.Set.of("use-exit-on-panic", "rdb-key-save-delay",
        "key-load-delay", "watchdog-period", "loading-process-events-interval-bytes", "cinnabar-jit-warmup");

    /**
     * All option names (aliases included) matching a glob, with their values, deduplicated by name; a hidden option
     * only when the pattern is its exact name.
     */
    public Map<String, String> getMatching(String pattern, Map<String, String> into) {
        byte[] p = pattern.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean glob = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
        for (Def d : DEFS.values()) {
            if (glob && HIDDEN.contains(primary(d).name)) {
                continue;
            }
            if (Glob.match(p, d.name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), true)) {
                into.put(d.name, values.get(primary(d).name));
            }
        }
        return into;
    }

    /** Snapshot of current values (for CONFIG SET rollback). */
    public Map<String, String> snapshot() {
        return new HashMap<>(values);
    }

    public void restore(Map<String, String> snap) {
        values.clear();
        values.putAll(snap);
    }

    /** Sets a primary option value directly (internal use: e.g. the actual port after binding port 0). */
    public void putRaw(String name, String v) {
        values.put(primary(lookup(name)).name, v);
    }
}
