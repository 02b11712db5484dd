package io.cinnabar.rdb;

import java.util.List;

/**
 * A consumer group as {@link RdbWriter#stream} writes it.
 *
 * @param entriesRead entries read by the group, or -1 when unknown (stored as 2^64-1, Redis's SCG_INVALID)
 */
public record StreamGroupData(byte[] name, StreamId lastDelivered, long entriesRead, List<Pending> pending,
                              List<Consumer> consumers) {
    /** One entry of the group's pending entries list. */
    public record Pending(StreamId id, long deliveryTimeMs, long deliveryCount) {
    }

    /** A consumer, its times (-1 active time when unknown) and the ids it owns. */
    public record Consumer(byte[] name, long seenTimeMs, long activeTimeMs, List<StreamId> pending) {
    }
}
