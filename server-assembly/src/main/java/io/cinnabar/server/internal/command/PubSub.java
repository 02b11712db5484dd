package io.cinnabar.server.internal.command;

/**
 * What the pipeline, the event loop, CLIENT, RESET and INFO ask of the Pub/Sub and client-side-caching code
 * (implemented by {@code pubsub.PubSubService}, wired by {@code Assembly}): publishing, forgetting a closed or
 * reset client, the counters of CLIENT LIST and INFO, and the tracking hooks around a command. Owned by the
 * command layer so that the pipeline does not depend on the layer above it.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface PubSub {
    /** What {@link Client#ps} holds once a client subscribed or enabled tracking: the Pub/Sub code's record. */
    interface State {
    }

    /** A test of one subscription: its channel (or pattern) name and whether it is a PSUBSCRIBE pattern. */
    @FunctionalInterface
    interface SubscriptionTest {
        boolean test(byte[] name, boolean pattern);
    }

    /** Whether one of c's channels, shard channels or patterns passes test (ACL SETUSER revoking channels). */
    boolean anySubscription(Client c, SubscriptionTest test);

    /** PUBLISH from inside the server (keyspace notifications): the number of clients that received it. */
    int publish(byte[] channel, byte[] message);

    /** SPUBLISH from inside the server (a PUBLISHSHARD message of the cluster bus). */
    int publishShard(byte[] channel, byte[] message);

    /** The hash slot of a shard channel's name (the cluster's keyHashSlot), for {@link #removeShardChannelsInSlot}. */
    @FunctionalInterface
    interface SlotOf {
        int slot(byte[] name);
    }

    /**
     * Cluster mode: from now on shard channels are indexed by {@code slotOf} (every shard channel already
     * subscribed to included), so that {@link #removeShardChannelsInSlot} costs nothing for a slot without any.
     */
    void indexShardChannels(SlotOf slotOf);

    /**
     * Redis's removeChannelsInSlot, when this node's shard loses a slot (gossip, CLUSTER DELSLOTS / SETSLOT / RESET):
     * every client subscribed to a shard channel of that slot is unsubscribed from it and told so with a
     * {@code sunsubscribe} push, and the channel is forgotten.
     */
    void removeShardChannelsInSlot(int slot);

    /** Unsubscribes c from everything and turns its tracking off, without replies (connection closed, RESET). */
    void clientFreed(Client c);

    /**
     * What c's subscriptions and tracking prefixes add to its memory (Redis's pubsubMemOverhead and the prefix
     * tree's nodes), for tot-mem and client eviction.
     */
    long memoryOverhead(Client c);

    /** Channels, patterns and shard channels c subscribes to (CLIENT LIST sub=, psub=, ssub=). */
    int channels(Client c);

    int patterns(Client c);

    int shardChannels(Client c);

    /** The CLIENT LIST flags of tracking: "t" (on), "R" (broken redirect), "B" (broadcast), in that order. */
    String trackingFlags(Client c);

    /** The tracking redirection of c: -1 when tracking is off, 0 when not redirecting (CLIENT LIST redir=). */
    long redirection(Client c);

    /** INFO stats pubsub_channels, pubsub_patterns, pubsubshard_channels. */
    int serverChannels();

    int serverPatterns();

    int serverShardChannels();

    /** INFO clients tracking_clients; INFO stats tracking_total_keys, _items, _prefixes. */
    int trackingClients();

    long trackingKeys();

    long trackingItems();

    long trackingPrefixes();

    /** Before a command runs (Redis's processCommand): keeps the tracking table within tracking-table-max-keys. */
    void beforeCommand();

    /** After each executed command, also inside EXEC (Redis's call): remembers the keys a tracking client read. */
    void afterCall(Client c, Command cmd);

    /** After a top-level command (Redis's afterCommand/resetClient): pending self-invalidations, CACHING reset. */
    void afterCommand(Client c, Command cmd);

    /** Before the event loop sleeps: the broadcast (BCAST) invalidations of the keys modified in this cycle. */
    void beforeSleep();
}
