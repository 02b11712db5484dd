package io.cinnabar.aof;

import io.cinnabar.resp.ReplyEncoder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Appends commands to an AOF as RESP multibulk ({@code *<argc>\r\n $<len>\r\n<arg>\r\n ...}), encoded by
 * resp-codec's {@link ReplyEncoder} (an array of bulk strings is the same bytes as a request), and annotations
 * ({@code #TS:<unix seconds>\r\n}). Buffering and fsync are the caller's (the server's appendfsync policy).
 * Each command is encoded into one reused buffer and handed to the stream in one {@code write}.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class AofWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private final OutputStream out;
    private final ReplyEncoder encoder = new ReplyEncoder(256);

    public AofWriter(OutputStream out) {
        this.out = out;
    }

    public void command(List<byte[]> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("an AOF command has at least one argument");
        }
        encoder.clear();
        encoder.addArrayLen(args.size());
        for (byte[] a : args) {
            encoder.addBulk(a);
        }
        try {
            out.write(encoder.array(), encoder.readIndex(), encoder.length() - encoder.readIndex());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            encoder.clear();
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
