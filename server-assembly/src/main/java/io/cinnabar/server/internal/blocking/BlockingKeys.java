package io.cinnabar.server.internal.blocking;

import io.cinnabar.server.internal.command.BlockedClients;
import io.cinnabar.server.internal.keyspace.KeyspaceListener;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeSet;

/**
 * Clients blocked on keys by BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP, served the way
 * Redis 7.2's {@code blocked.c} serves them.
 * <pre>
 *   per database   key -&gt; clients blocked on it, in the order they blocked (insertion-ordered set: O(1) removal)
 *   ready keys     (database, key) pairs signalled since the last pass, each at most once (a list and a set)
 *   timeouts       blocked clients with a deadline, ordered by (deadline, blocking order)
 *   unblocked      clients whose pending pipelined input must be processed before the next poll
 * </pre>
 * <b>Blocking.</b> A blocking command that finds nothing to pop calls {@link #block}: the client's arguments are
 * copied (the query buffer may move while it waits), the client is queued on every distinct key, and
 * {@link Client#blocked} stops the event loop from executing its further pipelined commands. Its statistics are
 * counted when it completes, not when it blocks.
 * <p>
 * <b>Waking.</b> {@link Db} reports every key it adds (Redis's {@code signalKeyAsReady} from {@code dbAdd}), and a
 * database swap reports every blocked key the swap made present. After each command {@link #handleReady} takes
 * the signalled keys in order and, for each, walks the clients queued on it in FIFO order: a client is served when
 * the key exists with the type it waits for (a list, a sorted set or a stream); the key of any other type leaves it
 * blocked. A key changed in place ({@code keyModified}, e.g. XADD to an existing stream) is signalled too.
 * Serving means re-executing the client's command as Redis 7.2 does: the command pops through the ordinary
 * non-blocking code, replies, and its own writes (BLMOVE's push) may signal further keys, which the same pass then
 * handles. A push of three elements thus serves three clients, and a client whose re-execution finds the key gone
 * again (emptied by the clients before it) blocks again, at the tail, with its original deadline.
 * <p>
 * <b>Ending otherwise.</b> A deadline that passes, or {@code CLIENT UNBLOCK id TIMEOUT}, replies a null array;
 * {@code CLIENT UNBLOCK id ERROR} replies {@code -UNBLOCKED}; a disconnect or {@code CLIENT KILL} just removes the
 * client. Nothing is popped for a client that is not served.
 * <p>
 * Costs: blocking O(k) for k keys; a key signal O(1) (and a single emptiness test when no client of that database
 * is blocked, so {@code Db.add} stays cheap); serving O(clients queued on the key) per signalled key plus the
 * re-executed commands; a timeout O(log n).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class BlockingKeys implements BlockedClients, KeyspaceListener {
    /** What a client waits for: a list (BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP). */
    public static final int LIST = Entry.TYPE_LIST;
    /** What a client waits for: a sorted set (BZPOPMIN, BZPOPMAX, BZMPOP). */
    public static final int ZSET = Entry.TYPE_ZSET;
    /** What a client waits for: a stream (XREAD, XREADGROUP with BLOCK), woken when the stream changes. */
    public static final int STREAM = Entry.TYPE_STREAM;

    /** A key of a database as a hash map key. */
    record Key(byte[] b) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(b, k.b);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(b);
        }
    }

    private record Ready(Db db, Key key) {
    }

    /** One blocked client: what it waits for, until when, and a copy of the command to re-execute. */
    public static final class Blocked implements BlockedClients.Ticket {
        final Client client;
        final Db db;
        final int type;
        /** Redis 7.2's unblock_on_nokey (XREADGROUP): woken also when the key is deleted or holds another type. */
        final boolean unblockOnNoKey;
        /** Absolute deadline in unix ms, 0 for none. */
        final long deadline;
        final long seq;
        final Key[] keys;
        final Command cmd;
        final byte[] argBuf;
        final int[] argOff;
        final int[] argLen;
        final int argc;

        Blocked(Client c, int type, boolean unblockOnNoKey, long deadline, long seq, Key[] keys) {
            this.client = c;
            this.unblockOnNoKey = unblockOnNoKey;
            this.db = c.db;
            this.type = type;
            this.deadline = deadline;
            this.seq = seq;
            this.keys = keys;
            this.cmd = c.cmd;
            this.argc = c.argc;
            this.argOff = new int[argc];
            this.argLen = new int[argc];
            int total = 0;
            for (int i = 0; i < argc; i++) {
                total += c.argLen[i];
            }
            this.argBuf = new byte[total];
            int at = 0;
            for (int i = 0; i < argc; i++) {
                System.arraycopy(c.argBuf, c.argOff[i], argBuf, at, c.argLen[i]);
                argOff[i] = at;
                argLen[i] = c.argLen[i];
                at += c.argLen[i];
            }
        }

        @Override
        public byte[] firstKey() {
            return keys.length == 0 ? null : keys[0].b();
        }

        @Override
        public Command command() {
            return cmd;
        }

        /** Makes the saved command the client's current arguments again. */
        void restoreArgs() {
            client.argBuf = argBuf;
            if (client.argOff.length < argc) {
                client.argOff = new int[argc];
                client.argLen = new int[argc];
            }
            System.arraycopy(argOff, 0, client.argOff, 0, argc);
            System.arraycopy(argLen, 0, client.argLen, 0, argc);
            client.argc = argc;
        }
    }

    private final Server server;
    /** Per database index: key -&gt; clients blocked on it, oldest first. */
    private final Map<Key, LinkedHashSet<Blocked>>[] blockedOn;
    /** Per database index: the keys already in {@link #ready}. */
    private final HashSet<Key>[] readySet;
    private ArrayList<Ready> ready = new ArrayList<>();
    private final TreeSet<Blocked> deadlines = new TreeSet<>((a, b) -> a.deadline != b.deadline
        ? Long.compare(a.deadline, b.deadline) : Long.compare(a.seq, b.seq));
    private final LinkedHashSet<Client> unblocked = new LinkedHashSet<>();
    private long seq;
    private int blockedClients;
    private int blockedKeys;
    private boolean handling;
    /** The client whose blocked command is being re-executed, and its original deadline. */
    private Client reprocessing;
    private long reprocessingDeadline;

    @SuppressWarnings("unchecked")
    public BlockingKeys(Server server, int databases) {
        this.server = server;
        this.blockedOn = new Map[databases];
        this.readySet = new HashSet[databases];
        for (int i = 0; i < databases; i++) {
            blockedOn[i] = new HashMap<>();
            readySet[i] = new HashSet<>();
        }
    }

    // ---- INFO

    /** INFO blocked_clients. */
    @Override
    public int blockedClients() {
        return blockedClients;
    }

    /** INFO total_blocking_keys: keys (per database) with at least one blocked client. */
    @Override
    public int blockingKeys() {
        return blockedKeys;
    }

    /** INFO clients_in_timeout_table. */
    @Override
    public int clientsWithDeadline() {
        return deadlines.size();
    }

    /** Whether c's blocked command is being re-executed (MONITOR saw it when it first ran). */
    @Override
    public boolean reprocessing(Client c) {
        return reprocessing == c;
    }

    // ---- blocking

    /**
     * Blocks c (whose current command found nothing to pop) on the keys in arguments {@code from} (inclusive) to
     * {@code to} (exclusive), for a list or a sorted set, until {@code deadline} (unix ms, 0 for none). A command
     * re-executed after a wake-up keeps its original deadline, as in Redis.
     */
    public void block(Client c, int from, int to, int type, long deadline) {
        block(c, from, to, type, deadline, false);
    }

    /**
     * As {@link #block(Client, int, int, int, long)}; with {@code unblockOnNoKey} (XREADGROUP) the client is also
     * woken when a key it waits on is deleted, flushed, swapped away or overwritten by another type, or when the
     * command signals it (XGROUP DESTROY): its command runs again and answers the error that state gives.
     */
    public void block(Client c, int from, int to, int type, long deadline, boolean unblockOnNoKey) {
        if (c.denyBlocking) { // inside EXEC: answer as on a timeout, at once
            c.nullArray();
            return;
        }
        if (reprocessing == c) {
            deadline = reprocessingDeadline;
        }
        ArrayList<Key> keys = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            Key k = new Key(Arrays.copyOfRange(c.argBuf, c.argOff[i], c.argOff[i] + c.argLen[i]));
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        Blocked b = new Blocked(c, type, unblockOnNoKey, deadline, seq++, keys.toArray(new Key[0]));
        Map<Key, LinkedHashSet<Blocked>> m = blockedOn[b.db.id];
        for (Key k : b.keys) {
            LinkedHashSet<Blocked> q = m.get(k);
            if (q == null) {
                q = new LinkedHashSet<>();
                m.put(k, q);
                blockedKeys++;
            }
            q.add(b);
        }
        if (deadline != 0) {
            deadlines.add(b);
        }
        c.blocked = b;
        blockedClients++;
    }

    /** Removes b from every structure; the client is no longer blocked. */
    private void release(Blocked b) {
        Map<Key, LinkedHashSet<Blocked>> m = blockedOn[b.db.id];
        for (Key k : b.keys) {
            LinkedHashSet<Blocked> q = m.get(k);
            if (q != null && q.remove(b) && q.isEmpty()) {
                m.remove(k);
                blockedKeys--;
            }
        }
        if (b.deadline != 0) {
            deadlines.remove(b);
        }
        b.client.blocked = null;
        blockedClients--;
    }

    // ---- signals

    /** A key was added to db (dbAdd): clients blocked on it may be served after the current command. */
    @Override
    public void keyAdded(Db db, byte[] key, int off, int len) {
        Map<Key, LinkedHashSet<Blocked>> m = blockedOn[db.id];
        if (m.isEmpty()) {
            return;
        }
        Key k = new Key(Arrays.copyOfRange(key, off, off + len));
        if (m.containsKey(k)) {
            signal(db, k);
        }
    }

    /**
     * A key's value changed in place (XADD to an existing stream): clients blocked on it are served after the
     * current command if it is of their type (serving checks the type; a list or sorted set client never waits
     * on a key that exists, so this wakes stream readers only).
     */
    @Override
    public void keyModified(Db db, byte[] key, int off, int len) {
        keyAdded(db, key, off, len);
    }

    /** A key was deleted (or expired): XREADGROUP clients blocked on it run again (signalDeletedKeyAsReady). */
    @Override
    public void keyDeleted(Db db, byte[] key, int off, int len) {
        keyAdded(db, key, off, len);
    }

    @Override
    public void keyExpired(Db db, byte[] key, int off, int len) {
        keyAdded(db, key, off, len);
    }

    /** FLUSHDB/FLUSHALL emptied db: every blocked key is signalled (serving skips clients that keep waiting). */
    @Override
    public void flushed(Db db) {
        for (Key k : blockedOn[db.id].keySet()) {
            signal(db, k);
        }
    }

    private void signal(Db db, Key k) {
        if (readySet[db.id].add(k)) {
            ready.add(new Ready(db, k));
        }
    }

    /** SWAPDB exchanged the contents of a and b: the keys their blocked clients wait for may now exist. */
    @Override
    public void swapped(Db a, Db b) {
        scanForReady(a);
        scanForReady(b);
    }

    private void scanForReady(Db db) {
        for (Key k : blockedOn[db.id].keySet()) {
            signal(db, k); // present now, or gone (which wakes XREADGROUP clients)
        }
    }

    // ---- serving

    /**
     * Redis's handleClientsBlockedOnKeys: serves the clients blocked on the signalled keys, key by key in signal
     * order and client by client in blocking order, until no key is left (re-executed commands may signal more).
     * Not re-entered from the commands it re-executes.
     */
    @Override
    public void handleReady() {
        if (handling || ready.isEmpty()) {
            return;
        }
        handling = true;
        try {
            while (!ready.isEmpty()) {
                ArrayList<Ready> batch = ready;
                ready = new ArrayList<>();
                for (Ready r : batch) {
                    readySet[r.db().id].remove(r.key());
                    serveKey(r.db(), r.key());
                }
            }
        } finally {
            handling = false;
        }
    }

    private void serveKey(Db db, Key key) {
        LinkedHashSet<Blocked> q = blockedOn[db.id].get(key);
        if (q == null) {
            return;
        }
        // Only the clients blocked now: one that blocks again goes to the tail and waits for the next signal.
        Blocked[] waiting = q.toArray(new Blocked[0]);
        for (Blocked b : waiting) {
            if (b.client.blocked != b || b.client.closed) {
                continue;
            }
            server.keyspace.cmdTimeMs = System.currentTimeMillis();
            Entry e = server.lookupQuiet(db, key.b(), 0, key.b().length);
            if (!b.unblockOnNoKey && (e == null || e.type() != b.type)) {
                continue; // absent, or of another type: the client stays blocked
            }
            reexecute(b);
        }
    }

    /** Unblocks b's client and runs its command again, now that one of its keys holds a value of its type. */
    private void reexecute(Blocked b) {
        Client c = b.client;
        release(b);
        b.restoreArgs();
        Client previous = server.current;
        server.current = c;
        reprocessing = c;
        reprocessingDeadline = b.deadline;
        try {
            server.call(c, b.cmd);
        } finally {
            reprocessing = null;
            server.current = previous;
            c.argc = 0;
        }
        if (c.blocked == null) {
            unblocked.add(c);
        }
        if (c.pendingBytes() > 0) {
            server.loop.wantWrite(c);
        }
    }

    // ---- timeouts, CLIENT UNBLOCK, disconnects

    /** The earliest moment a deadline can fire (Redis fires when deadline &lt; now), or Long.MAX_VALUE. */
    @Override
    public long nextTimeoutMs() {
        return deadlines.isEmpty() ? Long.MAX_VALUE : deadlines.first().deadline + 1;
    }

    /**
     * Before each poll: replies to the clients whose deadline passed, serves what is ready, and processes the
     * pipelined input of the clients unblocked since the last poll (Redis's blockedBeforeSleep).
     */
    @Override
    public void beforeSleep() {
        if (!deadlines.isEmpty()) {
            long now = System.currentTimeMillis();
            while (!deadlines.isEmpty() && deadlines.first().deadline < now) {
                endWithoutServing(deadlines.first(), null);
            }
        }
        handleReady();
        while (!unblocked.isEmpty()) {
            Client c = unblocked.iterator().next();
            unblocked.remove(c);
            if (!c.closed && c.blocked == null) {
                server.loop.processInput(c);
            }
        }
    }

    /**
     * Ends b without popping anything: a null array (timeout) or the given error (CLIENT UNBLOCK ERROR), counted
     * in the command's statistics as Redis's updateStatsOnUnblock does.
     */
    private void endWithoutServing(Blocked b, String error) {
        Client c = b.client;
        release(b);
        b.restoreArgs();
        server.keyspace.cmdTimeMs = System.currentTimeMillis();
        long errorsBefore = server.stats.totalErrorReplies;
        if (error == null) {
            c.nullArray();
        } else {
            c.error(error);
        }
        server.commandDone(c, b.cmd, 0, server.stats.totalErrorReplies != errorsBefore);
        c.argc = 0;
        unblocked.add(c);
        server.loop.wantWrite(c);
    }

    /** CLIENT UNBLOCK: ends target's blocking (null reply, or the UNBLOCKED error); false if it was not blocked. */
    @Override
    public boolean unblockByRequest(Client target, boolean error) {
        if (target == null || !(target.blocked instanceof Blocked) || target.closed) {
            return false;
        }
        endWithoutServing((Blocked) target.blocked, error ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : null);
        return true;
    }

    @Override
    public boolean unblockWithError(Client target, String error) {
        if (target == null || !(target.blocked instanceof Blocked) || target.closed) {
            return false;
        }
        endWithoutServing((Blocked) target.blocked, error);
        return true;
    }

    @Override
    public java.util.List<Client> blockedOnKeys() {
        java.util.LinkedHashSet<Client> out = new java.util.LinkedHashSet<>();
        for (Map<Key, LinkedHashSet<Blocked>> m : blockedOn) {
            if (m == null) {
                continue;
            }
            for (LinkedHashSet<Blocked> set : m.values()) {
                for (Blocked b : set) {
                    out.add(b.client);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The client is being freed (disconnect, CLIENT KILL, limits): forget it. */
    @Override
    public void clientFreed(Client c) {
        if (c.blocked instanceof Blocked b) {
            release(b);
        }
        unblocked.remove(c);
    }
}
