package io.cinnabar.server.internal.net;

import io.cinnabar.server.internal.command.Link;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A peer connection of the event loop (see {@link Link}): a non-blocking socket with an input buffer the handler
 * consumes from and an output buffer written before the loop sleeps.
 * <p>
 * The input buffer starts at 16 KiB and doubles only while the handler leaves it full without consuming, up to
 * {@link #MAX_INPUT}; a peer that sends more than its handler will take is disconnected, never buffered without
 * bound. Output is bounded by the owner (it sees {@link #pendingBytes()}).
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread only.
 */
final class NetLink implements Link {
    static final int MAX_INPUT = 64 * 1024 * 1024;

    private final EventLoop loop;
    final SocketChannel ch;
    SelectionKey key;
    Link.Handler handler;
    private Object attachment;
    ByteBuffer in = ByteBuffer.allocate(16 * 1024); // write mode between reads
    byte[] out = new byte[4096];
    int outPos;
    int outLen;
    boolean connected;
    boolean open = true;
    boolean readingOn = true;
    boolean queued; // in the loop's pending-write list
    boolean delivering; // inside handler.received: the input buffer is in read mode
    String remote;
    String local = "";
    /** A failure to report at the next turn (connect that failed before the loop saw it). */
    String failure;

    NetLink(EventLoop loop, SocketChannel ch, Link.Handler handler, String remote) {
        this.loop = loop;
        this.ch = ch;
        this.handler = handler;
        this.remote = remote;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (!open) {
            return;
        }
        if (outLen + len > out.length) {
            if (outPos > 0) {
                System.arraycopy(out, outPos, out, 0, outLen - outPos);
                outLen -= outPos;
                outPos = 0;
            }
            if (outLen + len > out.length) {
                byte[] n = new byte[Math.max(out.length * 2, outLen + len)];
                System.arraycopy(out, 0, n, 0, outLen);
                out = n;
            }
        }
        System.arraycopy(b, off, out, outLen, len);
        outLen += len;
        loop.linkWantsWrite(this);
    }

    @Override
    public long pendingBytes() {
        return outLen - outPos;
    }

    @Override
    public void close() {
        loop.closeLink(this, null);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isConnected() {
        return open && connected;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public String localAddress() {
        return local;
    }

    @Override
    public void reading(boolean on) {
        readingOn = on;
        loop.updateInterest(this);
    }

    @Override
    public void handler(Link.Handler h) {
        this.handler = h;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object o) {
        this.attachment = o;
    }

    /** Writes what the socket takes; false when the connection failed. */
    boolean flush() {
        try {
            while (outPos < outLen) {
                int n = ch.write(ByteBuffer.wrap(out, outPos, outLen - outPos));
                if (n <= 0) {
                    break;
                }
                outPos += n;
            }
        } catch (IOException e) {
            failure = "Error writing to " + remote + ": " + e.getMessage();
            return false;
        }
        if (outPos == outLen) {
            outPos = 0;
            outLen = 0;
            if (out.length > 1024 * 1024) {
                out = new byte[4096];
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "link " + remote;
    }
}
