package io.cinnabar.server.internal.pubsub;

import io.cinnabar.resp.ReplyEncoder;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.PubSub;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Pub/Sub (Redis's pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE,
 * PUBLISH, SPUBLISH and PUBSUB, and the pipeline's {@link PubSub} seam. Client-side caching lives in
 * {@link Tracking}, which this class owns and delegates to.
 * <p>
 * Server side, channels, shard channels and patterns are {@link BytesMap}s from the name to a {@link Channel}
 * (its subscribers); PUBLISH finds its channel from a slice of the publisher's arguments and writes each
 * message straight into the subscriber's reply encoder (RESP2 array or RESP3 push): no copy, no allocation.
 * Patterns are also kept in a list (subscription order) that PUBLISH walks with Redis's glob matcher
 * ({@link Glob}, the server's one copy). A subscriber's output buffer is checked against its class's
 * {@code client-output-buffer-limit} after every message ({@code Connections.pushed}): a subscriber that does not
 * read is closed once over the pubsub hard limit (or the soft one for its seconds), so it neither grows the
 * server's memory past that limit nor slows the publisher.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class PubSubService implements PubSub {
    private static final byte[] SUBSCRIBE = Shared.b("$9\r\nsubscribe\r\n");
    private static final byte[] UNSUBSCRIBE = Shared.b("$11\r\nunsubscribe\r\n");
    private static final byte[] PSUBSCRIBE = Shared.b("$10\r\npsubscribe\r\n");
    private static final byte[] PUNSUBSCRIBE = Shared.b("$12\r\npunsubscribe\r\n");
    private static final byte[] SSUBSCRIBE = Shared.b("$10\r\nssubscribe\r\n");
    private static final byte[] SUNSUBSCRIBE = Shared.b("$12\r\nsunsubscribe\r\n");
    static final byte[] MESSAGE = Shared.b("$7\r\nmessage\r\n");
    private static final byte[] PMESSAGE = Shared.b("$8\r\npmessage\r\n");
    private static final byte[] SMESSAGE = Shared.b("$8\r\nsmessage\r\n");

    private final Server server;
    private final BytesMap<Channel> channels = new BytesMap<>();
    private final BytesMap<Channel> shardChannels = new BytesMap<>();
    private final BytesMap<Channel> patterns = new BytesMap<>();
    private final List<Channel> patternList = new ArrayList<>();
    private final boolean[] globScratch = new boolean[1];
    private final Tracking tracking;
    /** Cluster mode only: the slot of a shard channel's name, and how many shard channels each slot has. */
    private SlotOf slotOf;
    private int[] shardChannelsInSlot;

    public PubSubService(Server server) {
        this.server = server;
        this.tracking = new Tracking(server, this);
    }

    /** The client-side-caching half, to be registered as a keyspace listener. */
    public Tracking tracking() {
        return tracking;
    }

    /** Registers the Pub/Sub commands and CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO. */
    public void register(CommandTable t) {
        t.impl("subscribe", c -> subscribe(c, false));
        t.impl("ssubscribe", c -> subscribe(c, true));
        t.impl("psubscribe", this::psubscribe);
        t.impl("unsubscribe", c -> unsubscribe(c, false));
        t.impl("sunsubscribe", c -> unsubscribe(c, true));
        t.impl("punsubscribe", this::punsubscribe);
        t.impl("publish", c -> c.integer(publishReplicated(c, false)));
        t.impl("spublish", c -> c.integer(publishReplicated(c, true)));
        t.impl("pubsub|help", PubSubService::help);
        t.impl("pubsub|channels", c -> list(c, channels));
        t.impl("pubsub|shardchannels", c -> list(c, shardChannels));
        t.impl("pubsub|numsub", c -> numsub(c, channels));
        t.impl("pubsub|shardnumsub", c -> numsub(c, shardChannels));
        t.impl("pubsub|numpat", c -> c.integer(patterns.size()));
        tracking.register(t);
    }

    /**
     * PUBLISH / SPUBLISH: delivered here, and outside cluster mode propagated to replicas (not the AOF), which
     * deliver it to their own subscribers (Redis's forceCommandPropagation(c, PROPAGATE_REPL)); in cluster mode the
     * cluster bus carries it instead.
     */
    private long publishReplicated(Client c, boolean sharded) {
        long n = publish(c, sharded);
        if (!c.server.config.getBool("cluster-enabled")) {
            c.server.propagation.forceReplication(c);
        }
        return n;
    }

    @Override
    public long memoryOverhead(Client c) {
        return c.ps == null ? 0 : ((Session) c.ps).memoryOverhead();
    }

    static Session session(Client c) {
        if (c.ps == null) {
            c.ps = new Session();
        }
        return (Session) c.ps;
    }

    // ---- replies written as pushes: they bypass CLIENT REPLY OFF|SKIP, as Redis's CLIENT_PUSHING does

    private static void header(Client c, int n) {
        if (c.resp == 2) {
            c.enc.addArrayLen(n);
        } else {
            c.enc.addPushLen(n);
        }
    }

    private static void notice(Client c, byte[] kind, byte[] name, long count) {
        ReplyEncoder e = c.enc;
        header(c, 3);
        e.addRaw(kind, 0, kind.length);
        if (name == null) {
            e.addNull();
        } else {
            e.addBulk(name, 0, name.length);
        }
        e.addLong(count);
    }

    // ---- SUBSCRIBE, SSUBSCRIBE, PSUBSCRIBE

    private void subscribe(Client c, boolean shard) {
        if (c.denyBlocking && (shard || !c.inMulti)) {
            c.error("ERR " + (shard ? "SSUBSCRIBE" : "SUBSCRIBE") + " isn't allowed for a DENY BLOCKING client");
            return;
        }
        Session s = session(c);
        BytesMap<Channel> map = shard ? shardChannels : channels;
        java.util.Set<Channel> mine = shard ? s.shard : s.channels;
        for (int j = 1; j < c.argc; j++) {
            Channel ch = map.get(c.argBuf, c.argOff[j], c.argLen[j]);
            if (ch == null) {
                ch = new Channel(c.arg(j));
                map.put(ch.name, ch);
                if (shard && slotOf != null) {
                    ch.slot = slotOf.slot(ch.name);
                    shardChannelsInSlot[ch.slot]++;
                }
            }
            if (mine.add(ch)) {
                ch.add(c);
                s.grown(shard);
            }
            notice(c, shard ? SSUBSCRIBE : SUBSCRIBE, ch.name, shard ? s.shard.size() : s.subscriptions());
        }
        c.pubsub = true;
    }

    private void psubscribe(Client c) {
        if (c.denyBlocking && !c.inMulti) {
            c.error("ERR PSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        Session s = session(c);
        for (int j = 1; j < c.argc; j++) {
            Channel p = patterns.get(c.argBuf, c.argOff[j], c.argLen[j]);
            if (p == null) {
                p = new Channel(c.arg(j));
                patterns.put(p.name, p);
                patternList.add(p);
            }
            if (s.patterns.add(p)) {
                p.add(c);
            }
            notice(c, PSUBSCRIBE, p.name, s.subscriptions());
        }
        c.pubsub = true;
    }

    // ---- UNSUBSCRIBE, SUNSUBSCRIBE, PUNSUBSCRIBE

    private void unsubscribe(Client c, boolean shard) {
        Session s = session(c);
        java.util.Set<Channel> mine = shard ? s.shard : s.channels;
        BytesMap<Channel> map = shard ? shardChannels : channels;
        byte[] kind = shard ? SUNSUBSCRIBE : UNSUBSCRIBE;
        if (c.argc == 1) {
            if (mine.isEmpty()) {
                notice(c, kind, null, shard ? s.shard.size() : s.subscriptions());
            }
            for (Iterator<Channel> it = mine.iterator(); it.hasNext(); ) {
                Channel ch = it.next();
                it.remove();
                drop(map, ch, c);
                notice(c, kind, ch.name, shard ? s.shard.size() : s.subscriptions());
            }
        } else {
            for (int j = 1; j < c.argc; j++) {
                Channel ch = map.get(c.argBuf, c.argOff[j], c.argLen[j]);
                if (ch != null && mine.remove(ch)) {
                    drop(map, ch, c);
                }
                byte[] name = ch != null ? ch.name : c.arg(j);
                notice(c, kind, name, shard ? s.shard.size() : s.subscriptions());
            }
        }
        c.pubsub = s.total() > 0;
    }

    private void punsubscribe(Client c) {
        Session s = session(c);
        if (c.argc == 1) {
            if (s.patterns.isEmpty()) {
                notice(c, PUNSUBSCRIBE, null, s.subscriptions());
            }
            for (Iterator<Channel> it = s.patterns.iterator(); it.hasNext(); ) {
                Channel p = it.next();
                it.remove();
                dropPattern(p, c);
                notice(c, PUNSUBSCRIBE, p.name, s.subscriptions());
            }
        } else {
            for (int j = 1; j < c.argc; j++) {
                Channel p = patterns.get(c.argBuf, c.argOff[j], c.argLen[j]);
                if (p != null && s.patterns.remove(p)) {
                    dropPattern(p, c);
                }
                notice(c, PUNSUBSCRIBE, p != null ? p.name : c.arg(j), s.subscriptions());
            }
        }
        c.pubsub = s.total() > 0;
    }

    /** Removes c from a channel's subscribers; a channel nobody subscribes to any more is forgotten. */
    private void drop(BytesMap<Channel> map, Channel ch, Client c) {
        ch.remove(c);
        if (ch.n == 0) {
            map.remove(ch.name);
            if (ch.slot >= 0) {
                shardChannelsInSlot[ch.slot]--;
            }
        }
    }

    private void dropPattern(Channel p, Client c) {
        p.remove(c);
        if (p.n == 0) {
            patterns.remove(p.name);
            patternList.remove(p);
        }
    }

    // ---- PUBLISH, SPUBLISH

    private int publish(Client c, boolean shard) {
        return publish(c.argBuf, c.argOff[1], c.argLen[1], c.argBuf, c.argOff[2], c.argLen[2], shard);
    }

    @Override
    public int publish(byte[] channel, byte[] message) {
        return publish(channel, 0, channel.length, message, 0, message.length, false);
    }

    @Override
    public int publishShard(byte[] channel, byte[] message) {
        return publish(channel, 0, channel.length, message, 0, message.length, true);
    }

    private int publish(byte[] cb, int coff, int clen, byte[] mb, int moff, int mlen, boolean shard) {
        int receivers = 0;
        Channel ch = (shard ? shardChannels : channels).get(cb, coff, clen);
        if (ch != null) {
            Client[] subs = ch.subs;
            for (int i = 0, n = ch.n; i < n; i++) {
                Client t = subs[i];
                if (!t.closed) {
                    ReplyEncoder e = t.enc;
                    header(t, 3);
                    byte[] kind = shard ? SMESSAGE : MESSAGE;
                    e.addRaw(kind, 0, kind.length);
                    e.addBulk(cb, coff, clen);
                    e.addBulk(mb, moff, mlen);
                    server.loop.pushed(t);
                }
                receivers++;
            }
        }
        if (shard) {
            return receivers;
        }
        for (int p = 0, np = patternList.size(); p < np; p++) {
            Channel pat = patternList.get(p);
            if (!Glob.match(pat.name, 0, pat.name.length, cb, coff, clen, false, globScratch)) {
                continue;
            }
            Client[] subs = pat.subs;
            for (int i = 0, n = pat.n; i < n; i++) {
                Client t = subs[i];
                if (!t.closed) {
                    ReplyEncoder e = t.enc;
                    header(t, 4);
                    e.addRaw(PMESSAGE, 0, PMESSAGE.length);
                    e.addBulk(pat.name, 0, pat.name.length);
                    e.addBulk(cb, coff, clen);
                    e.addBulk(mb, moff, mlen);
                    server.loop.pushed(t);
                }
                receivers++;
            }
        }
        return receivers;
    }

    /** Sends the message of a channel to one client (tracking's __redis__:invalidate with RESP2 redirection). */
    static void message(Client t, byte[] channel, byte[] rawValue) {
        ReplyEncoder e = t.enc;
        header(t, 3);
        e.addRaw(MESSAGE, 0, MESSAGE.length);
        e.addBulk(channel, 0, channel.length);
        e.addRaw(rawValue, 0, rawValue.length);
    }

    // ---- PUBSUB

    private static void help(Client c) {
        c.help("PUBSUB", new String[] {
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)"});
    }

    private void list(Client c, BytesMap<Channel> map) {
        if (c.argc > 3) {
            c.error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1) + "'. Try PUBSUB HELP.");
            return;
        }
        List<byte[]> out = new ArrayList<>();
        byte[] pat = c.argc == 3 ? c.arg(2) : null;
        map.forEach((name, ch) -> {
            if (pat == null || Glob.match(pat, name, false)) {
                out.add(name);
            }
        });
        c.array(out.size());
        for (byte[] n : out) {
            c.bulk(n);
        }
    }

    private static void numsub(Client c, BytesMap<Channel> map) {
        c.array((c.argc - 2) * 2L);
        for (int j = 2; j < c.argc; j++) {
            Channel ch = map.get(c.argBuf, c.argOff[j], c.argLen[j]);
            c.bulk(c.argBuf, c.argOff[j], c.argLen[j]);
            c.integer(ch == null ? 0 : ch.n);
        }
    }

    // ---- the pipeline's seam

    @Override
    public void indexShardChannels(SlotOf f) {
        slotOf = f;
        shardChannelsInSlot = new int[16384];
        shardChannels.forEach((name, ch) -> {
            ch.slot = f.slot(name);
            shardChannelsInSlot[ch.slot]++;
        });
    }

    @Override
    public void removeShardChannelsInSlot(int slot) {
        if (shardChannelsInSlot == null || shardChannelsInSlot[slot] == 0) {
            return;
        }
        List<Channel> gone = new ArrayList<>();
        shardChannels.forEach((name, ch) -> {
            if (ch.slot == slot) {
                gone.add(ch);
            }
        });
        gone.sort((x, y) -> java.util.Arrays.compareUnsigned(x.name, y.name)); // Redis walks a rax: name order
        for (Channel ch : gone) {
            // Redis's pubsubShardUnsubscribeAllClients: each subscriber, in turn, loses the channel and is told
            Client[] subs = java.util.Arrays.copyOf(ch.subs, ch.n);
            for (Client c : subs) {
                Session s = (Session) c.ps;
                s.shard.remove(ch);
                c.pubsub = s.total() > 0;
                if (!c.closed) {
                    notice(c, SUNSUBSCRIBE, ch.name, s.shard.size());
                    server.loop.pushed(c);
                }
            }
            ch.n = 0;
            java.util.Arrays.fill(ch.subs, null);
            shardChannels.remove(ch.name);
            shardChannelsInSlot[slot]--;
        }
    }

    @Override
    public void clientFreed(Client c) {
        tracking.disable(c);
        if (c.ps != null) {
            Session s = (Session) c.ps;
            for (Channel ch : s.channels) {
                drop(channels, ch, c);
            }
            for (Channel ch : s.shard) {
                drop(shardChannels, ch, c);
            }
            for (Channel p : s.patterns) {
                dropPattern(p, c);
            }
            s.channels.clear();
            s.shard.clear();
            s.patterns.clear();
        }
        c.pubsub = false;
    }

    @Override
    public boolean anySubscription(Client c, SubscriptionTest test) {
        if (!(c.ps instanceof Session s)) {
            return false;
        }
        for (Channel ch : s.channels) {
            if (test.test(ch.name, false)) {
                return true;
            }
        }
        for (Channel ch : s.shard) {
            if (test.test(ch.name, false)) {
                return true;
            }
        }
        for (Channel ch : s.patterns) {
            if (test.test(ch.name, true)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int channels(Client c) {
        return c.ps == null ? 0 : ((Session) c.ps).channels.size();
    }

    @Override
    public int patterns(Client c) {
        return c.ps == null ? 0 : ((Session) c.ps).patterns.size();
    }

    @Override
    public int shardChannels(Client c) {
        return c.ps == null ? 0 : ((Session) c.ps).shard.size();
    }

    @Override
    public String trackingFlags(Client c) {
        return tracking.flags(c);
    }

    @Override
    public long redirection(Client c) {
        return tracking.redirection(c);
    }

    @Override
    public int serverChannels() {
        return channels.size();
    }

    @Override
    public int serverPatterns() {
        return patterns.size();
    }

    @Override
    public int serverShardChannels() {
        return shardChannels.size();
    }

    @Override
    public int trackingClients() {
        return tracking.clients;
    }

    @Override
    public long trackingKeys() {
        return tracking.keys();
    }

    @Override
    public long trackingItems() {
        return tracking.items;
    }

    @Override
    public long trackingPrefixes() {
        return tracking.prefixes();
    }

    @Override
    public void beforeCommand() {
        tracking.limitUsedSlots();
    }

    @Override
    public void afterCall(Client c, Command cmd) {
        tracking.rememberKeys(c, cmd);
    }

    @Override
    public void afterCommand(Client c, Command cmd) {
        if (c.ps != null || tracking.clients > 0) {
            tracking.afterCommand(c, cmd);
        }
    }

    @Override
    public void beforeSleep() {
        tracking.broadcast();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
