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

    /** Channels plus patterns: the count in SUBSCRIBE/PSUBSCRIBE replies (Redis's clientSubscriptionsCount). */
    int subscriptions() {
        return channels.size() + patterns.size();
    }

    int total() {
        return channels.size() + patterns.size() + shard.size();
    }
}
