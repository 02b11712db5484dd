/**
 * Memory limits (Redis's {@code evict.c} and {@code lazyfree.c}): the {@code used_memory} figure built from the
 * keyspace's incremental accounting ({@link io.cinnabar.server.internal.evict.MemoryLimits}), {@code maxmemory}
 * eviction with the eight policies and the eviction pool ({@link io.cinnabar.server.internal.evict.Policy},
 * {@link io.cinnabar.server.internal.evict.EvictionPool}), {@code maxmemory-clients} client eviction, and the
 * lazy-free thread ({@link io.cinnabar.server.internal.evict.LazyFree}). The pipeline reaches it through
 * {@code command.MemoryManager}; the keyspace through {@code keyspace.LazyFreer}.
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}. Never a higher layer by name.
 * <p><b>Note:</b> Everything here runs on the event-loop thread except the lazy-free worker.
 */
package io.cinnabar.server.internal.evict;
