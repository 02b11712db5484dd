package io.cinnabar.rdb;

/**
 * One key as the file announces it, handed to {@link RdbVisitor#beginKey} before its value.
 *
 * @param db          the database selected by the last SELECTDB (0 when none)
 * @param key         the key's raw bytes
 * @param type        the RDB value type byte ({@link RdbFormat}{@code .TYPE_*})
 * @param encoding    the encoding in the file: {@code int}, {@code lzf} or {@code raw} for strings, else
 *                    {@link RdbFormat#encoding(int)}
 * @param expireAtMs  absolute expiry in Unix milliseconds, or -1
 * @param idleSeconds LRU idle time from an IDLE opcode, or -1
 * @param freq        LFU counter from a FREQ opcode, or -1
 * @param offset      byte offset of the value type byte in the file
 */
public record RdbKey(int db, byte[] key, int type, String encoding, long expireAtMs, long idleSeconds, int freq,
                     long offset) {
    /** string, list, set, zset, hash, stream or module. */
    public String family() {
        return RdbFormat.family(type);
    }
}
