package io.cinnabar.server.internal.keyspace;

/**
 * Where keyspace notifications go: Pub/Sub's PUBLISH to the subscribers of a channel and of the patterns
 * matching it, implemented above the keyspace (package {@code pubsub}) and wired by {@code Assembly}. The arrays
 * are the publisher's to keep (the notifier builds fresh ones per event).
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
@FunctionalInterface
public interface EventPublisher {
    /** Publishes message on channel; returns the number of clients that received it. */
    long publish(byte[] channel, byte[] message);
}
