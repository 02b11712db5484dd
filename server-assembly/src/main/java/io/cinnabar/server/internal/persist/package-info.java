/**
 * DUMP/RESTORE and the value codec ({@code TypeDump}); the fork-less {@code Snapshot} (RDB stream, or the dataset
 * as commands with {@code CommandForm}) and its {@code SnapshotSink}/{@code SnapshotOwner} seams; {@code RdbLoad};
 * rdb/ and aof/ below.
 * <p>
 * May call: the layers up to {@code generic}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.persist;
