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
        /** Redis's unsigned numeric types (unsigned int/long/long long, size_t): bounds compared as unsigned. */
        final boolean unsigned;
        Def alias; // the other name of the same option, if any

        Def(String name, Type type, String dflt, long min, long max, String[] values, boolean immutable,
            boolean protectedConfig, boolean percent, boolean unsigned) {
            this.name = name;
            this.type = type;
            this.dflt = dflt;
            this.min = min;
            this.max = max;
            this.values = values;
            this.immutable = immutable;
            this.protectedConfig = protectedConfig;
            this.percent = percent;
            this.unsigned = unsigned;
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
     * uns (an unsigned C type in Redis: bounds compared as unsigned), alias=NAME. Type m is Redis's MEMORY_CONFIG
     * (units, no sign), i its INTEGER_CONFIG (string2ll); the bounds and signedness are those of Redis 7.2's table.
     */
    private static final String TABLE = """
        e acl-pubsub-default resetchannels allchannels,resetchannels
        s aclfile "" imm
        i acllog-max-len 128 0 LL uns
        i active-defrag-cycle-max 25 1 99
        i active-defrag-cycle-min 1 1 99
        m active-defrag-ignore-bytes 104857600 1 LL uns
        i active-defrag-max-scan-fields 1000 1 LL uns
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
        m client-query-buffer-limit 1073741824 1048576 LL uns
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
        m cluster-link-sendbuf-limit 0 0 ULL uns
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
        i hash-max-listpack-entries 512 0 LL uns alias=hash-max-ziplist-entries
        m hash-max-listpack-value 64 0 LL uns alias=hash-max-ziplist-value
        m hll-sparse-max-bytes 3000 0 LL uns
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
        i maxclients 10000 1 UINT uns
        m maxmemory 0 0 ULL uns
        m maxmemory-clients 0 -100 LL pct
        i maxmemory-eviction-tenacity 10 0 100
        e maxmemory-policy noeviction volatile-lru,volatile-lfu,volatile-random,volatile-ttl,allkeys-lru,allkeys-lfu,allkeys-random,noeviction
        i maxmemory-samples 5 1 INT
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
        i cinnabar-busy-poll 50 0 1000000
        e cinnabar-jit-warmup no no,yes,background imm
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
        i set-max-intset-entries 512 0 LL uns
        i set-max-listpack-entries 128 0 LL uns
        i set-max-listpack-value 64 0 LL uns
        b set-proc-title yes imm
        x shutdown-on-sigint default
        x shutdown-on-sigterm default
        i shutdown-timeout 10 0 INT
        i slowlog-log-slower-than 10000 -1 LL
        i slowlog-max-len 128 0 LL uns
        i socket-mark-id 0 0 UINT uns imm
        b stop-writes-on-bgsave-error yes
        m stream-node-max-bytes 4096 0 LL uns
        i stream-node-max-entries 100 0 LL
        e supervised no upstart,systemd,auto,no imm
        b syslog-enabled no imm
        e syslog-facility local0 user,local0,local1,local2,local3,local4,local5,local6,local7 imm
        s syslog-ident redis imm
        i tcp-backlog 511 0 INT imm
        i tcp-keepalive 300 0 INT
        i timeout 0 0 INT
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
        i tls-session-cache-timeout 300 0 INT
        b tls-session-caching yes
        i tracking-table-max-keys 1000000 0 LL uns
        s unixsocket "" imm
        x unixsocketperm 0
        b use-exit-on-panic no
        i watchdog-period 0 0 INT
        i zset-max-listpack-entries 128 0 LL uns alias=zset-max-ziplist-entries
        m zset-max-listpack-value 64 0 LL uns alias=zset-max-ziplist-value
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
            boolean uns = false;
            String alias = null;
            for (; k < t.size(); k++) {
                String f = t.get(k);
                if (f.equals("imm")) {
                    imm = true;
                } else if (f.equals("prot")) {
                    prot = true;
                } else if (f.equals("pct")) {
                    pct = true;
                } else if (f.equals("uns")) {
                    uns = true;
                } else if (f.startsWith("alias=")) {
                    alias = f.substring(6);
                }
            }
            Def d = new Def(name, type, dflt, min, max, values, imm, prot, pct, uns);
            DEFS.put(name, d);
            if (alias != null) {
                Def a = new Def(alias, type, dflt, min, max, values, imm, prot, pct, uns);
                a.alias = d;
                d.alias = a;
                DEFS.put(alias, a);
            }
        }
    }

    private static long bound(String s) {
        return switch (s) {
            case "LL" -> LL;
            case "ULL" -> -1L; // ULLONG_MAX, for the unsigned options

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
     * The lower-case names clients know the commands by, as the rename-command lines read so far have left them
     * (Redis renames in its command table while reading the file, so an unknown name or a taken target stops the
     * file at that line, before any later line is read); null: not checked while reading (sentinel mode, whose
     * table is known later), the command table checks the lines once it exists.
     */
    public java.util.Set<String> commandNames;
    /**
     * The {@code sentinel ...} lines of the file, in order, kept for the sentinel code, which parses them once the
     * whole file is read (as Redis queues them); their presence puts the launcher in sentinel mode.
     */
    public final List<UserLine> sentinelLines = new ArrayList<>();
    /** Lines naming a module's option ({@code name.with.dot value}), which no module claims. */
    public int moduleConfigLines;
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
            default -> unsignedValue(v);
        };
    }

    /**
     * A stored number as a long; an unsigned memory value past LLONG_MAX (maxmemory or an output-buffer limit of
     * 2^64-1, which Redis accepts) reads as Long.MAX_VALUE: no limit the JVM could reach.
     */
    public static long unsignedValue(String v) {
        if (v.length() >= 19 && v.charAt(0) != '-' && parseLongStrict(v) == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        return Long.parseLong(v);
    }

    public boolean getBool(String name) {
        return "yes".equals(get(name));
    }

    /** Parses and stores a value given as arguments (config file, command line or CONFIG SET). */
    public void set(Def d, List<String> args, boolean fromFile) throws ConfigException {
        String v = normalize(d, args, fromFile);
        values.put(primary(d).name, v);
        if (primary(d).name.equals("notify-keyspace-events")) {
            notifyFlags = Notify.parse(cString(args.get(0))); // the text drops 'n' next to 'A' (as Redis prints it)
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
                return string(d, a);
            case INT:
            case MEMORY:
                return numeric(d, a);
            default:
                return special(d, args, fromFile);
        }
    }

    /**
     * Redis's numericParseString + numericBoundaryCheck + numericConfigGet: a memory option takes memtoull's text
     * (digits and a unit, no sign, wrapping past 2^64 as C does), a percent option "N%" (N >= 0, kept as -N as Redis
     * does, so a memory value that wraps negative reads as a percentage), any other numeric option string2ll's text.
     * Unsigned C types compare their bounds unsigned. The canonical text is what CONFIG GET shows.
     */
    private static String numeric(Def d, String a) throws ConfigException {
        long v = 0;
        boolean ok = false;
        boolean memory = d.type == Type.MEMORY;
        if (memory) {
            long[] out = new long[1];
            ok = memtoull(cString(a), out);
            v = out[0];
        }
        if (!ok && d.percent && a.length() > 1 && a.charAt(a.length() - 1) == '%') {
            long p = parseLongStrict(a.substring(0, a.length() - 1));
            if (p >= 0) { // string2ll failed: Long.MIN_VALUE
                v = -p;
                ok = true;
            }
        }
        if (!ok && !memory && !d.percent) {
            v = parseLongStrict(a);
            ok = v != Long.MIN_VALUE || a.equals("-9223372036854775808");
        }
        if (!ok) {
            throw new ConfigException(memory && d.percent ? "argument must be a memory or percent value"
                : memory ? "argument must be a memory value" : "argument couldn't be parsed into an integer");
        }
        checkBounds(d, v);
        if (d.percent && v < 0) {
            return (-v) + "%";
        }
        return memory ? Long.toUnsignedString(v) : Long.toString(v);
    }

    private static void checkBounds(Def d, long v) throws ConfigException {
        if (d.unsigned) {
            if (Long.compareUnsigned(v, d.max) > 0 || Long.compareUnsigned(v, d.min) < 0) {
                throw new ConfigException("argument must be between " + Long.toUnsignedString(d.min) + " and "
                    + Long.toUnsignedString(d.max) + " inclusive");
            }
        } else if (d.percent && v < 0) {
            if (v < d.min) {
                throw new ConfigException("percentage argument must be less or equal to " + (-d.min));
            }
        } else if (v < d.min || v > d.max) {
            throw new ConfigException("argument must be between " + d.min + " and " + d.max + " inclusive");
        }
    }

    /** The text up to its first NUL byte: what Redis's C-string parsers (memtoull, char* options) see. */
    static String cString(String s) {
        int z = s.indexOf('\0');
        return z < 0 ? s : s.substring(0, z);
    }

    /**
     * Redis's memtoull: ASCII digits followed by nothing or a unit (b, k, kb, m, mb, g, gb, any case); no sign, no
     * blanks, fewer than 128 digits. The digits saturate at 2^64-1 (strtoull's ERANGE, unchecked) and the product
     * wraps modulo 2^64, as the C code does. Returns false on a syntax error.
     */
    public static boolean memtoull(String s, long[] out) {
        out[0] = 0;
        int n = 0;
        while (n < s.length() && s.charAt(n) >= '0' && s.charAt(n) <= '9') {
            n++;
        }
        String unit = s.substring(n).toLowerCase(Locale.ROOT);
        long mul = switch (unit) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000 * 1000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> 0;
        };
        if (mul == 0 || n >= 128) {
            return false;
        }
        long val = 0;
        for (int i = 0; i < n; i++) {
            long d = s.charAt(i) - '0';
            // val * 10 + d > 2^64-1 (unsigned)?
            if (Long.compareUnsigned(val, Long.divideUnsigned(-1L - d, 10)) > 0) {
                val = -1L;
                break;
            }
            val = val * 10 + d;
        }
        out[0] = val * mul;
        return true;
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
                return Notify.normalize(cString(args.get(0)));
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
                return octal(args.get(0));
            case "shutdown-on-sigint":
            case "shutdown-on-sigterm":
                return shutdownFlags(args);
            default:
                throw new ConfigException("Bad directive or wrong number of arguments");
        }
    }

    /** Redis's MULTI_ARG_CONFIG options: CONFIG SET splits their value at every single space. */
    private static final java.util.Set<String> MULTI_ARG = java.util.Set.of("save", "client-output-buffer-limit",
        "oom-score-adj-values", "bind", "replicaof", "latency-tracking-info-percentiles", "shutdown-on-sigint",
        "shutdown-on-sigterm");

    public static boolean isMultiArg(Def d) {
        return MULTI_ARG.contains(primary(d).name);
    }

    /**
     * A CONFIG SET value as the option's arguments: a multi-argument option's value split at every single space
     * (sdssplitlen: two spaces make an empty argument, "" makes none), any other value as one argument.
     */
    public static List<String> configSetArgs(Def d, String v) {
        if (!isMultiArg(d)) {
            return List.of(v);
        }
        return v.isEmpty() ? List.of() : List.of(v.split(" ", -1));
    }

    /**
     * A string option: Redis keeps all but masterauth and requirepass (sds) as C strings, so a value ends at its
     * first NUL byte; cluster-announce-hostname and proc-title-template have Redis's validators.
     */
    private String string(Def d, String a) throws ConfigException {
        String name = primary(d).name;
        if (name.equals("masterauth") || name.equals("requirepass")) {
            return a;
        }
        String v = cString(a);
        if (name.equals("cluster-announce-hostname")) {
            if (v.length() >= 256) {
                throw new ConfigException("Hostnames must be less than 256 characters");
            }
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                    throw new ConfigException("Hostnames may only contain alphanumeric characters, hyphens or dots");
                }
            }
        } else if (name.equals("proc-title-template") && !validProcTitleTemplate(v)) {
            throw new ConfigException("template format is invalid or contains unknown variables");
        }
        return v;
    }

    /**
     * Redis's validateProcTitleTemplate: the template expands (sdstemplate: "{{" is a literal brace, "{name}" one
     * of the known variables, a '{' without its '}' is an error) with an empty title, and the result trimmed of
     * spaces is not empty.
     */
    private boolean validProcTitleTemplate(String t) {
        StringBuilder out = new StringBuilder();
        int p = 0;
        while (p < t.length()) {
            int sv = t.indexOf('{', p);
            if (sv < 0) {
                out.append(t, p, t.length());
                break;
            }
            out.append(t, p, sv);
            sv++;
            if (sv == t.length()) {
                return false;
            }
            if (t.charAt(sv) == '{') {
                out.append('{');
                p = sv + 1;
                continue;
            }
            int ev = t.indexOf('}', sv);
            if (ev < 0) {
                return false;
            }
            String value = switch (t.substring(sv, ev)) {
                case "title" -> "";
                case "listen-addr" -> "*:" + values.get("port");
                case "server-mode" -> sentinelMode ? "[sentinel]" : getBool("cluster-enabled") ? "[cluster]" : "";
                case "port" -> values.get("port");
                case "tls-port" -> values.get("tls-port");
                case "unixsocket" -> values.get("unixsocket");
                case "config-file" -> configFile == null ? "" : configFile.toString();
                default -> null;
            };
            if (value == null) {
                return false;
            }
            out.append(value);
            p = ev + 1;
        }
        return !out.toString().replace(" ", "").isEmpty();
    }

    /**
     * unixsocketperm, Redis's OCTAL_CONFIG unsigned int: strtoll in base 8 (blanks and a sign allowed, no overflow,
     * nothing after the digits), then 0..0777 compared unsigned; shown in octal.
     */
    private static String octal(String raw) throws ConfigException {
        boolean[] end = new boolean[2];
        long v = strtoll(raw, 8, end);
        if (!end[0] || end[1]) {
            throw new ConfigException("argument couldn't be parsed as an octal number");
        }
        if (Long.compareUnsigned(v, 0777) > 0) {
            throw new ConfigException("argument must be between 0 and 777 inclusive");
        }
        return Long.toOctalString(v);
    }

    private static void one(List<String> args) throws ConfigException {
        if (args.size() != 1) {
            throw new ConfigException("wrong number of arguments");
        }
    }

    /**
     * save: Redis's setConfigSaveOption. The arguments come already split (CONFIG SET splits its value at every
     * single space, the file with sdssplitargs); a lone "" means no save points. Each number is read with C's
     * strtoll (leading blanks and a sign allowed, nothing after the digits); seconds must be >= 1, changes >= 0 and
     * are kept as a C int. In the config file the first save line replaces the defaults and later ones append.
     */
    private String save(List<String> args, boolean fromFile) throws ConfigException {
        List<String> parts = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
        if (parts.size() % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        StringBuilder b = new StringBuilder();
        boolean[] end = new boolean[1];
        for (int j = 0; j < parts.size(); j++) {
            long v = strtoll(parts.get(j), end);
            if (!end[0] || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
                throw new ConfigException("Invalid save parameters");
            }
            if (j > 0) {
                b.append(' ');
            }
            b.append(j % 2 == 0 ? v : (long) (int) v);
        }
        String joined = b.toString();
        if (fromFile && saveSeen && !joined.isEmpty()) {
            String cur = values.get("save");
            return cur.isEmpty() ? joined : cur + " " + joined;
        }
        if (fromFile) {
            saveSeen = true;
        }
        return joined;
    }

    /**
     * C's strtoll(s, &end, 10) on a C string (cut at NUL): leading blanks, an optional sign, decimal digits,
     * saturating at the long range. end[0] tells whether the whole text was consumed ("" is, with value 0; text
     * without digits is not).
     */
    static long strtoll(String raw, boolean[] end) {
        return strtoll(raw, 10, end);
    }

    /**
     * C's strtoll(s, &end, radix) (radix 8 or 10) on a C string (cut at NUL): leading blanks, an optional sign,
     * digits, saturating at the long range. end[0] tells whether the whole text was consumed ("" is, with value 0;
     * text without digits is not); end[1], when the array has it, whether the value overflowed (C's ERANGE).
     */
    static long strtoll(String raw, int radix, boolean[] end) {
        String s = cString(raw);
        int i = 0;
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int d0 = i;
        long v = 0;
        boolean over = false;
        char maxDigit = (char) ('0' + radix - 1);
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= maxDigit) {
            int d = s.charAt(i) - '0';
            if (!over && v > (Long.MAX_VALUE - d) / radix) {
                over = true;
            }
            if (!over) {
                v = v * radix + d;
            }
            i++;
        }
        if (end.length > 1) {
            end[1] = over;
        }
        if (i == d0) { // no digits: endptr is the start of the string
            end[0] = s.isEmpty();
            return 0;
        }
        end[0] = i == s.length();
        if (over) {
            return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return neg ? -v : v;
    }

    private String dir(List<String> args) throws ConfigException {
        one(args);
        Path p = Path.of(values.get("dir")).resolve(args.get(0)).normalize();
        if (!Files.isDirectory(p)) {
            throw new ConfigException("No such file or directory");
        }
        return p.toAbsolutePath().toString();
    }

    /**
     * client-output-buffer-limit: Redis's updateClientOutputBufferLimit over already split arguments (none is a
     * no-op). Classes normal, slave/replica, pubsub (any case); hard and soft limits with memtoull, seconds with
     * strtoll kept as a C int; every group is checked before any is applied.
     */
    private String clientOutputBufferLimit(List<String> t) throws ConfigException {
        if (t.size() % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        String[] cls = {"normal", "slave", "pubsub"};
        String[] now = values.get("client-output-buffer-limit").split(" ");
        String[] cur = new String[3];
        for (int i = 0; i < 3; i++) {
            cur[i] = String.join(" ", java.util.Arrays.copyOfRange(now, i * 4, i * 4 + 4));
        }
        long[] hard = new long[1];
        long[] soft = new long[1];
        boolean[] end = new boolean[1];
        for (int i = 0; i < t.size(); i += 4) {
            String c = t.get(i).toLowerCase(Locale.ROOT);
            if (c.equals("replica")) {
                c = "slave";
            }
            int idx = java.util.Arrays.asList(cls).indexOf(c);
            if (idx < 0) {
                throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
            boolean okHard = memtoull(cString(t.get(i + 1)), hard);
            boolean okSoft = memtoull(cString(t.get(i + 2)), soft);
            int secs = (int) strtoll(t.get(i + 3), end);
            if (!okHard || !okSoft || secs < 0 || !end[0]) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            cur[idx] = c + " " + Long.toUnsignedString(hard[0]) + " " + Long.toUnsignedString(soft[0]) + " " + secs;
        }
        return String.join(" ", cur);
    }

    /** oom-score-adj-values: exactly three strtoll numbers in -2000..2000 (already split arguments). */
    private static String oomScoreAdjValues(List<String> t) throws ConfigException {
        if (t.size() != 3) {
            throw new ConfigException("wrong number of arguments");
        }
        StringBuilder b = new StringBuilder();
        boolean[] end = new boolean[1];
        for (String s : t) {
            long v = strtoll(s, end);
            if (!end[0] || v < -2000 || v > 2000) {
                throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
            b.append(b.length() == 0 ? "" : " ").append(v);
        }
        return b.toString();
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
        for (String s : args) {
            String l = s.toLowerCase(Locale.ROOT);
            if (!l.equals("default") && !order.contains(l)) {
                throw new ConfigException("argument(s) must be one of the following: default, save, nosave, now, force");
            }
            if (!l.equals("default")) {
                set[order.indexOf(l)] = true;
            }
        }
        if (args.isEmpty()) {
            throw new ConfigException("argument(s) must be one of the following: default, save, nosave, now, force");
        }
        if (set[0] && set[1]) { // Redis's isValidShutdownOnSigFlags
            throw new ConfigException("shutdown options SAVE and NOSAVE can't be used simultaneously");
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
     * Cinnabar's {@code cinnabar-jit-warmup} and {@code cinnabar-busy-poll} are hidden too: settings of the JVM
     * process with no meaning to a Redis client.
     */
    private static final java.util.Set<String> HIDDEN = java.util.Set.of("use-exit-on-panic", "rdb-key-save-delay",
        "key-load-delay", "watchdog-period", "loading-process-events-interval-bytes", "cinnabar-jit-warmup",
        "cinnabar-busy-poll");

    /**
     * All option names (aliases included) matching a glob, with their values, deduplicated by name; a hidden option
     * only when the pattern is its exact name.
     */
    public Map<String, String> getMatching(String rawPattern, Map<String, String> into) {
        String pattern = cString(rawPattern); // Redis matches the C string
        boolean glob = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
        if (!glob) {
            // Redis's configGetCommand looks an exact name up (case-insensitively) and answers with the name as
            // the client typed it, once however often (and in whatever case) it is asked for
            Def d = lookup(pattern);
            if (d != null) {
                if (!hasIgnoreCase(into, pattern)) {
                    into.put(pattern, values.get(primary(d).name));
                }
            }
            return into;
        }
        byte[] p = pattern.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (Def d : DEFS.values()) {
            if (HIDDEN.contains(primary(d).name)) {
                continue;
            }
            if (Glob.match(p, d.name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), true)
                    && !hasIgnoreCase(into, d.name)) {
                into.put(d.name, values.get(primary(d).name));
            }
        }
        return into;
    }

    private static boolean hasIgnoreCase(Map<String, String> m, String name) {
        if (m.containsKey(name)) {
            return true;
        }
        for (String k : m.keySet()) {
            if (k.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
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
