package io.cinnabar.server.internal.multi;

import io.cinnabar.server.internal.command.AccessControl;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.keyspace.KeyspaceListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * MULTI/EXEC/DISCARD and WATCH/UNWATCH with Redis 7.2's rules (multi.c):
 * <ul>
 * <li>Between MULTI and EXEC the pipeline queues every command but EXEC, DISCARD, MULTI, WATCH, QUIT and RESET
 *     ({@link #queue}, +QUEUED); a command refused while queuing (unknown, wrong arity, no-multi) flags the
 *     transaction and EXEC answers EXECABORT. Errors of queued commands at EXEC stay in their slot of the array.</li>
 * <li>EXEC runs the queue through {@link Server#call} inside one propagation unit, with blocking commands
 *     answering as on a timeout ({@link Client#denyBlocking}).</li>
 * <li>A watched key is touched (its watchers become dirty and stop watching) when it is added, modified, deleted
 *     or expires; a key that was already logically expired when watched is not touched by its own deletion
 *     (it stays absent). FLUSHDB/FLUSHALL touch the watched keys that exist; SWAPDB the ones that exist on
 *     either side (an expired key replaced by an expired key, or a missing key by an expired one, does not
 *     count). EXEC also fails when a watched key expired since WATCH without being deleted yet.</li>
 * </ul>
 * Cost: with no key watched, the keyspace callbacks return after one comparison; WATCH and a touch cost one
 * hash lookup per key; queuing copies the command's arguments once.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Transactions implements io.cinnabar.server.internal.command.Transactions, KeyspaceListener {
    private static final byte[] QUEUED = "+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One client's transaction: its queue, its flags and the keys it watches. */
    static final class Session implements State {
        final Client client;
        final ArrayList<Queued> queue = new ArrayList<>();
        final ArrayList<Watch> watched = new ArrayList<>();
        /** A command was refused while queuing (CLIENT_DIRTY_EXEC). */
        boolean execAbort;
        /** A watched key was touched (CLIENT_DIRTY_CAS). */
        boolean dirtyCas;
        /** Bytes of the queued commands' arguments plus a pointer each (Redis's mstate.argv_len_sums, multi-mem). */
        long argvLenSums;
        /** Slots of Redis's queue array: 2 at the first queued command, doubled when full (mstate.alloc_count). */
        int allocCount;

        Session(Client client) {
            this.client = client;
        }
    }

    /** A queued command: its arguments copied into one array. */
    record Queued(Command cmd, byte[] args, int[] lens) {
    }

    /** A key of a database watched by one client. */
    static final class Watch {
        final Session session;
        final int db;
        final Key key;
        /** The key existed but was logically expired when watched (Redis's watchedKey.expired). */
        boolean expired;

        Watch(Session session, int db, Key key, boolean expired) {
            this.session = session;
            this.db = db;
            this.key = key;
            this.expired = expired;
        }
    }

    /** Key bytes as a map key; the probe form points into a caller's array without copying. */
    static final class Key {
        byte[] b;
        int off;
        int len;
        int hash;

        Key set(byte[] b, int off, int len) {
            this.b = b;
            this.off = off;
            this.len = len;
            int h = 1;
            for (int i = off; i < off + len; i++) {
                h = 31 * h + b[i];
            }
            this.hash = h;
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(b, off, off + len, k.b, k.off, k.off + k.len);
        }
    }

    private final Server server;
    private final Keyspace keyspace;
    /** Per database index: watched key -&gt; its watches, oldest first. */
    private final Map<Key, ArrayList<Watch>>[] watchedKeys;
    private final Key probe = new Key();
    private int totalWatchedKeys;
    private int watchingClients;

    @SuppressWarnings("unchecked")
    public Transactions(Server server) {
        this.server = server;
        this.keyspace = server.keyspace;
        watchedKeys = new Map[server.dbs.length];
        for (int i = 0; i < watchedKeys.length; i++) {
            watchedKeys[i] = new HashMap<>();
        }
    }

    /** Registers MULTI, EXEC, DISCARD, WATCH and UNWATCH. */
    public void register(CommandTable t) {
        t.impl("multi", this::multi);
        t.impl("exec", this::exec);
        t.impl("discard", this::discard);
        t.impl("watch", this::watch);
        t.impl("unwatch", this::unwatch);
    }

    private static Session session(Client c) {
        if (c.tx == null) {
            c.tx = new Session(c);
        }
        return (Session) c.tx;
    }

    // ---- commands

    void multi(Client c) {
        if (c.inMulti) {
            c.error("ERR MULTI calls can not be nested");
            return;
        }
        c.inMulti = true;
        c.ok();
    }

    void discard(Client c) {
        if (!c.inMulti) {
            c.error("ERR DISCARD without MULTI");
            return;
        }
        discardTransaction(c);
        c.ok();
    }

    void exec(Client c) {
        if (!c.inMulti) {
            c.error("ERR EXEC without MULTI");
            return;
        }
        Session s = session(c);
        if (watchedKeyExpired(s)) {
            s.dirtyCas = true;
        }
        if (s.execAbort || s.dirtyCas) {
            if (s.execAbort) {
                c.error("EXECABORT Transaction discarded because of previous errors.");
            } else {
                c.nullArray();
            }
            discardTransaction(c);
            return;
        }
        unwatchAll(s);
        byte[] execBuf = c.argBuf;
        int execOff = c.argOff[0];
        int execLen = c.argLen[0];
        int execArgc = c.argc;
        boolean denied = c.denyBlocking;
        c.denyBlocking = true;
        server.propagation.beginUnit();
        try {
            c.array(s.queue.size());
            for (Queued q : s.queue) {
                load(c, q);
                AccessControl.User user = c.user;
                if (user != null && !user.unrestricted() && !server.acl.permitsAtExec(c, q.cmd())) {
                    continue; // the NOPERM error takes the command's slot
                }
                server.call(c, q.cmd());
            }
        } finally {
            server.propagation.endUnit();
            server.ctx.propagatedAsUnit = true;
            c.denyBlocking = denied;
            c.argBuf = execBuf;
            c.argOff[0] = execOff;
            c.argLen[0] = execLen;
            c.argc = execArgc;
            discardTransaction(c);
        }
    }

    /** Puts q's arguments in c's argument arrays, as if c had sent q. */
    private static void load(Client c, Queued q) {
        int n = q.lens().length;
        if (c.argOff.length < n) {
            c.argOff = new int[n];
            c.argLen = new int[n];
        }
        int off = 0;
        for (int i = 0; i < n; i++) {
            c.argOff[i] = off;
            c.argLen[i] = q.lens()[i];
            off += q.lens()[i];
        }
        c.argBuf = q.args();
        c.argc = n;
    }

    void watch(Client c) {
        if (c.inMulti) {
            c.error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        Session s = session(c);
        if (!s.dirtyCas) { // no point in watching more keys: EXEC will fail anyway
            for (int i = 1; i < c.argc; i++) {
                watchKey(s, c.db, c.argBuf, c.argOff[i], c.argLen[i]);
            }
        }
        c.ok();
    }

    void unwatch(Client c) {
        if (c.tx != null) {
            Session s = (Session) c.tx;
            unwatchAll(s);
            s.dirtyCas = false;
        }
        c.ok();
    }

    // ---- the pipeline's interface

    @Override
    public void queue(Client c, Command cmd) {
        Session s = session(c);
        if (!s.execAbort && !s.dirtyCas) { // a doomed transaction need not keep its commands
            int total = 0;
            for (int i = 0; i < c.argc; i++) {
                total += c.argLen[i];
            }
            byte[] args = new byte[total];
            int[] lens = new int[c.argc];
            int off = 0;
            for (int i = 0; i < c.argc; i++) {
                System.arraycopy(c.argBuf, c.argOff[i], args, off, c.argLen[i]);
                lens[i] = c.argLen[i];
                off += c.argLen[i];
            }
            if (s.queue.isEmpty()) {
                s.allocCount = 2;
            } else if (s.queue.size() == s.allocCount) {
                s.allocCount = s.allocCount < Integer.MAX_VALUE / 2 ? s.allocCount * 2 : Integer.MAX_VALUE;
            }
            s.queue.add(new Queued(cmd, args, lens));
            s.argvLenSums += total + 8L * c.argc;
        }
        c.raw(QUEUED);
    }

    @Override
    public boolean eachQueued(Client c, java.util.function.Predicate<Command> test) {
        if (c.tx == null) {
            return true;
        }
        byte[] buf = c.argBuf;
        int off0 = c.argOff[0];
        int len0 = c.argLen[0];
        int argc = c.argc;
        try {
            for (Queued q : ((Session) c.tx).queue) {
                load(c, q);
                if (!test.test(q.cmd())) {
                    return false;
                }
            }
            return true;
        } finally {
            c.argBuf = buf;
            c.argOff[0] = off0;
            c.argLen[0] = len0;
            c.argc = argc;
        }
    }

    @Override
    public void discardQueued(Client c) {
        discardTransaction(c);
    }

    @Override
    public void flagError(Client c) {
        session(c).execAbort = true;
    }

    @Override
    public void abort(Client c, String error) {
        discardTransaction(c);
        c.error("EXECABORT Transaction discarded because of: " + error);
    }

    @Override
    public void clientFreed(Client c) {
        if (c.tx != null) {
            discardTransaction(c);
            c.tx = null;
        }
        c.inMulti = false;
    }

    @Override
    public int queued(Client c) {
        return !c.inMulti ? -1 : c.tx == null ? 0 : ((Session) c.tx).queue.size();
    }

    /** Redis's sizeof(listNode) + sizeof(watchedKey): what one watched key adds to its client's memory. */
    static final long WATCH_BYTES = 24 + 32;
    /** Redis's sizeof(multiCmd): one slot of the queue array. */
    static final long QUEUE_SLOT_BYTES = 24;

    @Override
    public long queuedArgvBytes(Client c) {
        return c.tx == null ? 0 : ((Session) c.tx).argvLenSums;
    }

    @Override
    public long memoryOverhead(Client c) {
        if (c.tx == null) {
            return 0;
        }
        Session s = (Session) c.tx;
        return s.argvLenSums + s.watched.size() * WATCH_BYTES + s.allocCount * QUEUE_SLOT_BYTES;
    }

    @Override
    public int watchedKeys(Client c) {
        return c.tx == null ? 0 : ((Session) c.tx).watched.size();
    }

    @Override
    public boolean dirty(Client c) {
        return c.tx != null && ((Session) c.tx).dirtyCas;
    }

    @Override
    public int watchingClients() {
        return watchingClients;
    }

    @Override
    public int totalWatchedKeys() {
        return totalWatchedKeys;
    }

    /** Ends c's transaction: its queue and flags go, and so do its watches (Redis's discardTransaction). */
    private void discardTransaction(Client c) {
        c.inMulti = false;
        if (c.tx != null) {
            Session s = (Session) c.tx;
            s.queue.clear();
            s.argvLenSums = 0;
            s.allocCount = 0;
            s.execAbort = false;
            s.dirtyCas = false;
            unwatchAll(s);
        }
    }

    // ---- watching

    private void watchKey(Session s, Db db, byte[] b, int off, int len) {
        for (Watch w : s.watched) {
            if (w.db == db.id && Arrays.equals(w.key.b, 0, w.key.len, b, off, off + len)) {
                return;
            }
        }
        Entry e = db.find(b, off, len);
        Key key = new Key().set(Arrays.copyOfRange(b, off, off + len), 0, len);
        Watch w = new Watch(s, db.id, key, e != null && keyspace.expired(db, e));
        ArrayList<Watch> list = watchedKeys[db.id].get(key);
        if (list == null) {
            list = new ArrayList<>(2);
            watchedKeys[db.id].put(key, list);
            totalWatchedKeys++;
        }
        list.add(w);
        if (s.watched.isEmpty()) {
            watchingClients++;
        }
        s.watched.add(w);
    }

    private void unwatchAll(Session s) {
        if (s.watched.isEmpty()) {
            return;
        }
        for (Watch w : s.watched) {
            Map<Key, ArrayList<Watch>> m = watchedKeys[w.db];
            ArrayList<Watch> list = m.get(w.key);
            if (list != null && list.remove(w) && list.isEmpty()) {
                m.remove(w.key);
                totalWatchedKeys--;
            }
        }
        s.watched.clear();
        watchingClients--;
    }

    /** A watched key changed: its watchers' EXEC will fail, and they stop watching (nothing more to learn). */
    private void markDirty(Session s) {
        s.dirtyCas = true;
        unwatchAll(s);
    }

    /** Whether a key s watches expired since it was watched (not yet deleted: EXEC must fail all the same). */
    private boolean watchedKeyExpired(Session s) {
        for (Watch w : s.watched) {
            if (!w.expired) {
                Db db = server.dbs[w.db];
                Entry e = db.find(w.key.b, 0, w.key.len);
                if (e != null && keyspace.expired(db, e)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Redis's touchWatchedKey: key in db was written, deleted or expired. */
    private void touch(Db db, byte[] key, int off, int len) {
        if (totalWatchedKeys == 0) {
            return;
        }
        ArrayList<Watch> list = watchedKeys[db.id].get(probe.set(key, off, len));
        probe.b = null;
        if (list == null) {
            return;
        }
        for (Watch w : list.toArray(new Watch[0])) {
            if (w.expired && db.find(key, off, len) == null) {
                w.expired = false; // a key expired at WATCH time is now deleted: logically unchanged
                continue;
            }
            markDirty(w.session);
        }
    }

    /** Redis's touchAllWatchedKeysInDb: emptied loses its keys, replaced by those of replacedWith (or none). */
    private void touchAll(Db emptied, Db replacedWith) {
        Map<Key, ArrayList<Watch>> m = watchedKeys[emptied.id];
        if (m.isEmpty()) {
            return;
        }
        for (Map.Entry<Key, ArrayList<Watch>> me : new ArrayList<>(m.entrySet())) {
            Key k = me.getKey();
            boolean existed = emptied.find(k.b, 0, k.len) != null;
            Entry repl = replacedWith == null ? null : replacedWith.find(k.b, 0, k.len);
            if (!existed && repl == null) {
                continue;
            }
            for (Watch w : me.getValue().toArray(new Watch[0])) {
                if (w.expired) {
                    if (repl == null) {
                        w.expired = false; // the expired key is deleted: no logical change
                        continue;
                    } else if (keyspace.expired(replacedWith, repl)) {
                        continue; // an expired key stays expired
                    }
                } else if (!existed && keyspace.expired(replacedWith, repl)) {
                    w.expired = true; // a missing key replaced by an expired one
                    continue;
                }
                markDirty(w.session);
            }
        }
    }

    // ---- keyspace listener

    @Override
    public void keyAdded(Db db, byte[] key, int off, int len) {
        touch(db, key, off, len);
    }

    @Override
    public void keyModified(Db db, byte[] key, int off, int len) {
        touch(db, key, off, len);
    }

    @Override
    public void keyDeleted(Db db, byte[] key, int off, int len) {
        touch(db, key, off, len);
    }

    @Override
    public void keyExpired(Db db, byte[] key, int off, int len) {
        touch(db, key, off, len);
    }

    @Override
    public void flushing(Db db) {
        if (totalWatchedKeys != 0) {
            touchAll(db, null);
        }
    }

    @Override
    public void swapping(Db a, Db b) {
        if (totalWatchedKeys != 0 && a != b) {
            touchAll(a, b);
            touchAll(b, a);
        }
    }
}
