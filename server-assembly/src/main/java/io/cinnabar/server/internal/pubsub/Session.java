package io.cinnabar.server.internal.pubsub;

import io.cinnabar.server.internal.command.PubSub;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.TreeSet;

/**
 * A client's Pub/Sub record ({@code Client.ps}): the channels, patterns and shard channels it subscribes to, in
 * subscription order, and its client-side-caching (tracking) mode.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Session implements PubSub.State {
    final LinkedHashSet<Channel> channels = new LinkedHashSet<>();
    final LinkedHashSet<Channel> patterns = new LinkedHashSet<>();
    final LinkedHashSet<Channel> shard = new LinkedHashSet<>();

    boolean tracking;
    boolean bcast;
    boolean optin;
    boolean optout;
    boolean noloop;
    /** CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next command. */
    boolean caching;
    boolean brokenRedirect;
    /** The client id invalidations are redirected to, 0 for none. */
    long redirect;
    /** BCAST prefixes, in byte order (as Redis's radix tree lists them). */
    final TreeSet<byte[]> prefixes = new TreeSet<>(Arrays::compareUnsigned);
    /**
     * The same prefixes in a radix tree shaped as Redis's client_tracking_prefixes, for its node count (what the
     * prefixes add to the client's memory); null without prefixes.
     */
    io.cinnabar.rax.Rax<Boolean> prefixTree;

    /** Redis's sizeof(listNode): what a pattern subscription adds to its client's memory. */
    static final long PATTERN_BYTES = 24;
    /** Redis's sizeof(dictEntry) and sizeof(dictEntry*): a channel in the client's dict, and a slot of it. */
    static final long ENTRY_BYTES = 24;
    static final long SLOT_BYTES = 8;
    /** Redis's sizeof(raxNode) * sizeof(raxNode*) per node of the tracking prefixes (its underestimate). */
    static final long PREFIX_NODE_BYTES = 4 * 8;

    /**
     * What the subscriptions and tracking prefixes add to the client's memory (Redis's pubsubMemOverhead plus
     * the prefix tree's part of getClientMemoryUsage): a list node per pattern, a dict entry per channel and
     * the dict's slots (4 for the first entries, the power of two above the count after).
     */
    long memoryOverhead() {
        long mem = (patterns.size() * PATTERN_BYTES) + (channels.size() + shard.size()) * ENTRY_BYTES
            + (channelSlots + shardSlots) * SLOT_BYTES;
        if (prefixTree != null) {
            mem += prefixTree.nodeCount() * PREFIX_NODE_BYTES;
        }
        return mem;
    }

    /**
     * Slots of the client's channel dicts: 4 at the first channel, doubled when an added channel finds it full;
     * never shrunk by unsubscribing (Redis resizes only the keyspace's dicts).
     */
    long channelSlots;
    long shardSlots;

    /** A channel was added to the client's channels (shard: its shard channels). */
    void grown(boolean sharded) {
        int n = sharded ? shard.size() : channels.size();
        long slots = sharded ? shardSlots : channelSlots;
        while (slots < n) {
            slots = slots == 0 ? 4 : slots * 2;
        }
        if (sharded) {
            shardSlots = slots;
        } else {
            channelSlots = slots;
        }
    }

    /** Channels plus patterns: the count in SUBSCRIBE/PSUBSCRIBE replies (Redis's clientSubscriptionsCount). */
    int subscriptions() {
        return channels.size() + patterns.size();
    }

    int total() {
        return channels.size() + patterns.size() + shard.size();
    }
}
