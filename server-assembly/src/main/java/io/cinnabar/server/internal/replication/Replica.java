package io.cinnabar.server.internal.replication;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.SharedOutput;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * What the master knows of one of its replicas (Redis's {@code client->replstate} and the {@code repl_*} fields of
 * a replica client): its state in the sync, its acknowledged offset, what it announced with REPLCONF, and its place in
 * the shared replication buffer ({@link ReplBuffer}): from the first stream byte after its snapshot (or its PSYNC
 * offset) on, held back while it receives its RDB, then written to its socket.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread owns it.
 */
final class Replica implements SharedOutput {
    /** Waits for a snapshot to start (repl-diskless-sync-delay, another snapshot running). */
    static final int WAIT_BGSAVE_START = 0;
    /** Its snapshot runs; the stream since the snapshot's offset is buffered. */
    static final int WAIT_BGSAVE_END = 1;
    /** The RDB is being sent. */
    static final int SEND_BULK = 2;
    /** Receives the stream. */
    static final int ONLINE = 3;

    final Client client;
    int state = WAIT_BGSAVE_START;
    int listeningPort;
    String announcedIp;
    boolean capaEof;
    boolean capaPsync2;
    /** Came with SYNC (no replication offsets, no ACKs). */
    boolean prePsync;
    /** REPLCONF rdb-only 1: the RDB only, then the connection ends (redis-cli --rdb). */
    boolean rdbOnly;
    /** REPLCONF rdb-filter-only: "" for every record, "functions" for the functions only. */
    String rdbFilter = "";
    long ackOffset;
    /** The replication offset its AOF fsynced (REPLCONF ACK ... FACK, Redis's repl_aof_off). */
    long aofAckOffset;
    long ackTimeMs;
    /**
     * A diskless transfer's progress as the cron saw it (Redis's repl_last_partial_write): the bytes written to
     * the replica so far and when that count last moved or nothing waited for it; repl-timeout behind without a move
     * disconnects it.
     */
    long transferBytesSeen = -1;
    long transferProgressMs;
    /** When it entered WAIT_BGSAVE_START (repl-diskless-sync-delay). */
    final long waitSinceMs;
    /** The snapshot offset of its full resync. */
    long initialOffset;
    /** After a diskless transfer: the buffered stream goes once the replica's first ACK says it loaded the RDB. */
    boolean startStreamOnAck;
    /** Its place in the replication buffer (empty until the stream first reaches it). */
    final ReplBuffer.Cursor out = new ReplBuffer.Cursor();
    /** Where the RDB bytes come from while SEND_BULK. */
    FullSync.Feed feed;

    Replica(Client client, long nowMs) {
        this.client = client;
        this.waitSinceMs = nowMs;
        this.ackTimeMs = nowMs;
    }

    /** Whether its stream goes to the socket now (online, and after a diskless transfer its first ACK came). */
    @Override
    public boolean streaming() {
        return state == ONLINE && !startStreamOnAck && !rdbOnly;
    }

    @Override
    public long pending() {
        return out.owner == null || !streaming() ? 0 : out.owner.pending(out);
    }

    @Override
    public long memory() {
        return out.owner == null ? 0 : out.owner.memory(out);
    }

    @Override
    public long blocks() {
        return out.owner == null ? 0 : out.owner.blocks(out);
    }

    @Override
    public long write(WritableByteChannel ch) throws IOException {
        return out.owner == null || !streaming() ? 0 : out.owner.write(out, ch);
    }

    String stateName() {
        return switch (state) {
            case WAIT_BGSAVE_START, WAIT_BGSAVE_END -> "wait_bgsave";
            case SEND_BULK -> "send_bulk";
            default -> "online";
        };
    }

    /**
     * How log lines name the replica (Redis's replicationGetSlaveName): ip:port, [ip]:port for an IPv6 address, or
     * ip:&lt;unknown-replica-port&gt; before REPLCONF listening-port gave one.
     */
    String name() {
        String ip = ip();
        if (listeningPort == 0) {
            return ip + ":<unknown-replica-port>";
        }
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + listeningPort : ip + ":" + listeningPort;
    }

    /** The address INFO and ROLE show: the announced ip, else the connection's peer address. */
    String ip() {
        if (announcedIp != null) {
            return announcedIp;
        }
        String a = client.addr;
        int colon = a.lastIndexOf(':');
        String h = colon < 0 ? a : a.substring(0, colon);
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }
}
