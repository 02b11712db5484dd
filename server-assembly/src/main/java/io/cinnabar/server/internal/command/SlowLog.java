package io.cinnabar.server.internal.command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The slow log: commands slower than {@code slowlog-log-slower-than} microseconds, newest first, at most
 * {@code slowlog-max-len} entries. An entry keeps at most 32 arguments (the last one saying how many more there
 * were) of at most 128 bytes each (with "... (N more bytes)"), as Redis does; passwords and ACL rules show as
 * {@code (redacted)} ({@link Redaction}).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class SlowLog {
    public record Item(long id, long time, long usec, List<byte[]> args, String addr, String name) {
    }

    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private long nextId;

    void add(Client c, long usec, long timeSec, long maxLen) {
        if (maxLen == 0) {
            return;
        }
        int n = Math.min(c.argc, 32);
        List<byte[]> args = new ArrayList<>(n);
        long redacted = Redaction.mask(c);
        for (int i = 0; i < n; i++) {
            if (n == 32 && i == 31 && c.argc > 32) {
                args.add(("... (" + (c.argc - 31) + " more arguments)").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                break;
            }
            int len = c.argLen[i];
            if (Redaction.redacted(redacted, i)) {
                args.add(Redaction.REDACTED.clone());
            } else if (len > 128) {
                byte[] b = new byte[128];
                System.arraycopy(c.argBuf, c.argOff[i], b, 0, 128);
                String more = "... (" + (len - 128) + " more bytes)";
                byte[] m = new byte[128 + more.length()];
                System.arraycopy(b, 0, m, 0, 128);
                System.arraycopy(more.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, m, 128, more.length());
                args.add(m);
            } else {
                args.add(c.arg(i));
            }
        }
        items.addFirst(new Item(nextId++, timeSec, usec, args, c.addr, c.name()));
        trim(maxLen);
    }

    void trim(long maxLen) {
        while (items.size() > maxLen) {
            items.removeLast();
        }
    }

    public int size() {
        return items.size();
    }

    public void reset() {
        items.clear();
    }

    public List<Item> newest(long count) {
        List<Item> l = new ArrayList<>();
        for (Item i : items) {
            if (count >= 0 && l.size() >= count) {
                break;
            }
            l.add(i);
        }
        return l;
    }
}
