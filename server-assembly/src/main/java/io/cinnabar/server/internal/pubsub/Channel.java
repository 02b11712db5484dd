package io.cinnabar.server.internal.pubsub;

import io.cinnabar.server.internal.command.Client;

/**
 * One channel, pattern or shard channel and its subscribers, in subscription order (Redis keeps a dict of
 * clients; its order is unspecified, so subscription order is as good and deterministic).
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Channel {
    final byte[] name;
    Client[] subs = new Client[2];
    int n;
    /** The hash slot of a shard channel once the cluster indexes them ({@link PubSubService#indexShardChannels}). */
    int slot = -1;

    Channel(byte[] name) {
        this.name = name;
    }

    void add(Client c) {
        if (n == subs.length) {
            subs = java.util.Arrays.copyOf(subs, n * 2);
        }
        subs[n++] = c;
    }

    void remove(Client c) {
        for (int i = 0; i < n; i++) {
            if (subs[i] == c) {
                System.arraycopy(subs, i + 1, subs, i, n - i - 1);
                subs[--n] = null;
                return;
            }
        }
    }
}
