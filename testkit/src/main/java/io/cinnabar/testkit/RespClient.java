package io.cinnabar.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw RESP client for tests: sends commands, returns each reply's exact bytes as a (latin-1) string, RESP2 or
 * RESP3 (after {@code HELLO 3}), including attributes. Arguments are latin-1 strings, so any byte can be sent.
 */
public final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static byte[] encode(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.ISO_8859_1);
            b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            b.writeBytes(v);
            b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        return b.toByteArray();
    }

    public void sendRaw(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Sends one command and returns its reply. */
    public String call(String... args) throws IOException {
        sendRaw(encode(args));
        return read();
    }

    /** Reads one complete reply. */
    public String read() throws IOException {
        StringBuilder b = new StringBuilder();
        readInto(b);
        return b.toString();
    }

    private String line(StringBuilder b) throws IOException {
        StringBuilder l = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            l.append((char) c);
            if (c == '\n' && l.length() >= 2 && l.charAt(l.length() - 2) == '\r') {
                break;
            }
        }
        if (c == -1) {
            throw new IOException("connection closed; got so far: " + b + l);
        }
        b.append(l);
        return l.substring(0, l.length() - 2);
    }

    private void readInto(StringBuilder b) throws IOException {
        int t = in.read();
        if (t == -1) {
            throw new IOException("connection closed");
        }
        b.append((char) t);
        String l = line(b);
        switch (t) {
            case '$', '=', '!' -> {
                long n = Long.parseLong(l);
                if (n >= 0) {
                    byte[] d = in.readNBytes((int) n + 2);
                    b.append(new String(d, StandardCharsets.ISO_8859_1));
                }
            }
            case '*', '~', '>' -> {
                long n = Long.parseLong(l);
                for (long i = 0; i < n; i++) {
                    readInto(b);
                }
            }
            case '%', '|' -> {
                long n = Long.parseLong(l);
                for (long i = 0; i < 2 * n; i++) {
                    readInto(b);
                }
                if (t == '|') {
                    readInto(b);
                }
            }
            default -> {
            }
        }
    }

    /** True when the server closed the connection (reads return EOF within the timeout). */
    public boolean closedByServer() throws IOException {
        socket.setSoTimeout(5000);
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
