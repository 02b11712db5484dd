package io.cinnabar.server.internal.replication;

import io.cinnabar.server.internal.command.Client;
import java.io.ByteArrayOutputStream;

/**
 * What the master knows of one of its replicas (Redis's {@code client->replstate} and the {@code repl_*} fields of
 * a replica client): its state in the sync, its acknowledged offset, what it announced with REPLCONF, and the part
 * of the replication stream that waits while it receives its RDB.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread owns it.
 */
final class Replica {
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
    /** When it entered WAIT_BGSAVE_START (repl-diskless-sync-delay). */
    final long waitSinceMs;
    /** The snapshot offset of its full resync. */
    long initialOffset;
    /** After a diskless transfer: the buffered stream goes once the replica's first ACK says it loaded the RDB. */
    boolean startStreamOnAck;
    /** The stream produced while the replica waits for its RDB. */
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** Where the RDB bytes come from while SEND_BULK. */
    FullSync.Feed feed;

    Replica(Client client, long nowMs) {
        this.client = client;
        this.waitSinceMs = nowMs;
        this.ackTimeMs = nowMs;
    }

    String stateName() {
        return switch (state) {
            case WAIT_BGSAVE_START, WAIT_BGSAVE_END -> "wait_bgsave";
            case SEND_BULK -> "send_bulk";
            default -> "online";
        };
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
