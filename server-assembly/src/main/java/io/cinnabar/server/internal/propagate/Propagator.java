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
 * The one propagation point (Redis's {@code propagatePendingCommands}): what a command's effects become for the
 * AOF, replicas and other consumers.
 * <ul>
 * <li>A command that changed the dataset propagates as executed, its arguments copied out of the query buffer
 *     into an owned {@code byte[][]}, with the index of the database it ran in.</li>
 * <li>A command may {@link #rewrite} itself (EXPIRE propagates as PEXPIREAT) or
 *     {@link #alsoPropagate add} entries; a rewrite replaces the original.</li>
 * <li>A key deleted because it expired (lazily or by the active cycle) propagates as {@code DEL key}, before the
 *     command that found it expired (this class listens to the keyspace for it).</li>
 * <li>Reads, failed writes and writes that changed nothing (the dirty counter did not move) propagate nothing.</li>
 * </ul>
 * Cost: with no consumer registered, {@link #afterCall} and the expiry listener return at once: nothing is
 * copied or allocated on the command path.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Propagator implements PropagationHook, KeyspaceListener {
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MULTI = "MULTI".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "EXEC".getBytes(StandardCharsets.US_ASCII);

    private PropagationConsumer[] consumers = new PropagationConsumer[0];
    /** The current command's rewrite, or null. */
    private byte[][] rewritten;
    /** Entries added by the current command (alsoPropagate), in order. */
    private final List<byte[][]> extra = new ArrayList<>();
    /** Whether an execution unit (EXEC) is open: entries are held in {@link #unitArgs} until it ends. */
    private boolean inUnit;
    /** Units opened and not closed: a script inside EXEC opens a unit inside the EXEC's, which sends them both. */
    private int unitDepth;
    /** Set while a script asked for no propagation (redis.set_repl(redis.REPL_NONE)). */
    private boolean suppressed;
    private final List<byte[][]> unitArgs = new ArrayList<>();
    private final List<Integer> unitDbs = new ArrayList<>();

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
    public void rewrite(Client c, byte[][] argv) {
        if (active()) {
            rewritten = argv;
        }
    }

    @Override
    public void alsoPropagate(Client c, byte[][] argv) {
        if (active()) {
            extra.add(argv);
        }
    }

    @Override
    public void afterCall(Client c, boolean dirtied) {
        if (consumers.length == 0) {
            return;
        }
        int db = c.dbIndex;
        if (suppressed) {
            rewritten = null;
            extra.clear();
            return;
        }
        if (rewritten != null) {
            emit(db, rewritten);
            rewritten = null;
        } else if (dirtied) {
            emit(db, ownedArgs(c));
        }
        if (!extra.isEmpty()) {
            for (byte[][] e : extra) {
                emit(db, e);
            }
            extra.clear();
        }
    }

    /** A key expired: replicas and the AOF must delete it too. */
    @Override
    public void keyExpired(Db db, byte[] key, int off, int len) {
        if (consumers.length != 0) {
            emit(db.id, new byte[][] {DEL, Arrays.copyOfRange(key, off, off + len)});
        }
    }

    @Override
    public void beginUnit() {
        unitDepth++;
        inUnit = true;
    }

    @Override
    public void suppress(boolean on) {
        suppressed = on;
    }

    /**
     * Sends what the unit held back: nothing, the one entry alone, or the entries between MULTI (with the
     * database of the first) and EXEC (with the database of the last), so that a consumer that selects databases
     * as entries arrive places no SELECT around the MULTI or the EXEC.
     */
    @Override
    public void endUnit() {
        if (--unitDepth > 0) {
            return;
        }
        unitDepth = 0;
        inUnit = false;
        int n = unitArgs.size();
        if (n == 0) {
            return;
        }
        if (n > 1) {
            emit(unitDbs.get(0), new byte[][] {MULTI.clone()});
        }
        for (int i = 0; i < n; i++) {
            emit(unitDbs.get(i), unitArgs.get(i));
        }
        if (n > 1) {
            emit(unitDbs.get(n - 1), new byte[][] {EXEC.clone()});
        }
        unitArgs.clear();
        unitDbs.clear();
    }

    private void emit(int db, byte[][] argv) {
        if (inUnit) {
            unitArgs.add(argv);
            unitDbs.add(db);
            return;
        }
        for (PropagationConsumer p : consumers) {
            p.propagate(db, argv);
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
