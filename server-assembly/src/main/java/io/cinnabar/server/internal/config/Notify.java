package io.cinnabar.server.internal.config;

/**
 * The {@code notify-keyspace-events} flag string: parsed to a bit set and printed back in Redis's canonical order.
 * Only the option is kept for now: this server does not publish keyspace notifications yet (no Pub/Sub).
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Notify {
    private static final String ORDER = "g$lshzxetd";

    private Notify() {
    }

    static String normalize(String s) throws ConfigException {
        int flags = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int bit;
            if (c == 'A') {
                flags |= (1 << ORDER.length()) - 1;
                continue;
            }
            int o = ORDER.indexOf(c);
            if (o >= 0) {
                bit = 1 << o;
            } else if (c == 'K') {
                bit = 1 << 20;
            } else if (c == 'E') {
                bit = 1 << 21;
            } else if (c == 'm') {
                bit = 1 << 22;
            } else if (c == 'n') {
                bit = 1 << 23;
            } else {
                throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
            flags |= bit;
        }
        StringBuilder b = new StringBuilder();
        int all = (1 << ORDER.length()) - 1;
        if ((flags & all) == all) {
            b.append('A');
        } else {
            for (int i = 0; i < ORDER.length(); i++) {
                if ((flags & (1 << i)) != 0) {
                    b.append(ORDER.charAt(i));
                }
            }
        }
        if ((flags & (1 << 20)) != 0) {
            b.append('K');
        }
        if ((flags & (1 << 21)) != 0) {
            b.append('E');
        }
        if ((flags & (1 << 22)) != 0) {
            b.append('m');
        }
        if ((flags & (1 << 23)) != 0) {
            b.append('n');
        }
        return b.toString();
    }
}
