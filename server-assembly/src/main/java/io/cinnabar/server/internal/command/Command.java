package io.cinnabar.server.internal.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of the command table: Redis's metadata for the command (arity, flags, key positions, ACL categories,
 * tips, key specs, subcommands, all read from Redis 7.2's {@code COMMAND} output) plus the implementation and the
 * per-command statistics of {@code INFO commandstats}.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Command {
    /** What a command does with a client whose arguments are parsed and checked for arity. */
    @FunctionalInterface
    public interface Handler {
        void run(Client c);
    }

    public static final int WRITE = 1;
    public static final int READONLY = 1 << 1;
    public static final int DENYOOM = 1 << 2;
    static final int ADMIN = 1 << 3;
    public static final int NOSCRIPT = 1 << 4;
    public static final int LOADING = 1 << 5;
    public static final int STALE = 1 << 6;
    static final int FAST = 1 << 7;
    public static final int NO_AUTH = 1 << 8;
    static final int SKIP_MONITOR = 1 << 9;
    static final int SKIP_SLOWLOG = 1 << 10;
    static final int NO_MULTI = 1 << 11;
    static final int MOVABLEKEYS = 1 << 12;
    public static final int PUBSUB = 1 << 13;
    static final int BLOCKING = 1 << 14;
    /** Runs while a script is busy past busy-reply-threshold (others get BUSY). */
    public static final int ALLOW_BUSY = 1 << 15;
    /** Runs on an importing slot without ASKING (RESTORE-ASKING). */
    public static final int ASKING = 1 << 16;
    /** May have no key at all (EVAL, FCALL with numkeys 0): COMMAND GETKEYS answers an empty array. */
    public static final int NO_MANDATORY_KEYS = 1 << 17;
    /** Refused while a replica loads its master's data asynchronously (REPLICAOF, SAVE, BGSAVE, ...). */
    public static final int NO_ASYNC_LOADING = 1 << 18;
    /**
     * Redis's CMD_MAY_REPLICATE (not shown by COMMAND INFO): a command that may propagate something without being
     * a write (EVAL, EVALSHA, FCALL, PFCOUNT, PUBLISH, SPUBLISH); CLIENT PAUSE WRITE holds it as a write.
     */
    public static final int MAY_REPLICATE = 1 << 19;

    public final String fullName;
    public final String name;
    /** A script call (EVAL, EVALSHA, their _RO forms, FCALL, FCALL_RO): decided once, tested on every call. */
    final boolean scriptCall;
    public final int arity;
    final List<String> flagNames;
    final int flags;
    final int firstKey;
    final int lastKey;
    final int keyStep;
    public final List<String> acl;
    final List<String> tips;
    public final List<Object> keySpecs;
    public final Map<String, Command> subcommands = new LinkedHashMap<>();
    final Command parent;
    /** Index of this command or subcommand in the ACL command bitmaps (0 .. {@link CommandTable#aclIds()} - 1). */
    public int aclId;
    /** The COMMAND DOCS map of this command (see {@link CommandDocs}); empty until the table loads the docs. */
    Map<String, Object> docs = Map.of();
    public Handler handler;

    public long calls;
    public long usec;
    public long rejectedCalls;
    public long failedCalls;
    public final LatencyHistogram latency = new LatencyHistogram();

    @SuppressWarnings("unchecked")
    Command(List<Object> info, Command parent) {
        this.parent = parent;
        this.fullName = (String) info.get(0);
        int bar = fullName.indexOf('|');
        this.name = bar < 0 ? fullName : fullName.substring(bar + 1);
        this.scriptCall = switch (fullName) {
            case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro" -> true;
            default -> false;
        };
        this.arity = ((Long) info.get(1)).intValue();
        this.flagNames = (List<String>) (List<?>) info.get(2);
        int f = 0;
        for (String s : flagNames) {
            f |= switch (s) {
                case "write" -> WRITE;
                case "readonly" -> READONLY;
                case "denyoom" -> DENYOOM;
                case "admin" -> ADMIN;
                case "noscript" -> NOSCRIPT;
                case "loading" -> LOADING;
                case "stale" -> STALE;
                case "fast" -> FAST;
                case "no_auth" -> NO_AUTH;
                case "skip_monitor" -> SKIP_MONITOR;
                case "skip_slowlog" -> SKIP_SLOWLOG;
                case "no_multi" -> NO_MULTI;
                case "movablekeys" -> MOVABLEKEYS;
                case "pubsub" -> PUBSUB;
                case "blocking" -> BLOCKING;
                case "allow_busy" -> ALLOW_BUSY;
                case "asking" -> ASKING;
                case "no_mandatory_keys" -> NO_MANDATORY_KEYS;
                case "no_async_loading" -> NO_ASYNC_LOADING;
                default -> 0;
            };
        }
        this.flags = f | switch (fullName) {
            case "eval", "evalsha", "fcall", "pfcount", "publish", "spublish" -> MAY_REPLICATE;
            default -> 0;
        };
        this.firstKey = ((Long) info.get(3)).intValue();
        this.lastKey = ((Long) info.get(4)).intValue();
        this.keyStep = ((Long) info.get(5)).intValue();
        this.acl = (List<String>) (List<?>) info.get(6);
        this.tips = (List<String>) (List<?>) info.get(7);
        this.keySpecs = (List<Object>) info.get(8);
        for (Object sub : (List<Object>) info.get(9)) {
            Command s = new Command((List<Object>) sub, this);
            subcommands.put(s.name, s);
        }
    }

    /** The container command of a subcommand, or null. */
    public Command parent() {
        return parent;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean implemented() {
        if (handler != null) {
            return true;
        }
        for (Command s : subcommands.values()) {
            if (s.handler != null) {
                return true;
            }
        }
        return false;
    }

    /** "config get" style name for error texts and stats: "config|get". */
    String statName() {
        return fullName;
    }

    /** Finds a subcommand by the bytes of an argument, case-insensitively, or null. */
    public Command sub(byte[] b, int off, int len) {
        for (Command s : subcommands.values()) {
            if (s.handler != null && s.name.length() == len && CommandTable.equalsIgnoreCase(s.name, b, off, len)) {
                return s;
            }
        }
        return null;
    }
}
