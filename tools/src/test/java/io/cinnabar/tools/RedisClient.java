package io.cinnabar.tools;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal blocking RESP2 client for tests: replies as byte[], Long, String (status), List, or RuntimeException. */
final class RedisClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RedisClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    Object call(Object... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] x = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
            b.write(("$" + x.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(x);
            b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
        return reply();
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

    private Object reply() throws IOException {
        int t = in.read();
        String l = line();
        switch (t) {
            case '+':
                return l;
            case '-':
                throw new IllegalStateException(l);
            case ':':
                return Long.parseLong(l);
            case '$': {
                int n = Integer.parseInt(l);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n);
                in.readNBytes(2);
                return b;
            }
            case '*': {
                int n = Integer.parseInt(l);
                if (n < 0) {
                    return null;
                }
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    list.add(reply());
                }
                return list;
            }
            default:
                throw new IOException("bad reply type " + (char) t);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
