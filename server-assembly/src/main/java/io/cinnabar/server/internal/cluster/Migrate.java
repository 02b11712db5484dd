package io.cinnabar.server.internal.cluster;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.persist.DumpCommands;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password] [AUTH2 username password]
 * [KEYS key ...] (Redis's migrateCommand): the keys' DUMP payloads (RDB version 10: {@link #MIGRATE_RDB_VERSION})
 * are sent as RESTORE (RESTORE-ASKING in cluster mode) with their remaining TTL over a connection kept for reuse
 * (at most 64, closed after 10 s unused), then
 * deleted here unless COPY, and propagated as DEL. Like Redis, it blocks the event loop for the exchange, each
 * step bounded by the timeout; an I/O error other than a timeout is retried once on a fresh connection.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Migrate {
    private static final int MAX_CACHED = 64;
    private static final long CACHE_TTL_MS = 10_000;
    /**
     * The payloads go out in RDB version 10, which Redis 7.0 restores as well as 7.2 (7.2 sends 11, which a 7.0
     * target refuses): a cluster mixing Redis 7.0 and Cinnabar nodes migrates slots both ways.
     */
    private static final int MIGRATE_RDB_VERSION = 10;

    private static final class Cached {
        Socket socket;
        InputStream in;
        OutputStream out;
        long lastDbid = -1;
        long lastUse;
    }

    private final Server server;
    private final Map<String, Cached> cache = new LinkedHashMap<>();

    public Migrate(Server server) {
        this.server = server;
    }

    /** The number of cached connections (INFO stats migrate_cached_sockets). */
    public int cachedSockets() {
        return cache.size();
    }

    /** Closes cached connections unused for 10 s (Redis's migrateCloseTimedoutSockets). */
    public void closeIdle(long now) {
        for (Iterator<Cached> it = cache.values().iterator(); it.hasNext(); ) {
            Cached cs = it.next();
            if (now - cs.lastUse > CACHE_TTL_MS) {
                closeQuietly(cs);
                it.remove();
            }
        }
    }

    private static void closeQuietly(Cached cs) {
        try {
            cs.socket.close();
        } catch (IOException ignored) {
            // closing a socket that already failed
        }
    }

    private Cached socket(String host, int port, long timeout) {
        String name = host + ":" + port;
        Cached cs = cache.get(name);
        if (cs != null) {
            cs.lastUse = System.currentTimeMillis();
            return cs;
        }
        if (cache.size() == MAX_CACHED) {
            Iterator<Cached> it = cache.values().iterator();
            closeQuietly(it.next());
            it.remove();
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) timeout);
            s.setSoTimeout((int) timeout);
            cs = new Cached();
            cs.socket = s;
            cs.in = s.getInputStream();
            cs.out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            cs.lastUse = System.currentTimeMillis();
            cache.put(name, cs);
            return cs;
        } catch (IOException | IllegalArgumentException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            return null;
        }
    }

    private void dropSocket(String host, int port) {
        Cached cs = cache.remove(host + ":" + port);
        if (cs != null) {
            closeQuietly(cs);
        }
    }

    public void run(Client c) {
        boolean copy = false;
        boolean replace = false;
        byte[] user = null;
        byte[] pass = null;
        int firstKey = 3;
        int numKeys = 1;
        for (int j = 6; j < c.argc; j++) {
            int more = c.argc - j - 1;
            if (c.argIs(j, "copy")) {
                copy = true;
            } else if (c.argIs(j, "replace")) {
                replace = true;
            } else if (c.argIs(j, "auth")) {
                if (more == 0) {
                    c.error("ERR syntax error");
                    return;
                }
                pass = c.arg(++j);
            } else if (c.argIs(j, "auth2")) {
                if (more < 2) {
                    c.error("ERR syntax error");
                    return;
                }
                user = c.arg(++j);
                pass = c.arg(++j);
            } else if (c.argIs(j, "keys")) {
                if (c.argLen[3] != 0) {
                    c.error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
                    return;
                }
                firstKey = j + 1;
                numKeys = c.argc - j - 1;
                break;
            } else {
                c.error("ERR syntax error");
                return;
            }
        }
        if (!c.argLong(5)) {
            return;
        }
        long timeout = c.ctx.tmp[0];
        if (!c.argLong(4)) {
            return;
        }
        long dbid = c.ctx.tmp[0];
        if (timeout <= 0) {
            timeout = 1000;
        }
        List<Integer> args = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (int j = 0; j < numKeys; j++) {
            Entry e = server.lookupRead(c, firstKey + j);
            if (e != null) {
                args.add(firstKey + j);
                entries.add(e);
            }
        }
        if (entries.isEmpty()) {
            c.simple("NOKEY");
            return;
        }
        String host = c.argString(1);
        if (!c.argLong(2)) {
            return;
        }
        int port = (int) c.ctx.tmp[0];
        exchange(c, host, port, timeout, dbid, copy, replace, user, pass, args, entries, false);
    }

    private void exchange(Client c, String host, int port, long timeout, long dbid, boolean copy, boolean replace,
            byte[] user, byte[] pass, List<Integer> args, List<Entry> entries, boolean retried) {
        Cached cs = socket(host, port, timeout);
        if (cs == null) {
            c.error("IOERR error or timeout connecting to the client");
            return;
        }
        boolean selecting = cs.lastDbid != dbid;
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        if (pass != null) {
            if (user != null) {
                command(cmd, "AUTH".getBytes(StandardCharsets.US_ASCII), user, pass);
            } else {
                command(cmd, "AUTH".getBytes(StandardCharsets.US_ASCII), pass);
            }
        }
        if (selecting) {
            command(cmd, bytes("SELECT"), bytes(Long.toString(dbid)));
        }
        long now = System.currentTimeMillis();
        byte[] restore = bytes(server.cluster != null ? "RESTORE-ASKING" : "RESTORE");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            long ttl = 0;
            long expire = c.db.expireOf(e);
            if (expire != -1) {
                ttl = Math.max(1, expire - now);
            }
            byte[] key = c.arg(args.get(i));
            byte[] payload = DumpCommands.payload(c, e, MIGRATE_RDB_VERSION);
            if (replace) {
                command(cmd, restore, key, bytes(Long.toString(ttl)), payload, bytes("REPLACE"));
            } else {
                command(cmd, restore, key, bytes(Long.toString(ttl)), payload);
            }
        }
        boolean writing = true;
        try {
            cmd.writeTo(cs.out);
            cs.out.flush();
            writing = false;
            String authError = null;
            if (pass != null) {
                String r = readLine(cs.in);
                if (r.startsWith("-")) {
                    authError = r.substring(1);
                }
            }
            if (selecting) {
                String r = readLine(cs.in);
                if (r.startsWith("-")) {
                    authError = authError == null ? r.substring(1) : authError;
                    cs.lastDbid = -1;
                } else {
                    cs.lastDbid = dbid;
                }
            }
            String targetError = authError;
            List<Integer> moved = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                String r = readLine(cs.in);
                if (r.startsWith("-")) {
                    if (targetError == null) {
                        targetError = r.substring(1);
                    }
                } else if (!copy) {
                    moved.add(args.get(i));
                }
            }
            deleteMoved(c, moved);
            if (targetError != null) {
                c.error("ERR Target instance replied with error: " + targetError);
            } else {
                c.ok();
            }
        } catch (IOException ex) {
            dropSocket(host, port);
            if (!retried && !(ex instanceof SocketTimeoutException)) {
                exchange(c, host, port, timeout, dbid, copy, replace, user, pass, args, entries, true);
                return;
            }
            c.error("IOERR error or timeout " + (writing ? "writing" : "reading") + " to target instance");
        }
    }

    /** Deletes the keys that arrived (MIGRATE without COPY) and propagates them as one DEL. */
    private void deleteMoved(Client c, List<Integer> moved) {
        if (moved.isEmpty()) {
            server.propagation.prevent(c);
            return;
        }
        byte[][] del = new byte[moved.size() + 1][];
        del[0] = bytes("DEL");
        int n = 1;
        for (int a : moved) {
            Entry e = server.lookupQuiet(c.db, c.argBuf, c.argOff[a], c.argLen[a]);
            if (e != null) {
                server.keyspace.delete(c.db, e);
                c.modified(a, 1);
                c.notify(Notify.GENERIC, "del", a);
            }
            del[n++] = c.arg(a);
        }
        if (server.propagation.active()) {
            server.propagation.rewrite(c, del);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void command(ByteArrayOutputStream out, byte[]... argv) {
        out.writeBytes(bytes("*" + argv.length + "\r\n"));
        for (byte[] a : argv) {
            out.writeBytes(bytes("$" + a.length + "\r\n"));
            out.writeBytes(a);
            out.writeBytes(bytes("\r\n"));
        }
    }

    /** One reply line (without CRLF); the target answers these commands with simple strings or errors. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int ch = in.read();
            if (ch < 0) {
                throw new IOException("connection closed");
            }
            if (ch == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            if (b.length() > 64 * 1024) {
                throw new IOException("reply line too long");
            }
            b.append((char) ch);
        }
    }
}
