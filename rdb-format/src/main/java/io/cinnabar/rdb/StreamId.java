package io.cinnabar.rdb;

/**
 * A stream entry id, {@code <ms>-<seq>}, both unsigned 64-bit. In RDB files it appears as two lengths or, in
 * PELs and rax keys, as 16 raw big-endian bytes.
 */
public record StreamId(long ms, long seq) {
    public static final StreamId ZERO = new StreamId(0, 0);

    /** Decodes 16 big-endian bytes at {@code off}. */
    public static StreamId fromBytes(byte[] b, int off) {
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = (ms << 8) | (b[off + i] & 0xffL);
            seq = (seq << 8) | (b[off + 8 + i] & 0xffL);
        }
        return new StreamId(ms, seq);
    }

    /** The 16 big-endian bytes Redis uses as rax key and in PELs. */
    public byte[] toBytes() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[7 - i] = (byte) (ms >>> (8 * i));
            b[15 - i] = (byte) (seq >>> (8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
