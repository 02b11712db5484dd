package io.cinnabar.server.internal.cluster;

/**
 * The hash slot of a key (Redis's keyHashSlot): CRC16 (CCITT/XMODEM: polynomial 0x1021, initial value 0, no
 * reflection) of the key, modulo 16384; when the key has a hash tag, a non-empty part between the first '{' and
 * the first '}' after it, only that part is hashed, so "{user1}.a" and "{user1}.b" share a slot. O(key length),
 * one table lookup per byte.
 * <p><b>Note:</b> This class is not threadsafe (stateless; the table is immutable).
 */
public final class KeySlots {
    private KeySlots() {
    }

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int j = 0; j < 8; j++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    /** CRC16/XMODEM of len bytes at off (crc16("123456789") = 0x31C3). */
    public static int crc16(byte[] b, int off, int len) {
        int crc = 0;
        for (int i = off; i < off + len; i++) {
            crc = (crc << 8 ^ TABLE[(crc >>> 8 ^ b[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    /** The slot of the key of len bytes at off. */
    public static int slot(byte[] b, int off, int len) {
        int s = -1;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '{') {
                s = i;
                break;
            }
        }
        if (s < 0) {
            return crc16(b, off, len) & 16383;
        }
        for (int e = s + 1; e < off + len; e++) {
            if (b[e] == '}') {
                if (e == s + 1) {
                    break; // "{}": the whole key is hashed
                }
                return crc16(b, s + 1, e - s - 1) & 16383;
            }
        }
        return crc16(b, off, len) & 16383;
    }

    public static int slot(byte[] key) {
        return slot(key, 0, key.length);
    }
}
