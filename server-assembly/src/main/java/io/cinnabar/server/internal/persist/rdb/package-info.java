/**
 * RDB persistence in the server (Redis's {@code rdb.c} server side): SAVE, BGSAVE, LASTSAVE, save points, the
 * shutdown and FLUSHALL saves, MISCONF after a failed save, the load at startup and DEBUG RELOAD, INFO persistence's
 * RDB fields; files are written through a {@code persist.Snapshot} into {@link
 * io.cinnabar.server.internal.persist.rdb.RdbFileSink} (temp file, fsync, atomic rename).
 * <p>
 * May call: the layers up to {@code persist}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread except the sink, which the snapshot's writer
 * thread drives.
 */
package io.cinnabar.server.internal.persist.rdb;
