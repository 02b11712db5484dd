package io.cinnabar.server.internal.type.stream;

/**
 * One pending entry (Redis's {@code streamNACK}): delivered to a consumer and not acknowledged yet. The same
 * object sits in the group's PEL and in its consumer's PEL, under the entry's 16-byte id.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class StreamNack {
    /** Unix time in ms of the last delivery. */
    long deliveryTime;
    /** Number of deliveries (XCLAIM's RETRYCOUNT may set it to anything). */
    long deliveryCount;
    /** The owner; null only for a NACK that XCLAIM FORCE has just created. */
    StreamConsumer consumer;

    StreamNack(StreamConsumer consumer, long deliveryTime, long deliveryCount) {
        this.consumer = consumer;
        this.deliveryTime = deliveryTime;
        this.deliveryCount = deliveryCount;
    }

    public long deliveryTime() {
        return deliveryTime;
    }

    public long deliveryCount() {
        return deliveryCount;
    }

    public StreamConsumer consumer() {
        return consumer;
    }
}
