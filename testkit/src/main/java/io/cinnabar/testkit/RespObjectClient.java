package io.cinnabar.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking RESP2 client for tests that work on parsed replies: a bulk string is a {@code byte[]}, an integer a
 * {@code Long}, an array a {@code List}, a null bulk or null array {@code null}; a status is its text without the
 * {@code +} and an error throws {@link ErrorReply}, unless a subclass overrides {@link #status} or {@link #error}
 * (a differential test keeping both as values, say). Arguments are {@code byte[]} as is, anything else its
 * {@code toString()} in UTF-8. See {@link RespClient} for the exact bytes of a reply.
 * <p><b>Note:</b> Instances are not threadsafe.
 */
public class RespObjectClient implements AutoCloseable {
    /** An error reply; its message is the error line without the {@code -}. */
    public static final class ErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ErrorReply(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Connects to 127.0.0.1:port. */
    public RespObjectClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Talks over an open socket (closed by {@link #close}). */
    public RespObjectClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends one command (arguments as bulk strings) and returns its parsed reply. */
    public Object call(Object... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] x = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + x.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(x);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
        return reply();
    }

    /** A status reply's value: its text (line is what follows the {@code +}). */
    protected Object status(String line) {
        return line;
    }

    /** An error reply's value (line is what follows the {@code -}): by default none, it throws {@link ErrorReply}. */
    protected Object error(String line) {
        throw new ErrorReply(line);
    }

    private Object reply() throws IOException {
        int type = in.read();
        String line = line();
        switch (type) {
            case '+':
                return status(line);
            case '-':
                return error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] v = in.readNBytes(n);
                in.readNBytes(2);
                return v;
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(reply());
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply type " + type);
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
