package io.cinnabar.benchmarks.rax;

import java.nio.charset.StandardCharsets;

/**
 * The keys of the rax benchmarks: stream IDs as Redis keys its stream rax, 16 bytes: 8-byte big-endian
 * milliseconds then 8-byte big-endian sequence. Key {@code i} is {@code (BASE_MS + i / 4, i % 4)}: sequential
 * milliseconds with a small sequence, what a busy XADD * produces.
 */
final class StreamIds {
    static final long BASE_MS = 1_700_000_000_000L;

    private StreamIds() {
    }

    static byte[] id(long i) {
        return id(BASE_MS + (i >> 2), i & 3);
    }

    static byte[] id(long ms, long seq) {
        byte[] b = new byte[16];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (ms >>> (56 - 8 * k));
            b[8 + k] = (byte) (seq >>> (56 - 8 * k));
        }
        return b;
    }

    /** The same bytes as a String of chars 0..255, for trees that take CharSequence keys. */
    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
