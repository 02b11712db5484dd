package io.cinnabar.listpack;

import io.cinnabar.lzf.Lzf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough of the RDB value format to pull the listpacks out of DUMP payloads
 * ({@code <type><value><rdb version: 2 bytes LE><crc64: 8 bytes>}). Test support only: the RDB reader proper
 * belongs to rdb-format.
 */
final class RdbPayloads {
    static final int HASH_LISTPACK = 16;
    static final int ZSET_LISTPACK = 17;
    static final int LIST_QUICKLIST_2 = 18;
    static final int SET_LISTPACK = 20;
    static final int STREAM_LISTPACKS = 15;
    static final int STREAM_LISTPACKS_2 = 19;
    static final int STREAM_LISTPACKS_3 = 21;

    /** One listpack-bearing node: a listpack blob, or (quicklist PLAIN node) a raw element. */
    record Node(boolean plain, byte[] bytes) {
    }

    private final byte[] in;
    private int pos;

    private RdbPayloads(byte[] in, int pos) {
        this.in = in;
        this.pos = pos;
    }

    static int type(byte[] payload) {
        return payload[0] & 0xFF;
    }

    /** The listpacks (and plain quicklist nodes) a payload carries, or an empty list for other types. */
    static List<Node> nodes(byte[] payload) {
        RdbPayloads r = new RdbPayloads(payload, 1);
        List<Node> out = new ArrayList<>();
        switch (type(payload)) {
            case HASH_LISTPACK, ZSET_LISTPACK, SET_LISTPACK -> out.add(new Node(false, r.string()));
            case LIST_QUICKLIST_2 -> {
                long n = r.length();
                for (long i = 0; i < n; i++) {
                    long container = r.length();
                    out.add(new Node(container == 1, r.string()));
                }
            }
            case STREAM_LISTPACKS, STREAM_LISTPACKS_2, STREAM_LISTPACKS_3 -> {
                long n = r.length();
                for (long i = 0; i < n; i++) {
                    r.string(); // master entry ID (16 bytes)
                    out.add(new Node(false, r.string()));
                }
            }
            default -> {
            }
        }
        return out;
    }

    private int u8() {
        return in[pos++] & 0xFF;
    }

    private long length() {
        int b = u8();
        switch (b >> 6) {
            case 0:
                return b & 0x3F;
            case 1:
                return ((b & 0x3F) << 8) | u8();
            case 2:
                if (b == 0x80) {
                    return ((long) u8() << 24) | (u8() << 16) | (u8() << 8) | u8();
                } else if (b == 0x81) {
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v = (v << 8) | u8();
                    }
                    return v;
                }
                throw new IllegalStateException("bad length byte " + b);
            default:
                return -(b & 0x3F) - 1; // special encoding, returned as -(type+1)
        }
    }

    private byte[] string() {
        long len = length();
        if (len >= 0) {
            byte[] s = Arrays.copyOfRange(in, pos, pos + (int) len);
            pos += (int) len;
            return s;
        }
        int special = (int) (-len - 1);
        switch (special) {
            case 0:
                return Long.toString((byte) u8()).getBytes();
            case 1:
                return Long.toString((short) (u8() | u8() << 8)).getBytes();
            case 2:
                return Long.toString(u8() | u8() << 8 | u8() << 16 | u8() << 24).getBytes();
            case 3: {
                int clen = (int) length();
                int ulen = (int) length();
                byte[] s = Lzf.decompress(in, pos, clen, ulen);
                pos += clen;
                return s;
            }
            default:
                throw new IllegalStateException("bad string encoding " + special);
        }
    }
}
