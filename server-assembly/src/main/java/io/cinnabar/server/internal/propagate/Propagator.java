package io.cinnabar.server.internal.propagate;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.PropagationHook;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.KeyspaceListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one propagation point (Redis's {@code alsoPropagate}/{@code propagatePendingCommands}): what a command's
 * effects become for the AOF, replicas and other consumers.
 * <ul>
 * <li>A command that changed the dataset propagates as executed, its arguments copied out of the query buffer
 *     into an owned {@code byte[][]}, with the index of the database it ran in.</li>
 * <li>A command may {@link #rewrite} itself (EXPIRE propagates as PEXPIREAT), {@link #prevent} its own entry, or
 *     {@link #alsoPropagate add} entries, which go before its own.</li>
 * <li>A key deleted because it expired propagates as {@code DEL key}: found by a command, it joins that command's
 *     entries (before them); found by the active cycle, it leaves alone at once (this class listens to the keyspace).</li>
 * <li>Reads, failed writes and writes that changed nothing (the dirty counter did not move) propagate nothing.</li>
 * <li>Everything the outermost call (a command, EXEC with its queue, or a script with
 *     its redis.call writes) propagated leaves together: one entry
 *     alone, more wrapped in {@code MULTI} (with the database of the first) ... {@code EXEC} (with the database of
 *     the last), as Redis 7.2 does.</li>
 * </ul>
 * Cost: with no consumer registered, every hook returns at once: nothing is copied or allocated on the command
 * path. A command that propagates alone and unchanged (the common case) is handed to the consumers as the client's
 * argument slices ({@link PropagationConsumer#propagateCurrent}): the AOF encodes it straight into its buffer, and
 * an owned copy is made only for a consumer that asks for one.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Propagator implements PropagationHook, KeyspaceListener {
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MULTI = "MULTI".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNLINK = "UNLINK".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "EXEC".getBytes(StandardCharsets.US_ASCII);

    private PropagationConsumer[] consumers = new PropagationConsumer[0];
    /** Nesting of Server.call (EXEC runs its queue through call). */
    private int depth;
    /** The current command's rewrite, or null. */
    private byte[][] rewritten;
    private boolean prevented;
    /** Set while a script asked for no propagation (redis.set_repl(redis.REPL_NONE)). */
    private boolean suppressed;
    /** What the outermost call propagated so far, in order, with each entry's database. */
    private final List<byte[][]> pending = new ArrayList<>();
    private final List<Integer> pendingDbs = new ArrayList<>();
    /** Per pending entry: who receives it ({@link PropagationHook#TO_AOF}, {@link PropagationHook#TO_REPLICAS}). */
    private final List<Integer> pendingTargets = new ArrayList<>();
    /** Pending entries for the AOF, for replicas. */
    private int aofCount;
    private int replCount;
    /** Where the commands that run now propagate (a script's redis.set_repl(REPL_AOF / REPL_REPLICA)). */
    private int targets = TO_ALL;
    /** The current command asked to reach replicas even without a change (forceReplication). */
    private boolean forcedRepl;

    /** Registers a consumer (at assembly time, or when a replica/AOF starts; not from a consumer callback). */
    public void addConsumer(PropagationConsumer c) {
        consumers = Arrays.copyOf(consumers, consumers.length + 1);
        consumers[consumers.length - 1] = c;
    }

    /** Unregisters a consumer. */
    public void removeConsumer(PropagationConsumer c) {
        for (int i = 0; i < consumers.length; i++) {
            if (consumers[i] == c) {
                PropagationConsumer[] n = new PropagationConsumer[consumers.length - 1];
                System.arraycopy(consumers, 0, n, 0, i);
                System.arraycopy(consumers, i + 1, n, i, n.length - i);
                consumers = n;
                return;
            }
        }
    }

    @Override
    public boolean active() {
        return consumers.length != 0;
    }

    @Override
    public void beginCall() {
        depth++;
        rewritten = null;
        prevented = false;
        forcedRepl = false;
    }

    @Override
    public void forceReplication(Client c) {
        forcedRepl = active();
    }

    private void add(byte[][] argv, int db, int to) {
        pending.add(argv);
        pendingDbs.add(db);
        pendingTargets.add(to);
        if ((to & TO_AOF) != 0) {
            aofCount++;
        }
        if ((to & TO_REPLICAS) != 0) {
            replCount++;
        }
    }

    private void clearPending() {
        pending.clear();
        pendingDbs.clear();
        pendingTargets.clear();
        aofCount = 0;
        replCount = 0;
    }

    @Override
    public void rewrite(Client c, byte[][] argv) {
        if (active()) {
            rewritten = argv;
        }
    }

    @Override
    public void prevent(Client c) {
        prevented = true;
    }

    @Override
    public void alsoPropagate(Client c, byte[][] argv) {
        if (active() && !suppressed) {
            add(argv, c.dbIndex, targets);
        }
    }

    @Override
    public void afterCall(Client c, boolean dirtied) {
        depth = Math.max(0, depth - 1);
        boolean forced = forcedRepl;
        forcedRepl = false;
        if (consumers.length == 0) {
            rewritten = null;
            prevented = false;
            clearPending();
            return;
        }
        if (depth == 0 && pending.isEmpty() && !prevented && !suppressed && dirtied && rewritten == null
                && targets == TO_ALL) {
            // the common case: one command alone, as received; consumers may encode it from the query buffer
            emitCurrent(c.dbIndex, c);
            return;
        }
        // as Redis's call(): a command propagates only when it changed the dataset (or forced to replicas, as
        // PUBLISH: then to replicas only); a script may suppress its writes
        if (!prevented && !suppressed && (dirtied || forced)) {
            add(rewritten != null ? rewritten : ownedArgs(c), c.dbIndex, dirtied ? targets : TO_REPLICAS);
        }
        rewritten = null;
        prevented = false;
        if (depth == 0) {
            // as Redis's propagatePendingCommands: what a command that touches arbitrary keys (SCAN, RANDOMKEY: the
            // DELs of the expired keys it met) propagates goes without MULTI/EXEC, like the active expire cycle's
            flush(!touchesArbitraryKeys(c));
        }
    }

    /** Redis's hidden CMD_TOUCHES_ARBITRARY_KEYS flag: SCAN and RANDOMKEY. */
    private static boolean touchesArbitraryKeys(Client c) {
        return c.cmd != null && (c.cmd.fullName.equals("scan") || c.cmd.fullName.equals("randomkey"));
    }

    /** A key expired: replicas and the AOF must delete it too. */
    @Override
    public void keyExpired(Db db, byte[] key, int off, int len) {
        propagateDeletion(db, key, off, len, false);
    }

    /** A key was evicted: replicas and the AOF delete it too (UNLINK under lazyfree-lazy-eviction). */
    @Override
    public void keyEvicted(Db db, byte[] key, int off, int len, boolean lazy) {
        propagateDeletion(db, key, off, len, lazy);
    }

    private void propagateDeletion(Db db, byte[] key, int off, int len, boolean lazy) {
        if (consumers.length == 0) {
            return;
        }
        queueDeletion(db.id, new byte[][] {lazy ? UNLINK : DEL, Arrays.copyOfRange(key, off, off + len)});
    }

    @Override
    public void propagateDeletion(int dbIndex, byte[] key, boolean lazy) {
        if (consumers.length == 0) {
            return;
        }
        queueDeletion(dbIndex, new byte[][] {lazy ? UNLINK : DEL, key.clone()});
    }

    private void queueDeletion(int dbIndex, byte[][] del) {
        if (depth > 0) {
            add(del, dbIndex, TO_ALL);
        } else {
            emit(dbIndex, del);
        }
    }

    @Override
    public void beginUnit() {
        // the unit is the outermost call (EXEC): its queue's entries wait in pending until EXEC's call ends
    }

    @Override
    public void endUnit() {
        // flushed when the outermost call (EXEC, EVAL, FCALL) ends (afterCall at depth 0): units nest for free
    }

    @Override
    public void discardPending() {
        clearPending();
        rewritten = null;
    }

    @Override
    public void targets(int to) {
        targets = to;
    }

    @Override
    public void suppress(boolean on) {
        suppressed = on;
    }

    /**
     * Sends what the outermost call held back: nothing, the one entry alone, or the entries between MULTI (with
     * the database of the first) and EXEC (with the database of the last), so that a consumer that selects
     * databases as entries arrive places no SELECT around the MULTI or the EXEC.
     */
    private void flush(boolean transaction) {
        int n = pending.size();
        if (n == 0) {
            return;
        }
        boolean wrap = n > 1 && transaction;
        byte[][] multi = wrap ? new byte[][] {MULTI.clone()} : null;
        byte[][] exec = wrap ? new byte[][] {EXEC.clone()} : null;
        for (PropagationConsumer p : consumers) {
            int mine = p.receivesReplicationOnly() ? TO_REPLICAS : TO_AOF;
            if ((mine == TO_AOF ? aofCount : replCount) == 0) {
                continue; // nothing for this consumer (PUBLISH only for replicas, set_repl)
            }
            if (wrap) {
                p.propagate(pendingDbs.get(0), multi);
            }
            for (int i = 0; i < n; i++) {
                if ((pendingTargets.get(i) & mine) != 0) {
                    p.propagate(pendingDbs.get(i), pending.get(i));
                }
            }
            if (wrap) {
                p.propagate(pendingDbs.get(n - 1), exec);
            }
        }
        clearPending();
    }

    private void emit(int db, byte[][] argv) {
        for (PropagationConsumer p : consumers) {
            p.propagate(db, argv);
        }
    }

    /** The current command to every consumer; one owned copy is made for those that need it. */
    private void emitCurrent(int db, Client c) {
        byte[][] owned = null;
        for (PropagationConsumer p : consumers) {
            if (!p.propagateCurrent(db, c)) {
                if (owned == null) {
                    owned = ownedArgs(c);
                }
                p.propagate(db, owned);
            }
        }
    }

    /** The current command's arguments copied out of the query buffer. */
    private static byte[][] ownedArgs(Client c) {
        byte[][] argv = new byte[c.argc][];
        for (int i = 0; i < c.argc; i++) {
            argv[i] = c.arg(i);
        }
        return argv;
    }
}
