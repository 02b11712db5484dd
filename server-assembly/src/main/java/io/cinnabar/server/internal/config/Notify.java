package io.cinnabar.server.internal.config;

/**
 * The {@code notify-keyspace-events} classes (Redis's {@code NOTIFY_*} bits): the flag string parsed to a bit set
 * ({@link #parse}) and printed back in Redis's canonical order ({@link #toString(int)}), as CONFIG GET shows it.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Notify {
    /** K: events on {@code __keyspace@<db>__:<key>}. */
    public static final int KEYSPACE = 1;
    /** E: events on {@code __keyevent@<db>__:<event>}. */
    public static final int KEYEVENT = 1 << 1;
    /** g: generic commands (DEL, EXPIRE, RENAME, ...). */
    public static final int GENERIC = 1 << 2;
    /** $: string commands. */
    public static final int STRING = 1 << 3;
    /** l: list commands. */
    public static final int LIST = 1 << 4;
    /** s: set commands. */
    public static final int SET = 1 << 5;
    /** h: hash commands. */
    public static final int HASH = 1 << 6;
    /** z: sorted set commands. */
    public static final int ZSET = 1 << 7;
    /** x: a key expired. */
    public static final int EXPIRED = 1 << 8;
    /** e: a key was evicted. */
    public static final int EVICTED = 1 << 9;
    /** t: stream commands. */
    public static final int STREAM = 1 << 10;
    /** m: a key was looked up and missing (not in A). */
    public static final int KEY_MISS = 1 << 11;
    /** d: module key types. */
    public static final int MODULE = 1 << 13;
    /** n: a new key was added (not in A). */
    public static final int NEW = 1 << 14;
    /** A: g$lshzxetd. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    private Notify() {
    }

    /** Parses a class string; an unknown character is refused with Redis's CONFIG SET error text. */
    public static int parse(String s) throws ConfigException {
        int flags = 0;
        for (int i = 0; i < s.length(); i++) {
            flags |= switch (s.charAt(i)) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            };
        }
        return flags;
    }

    /** The canonical string of a flag set (Redis's keyspaceEventsFlagsToString). */
    public static String toString(int flags) {
        StringBuilder b = new StringBuilder();
        if ((flags & ALL) == ALL) {
            b.append('A');
        } else {
            // as Redis: n is printed only without A (A does not include it, and then it is not shown)
            String order = "g$lshzxetdn";
            int[] bits = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW};
            for (int i = 0; i < bits.length; i++) {
                if ((flags & bits[i]) != 0) {
                    b.append(order.charAt(i));
                }
            }
        }
        if ((flags & KEYSPACE) != 0) {
            b.append('K');
        }
        if ((flags & KEYEVENT) != 0) {
            b.append('E');
        }
        if ((flags & KEY_MISS) != 0) {
            b.append('m');
        }
        return b.toString();
    }

    static String normalize(String s) throws ConfigException {
        return toString(parse(s));
    }
}
