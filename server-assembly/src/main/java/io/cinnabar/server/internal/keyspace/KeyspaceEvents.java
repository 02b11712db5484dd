package io.cinnabar.server.internal.keyspace;

import io.cinnabar.server.internal.config.Notify;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (Redis's {@code notify.c}): an event of a class ({@link Notify}'s bits) about a key is
 * published as {@code __keyspace@<db>__:<key>} with the event name as message (class K) and as
 * {@code __keyevent@<db>__:<event>} with the key as message (class E), through an {@link EventPublisher}.
 * Commands emit their events at their write ends, in Redis 7.2's order; the keyspace emits {@code new},
 * {@code expired} and {@code keymiss} itself.
 * <p>
 * Cost: when the event's class is not enabled (the default: {@code notify-keyspace-events ""}), {@link #notify}
 * is one field test and allocates nothing.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class KeyspaceEvents {
    private static final byte[] KEYSPACE = "__keyspace@".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] KEYEVENT = "__keyevent@".getBytes(StandardCharsets.ISO_8859_1);

    /** The enabled classes (notify-keyspace-events as {@link Notify} bits). */
    private int flags;
    private EventPublisher publisher = (channel, message) -> 0;

    /** Sets the enabled classes (the config hook of notify-keyspace-events). */
    public void setFlags(int flags) {
        this.flags = flags;
    }

    /** The enabled classes. */
    public int flags() {
        return flags;
    }

    /** Sets where events are published (Assembly wires Pub/Sub here). */
    public void setPublisher(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Whether events of this class are enabled (for callers that must compute something first). */
    public boolean enabled(int type) {
        return (flags & type) != 0;
    }

    /** Emits event about key[off, off+len) in db if its class is enabled (Redis's notifyKeyspaceEvent). */
    public void notify(int type, String event, Db db, byte[] key, int off, int len) {
        if ((flags & type) == 0) {
            return;
        }
        emit(event, db.id, key, off, len);
    }

    private void emit(String event, int dbid, byte[] key, int off, int len) {
        byte[] ev = event.getBytes(StandardCharsets.ISO_8859_1);
        byte[] id = Integer.toString(dbid).getBytes(StandardCharsets.ISO_8859_1);
        if ((flags & Notify.KEYSPACE) != 0) {
            byte[] ch = new byte[KEYSPACE.length + id.length + 3 + len];
            int p = put(ch, 0, KEYSPACE, 0, KEYSPACE.length);
            p = put(ch, p, id, 0, id.length);
            p = put(ch, p, SEP, 0, 3);
            put(ch, p, key, off, len);
            publisher.publish(ch, ev);
        }
        if ((flags & Notify.KEYEVENT) != 0) {
            byte[] ch = new byte[KEYEVENT.length + id.length + 3 + ev.length];
            int p = put(ch, 0, KEYEVENT, 0, KEYEVENT.length);
            p = put(ch, p, id, 0, id.length);
            p = put(ch, p, SEP, 0, 3);
            put(ch, p, ev, 0, ev.length);
            byte[] k = new byte[len];
            System.arraycopy(key, off, k, 0, len);
            publisher.publish(ch, k);
        }
    }

    private static final byte[] SEP = {'_', '_', ':'};

    private static int put(byte[] dst, int p, byte[] src, int off, int len) {
        System.arraycopy(src, off, dst, p, len);
        return p + len;
    }
}
