package io.cinnabar.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/** A flood of pipelined SETs that a memory guard answers with OK or Redis's OOM error (HeapGuardTest, OffHeapPressureTest). */
final class SetFlood {
    static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.";

    private SetFlood() {
    }

    /**
     * SETs key(0) .. key(total-1) to value, pipelined in batches of batch commands on one connection; returns {ok,
     * oom}, any other reply fails the test. Stops after maxRefusedBatches batches refused entirely.
     */
    static long[] run(int port, int total, int batch, IntFunction<String> key, byte[] value, int maxRefusedBatches)
            throws IOException {
        long ok = 0;
        long oom = 0;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            ByteArrayOutputStream commands = new ByteArrayOutputStream();
            int refusedBatches = 0;
            for (int i = 0; i < total && refusedBatches < maxRefusedBatches; i += batch) {
                commands.reset();
                for (int j = i; j < i + batch; j++) {
                    byte[] k = key.apply(j).getBytes(StandardCharsets.US_ASCII);
                    commands.write(("*3\r\n$3\r\nSET\r\n$" + k.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    commands.write(k);
                    commands.write(("\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    commands.write(value);
                    commands.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                commands.writeTo(out);
                out.flush();
                long before = oom;
                for (int j = 0; j < batch; j++) {
                    String r = line(in);
                    if (r.equals("+OK")) {
                        ok++;
                    } else if (r.equals(OOM)) {
                        oom++;
                    } else {
                        throw new AssertionError("unexpected reply " + r);
                    }
                }
                if (oom - before == batch) {
                    refusedBatches++;
                }
            }
        }
        return new long[] {ok, oom};
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("connection closed after: " + b);
            }
            b.append((char) c);
        }
        return b.toString().trim();
    }
}
