package io.cinnabar.aof;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Appends commands to an AOF as RESP multibulk ({@code *<argc>\r\n $<len>\r\n<arg>\r\n ...}) and annotations
 * ({@code #TS:<unix seconds>\r\n}). Buffering and fsync are the caller's (the server's appendfsync policy).
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class AofWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private final OutputStream out;

    public AofWriter(OutputStream out) {
        this.out = out;
    }

    public void command(List<byte[]> args) {
        try {
            out.write(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] a : args) {
                out.write(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(a);
                out.write(CRLF);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void command(String... args) {
        command(java.util.Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** The timestamp annotation Redis 7 writes with {@code aof-timestamp-enabled yes}. */
    public void timestamp(long unixSeconds) {
        annotation("TS:" + unixSeconds);
    }

    public void annotation(String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("annotation must be one line");
        }
        try {
            out.write('#');
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.write(CRLF);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
