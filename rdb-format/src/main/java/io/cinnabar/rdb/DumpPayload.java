package io.cinnabar.rdb;

import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The payload of DUMP / RESTORE: one serialized value and a footer.
 *
 * <pre>
 *   &lt;type byte&gt; &lt;value as in an RDB file&gt; &lt;RDB version u16 LE&gt; &lt;CRC64 u64 LE of all preceding bytes&gt;
 * </pre>
 * Worked example: {@code DUMP} of the string "hi" in Redis 7.2 is {@code 00 02 68 69 0b 00} followed by the
 * 8-byte CRC64 of those six bytes.
 *
 * <p>{@link #read} trusts nothing: it checks footer, version and checksum, then decodes the value with the same
 * full validation as file reading (every blob walked) and requires that the value ends exactly at the footer.
 * O(payload size).
 *
 * <p><b>Note:</b> the static methods are thread-safe.
 */
public final class DumpPayload {
    /** Footer size: 2 bytes version + 8 bytes CRC64. */
    public static final int FOOTER = 10;

    private DumpPayload() {
    }

    /**
     * Checks footer and checksum and returns the RDB version the payload was written with.
     *
     * @throws RdbException if the payload is too short, from a newer version, or the checksum does not match
     */
    public static int verify(byte[] payload) {
        if (payload.length < FOOTER + 1) {
            throw new RdbException("DUMP payload of " + payload.length + " bytes is too short", 0);
        }
        int at = payload.length - FOOTER;
        int version = (payload[at] & 0xff) | (payload[at + 1] & 0xff) << 8;
        if (version > RdbFormat.MAX_VERSION) {
            throw new RdbException("DUMP payload version " + version + " is newer than " + RdbFormat.MAX_VERSION, at);
        }
        long stored = 0;
        for (int i = 7; i >= 0; i--) {
            stored = (stored << 8) | (payload[at + 2 + i] & 0xffL);
        }
        long computed = Crc64.of(payload, 0, at + 2);
        if (stored != computed) {
            throw new RdbException(String.format("DUMP payload checksum %016x does not match content %016x", stored, computed),
                at + 2);
        }
        return version;
    }

    /**
     * Validates an untrusted payload: shallow checks footer, version and checksum (O(1) plus the CRC); deep also
     * decodes the whole value with every blob validated, as RESTORE with {@code sanitize-dump-payload yes}.
     *
     * @return the value's RDB type
     * @throws RdbException naming the offset of the first problem
     */
    public static int validate(byte[] payload, boolean deep) {
        verify(payload);
        if (!deep) {
            return payload[0] & 0xff;
        }
        return read(payload, new RdbVisitor() {
        });
    }

    /**
     * Verifies the payload and streams its value into {@code visitor} as one key with an empty name in db 0.
     *
     * @return the value's RDB type
     */
    public static int read(byte[] payload, RdbVisitor visitor) {
        int version = verify(payload);
        return RdbReader.payload(payload, payload.length - FOOTER, version).readValue(visitor);
    }

    /** Builds a payload of {@code version} (10 or 11): {@code body} writes the type and value. */
    public static byte[] encode(int version, Consumer<RdbWriter> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = RdbWriter.create(bytes, version);
        body.accept(w);
        w.u8(version & 0xff);
        w.u8(version >>> 8);
        long crc = w.crcSoFar();
        w.longLE(crc);
        w.crcSoFar();
        return bytes.toByteArray();
    }

    /**
     * Builds a payload of {@code version} (10 or 11) for a value of RDB {@code type}: writes the type byte, then
     * {@code value} writes the value with the writer's public primitives ({@link RdbWriter#length},
     * {@link RdbWriter#string(byte[])}, {@link RdbWriter#lzfString}, {@link RdbWriter#binaryDouble}). Strings are
     * LZF-compressed above 20 bytes when {@code compression} is on (Redis's {@code rdbcompression}). This is how a
     * server writes a value in its current encoding (a listpack or intset blob as it is, a quicklist node by node).
     */
    public static byte[] encode(int version, boolean compression, int type, Consumer<RdbWriter> value) {
        return encode(version, w -> {
            w.compression(compression);
            w.u8(type);
            value.accept(w);
        });
    }

    public static byte[] string(int version, byte[] value) {
        return encode(version, w -> {
            w.u8(RdbFormat.TYPE_STRING);
            w.string(value);
        });
    }

    public static byte[] list(int version, Collection<byte[]> elements) {
        return encode(version, w -> {
            w.u8(RdbFormat.TYPE_LIST);
            w.strings(elements);
        });
    }

    public static byte[] set(int version, Collection<byte[]> members) {
        return encode(version, w -> {
            w.u8(RdbFormat.TYPE_SET);
            w.strings(members);
        });
    }

    public static byte[] zset(int version, List<byte[]> members, double[] scores) {
        return encode(version, w -> {
            w.u8(RdbFormat.TYPE_ZSET_2);
            w.zsetValue(members, scores);
        });
    }

    /** A stream payload from its listpacks (16-byte master id, listpack), metadata and groups. */
    public static byte[] stream(int version, List<byte[][]> listpacks, StreamMetadata meta, List<StreamGroupData> groups) {
        return encode(version, w -> {
            w.u8(w.streamType());
            w.streamValue(listpacks, meta, groups);
        });
    }

    public static byte[] hash(int version, Map<byte[], byte[]> fields) {
        return encode(version, w -> {
            w.u8(RdbFormat.TYPE_HASH);
            w.hashValue(fields);
        });
    }
}
