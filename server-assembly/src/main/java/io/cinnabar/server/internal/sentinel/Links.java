package io.cinnabar.server.internal.sentinel;

import io.cinnabar.resp.ReplyDecoder;
import io.cinnabar.resp.ReplyTreeBuilder;
import io.cinnabar.resp.RespProtocolException;
import io.cinnabar.resp.RespValue;
import io.cinnabar.server.internal.command.Link;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The connections of a sentinel to one instance (Redis's instanceLink): a command connection, on which commands
 * are pipelined and their replies handed to callbacks in order, and for masters and replicas a Pub/Sub connection
 * subscribed to the hello channel. The times kept here drive the SDOWN check and the reconnection of idle links.
 * <p>
 * A link counts as disconnected while either connection is missing; a connection that fails or is closed by the
 * peer is dropped, and {@link Sentinel} reconnects it at most once per second.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread only.
 */
final class Links {
    /** One outgoing connection and what it decodes. */
    final class Conn implements Link.Handler {
        final Link link;
        final boolean pubsub;
        final ReplyDecoder decoder = new ReplyDecoder(new ReplyDecoder.Limits(64L * 1024 * 1024, 64 * 1024 * 1024,
            1_000_000, 16));
        final ReplyTreeBuilder tree = new ReplyTreeBuilder();
        final ArrayDeque<Consumer<RespValue>> callbacks = new ArrayDeque<>();
        final Consumer<RespValue> onMessage;

        Conn(Link link, boolean pubsub, Consumer<RespValue> onMessage) {
            this.link = link;
            this.pubsub = pubsub;
            this.onMessage = onMessage;
        }

        @Override
        public void received(Link l, ByteBuffer in) {
            while (in.hasRemaining()) {
                int n;
                try {
                    n = decoder.decode(in.array(), in.arrayOffset() + in.position(), in.arrayOffset() + in.limit(),
                        tree);
                } catch (RespProtocolException e) {
                    drop(this);
                    return;
                }
                in.position(in.position() + n);
                if (!decoder.complete()) {
                    return;
                }
                RespValue v = tree.take();
                decoder.reset();
                if (pubsub) {
                    Consumer<RespValue> cb = callbacks.poll();
                    if (cb != null) {
                        cb.accept(v); // the reply to AUTH or CLIENT SETNAME, sent before SUBSCRIBE
                    } else if (v instanceof RespValue.SimpleError || v instanceof RespValue.BlobError) {
                        // an error where a message is due (SUBSCRIBE refused, e.g. -NOAUTH): the connection is
                        // useless; hiredis drops it the same way for redis-sentinel
                        drop(this);
                        return;
                    } else {
                        pcLastActivity = System.currentTimeMillis();
                        onMessage.accept(v);
                    }
                } else {
                    Consumer<RespValue> cb = callbacks.poll();
                    pendingCommands = Math.max(0, pendingCommands - 1);
                    if (cb != null) {
                        cb.accept(v);
                    }
                }
                if (!link.isOpen() || (pubsub ? pc != this : cc != this)) {
                    return; // a callback closed this connection
                }
            }
        }

        @Override
        public void closed(Link l, String reason) {
            drop(this);
        }

        /** Sends a command whose one reply goes to {@code cb} (ignored when null). */
        void send(Consumer<RespValue> cb, String... argv) {
            link.write(encode(argv));
            callbacks.add(cb != null ? cb : IGNORE);
            if (!pubsub) {
                pendingCommands++;
            }
        }

        /** Sends SUBSCRIBE on the Pub/Sub connection: what follows the replies of earlier commands is messages. */
        void subscribe(String... argv) {
            link.write(encode(argv));
        }
    }

    private static final Consumer<RespValue> IGNORE = v -> { };

    final Instance ri;
    Conn cc;
    Conn pc;
    int pendingCommands;
    long ccConnTime;
    long pcConnTime;
    long pcLastActivity;
    long lastAvailTime = System.currentTimeMillis();
    /** When the PING still waiting for its reply was sent (Redis's act_ping_time), 0 when none is pending. */
    long actPingTime = System.currentTimeMillis();
    long lastPingTime;
    long lastPongTime = System.currentTimeMillis();
    long lastReconnTime;

    Links(Instance ri) {
        this.ri = ri;
    }

    /** Restarts the availability clocks of a link not connected yet (the sentinel starts running). */
    void startClock(long now) {
        lastAvailTime = now;
        actPingTime = now;
        lastPongTime = now;
    }

    /** Disconnected: the command connection, or for a master or replica the Pub/Sub one, is missing. */
    boolean disconnected() {
        return cc == null || (!ri.is(Instance.SENTINEL) && pc == null);
    }

    Conn open(Link link, boolean pubsub, Consumer<RespValue> onMessage) {
        Conn c = new Conn(link, pubsub, onMessage);
        link.handler(c);
        if (pubsub) {
            pc = c;
            pcConnTime = System.currentTimeMillis();
            pcLastActivity = pcConnTime;
        } else {
            cc = c;
            ccConnTime = System.currentTimeMillis();
            pendingCommands = 0;
        }
        return c;
    }

    /** Sends a command on the command connection; false when there is none. */
    boolean command(Consumer<RespValue> cb, String... argv) {
        if (cc == null) {
            return false;
        }
        cc.send(cb, argv);
        return true;
    }

    /** Closes a connection (Redis's instanceLinkCloseConnection): the other one stays. */
    void drop(Conn c) {
        if (c == null) {
            return;
        }
        c.link.close();
        if (c == cc) {
            cc = null;
            pendingCommands = 0;
        } else if (c == pc) {
            pc = null;
        }
    }

    /** Closes both connections (reset, removal, address change). */
    void closeAll() {
        drop(cc);
        drop(pc);
    }

    static byte[] encode(String... argv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        b.writeBytes(("*" + argv.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (String a : argv) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            b.writeBytes(v);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        return b.toByteArray();
    }
}
