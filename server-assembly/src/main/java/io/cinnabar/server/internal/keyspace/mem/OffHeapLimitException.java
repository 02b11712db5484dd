package io.cinnabar.server.internal.keyspace.mem;

/**
 * Thrown when {@link SlabAllocator} cannot reserve another slab or large buffer: its footprint limit would be
 * exceeded, or the JVM refused the direct memory (-XX:MaxDirectMemorySize). Nothing was allocated and the
 * allocator, and any table using it, are unchanged by the failed call.
 */
public final class OffHeapLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OffHeapLimitException(String message, Throwable cause) {
        super(message, cause);
    }
}
