package io.cinnabar.server.internal.pubsub;

import io.cinnabar.resp.ReplyEncoder;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.KeySpecs;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.KeyspaceListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.collections.LongHashSet;

/**
 * Client-side caching (Redis's tracking.c): CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO and the
 * invalidation messages.
 * <p>
 * Default mode: after a read-only command of a tracking client, the keys it named (by key specs) are remembered
 * in the tracking table, key -&gt; ids of the clients that may cache it ({@link #rememberKeys}). When a key is
 * modified, deleted, expired or evicted from the table, each remembered client receives an invalidation
 * (RESP3 push {@code invalidate [key]}, or a {@code __redis__:invalidate} message on the RESP2 connection it
 * redirects to) and the key is forgotten. A client's own modification is sent after its command's reply (7.2),
 * or not at all with NOLOOP. BCAST mode: every key modified under one of the client's prefixes is collected per
 * prefix and sent once per event-loop cycle, sorted, as one array ({@link #broadcast}). FLUSHDB/FLUSHALL send a
 * null invalidation to every tracking client. {@code tracking-table-max-keys} bounds the table: keys picked at
 * random are invalidated until it fits, with more effort each time it did not.
 * <p>
 * Invalidation is driven by the keyspace listener seam: this class is a {@link KeyspaceListener}.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Tracking implements KeyspaceListener {
    private static final byte[] INVALIDATE_CHANNEL = Shared.b("__redis__:invalidate");
    private static final byte[] INVALIDATE = Shared.b("$10\r\ninvalidate\r\n");
    private static final byte[] REDIR_BROKEN = Shared.b("$21\r\ntracking-redir-broken\r\n");
    private static final byte[] NULL2 = Shared.b("$-1\r\n");
    private static final byte[] NULL3 = Shared.b("_\r\n");

    /** One BCAST prefix: its clients and the keys modified under it in this cycle (key -&gt; last modifier). */
    private static final class Bcast {
        final LinkedHashSet<Client> clients = new LinkedHashSet<>();
        TreeMap<byte[], Client> keys = new TreeMap<>(Arrays::compareUnsigned);
    }

    private final Server server;
    private final PubSubService pubsub;
    /** key -&gt; ids of the clients that may have it cached; null until a client first enables tracking. */
    private BytesMap<LongHashSet> table;
    private final TreeMap<byte[], Bcast> prefixTable = new TreeMap<>(Arrays::compareUnsigned);
    /** Invalidations of keys the executing client modified itself, sent after its reply (null: a flush). */
    private final List<byte[]> pending = new ArrayList<>();
    private Client pendingOwner;
    int clients;
    long items;
    private int limitTimeouts;
    private long flushNotifiedAt = -1;

    Tracking(Server server, PubSubService pubsub) {
        this.server = server;
        this.pubsub = pubsub;
    }

    void register(CommandTable t) {
        t.impl("client|tracking", this::trackingCommand);
        t.impl("client|caching", Tracking::caching);
        t.impl("client|getredir", c -> c.integer(redirection(c)));
        t.impl("client|trackinginfo", this::trackingInfo);
    }

    long keys() {
        return table == null ? 0 : table.size();
    }

    long prefixes() {
        return prefixTable.size();
    }

    private static Session state(Client c) {
        return c.ps == null ? null : (Session) c.ps;
    }

    String flags(Client c) {
        Session s = state(c);
        if (s == null || !s.tracking) {
            return "";
        }
        return "t" + (s.brokenRedirect ? "R" : "") + (s.bcast ? "B" : "");
    }

    long redirection(Client c) {
        Session s = state(c);
        return s == null || !s.tracking ? -1 : s.redirect;
    }

    // ---- CLIENT TRACKING | CACHING | TRACKINGINFO

    private void trackingCommand(Client c) {
        long redir = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefix = new ArrayList<>();
        for (int j = 3; j < c.argc; j++) {
            boolean more = c.argc - 1 - j > 0;
            if (c.argIs(j, "redirect") && more) {
                j++;
                if (redir != 0) {
                    c.error("ERR A client can only redirect to a single other client");
                    return;
                }
                if (!c.argLong(j)) {
                    return;
                }
                redir = c.ctx.tmp[0];
                if (server.clients.get(redir) == null) {
                    c.error("ERR The client ID you want redirect to does not exist");
                    return;
                }
            } else if (c.argIs(j, "bcast")) {
                bcast = true;
            } else if (c.argIs(j, "optin")) {
                optin = true;
            } else if (c.argIs(j, "optout")) {
                optout = true;
            } else if (c.argIs(j, "noloop")) {
                noloop = true;
            } else if (c.argIs(j, "prefix") && more) {
                j++;
                prefix.add(c.arg(j));
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        Session s = state(c);
        boolean on = s != null && s.tracking;
        if (c.argIs(2, "on")) {
            if (!bcast && !prefix.isEmpty()) {
                c.error("ERR PREFIX option requires BCAST mode to be enabled");
                return;
            }
            if (on && s.bcast != bcast) {
                c.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
                    + "re-enabling it with a different mode.");
                return;
            }
            if (bcast && (optin || optout)) {
                c.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
                return;
            }
            if (optin && optout) {
                c.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
                return;
            }
            if (on && (optin && s.optout || optout && s.optin)) {
                c.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
                    + "re-enabling it with a different mode.");
                return;
            }
            if (bcast && !prefixesDisjoint(c, s, prefix)) {
                return;
            }
            enable(c, redir, bcast, optin, optout, noloop, prefix);
        } else if (c.argIs(2, "off")) {
            disable(c);
        } else {
            c.error(Shared.SYNTAX);
            return;
        }
        c.ok();
    }

    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /** Redis's checkPrefixCollisionsOrReply: no prefix may be a prefix of another of the same client. */
    private static boolean prefixesDisjoint(Client c, Session s, List<byte[]> prefix) {
        for (int i = 0; i < prefix.size(); i++) {
            if (s != null) {
                for (byte[] old : s.prefixes) {
                    if (overlap(old, prefix.get(i))) {
                        c.error("ERR Prefix '" + str(prefix.get(i)) + "' overlaps with an existing prefix '" + str(old)
                            + "'. Prefixes for a single client must not overlap.");
                        return false;
                    }
                }
            }
            for (int j = i + 1; j < prefix.size(); j++) {
                if (overlap(prefix.get(i), prefix.get(j))) {
                    c.error("ERR Prefix '" + str(prefix.get(i)) + "' overlaps with another provided prefix '"
                        + str(prefix.get(j)) + "'. Prefixes for a single client must not overlap.");
                    return false;
                }
            }
        }
        return true;
    }

    private static String str(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private void enable(Client c, long redir, boolean bcast, boolean optin, boolean optout, boolean noloop,
                        List<byte[]> prefix) {
        Session s = PubSubService.session(c);
        if (!s.tracking) {
            clients++;
        }
        s.tracking = true;
        s.brokenRedirect = false;
        s.redirect = redir;
        if (table == null) {
            table = new BytesMap<>();
        }
        if (bcast) {
            s.bcast = true;
            if (prefix.isEmpty()) {
                addPrefix(c, s, new byte[0]);
            }
            for (byte[] p : prefix) {
                addPrefix(c, s, p);
            }
        }
        s.optin = optin;
        s.optout = optout;
        s.noloop = noloop;
    }

    private void addPrefix(Client c, Session s, byte[] p) {
        Bcast b = prefixTable.computeIfAbsent(p, k -> new Bcast());
        if (b.clients.add(c)) {
            s.prefixes.add(p);
            if (s.prefixTree == null) {
                s.prefixTree = new io.cinnabar.rax.Rax<>();
            }
            s.prefixTree.insert(p, Boolean.TRUE);
        }
    }

    /** CLIENT TRACKING OFF, RESET, a closed connection: the ids left in the table are dropped lazily. */
    void disable(Client c) {
        Session s = state(c);
        if (s == null) {
            return;
        }
        if (s.bcast) {
            for (byte[] p : s.prefixes) {
                Bcast b = prefixTable.get(p);
                b.clients.remove(c);
                if (b.clients.isEmpty()) {
                    prefixTable.remove(p);
                }
            }
            s.prefixes.clear();
            s.prefixTree = null;
        }
        if (s.tracking) {
            clients--;
        }
        s.tracking = false;
        s.bcast = false;
        s.brokenRedirect = false;
        s.optin = false;
        s.optout = false;
        s.caching = false;
        s.noloop = false;
    }

    private static void caching(Client c) {
        Session s = state(c);
        if (s == null || !s.tracking) {
            c.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT "
                + "mode enabled");
            return;
        }
        if (c.argIs(2, "yes")) {
            if (!s.optin) {
                c.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        } else if (c.argIs(2, "no")) {
            if (!s.optout) {
                c.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        } else {
            c.error(Shared.SYNTAX);
            return;
        }
        s.caching = true;
        c.ok();
    }

    private void trackingInfo(Client c) {
        Session s = state(c);
        boolean on = s != null && s.tracking;
        List<String> flags = new ArrayList<>();
        flags.add(on ? "on" : "off");
        if (on) {
            if (s.bcast) {
                flags.add("bcast");
            }
            if (s.optin) {
                flags.add("optin");
                if (s.caching) {
                    flags.add("caching-yes");
                }
            }
            if (s.optout) {
                flags.add("optout");
                if (s.caching) {
                    flags.add("caching-no");
                }
            }
            if (s.noloop) {
                flags.add("noloop");
            }
            if (s.brokenRedirect) {
                flags.add("broken_redirect");
            }
        }
        c.map(3);
        c.bulk("flags");
        c.set(flags.size());
        for (String f : flags) {
            c.bulk(f);
        }
        c.bulk("redirect");
        c.integer(on ? s.redirect : -1);
        c.bulk("prefixes");
        if (on && !s.prefixes.isEmpty()) {
            c.array(s.prefixes.size());
            for (byte[] p : s.prefixes) {
                c.bulk(p);
            }
        } else {
            c.array(0);
        }
    }

    // ---- remembering keys

    /** After a read-only command: the keys it named may now be cached by the tracking client (not in BCAST). */
    void rememberKeys(Client c, Command cmd) {
        Client top = server.current != null ? server.current : c;
        Session s = state(top);
        if (s == null || !s.tracking || s.bcast || !cmd.has(Command.READONLY) || cmd.has(Command.PUBSUB)) {
            return;
        }
        switch (cmd.fullName) {
            case "eval_ro", "evalsha_ro", "fcall_ro" -> {
                return; // a read-only script: the commands it runs are tracked, not the script
            }
            default -> { }
        }
        if (s.optin && !s.caching || s.optout && s.caching) {
            return;
        }
        List<int[]> keys = KeySpecs.keys(c, cmd, 0, c.argc);
        if (keys == null) {
            return;
        }
        for (int[] k : keys) {
            int off = c.argOff[k[0]];
            int len = c.argLen[k[0]];
            LongHashSet ids = table.get(c.argBuf, off, len);
            if (ids == null) {
                ids = new LongHashSet();
                table.put(Arrays.copyOfRange(c.argBuf, off, off + len), ids);
            }
            if (ids.add(top.id)) {
                items++;
            }
        }
    }

    /** After a top-level command: self-invalidations queued during it, then the CACHING flag ends. */
    void afterCommand(Client c, Command cmd) {
        flushPending();
        Session s = state(c);
        if (s != null && s.caching && !c.inMulti && !cmd.fullName.startsWith("client|")) {
            s.caching = false;
        }
    }

    /** Sends the invalidations the executing client caused itself, once no command runs (Redis 7.2 order). */
    void flushPending() {
        if (pending.isEmpty() || server.nesting > 0) {
            return;
        }
        Client c = pendingOwner;
        for (byte[] k : pending) {
            if (c.closed) {
                break;
            }
            if (k == null) {
                send(c, c.resp == 2 ? NULL2 : NULL3, 0, 0, true);
            } else {
                send(c, k, 0, k.length, false);
            }
        }
        pending.clear();
        pendingOwner = null;
    }

    private void addPending(Client owner, byte[] key) {
        if (pendingOwner != owner) {
            flushPendingTo();
            pendingOwner = owner;
        }
        pending.add(key);
    }

    private void flushPendingTo() {
        if (!pending.isEmpty()) {
            int saved = server.nesting;
            server.nesting = 0;
            flushPending();
            server.nesting = saved;
        }
    }

    // ---- invalidation

    @Override
    public void keyAdded(Db db, byte[] key, int off, int len) {
        invalidate(key, off, len, true);
    }

    @Override
    public void keyModified(Db db, byte[] key, int off, int len) {
        invalidate(key, off, len, true);
    }

    @Override
    public void keyDeleted(Db db, byte[] key, int off, int len) {
        invalidate(key, off, len, true);
    }

    @Override
    public void keyExpired(Db db, byte[] key, int off, int len) {
        invalidate(key, off, len, true);
    }

    @Override
    public void flushed(Db db) {
        long seq = server.stats.commandsProcessed;
        if (server.nesting > 0 && seq == flushNotifiedAt) {
            return; // FLUSHALL empties every database: one null invalidation, as Redis sends
        }
        flushNotifiedAt = server.nesting > 0 ? seq : -1;
        if (clients > 0) {
            List<Client> all = new ArrayList<>(server.clients.values());
            all.sort((a, b) -> Long.compare(a.id, b.id));
            for (Client c : all) {
                Session s = state(c);
                if (s == null || !s.tracking) {
                    continue;
                }
                if (c == server.current && server.nesting > 0) {
                    addPending(c, null);
                } else {
                    send(c, c.resp == 2 ? NULL2 : NULL3, 0, 0, true);
                }
            }
        }
        if (table != null) {
            table.clear();
            items = 0;
        }
    }

    /** Redis's trackingInvalidateKey: tells the clients that may cache key, then forgets it. */
    private void invalidate(byte[] key, int off, int len, boolean bcast) {
        if (table == null) {
            return;
        }
        if (bcast && !prefixTable.isEmpty()) {
            rememberToBroadcast(key, off, len);
        }
        LongHashSet ids = table.remove(key, off, len);
        if (ids == null) {
            return;
        }
        items -= ids.size();
        LongHashSet.LongIterator it = ids.iterator();
        while (it.hasNext()) {
            Client t = server.clients.get(it.nextValue());
            Session s = t == null ? null : state(t);
            if (s == null || !s.tracking || s.bcast) {
                continue;
            }
            if (s.noloop && t == server.current) {
                continue;
            }
            if (t == server.current && server.nesting > 0) {
                addPending(t, Arrays.copyOfRange(key, off, off + len));
            } else {
                send(t, key, off, len, false);
            }
        }
    }

    private void rememberToBroadcast(byte[] key, int off, int len) {
        byte[] k = null;
        for (Map.Entry<byte[], Bcast> e : prefixTable.entrySet()) {
            byte[] p = e.getKey();
            if (p.length > len || !Arrays.equals(p, 0, p.length, key, off, off + p.length)) {
                continue;
            }
            if (k == null) {
                k = Arrays.copyOfRange(key, off, off + len);
            }
            e.getValue().keys.put(k, server.nesting > 0 ? server.current : null);
        }
    }

    /**
     * Redis's sendTrackingMessage: an invalidation for c, to the client it redirects to when it does. With raw,
     * b[off..] is already RESP (the array of a broadcast, or a null for a flush) and len is ignored: all of b.
     */
    private void send(Client c, byte[] b, int off, int len, boolean raw) {
        Session s = state(c);
        Client target = c;
        boolean redirected = false;
        if (s != null && s.redirect != 0) {
            target = server.clients.get(s.redirect);
            if (target == null || target.closed) {
                s.brokenRedirect = true;
                if (c.resp > 2) {
                    ReplyEncoder e = c.enc;
                    e.addPushLen(2);
                    e.addRaw(REDIR_BROKEN, 0, REDIR_BROKEN.length);
                    e.addLong(s.redirect);
                    server.loop.pushed(c);
                }
                return;
            }
            redirected = true;
        }
        ReplyEncoder e = target.enc;
        if (target.resp > 2) {
            e.addPushLen(2);
            e.addRaw(INVALIDATE, 0, INVALIDATE.length);
        } else if (redirected && target.pubsub) {
            e.addArrayLen(3);
            e.addRaw(PubSubService.MESSAGE, 0, PubSubService.MESSAGE.length);
            e.addBulk(INVALIDATE_CHANNEL, 0, INVALIDATE_CHANNEL.length);
        } else {
            return; // RESP2 without redirection: no way to push
        }
        if (raw) {
            e.addRaw(b, 0, b.length);
        } else {
            e.addArrayLen(1);
            e.addBulk(b, off, len);
        }
        server.loop.pushed(target);
    }

    /** Before the event loop sleeps: each prefix's modified keys, to its clients (Redis's broadcast step). */
    void broadcast() {
        flushPending();
        if (table == null || clients == 0 || prefixTable.isEmpty()) {
            return;
        }
        for (Bcast b : prefixTable.values()) {
            if (b.keys.isEmpty()) {
                continue;
            }
            byte[] proto = reply(b.keys, null);
            for (Client c : b.clients) {
                Session s = state(c);
                if (s.noloop) {
                    byte[] own = reply(b.keys, c);
                    if (own != null) {
                        send(c, own, 0, 0, true);
                    }
                } else {
                    send(c, proto, 0, 0, true);
                }
            }
            b.keys = new TreeMap<>(Arrays::compareUnsigned);
        }
    }

    /** The RESP array of the keys not last modified by exclude (all when null); null when that is none. */
    private static byte[] reply(TreeMap<byte[], Client> keys, Client exclude) {
        int count = 0;
        for (Client m : keys.values()) {
            if (exclude == null || m != exclude) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] head = ("*" + count + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        out.write(head, 0, head.length);
        for (Map.Entry<byte[], Client> e : keys.entrySet()) {
            if (exclude != null && e.getValue() == exclude) {
                continue;
            }
            byte[] k = e.getKey();
            byte[] h = ("$" + k.length + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            out.write(h, 0, h.length);
            out.write(k, 0, k.length);
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Redis's trackingLimitUsedSlots: evicts random keys (invalidating them) while over tracking-table-max-keys. */
    void limitUsedSlots() {
        if (table == null) {
            return;
        }
        long max = server.config.getLong("tracking-table-max-keys");
        if (max == 0 || table.size() <= max) {
            limitTimeouts = 0;
            return;
        }
        int effort = 100 * (limitTimeouts + 1);
        while (effort-- > 0 && table.size() > 0) {
            byte[] k = table.randomKey();
            invalidate(k, 0, k.length, false);
            if (table.size() <= max) {
                limitTimeouts = 0;
                return;
            }
        }
        limitTimeouts++;
    }
}
