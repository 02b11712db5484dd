package io.cinnabar.server.internal.command;

import java.nio.charset.StandardCharsets;

/** Pre-encoded replies shared by all clients (Redis's {@code shared.*} objects). */
public final class Shared {
    private Shared() {
    }

    public static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static final byte[] OK = b("+OK\r\n");
    public static final byte[] PONG = b("+PONG\r\n");
    public static final byte[] EMPTY_BULK = b("$0\r\n\r\n");
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INT = "ERR value is not an integer or out of range";
    public static final String NO_SUCH_KEY = "ERR no such key";
}
