package io.cinnabar.server.internal.command;

import java.util.Map;

/**
 * What the pipeline, the event loop, the cron and INFO ask of the append-only file (implemented by
 * {@code persist.aof.AppendOnlyFile}, wired by {@code Assembly}), in the order of Redis's event loop:
 * commands run and their effects are appended to the AOF buffer; {@link #beforeSleep} writes the buffer (and
 * fsyncs it with {@code appendfsync always}) before the event loop writes any reply; replies then leave.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface Durability {
    /**
     * Loads the AOF at startup when {@code appendonly yes} (Redis's loadDataFromDisk + aofOpenIfNeededOnServerStart);
     * false after logging a fatal error: the server must exit with status 1.
     */
    boolean loadAtStartup();

    /** Writes the AOF buffer and fsyncs per policy (Redis's flushAppendOnlyFile(0) in beforeSleep). */
    void beforeSleep();

    /**
     * Whether a reply may only leave once the AOF has been written and fsynced ({@code appendfsync always}):
     * the event loop then writes to a socket before reading from it in one iteration (Redis's AE_BARRIER), so that
     * a reply produced by a read is written only after the next {@link #beforeSleep}.
     */
    boolean writeBeforeRead();

    /** The error that refuses write commands (and PING) while the AOF cannot be written, or null. */
    String denyWrites();

    /** Once per cron run: postponed flushes, retries after a write error, scheduled and automatic rewrites. */
    void cron();

    /** A shutdown goes ahead (Redis's finishShutdown): write and fsync what is buffered, logged when the AOF is on. */
    void prepareShutdown();

    /** After the event loop stopped: write and fsync what the last iteration added, release the fsync thread. */
    void shutdown();

    /** The AOF buffer's allocation while the AOF is on, else 0 (INFO mem_aof_buffer, not counted for eviction). */
    long bufferBytes();

    /** INFO persistence: the aof_* fields (tail: the fields Redis adds only while the AOF is on). */
    void info(Map<String, Object> into, boolean tail);
}
