/**
 * Replication (Redis's {@code replication.c}): PSYNC2 master and replica. The master side turns the propagation
 * point's entries into the replication stream, keeps the backlog, serves SYNC/PSYNC with a fork-less snapshot
 * (diskless or through the RDB file) or the backlog, and answers WAIT and ROLE; the replica side connects to a
 * master, loads its RDB, applies its stream through a master client and forwards it byte for byte to its own
 * replicas.
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}, {@code propagate}, {@code persist}, {@code persist.*}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread, except the snapshot's writer thread feeding
 * {@link io.cinnabar.server.internal.replication.FullSync}'s queues and the loader thread of a diskless load
 * ({@link io.cinnabar.server.internal.replication.SocketLoad}), which fills a keyspace nothing else sees.
 */
package io.cinnabar.server.internal.replication;
