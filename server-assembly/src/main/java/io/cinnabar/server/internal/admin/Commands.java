package io.cinnabar.server.internal.admin;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Config;

import java.util.ArrayList;
import java.util.List;

/**
 * The connection commands: PING, ECHO, AUTH, HELLO, QUIT,
 * RESET, TIME, MONITOR, LOLWUT, SHUTDOWN and the CLIENT subcommands.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class Commands {
    private Commands() {
    }

    /** Registers the connection commands and CLIENT. */
    public static void register(CommandTable t) {
        t.impl("ping", Commands::ping);
        t.impl("echo", c -> c.bulk(c.argBuf, c.argOff[1], c.argLen[1]));
        t.impl("auth", Commands::auth);
        t.impl("hello", Commands::hello);
        t.impl("quit", Commands::quit);
        t.impl("reset", Commands::reset);
        t.impl("time", Commands::time);
        t.impl("monitor", Commands::monitor);
        t.impl("lolwut", Commands::lolwut);
        t.impl("shutdown", Commands::shutdown);
        t.impl("client|id", c -> c.integer(c.id));
        t.impl("client|info", c -> c.verbatim(clientInfo(c, c)));
        t.impl("client|list", Commands::clientList);
        t.impl("client|kill", Commands::clientKill);
        t.impl("client|setname", Commands::clientSetname);
        t.impl("client|getname", c -> {
            if (c.name == null) {
                c.nullBulk();
            } else {
                c.bulk(c.name);
            }
        });
        t.impl("client|setinfo", Commands::clientSetinfo);
        t.impl("client|no-evict", c -> onOff(c, true));
        t.impl("client|no-touch", c -> onOff(c, false));
        t.impl("client|pause", Commands::clientPause);
        t.impl("client|unpause", c -> {
            c.server.unpause();
            c.ok();
        });
        t.impl("client|reply", Commands::clientReply);
        t.impl("client|unblock", Commands::clientUnblock);
        t.impl("client|help", Commands::clientHelp);
    }

    static void ping(Client c) {
        if (c.argc > 2) {
            c.error("ERR wrong number of arguments for 'ping' command");
        } else if (c.pubsub && c.resp == 2) { // subscribed mode: a ["pong", arg] array (Redis's pingCommand)
            c.array(2);
            c.bulk("pong");
            if (c.argc == 1) {
                c.bulk("");
            } else {
                c.bulk(c.argBuf, c.argOff[1], c.argLen[1]);
            }
        } else if (c.argc == 2) {
            c.bulk(c.argBuf, c.argOff[1], c.argLen[1]);
        } else {
            c.raw(Shared.PONG);
        }
    }

    static void auth(Client c) {
        if (c.argc > 3) {
            c.error(Shared.SYNTAX);
            return;
        }
        if (c.argc == 2 && c.server.acl.defaultNoPass()) {
            c.error("ERR AUTH <password> called without any password configured for the default user. "
                + "Are you sure your configuration is correct?");
            return;
        }
        String user = c.argc == 3 ? c.argString(1) : "default";
        if (c.server.acl.authenticate(c, user, c.arg(c.argc - 1))) {
            c.ok();
        } else {
            c.error("WRONGPASS invalid username-password pair or user is disabled.");
        }
    }

    static boolean validName(Client c, int arg) {
        for (int i = 0; i < c.argLen[arg]; i++) {
            int ch = c.argBuf[c.argOff[arg] + i] & 0xff;
            if (ch < '!' || ch > '~') {
                return false;
            }
        }
        return true;
    }

    static void hello(Client c) {
        int ver = 0;
        int next = 1;
        if (c.argc >= 2) {
            if (!c.argLongOr(1, "ERR Protocol version is not an integer or out of range")) {
                return;
            }
            long v = c.ctx.tmp[0];
            next = 2;
            if (v < 2 || v > 3) {
                c.error("NOPROTO unsupported protocol version");
                return;
            }
            ver = (int) v;
        }
        String user = null;
        byte[] pass = null;
        int nameArg = -1;
        for (int j = next; j < c.argc; j++) {
            int more = c.argc - j - 1;
            if (c.argIs(j, "auth") && more >= 2) {
                user = c.argString(j + 1);
                pass = c.arg(j + 2);
                j += 2;
            } else if (c.argIs(j, "setname") && more >= 1) {
                nameArg = j + 1;
                j++;
            } else {
                c.error("ERR Syntax error in HELLO option '" + c.argString(j) + "'");
                return;
            }
        }
        if (user != null && !c.server.acl.authenticate(c, user, pass)) {
            c.error("WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
        if (!c.authenticated) {
            c.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> "
                + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
                + "version at the same time");
            return;
        }
        if (nameArg >= 0) {
            if (!validName(c, nameArg)) {
                c.error("ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
            c.name = c.argLen[nameArg] == 0 ? null : c.argString(nameArg);
        }
        if (ver != 0) {
            c.protocol(ver);
        }
        c.map(7);
        c.bulk("server");
        c.bulk("redis");
        c.bulk("version");
        c.bulk(Config.VERSION);
        c.bulk("proto");
        c.integer(c.resp);
        c.bulk("id");
        c.integer(c.id);
        c.bulk("mode");
        c.bulk("standalone");
        c.bulk("role");
        c.bulk("master");
        c.bulk("modules");
        c.array(0);
    }

    static void quit(Client c) {
        c.ok();
        c.closeAfterReply = true;
    }

    static void reset(Client c) {
        c.db = c.server.dbs[0];
        c.dbIndex = 0;
        c.protocol(2);
        c.name = null;
        if (c.monitor) {
            c.monitor = false;
            c.server.monitors.remove(c);
        }
        c.repliesOn();
        c.noEvict = false;
        c.noTouch = false;
        c.user = c.server.acl.defaultUser();
        c.authenticated = !c.server.defaultAuthRequired;
        c.server.transactions.clientFreed(c); // discards the transaction and the watches
        c.server.pubsub.clientFreed(c); // tracking off, every subscription dropped without replies
        c.simple("RESET");
    }

    static void time(Client c) {
        java.time.Instant now = java.time.Instant.now();
        c.array(2);
        c.bulkLong(now.getEpochSecond());
        c.bulkLong(now.getNano() / 1000);
    }

    static void monitor(Client c) {
        if (c.denyBlocking) { // inside EXEC: the client expects one reply per command
            c.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        if (!c.monitor) {
            c.monitor = true;
            c.server.monitors.add(c);
        }
        c.ok();
    }

    static void lolwut(Client c) {
        for (int j = 1; j < c.argc; j++) {
            if (c.argIs(j, "version") && j < c.argc - 1) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                j++;
            }
        }
        c.verbatim("Redis ver. " + Config.VERSION + "\n");
    }

    static void shutdown(Client c) {
        boolean nosave = false;
        boolean save = false;
        boolean abort = false;
        boolean force = false;
        boolean now = false;
        for (int j = 1; j < c.argc; j++) {
            if (c.argIs(j, "nosave")) {
                nosave = true;
            } else if (c.argIs(j, "save")) {
                save = true;
            } else if (c.argIs(j, "force")) {
                force = true;
            } else if (c.argIs(j, "now")) {
                now = true;
            } else if (c.argIs(j, "abort")) {
                abort = true;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        if (nosave && save || abort && c.argc > 2) {
            c.error(Shared.SYNTAX);
            return;
        }
        if (abort) {
            if (c.server.abortShutdown()) {
                c.ok();
            } else {
                c.error("ERR No shutdown in progress.");
            }
            return;
        }
        if (!now && c.denyBlocking) {
            c.error("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
            return;
        }
        if (!nosave && c.server.busyReply != null) {
            c.error(c.server.busyReply); // a timed-out script: only SHUTDOWN NOSAVE may stop the server
            return;
        }
        int r = c.server.shutdown(c, save, nosave, force, now);
        if (r == Server.SHUTDOWN_FAILED) {
            c.error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        c.server.shutdownReason = "SHUTDOWN";
        if (r == Server.SHUTDOWN_DONE) {
            c.closeAfterReply = true;
        }
    }

    // ---- CLIENT

    static String flags(Client c) {
        StringBuilder b = new StringBuilder();
        if (c.replRole == Client.ROLE_REPLICA) {
            b.append('S');
        }
        if (c.replRole == Client.ROLE_MASTER) {
            b.append('M');
        }
        if (c.monitor) {
            b.append('O');
        }
        if (c.pubsub) {
            b.append('P');
        }
        if (c.inMulti) {
            b.append('x');
        }
        if (c.blocked != null) {
            b.append('b');
        }
        b.append(c.server.pubsub.trackingFlags(c));
        if (c.server.transactions.dirty(c)) {
            b.append('d');
        }
        if (c.closeAfterReply) {
            b.append('c');
        }
        if (c.closed) {
            b.append('A');
        }
        if (c.unix) {
            b.append('U');
        }
        if (c.noEvict) {
            b.append('e');
        }
        if (c.noTouch) {
            b.append('T');
        }
        if (b.length() == 0) {
            b.append('N');
        }
        return b.toString();
    }

    /** Redis's getClientType: MONITOR clients count as normal ones; a subscribed client is pubsub. */
    private static String type(Client c) {
        if (c.replRole == Client.ROLE_REPLICA) {
            return "slave";
        }
        if (c.replRole == Client.ROLE_MASTER) {
            return "master";
        }
        return c.pubsub ? "pubsub" : "normal";
    }

    public static String clientInfo(Client self, Client c) {
        long now = System.currentTimeMillis();
        // as sdslen(querybuf): the current command is still in it, trimmed after the batch; while a big argument is
        // received, Redis's buffer holds that argument's bytes only, in a buffer sized for it
        long qbuf = c.qbufReserved > 0 ? c.qlen - c.qpos - c.qbufBigArgSkip : c.qlen;
        long qfree = c.qbufReserved > 0 ? c.qbufBigArgAlloc - qbuf : c.qbuf.length - c.qlen;
        return "id=" + c.id + " addr=" + c.addr + " laddr=" + c.laddr + " fd=-1 name=" + c.name()
            + " age=" + (now - c.ctime) / 1000 + " idle=" + (now - c.lastInteraction) / 1000 + " flags=" + flags(c)
            + " db=" + c.dbIndex + " sub=" + c.server.pubsub.channels(c) + " psub=" + c.server.pubsub.patterns(c)
            + " ssub=" + c.server.pubsub.shardChannels(c) + " multi=" + c.server.transactions.queued(c)
            + " qbuf=" + qbuf + " qbuf-free="
            + qfree + " argv-mem=" + c.argvBytes() + " multi-mem="
            + c.server.transactions.queuedArgvBytes(c) + " rbs="
            + c.replyBufSize + " rbp=" + c.replyBufPeak + " obl=" + c.replyBufBytes() + " oll="
            + c.replyListLength() + " omem=" + c.outputMemory()
            + " tot-mem=" + c.memoryUsage() + " events=r" + (c.pendingBytes() > 0 ? "w" : "")
            + " cmd=" + (c == self ? (c.cmd == null ? "NULL" : c.cmd.fullName) : c.lastCmd)
            + " user=" + (c.user == null ? "default" : c.user.name()) + " redir=" + c.server.pubsub.redirection(c) + " resp=" + c.resp + " lib-name=" + (c.libName == null ? "" : c.libName)
            + " lib-ver=" + (c.libVer == null ? "" : c.libVer) + "\n";
    }

    private static List<Client> sortedClients(Server s) {
        List<Client> l = new ArrayList<>(s.clients.values());
        l.sort((a, b) -> Long.compare(a.id, b.id));
        return l;
    }

    static void clientList(Client c) {
        String type = null;
        List<Long> ids = null;
        for (int j = 2; j < c.argc; j++) {
            if (c.argIs(j, "type") && j < c.argc - 1) {
                type = c.argString(j + 1).toLowerCase(java.util.Locale.ROOT).replace("replica", "slave");
                if (!List.of("normal", "master", "slave", "pubsub").contains(type)) {
                    c.error("ERR Unknown client type '" + c.argString(j + 1) + "'");
                    return;
                }
                j++;
            } else if (c.argIs(j, "id") && j < c.argc - 1) {
                ids = new ArrayList<>();
                for (j = j + 1; j < c.argc; j++) {
                    if (!Numbers.string2ll(c.argBuf, c.argOff[j], c.argLen[j], c.ctx.tmp) || c.ctx.tmp[0] <= 0) {
                        c.error("ERR Invalid client ID");
                        return;
                    }
                    ids.add(c.ctx.tmp[0]);
                }
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        StringBuilder b = new StringBuilder();
        for (Client o : sortedClients(c.server)) {
            if (type != null && !type.equals(type(o))) {
                continue;
            }
            if (ids != null && !ids.contains(o.id)) {
                continue;
            }
            b.append(clientInfo(c, o));
        }
        c.verbatim(b.toString());
    }

    static void clientKill(Client c) {
        Server s = c.server;
        if (c.argc == 3) {
            String addr = c.argString(2);
            for (Client o : sortedClients(s)) {
                if (o.addr.equals(addr)) {
                    kill(c, o);
                    c.ok();
                    return;
                }
            }
            c.error("ERR No such client");
            return;
        }
        Long id = null;
        String addr = null;
        String laddr = null;
        String user = null;
        String type = null;
        long maxAge = -1;
        boolean skipme = true;
        if (c.argc % 2 != 0) {
            c.error(Shared.SYNTAX);
            return;
        }
        for (int j = 2; j < c.argc; j += 2) {
            String v = c.argString(j + 1);
            if (c.argIs(j, "id")) {
                if (!Numbers.string2ll(c.argBuf, c.argOff[j + 1], c.argLen[j + 1], c.ctx.tmp) || c.ctx.tmp[0] <= 0) {
                    c.error("ERR client-id should be greater than 0");
                    return;
                }
                id = c.ctx.tmp[0];
            } else if (c.argIs(j, "addr")) {
                addr = v;
            } else if (c.argIs(j, "laddr")) {
                laddr = v;
            } else if (c.argIs(j, "user")) {
                if (c.server.acl != null && !c.server.acl.userExists(v)) {
                    c.error("ERR No such user '" + v + "'");
                    return;
                }
                user = v;
            } else if (c.argIs(j, "type")) {
                type = v.toLowerCase(java.util.Locale.ROOT).replace("replica", "slave");
                if (!List.of("normal", "master", "slave", "pubsub").contains(type)) {
                    c.error("ERR Unknown client type '" + v + "'");
                    return;
                }
            } else if (c.argIs(j, "skipme")) {
                if (v.equalsIgnoreCase("yes")) {
                    skipme = true;
                } else if (v.equalsIgnoreCase("no")) {
                    skipme = false;
                } else {
                    c.error(Shared.SYNTAX);
                    return;
                }
            } else if (c.argIs(j, "maxage")) {
                if (!Numbers.string2ll(c.argBuf, c.argOff[j + 1], c.argLen[j + 1], c.ctx.tmp) || c.ctx.tmp[0] <= 0) {
                    c.error(Shared.SYNTAX);
                    return;
                }
                maxAge = c.ctx.tmp[0];
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        long killed = 0;
        long now = System.currentTimeMillis();
        for (Client o : sortedClients(s)) {
            if (id != null && o.id != id || addr != null && !o.addr.equals(addr)
                    || laddr != null && !o.laddr.equals(laddr)
                    || user != null && !user.equals(o.user == null ? "default" : o.user.name())
                    || type != null && !type.equals(type(o)) || skipme && o == c
                    || maxAge > 0 && (now - o.ctime) / 1000 < maxAge) {
                continue;
            }
            kill(c, o);
            killed++;
        }
        c.integer(killed);
    }

    private static void kill(Client self, Client o) {
        if (o == self) {
            self.closeAfterReply = true;
        } else {
            self.server.loop.closeAsync(o);
        }
    }

    static void clientSetname(Client c) {
        if (!validName(c, 2)) {
            c.error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        c.name = c.argLen[2] == 0 ? null : c.argString(2);
        c.ok();
    }

    static void clientSetinfo(Client c) {
        boolean lib = c.argIs(2, "lib-name");
        if (!lib && !c.argIs(2, "lib-ver")) {
            c.error("ERR Unrecognized option '" + c.argString(2) + "'");
            return;
        }
        if (!validName(c, 3)) {
            c.error("ERR " + (lib ? "lib-name" : "lib-ver") + " cannot contain spaces, newlines or special characters.");
            return;
        }
        String v = c.argLen[3] == 0 ? null : c.argString(3);
        if (lib) {
            c.libName = v;
        } else {
            c.libVer = v;
        }
        c.ok();
    }

    static void onOff(Client c, boolean evict) {
        boolean on;
        if (c.argIs(2, "on")) {
            on = true;
        } else if (c.argIs(2, "off")) {
            on = false;
        } else {
            c.error(Shared.SYNTAX);
            return;
        }
        if (evict) {
            c.noEvict = on;
        } else {
            c.noTouch = on;
        }
        c.ok();
    }

    static void clientPause(Client c) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp)) {
            c.error("ERR timeout is not an integer or out of range");
            return;
        }
        long ms = c.ctx.tmp[0];
        if (ms < 0) {
            c.error("ERR timeout is negative");
            return;
        }
        boolean writeOnly = false;
        if (c.argc == 4) {
            if (c.argIs(3, "write")) {
                writeOnly = true;
            } else if (!c.argIs(3, "all")) {
                c.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        } else if (c.argc > 4) {
            c.error(Shared.SYNTAX);
            return;
        }
        long end = System.currentTimeMillis() + ms;
        Server s = c.server;
        boolean wasPaused = s.pauseEndMs != 0;
        // Redis's pauseClients: the later end and the more restrictive mode of the pause in effect and this one
        s.pauseWritesOnly = writeOnly && (!wasPaused || s.pauseWritesOnly);
        if (!wasPaused || end > s.pauseEndMs) {
            s.pauseEndMs = Math.max(end, 1);
        }
        c.ok();
    }

    static void clientReply(Client c) {
        if (c.argIs(2, "on")) {
            c.repliesOn();
            c.ok();
        } else if (c.argIs(2, "off")) {
            c.replyMode = Client.REPLY_OFF;
        } else if (c.argIs(2, "skip")) {
            if (c.replyMode == Client.REPLY_ON || c.replyMode == Client.REPLY_REPLICA) {
                c.replyMode = Client.REPLY_SKIP_NEXT;
            }
        } else {
            c.error(Shared.SYNTAX);
        }
    }

    static void clientUnblock(Client c) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp)) {
            c.error(Shared.NOT_INT);
            return;
        }
        if (c.argc == 4 && !c.argIs(3, "timeout") && !c.argIs(3, "error")) {
            c.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
        Client target = c.server.clients.get(c.ctx.tmp[0]);
        boolean error = c.argc == 4 && c.argIs(3, "error");
        boolean done = c.server.blocking.unblockByRequest(target, error)
            || c.server.replication != null && c.server.replication.unblockByRequest(target, error); // WAIT, WAITAOF
        c.integer(done ? 1 : 0);
    }

    static void clientHelp(Client c) {
        c.help("CLIENT", new String[] {
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "    * MAXAGE <maxage>",
            "      Kill connections older than the specified age.",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on."});
    }
}
