package io.cinnabar.tools;

import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;
import io.cinnabar.resp.ReplyEncoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rdb dump --format resp}: RESP multibulk commands that {@code redis-cli --pipe} loads into a server to
 * reproduce the dataset: SELECT per database, DEL then SET / RPUSH / SADD / ZADD / HSET (batches of
 * {@value #BATCH} elements), RESTORE of an RDB 10 payload for streams (the only way to reproduce consumer groups
 * exactly: a PEL may name deleted entries, which XCLAIM refuses), PEXPIREAT for expiries, HPEXPIREAT for the
 * field expiries of Redis 7.4 hashes, FUNCTION LOAD REPLACE for libraries. Scores are written with 17 significant digits so
 * they round-trip exactly.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class RespDump implements RdbVisitor {
    static final int BATCH = 128;
    /** Streams go as RESTORE payloads of RDB 10, which Redis 7.0 and 7.2 both accept. */
    static final int PAYLOAD_VERSION = 10;
    private final ByteOut out;
    private final ReplyEncoder encoder = new ReplyEncoder(1 << 12);
    private final KeyFilter filter;
    private int selected = -1;
    private boolean on;
    private RdbKey key;
    private final List<byte[]> args = new ArrayList<>();
    private String command;
    private int per;
    private final StreamCollector stream = new StreamCollector();

    RespDump(ByteOut out, KeyFilter filter) {
        this.out = out;
        this.filter = filter;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One command as a RESP array of bulk strings, encoded by resp-codec's {@link ReplyEncoder}. */
    private void cmd(byte[]... parts) {
        encoder.addArrayLen(parts.length);
        for (byte[] p : parts) {
            encoder.addBulk(p);
        }
        out.raw(encoder.array(), encoder.readIndex(), encoder.length() - encoder.readIndex());
        encoder.clear();
        out.flushIfLarge();
    }

    private void flushBatch() {
        if (args.size() > 2) {
            cmd(args.toArray(new byte[0][]));
        }
        args.subList(2, args.size()).clear();
    }

    private void add(byte[]... xs) {
        for (byte[] x : xs) {
            args.add(x);
        }
        if (args.size() - 2 >= BATCH * per) {
            flushBatch();
        }
    }

    @Override
    public void function(byte[] code) {
        cmd(b("FUNCTION"), b("LOAD"), b("REPLACE"), code);
    }

    @Override
    public void beginKey(RdbKey k) {
        on = filter.accepts(k);
        if (!on) {
            return;
        }
        key = k;
        if (k.db() != selected) {
            selected = k.db();
            cmd(b("SELECT"), b(Integer.toString(selected)));
        }
        cmd(b("DEL"), k.key());
        args.clear();
        switch (k.family()) {
            case "list" -> start("RPUSH", 1);
            case "set" -> start("SADD", 1);
            case "zset" -> start("ZADD", 2);
            case "hash" -> start("HSET", 2);
            default -> command = null;
        }
        stream.reset();
    }

    private void start(String c, int perElement) {
        command = c;
        per = perElement;
        args.add(b(c));
        args.add(key.key());
    }

    @Override
    public void string(byte[] value) {
        if (on) {
            cmd(b("SET"), key.key(), value);
        }
    }

    @Override
    public void listElement(byte[] e) {
        if (on) {
            add(e);
        }
    }

    @Override
    public void setMember(byte[] m) {
        if (on) {
            add(m);
        }
    }

    @Override
    public void zsetEntry(byte[] member, double score) {
        if (on) {
            String s = Double.isInfinite(score) ? (score > 0 ? "+inf" : "-inf") : Double.isNaN(score) ? "nan"
                : Double.toString(score);
            add(b(s), member);
        }
    }

    private final List<byte[][]> fieldExpiries = new ArrayList<>();

    @Override
    public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
        if (on) {
            add(field, value);
            if (expireAtMs >= 0) {
                fieldExpiries.add(new byte[][] {field, b(Long.toString(expireAtMs))});
            }
        }
    }

    @Override
    public boolean streamListpack(byte[] masterId, byte[] listpack) {
        return on && stream.listpack(masterId, listpack);
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fv) {
        if (on) {
            stream.entry(id);
        }
    }

    @Override
    public void streamMetadata(StreamMetadata m) {
        if (on) {
            stream.metadata(m);
        }
    }

    @Override
    public void streamGroup(byte[] name, StreamId lastDelivered, long entriesRead, long pendingCount) {
        if (on) {
            stream.group(name, lastDelivered, entriesRead);
        }
    }

    @Override
    public void streamPending(StreamId id, long deliveryTimeMs, long deliveryCount) {
        if (on) {
            stream.pending(id, deliveryTimeMs, deliveryCount);
        }
    }

    @Override
    public void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
        if (on) {
            stream.consumer(name, seenTimeMs, activeTimeMs);
        }
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        if (on) {
            stream.consumerPending(id);
        }
    }

    @Override
    public void endKey(RdbKey k) {
        if (!on) {
            return;
        }
        if (command != null) {
            flushBatch();
        }
        for (byte[][] fe : fieldExpiries) {
            // Redis 7.4 hash field expiry (files of RDB 12 only)
            cmd(b("HPEXPIREAT"), k.key(), fe[1], b("FIELDS"), b("1"), fe[0]);
        }
        fieldExpiries.clear();
        if (k.family().equals("stream")) {
            stream.finish();
            cmd(b("RESTORE"), k.key(), b("0"), DumpPayload.stream(PAYLOAD_VERSION, stream.listpacks, stream.meta,
                stream.groups));
        }
        if (k.expireAtMs() >= 0) {
            cmd(b("PEXPIREAT"), k.key(), b(Long.toString(k.expireAtMs())));
        }
        on = false;
    }
}
