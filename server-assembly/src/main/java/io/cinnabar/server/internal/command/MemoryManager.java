package io.cinnabar.server.internal.command;

/**
 * What the pipeline, the cron and INFO ask of memory management (implemented by {@code evict.MemoryLimits}, wired
 * by {@code Assembly}): the {@code used_memory} figure, eviction before a command when it is above
 * {@code maxmemory} (Redis's performEvictions), client eviction ({@code maxmemory-clients}) and the lazy-free
 * counters. Owned by the command layer so that the pipeline does not depend on the layer above it.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface MemoryManager {
    /** INFO used_memory: what Redis's allocator would report for this dataset, clients and caches. */
    long usedMemory();

    /** Memory not counted for eviction (AOF buffer, replica output buffers): INFO mem_not_counted_for_evict. */
    long notCountedForEvict();

    /**
     * Before a command while maxmemory is set: evicts keys by the policy until the memory is under the limit or
     * the time budget (maxmemory-eviction-tenacity) is spent; true when the memory is still above it and nothing
     * more can be freed now (Redis's EVICT_FAIL: denyoom commands are refused with OOM).
     */
    boolean evictionsFailed();

    /**
     * Evicts clients over maxmemory-clients (Redis's evictClients), before a command and from the cron; c (the
     * client about to run a command) may be among them, its {@code closed} flag then tells.
     */
    void evictClients(Client current);

    /**
     * c's buffers or state changed (a read, before a command, a write): its memory is measured again for used_memory
     * (Redis's allocator counts a buffer as it grows) and, while maxmemory-clients is on, an evictable client's also
     * for the clients' total (Redis's updateClientMemUsageAndBucket).
     */
    void clientChanged(Client c);

    /** DEBUG CLIENT-EVICTION: the memory buckets of the evictable clients; null while maxmemory-clients is off. */
    String clientEvictionBuckets();

    /**
     * A client was freed: its buffers stop counting at once (Redis frees them with the client), not only at the
     * next measurement.
     */
    void clientFreed(Client c);

    /** From the cron (hz times a second): client memory figures, the heap and off-heap limits, client eviction. */
    void cron(long nowMs);

    /**
     * Once per event-loop iteration: an eviction stopped on its time budget goes on (Redis's evictionTimeProc);
     * true while it has more to do (the loop then polls without sleeping).
     */
    boolean continueEviction(long nowMs);

    /** INFO lazyfree_pending_objects. */
    long lazyfreePending();

    /** INFO lazyfreed_objects. */
    long lazyfreed();

    /** INFO mem_clients_normal: the memory of the clients but replicas, as last measured. */
    long clientsMemory();

    /** INFO mem_clients_slaves: the memory of the replicas' connections, as last measured. */
    long replicasMemory();

    /**
     * Whether eviction must run before commands: maxmemory is set, or the JVM heap guard imposes a limit (the heap
     * is nearly full after garbage collection).
     */
    boolean limited();

    /**
     * The keyspace's off-heap allocator could not get memory (the JVM's direct memory limit): the command that
     * needed it was refused with OOM, and from now on used_memory is held below what it is now, as under a
     * maxmemory (eviction by the policy, or OOM for denyoom commands), until enough was freed.
     */
    void allocationFailed(String why);

    /** An option changed (its primary name): the eviction and lazyfree options are re-read. */
    void configChanged(String name);

    /** CONFIG RESETSTAT: lazyfreed_objects. */
    void resetStats();
}
