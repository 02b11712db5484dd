package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.aof.AofWriter;
import io.cinnabar.rdb.StreamGroupData;
import io.cinnabar.rdb.StreamMetadata;
import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.stream.StreamRdb;
import io.cinnabar.server.internal.type.stream.StreamValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The dataset as commands (Redis's rewriteAppendOnlyFileRio, the base of an AOF with
 * {@code aof-use-rdb-preamble no}): per non-empty database {@code SELECT}, then per key {@code SET},
 * {@code RPUSH}/{@code SADD}/{@code ZADD}/{@code HMSET} with at most 64 elements per command, a stream as its
 * {@code XADD}s, {@code XSETID ... ENTRIESADDED ... MAXDELETEDID}, {@code XGROUP CREATE ... ENTRIESREAD}, an
 * {@code XCLAIM ... TIME RETRYCOUNT JUSTID FORCE} per pending entry and {@code XGROUP CREATECONSUMER} for
 * consumers without one; then {@code PEXPIREAT} for a key with a TTL. With {@code aof-timestamp-enabled} the file
 * opens with a {@code #TS:} annotation.
 * <p>
 * The walk runs on the event loop, so the file holds the dataset of one moment. O(dataset): it blocks commands
 * for as long as it takes; each element is copied once into the file's buffer.
 * <p><b>Note:</b> This class is not threadsafe (stateless; runs on the event loop).
 */
final class AofRewrite {
    static final int ITEMS_PER_CMD = 64;

    private AofRewrite() {
    }

    /** Writes the dataset to file and fsyncs it; logs and returns false on an I/O error (the file is deleted). */
    static boolean writeBase(AppendOnlyFile aof, Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            AofWriter w = new AofWriter(out);
            if (aof.timestamps) {
                w.timestamp(AppendOnlyFile.unixtime());
            }
            for (Db db : aof.server.dbs) {
                if (db.size() != 0) {
                    writeDb(w, db);
                }
            }
            out.flush();
            ch.force(true);
            return true;
        } catch (IOException | UncheckedIOException e) {
            IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            aof.log.warning("Write error writing append only file on disk: " + AppendOnlyFile.errText(io));
            AppendOnlyFile.deleteQuietly(file);
            return false;
        }
    }

    private static void writeDb(AofWriter w, Db db) {
        w.command(AppendOnlyFile.List2.select(db.id));
        db.forEach(e -> {
            byte[] key = e.klen() == e.keyArray().length ? e.keyArray() : java.util.Arrays.copyOf(e.keyArray(), e.klen());
            writeKey(w, e, key);
            long when = db.expireOf(e);
            if (when != -1) {
                w.command(List.of(bytes("PEXPIREAT"), key, Numbers.ll2bytes(when)));
            }
        });
    }

    static void writeKey(AofWriter w, Entry e, byte[] key) {
        switch (e.type()) {
            case Entry.TYPE_STRING -> w.command(List.of(bytes("SET"), key, e.stringBytes()));
            case Entry.TYPE_LIST -> batched(w, "RPUSH", key, ((ListValue) e.value()).all(), 1);
            case Entry.TYPE_SET -> batched(w, "SADD", key, ((SetValue) e.value()).members(), 1);
            case Entry.TYPE_ZSET -> {
                ZSetValue z = (ZSetValue) e.value();
                List<byte[]> pairs = new ArrayList<>((int) z.size() * 2);
                if (z.size() > 0) {
                    z.range(0, z.size() - 1, false, (m, s) -> {
                        pairs.add(bytes(Numbers.d2string(s)));
                        pairs.add(m);
                    });
                }
                batched(w, "ZADD", key, pairs, 2);
            }
            case Entry.TYPE_HASH -> batched(w, "HMSET", key, ((HashValue) e.value()).pairs(), 2);
            case Entry.TYPE_STREAM -> stream(w, key, (StreamValue) e.value());
            default -> throw new IllegalStateException("unknown type " + e.type());
        }
    }

    /** cmd key item... with at most 64 elements (of width items) per command. */
    private static void batched(AofWriter w, String cmd, byte[] key, List<byte[]> items, int width) {
        int per = ITEMS_PER_CMD * width;
        byte[] name = bytes(cmd);
        for (int i = 0; i < items.size(); i += per) {
            int n = Math.min(per, items.size() - i);
            List<byte[]> argv = new ArrayList<>(n + 2);
            argv.add(name);
            argv.add(key);
            argv.addAll(items.subList(i, i + n));
            w.command(argv);
        }
    }

    private static void stream(AofWriter w, byte[] key, StreamValue s) {
        if (s.length() != 0) {
            for (StreamValue.Entry en : s.range(io.cinnabar.server.internal.type.stream.StreamId.MIN,
                    io.cinnabar.server.internal.type.stream.StreamId.MAX, false, 0)) {
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
            java.util.Map<io.cinnabar.rdb.StreamId, StreamGroupData.Pending> nacks = new java.util.HashMap<>();
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

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
