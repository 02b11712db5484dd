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

    private PropagationConsumer[] consumers = new PropagationConsumer[0];
    /** The current command's rewrite, or null. */
    private byte[][] rewritten;
    /** Entries added by the current command (alsoPropagate), in order. */
    private final List<byte[][]> extra = new ArrayList<>();

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

    private void emit(int db, byte[][] argv) {
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
