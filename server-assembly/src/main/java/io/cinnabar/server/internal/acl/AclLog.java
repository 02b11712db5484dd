package io.cinnabar.server.internal.acl;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The ACL LOG (Redis 7.2): newest entry first, at most acllog-max-len entries. A denial similar to one of the 10
 * newest entries (same reason, context, object and user, within 60 s of it) updates that entry (count, time,
 * client info) and moves it to the head instead of adding one. Entry ids grow for the life of the server (ACL LOG
 * RESET does not restart them), so (entry-id, timestamp-created) identifies an entry.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class AclLog {
    static final long GROUPING_MS = 60000;
    static final String[] REASONS = {"", "command", "key", "auth", "channel"};
    static final String[] CONTEXTS = {"toplevel", "multi", "lua", "module"};

    static final class Entry {
        long count = 1;
        final int reason;
        final int context;
        final String object;
        final String username;
        long ctime;
        String clientInfo;
        final long id;
        final long created;

        Entry(int reason, int context, String object, String username, long now, String clientInfo, long id) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.ctime = now;
            this.clientInfo = clientInfo;
            this.id = id;
            this.created = now;
        }
    }

    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    void add(int reason, int context, String object, String username, long now, String clientInfo, long maxLen) {
        int toScan = 10;
        Iterator<Entry> it = entries.iterator();
        while (toScan-- > 0 && it.hasNext()) {
            Entry e = it.next();
            if (e.reason == reason && e.context == context && Math.abs(e.ctime - now) <= GROUPING_MS
                    && e.object.equals(object) && e.username.equals(username)) {
                it.remove();
                e.clientInfo = clientInfo;
                e.ctime = now;
                e.count++;
                entries.addFirst(e);
                return;
            }
        }
        entries.addFirst(new Entry(reason, context, object, username, now, clientInfo, nextId++));
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }
}
