package io.cinnabar.sds;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal pipelining RESP2 client over a raw socket, enough for differential tests. */
final class Resp implements AutoCloseable {
    /** A reply: exactly one of the fields is set (or none, for a null bulk). */
    record Reply(String simple, String error, Long integer, byte[] bulk, List<Reply> array) {
        String text() {
            if (bulk != null) {
                return new String(bulk, StandardCharsets.ISO_8859_1);
            }
            if (simple != null) {
                return simple;
            }
            if (integer != null) {
                return Long.toString(integer);
            }
            return error != null ? "ERROR:" + error : "NULL";
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private int pending;

    Resp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    /** Queues a command; call {@link #read()} once per queued command, in order. */
    void send(Object... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] b = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.ISO_8859_1);
            out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write('\r');
            out.write('\n');
        }
        pending++;
    }

    /** Queues raw bytes (an inline command line, for example) expecting one reply. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        pending++;
    }

    Reply read() throws IOException {
        out.flush();
        pending--;
        return parse();
    }

    Reply call(Object... args) throws IOException {
        send(args);
        return read();
    }

    private Reply parse() throws IOException {
        int type = in.read();
        String line = line();
        switch (type) {
            case '+':
                return new Reply(line, null, null, null, null);
            case '-':
                return new Reply(null, line, null, null, null);
            case ':':
                return new Reply(null, null, Long.parseLong(line), null, null);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return new Reply(null, null, null, null, null);
                }
                byte[] b = in.readNBytes(n);
                in.readNBytes(2);
                return new Reply(null, null, null, b, null);
            }
            case '*': {
                int n = Integer.parseInt(line);
                List<Reply> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(parse());
                }
                return new Reply(null, null, null, null, items);
            }
            default:
                throw new IOException("unexpected RESP type " + type);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            b.write(c);
        }
        in.read();
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
