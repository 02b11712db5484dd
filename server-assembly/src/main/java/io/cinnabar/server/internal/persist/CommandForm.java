package io.cinnabar.server.internal.persist;

import io.cinnabar.aof.AofWriter;
import io.cinnabar.rdb.StreamGroupData;
import io.cinnabar.rdb.StreamMetadata;
import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.stream.StreamId;
import io.cinnabar.server.internal.type.stream.StreamRdb;
import io.cinnabar.server.internal.type.stream.StreamValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dataset as commands: what a {@link Snapshot} writes for the base of an AOF with {@code aof-use-rdb-preamble
 * no} (Redis's rewriteAppendOnlyFileRio). An optional {@code #TS:} annotation, a {@code FUNCTION LOAD} per library,
 * then per database {@code SELECT} and per key {@code SET}, {@code RPUSH}/{@code SADD}/{@code ZADD}/{@code HMSET}
 * with at most {@value #ITEMS_PER_CMD} elements per command, a stream as its {@code XADD}s, {@code XSETID ...
 * ENTRIESADDED ... MAXDELETEDID}, {@code XGROUP CREATE ... ENTRIESREAD}, an {@code XCLAIM ... TIME RETRYCOUNT JUSTID
 * FORCE} per pending entry and {@code XGROUP CREATECONSUMER} for consumers without one; then {@code PEXPIREAT} for a
 * key with a TTL. O(value) per key; each element is copied once into the stream.
 * <p><b>Note:</b> This class is not threadsafe: the snapshot calls it on the event-loop thread.
 */
final class CommandForm {
    /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
    static final int ITEMS_PER_CMD = 64;
    private static final byte[] SELECT = bytes("SELECT");
    private static final byte[] SET = bytes("SET");
    private static final byte[] RPUSH = bytes("RPUSH");
    private static final byte[] SADD = bytes("SADD");
    private static final byte[] ZADD = bytes("ZADD");
    private static final byte[] HMSET = bytes("HMSET");
    private static final byte[] PEXPIREAT = bytes("PEXPIREAT");

    private final AofWriter w;
    private final OutputStream out;
    private long written;

    CommandForm(OutputStream out) {
        this.out = new OutputStream() {
            @Override
            public void write(int b) {
                written++;
                ioWrite(out, new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written += len;
                ioWrite(out, b, off, len);
            }
        };
        this.w = new AofWriter(this.out);
    }

    private static void ioWrite(OutputStream out, byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    long written() {
        return written;
    }

    void timestamp(long unixSeconds) {
        w.timestamp(unixSeconds);
    }

    void function(byte[] code) {
        w.command(List.of(bytes("FUNCTION"), bytes("LOAD"), code));
    }

    void selectDb(int db) {
        w.command(List.of(SELECT, Numbers.ll2bytes(db)));
    }

    void key(byte[] key, Entry e, long expireAtMs) {
        switch (e.type()) {
            case Entry.TYPE_STRING -> w.command(List.of(SET, key, e.stringBytes()));
            case Entry.TYPE_LIST -> batched(RPUSH, key, ((ListValue) e.value()).all(), 1);
            case Entry.TYPE_SET -> batched(SADD, key, ((SetValue) e.value()).members(), 1);
            case Entry.TYPE_ZSET -> {
                ZSetValue z = (ZSetValue) e.value();
                List<byte[]> pairs = new ArrayList<>((int) z.size() * 2);
                if (z.size() > 0) {
                    z.range(0, z.size() - 1, false, (m, s) -> {
                        pairs.add(bytes(Numbers.d2string(s)));
                        pairs.add(m);
                    });
                }
                batched(ZADD, key, pairs, 2);
            }
            case Entry.TYPE_HASH -> batched(HMSET, key, ((HashValue) e.value()).pairs(), 2);
            case Entry.TYPE_STREAM -> stream(key, (StreamValue) e.value());
            default -> throw new IllegalStateException("unknown type " + e.type());
        }
        if (expireAtMs != -1) {
            w.command(List.of(PEXPIREAT, key, Numbers.ll2bytes(expireAtMs)));
        }
    }

    /** cmd key item... with at most 64 elements (of width items) per command. */
    private void batched(byte[] name, byte[] key, List<byte[]> items, int width) {
        int per = ITEMS_PER_CMD * width;
        List<byte[]> argv = new ArrayList<>(per + 2);
        for (int i = 0; i < items.size(); i += per) {
            int n = Math.min(per, items.size() - i);
            argv.clear();
            argv.add(name);
            argv.add(key);
            argv.addAll(items.subList(i, i + n));
            w.command(argv);
        }
    }

    private void stream(byte[] key, StreamValue s) {
        if (s.length() != 0) {
            for (StreamValue.Entry en : s.range(StreamId.MIN, StreamId.MAX, false, 0)) {
                List<byte[]> argv = new ArrayList<>(3 + en.fieldsAndValues().length);
                argv.add(bytes("XADD"));
                argv.add(key);
                argv.add(bytes(en.id().toString()));
                argv.addAll(List.of(en.fieldsAndValues()));
                w.command(argv);
            }
        } else {
            w.command(List.of(bytes("XADD"), key, bytes("MAXLEN"), bytes("0"), bytes("0-1"), bytes("x"), bytes("y")));
        }
        StreamMetadata md = StreamRdb.metadata(s);
        w.command(List.of(bytes("XSETID"), key, id(md.lastId()), bytes("ENTRIESADDED"),
            Numbers.ll2bytes(md.entriesAdded()), bytes("MAXDELETEDID"), id(md.maxDeletedId())));
        for (StreamGroupData g : StreamRdb.groups(s)) {
            w.command(List.of(bytes("XGROUP"), bytes("CREATE"), key, g.name(), id(g.lastDelivered()),
                bytes("ENTRIESREAD"), Numbers.ll2bytes(g.entriesRead())));
            Map<io.cinnabar.rdb.StreamId, StreamGroupData.Pending> nacks = new HashMap<>();
            for (StreamGroupData.Pending p : g.pending()) {
                nacks.put(p.id(), p);
            }
            for (StreamGroupData.Consumer c : g.consumers()) {
                if (c.pending().isEmpty()) {
                    w.command(List.of(bytes("XGROUP"), bytes("CREATECONSUMER"), key, g.name(), c.name()));
                    continue;
                }
                for (io.cinnabar.rdb.StreamId pid : c.pending()) {
                    StreamGroupData.Pending p = nacks.get(pid);
                    w.command(List.of(bytes("XCLAIM"), key, g.name(), c.name(), bytes("0"), id(pid), bytes("TIME"),
                        Numbers.ll2bytes(p.deliveryTimeMs()), bytes("RETRYCOUNT"), Numbers.ll2bytes(p.deliveryCount()),
                        bytes("JUSTID"), bytes("FORCE")));
                }
            }
        }
    }

    private static byte[] id(io.cinnabar.rdb.StreamId id) {
        return bytes(Long.toUnsignedString(id.ms()) + "-" + Long.toUnsignedString(id.seq()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
