package io.cinnabar.tools;

import io.cinnabar.rdb.RdbBlob;
import io.cinnabar.rdb.RdbFormat;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.RdbWriter;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rdb convert IN OUT --rdb-version 10|11}: rewrites any readable RDB file as version 10 or 11.
 * Listpack-encoded sets, sorted sets and hashes are copied as they are where the target version has the type
 * (a version 10 target gets set listpacks as plain sets, which Redis 7.0 loads as intset or hashtable); stream
 * listpacks are copied, their metadata and consumer groups rewritten for the target's stream type; everything
 * else (ziplists, zipmaps, intsets, linked and quick lists) is written in the plain encodings. Module values
 * cannot be converted and stop the conversion. Memory: one key's value at a time. The output is written to a
 * temporary file and renamed over OUT when complete.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Convert implements RdbVisitor {
    private final RdbWriter w;
    private int db = -1;
    private RdbKey k;
    private final List<byte[]> elements = new ArrayList<>();
    private final List<Double> scores = new ArrayList<>();
    private final Map<byte[], byte[]> hash = new LinkedHashMap<>();
    private byte[] blob;
    private int blobType;
    private final StreamCollector stream = new StreamCollector();

    private Convert(RdbWriter w) {
        this.w = w;
    }

    static void run(Path in, Path out, int version) throws IOException {
        if (version != 10 && version != 11) {
            throw new IllegalArgumentException("--rdb-version must be 10 or 11");
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
             RdbWriter w = RdbWriter.create(os, version)) {
            w.header();
            w.redisAux(0);
            Convert c = new Convert(w);
            RdbReader.open(in).read(c);
            w.finish();
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void function(byte[] code) {
        w.function(code);
    }

    @Override
    public void beginKey(RdbKey key) {
        if (key.db() != db) {
            db = key.db();
            w.selectDb(db);
        }
        k = key;
        elements.clear();
        scores.clear();
        hash.clear();
        blob = null;
        stream.reset();
    }

    @Override
    public boolean blob(RdbBlob kind, byte[] bytes) {
        int t = k.type();
        boolean keep = kind == RdbBlob.LISTPACK && (t == RdbFormat.TYPE_ZSET_LISTPACK || t == RdbFormat.TYPE_HASH_LISTPACK
            || (t == RdbFormat.TYPE_SET_LISTPACK && w.version() >= 11));
        if (keep) {
            blob = bytes;
            blobType = t;
        }
        return keep;
    }

    @Override
    public void string(byte[] value) {
        w.string(k.key(), value, k.expireAtMs());
    }

    @Override
    public void listElement(byte[] e) {
        elements.add(e);
    }

    @Override
    public void setMember(byte[] m) {
        elements.add(m);
    }

    @Override
    public void zsetEntry(byte[] member, double score) {
        elements.add(member);
        scores.add(score);
    }

    @Override
    public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
        if (expireAtMs >= 0) {
            throw new IllegalArgumentException("hash fields with their own expiry (RDB 12) cannot be written as RDB "
                + w.version());
        }
        hash.put(field, value);
    }

    @Override
    public boolean streamListpack(byte[] masterId, byte[] listpack) {
        return stream.listpack(masterId, listpack);
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fieldsAndValues) {
        stream.entry(id);
    }

    @Override
    public void streamMetadata(StreamMetadata m) {
        stream.metadata(m);
    }

    @Override
    public void streamGroup(byte[] name, StreamId lastDelivered, long entriesRead, long pendingCount) {
        stream.group(name, lastDelivered, entriesRead);
    }

    @Override
    public void streamPending(StreamId id, long deliveryTimeMs, long deliveryCount) {
        stream.pending(id, deliveryTimeMs, deliveryCount);
    }

    @Override
    public void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
        stream.consumer(name, seenTimeMs, activeTimeMs);
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        stream.consumerPending(id);
    }

    @Override
    public void endKey(RdbKey key) {
        long exp = key.expireAtMs();
        switch (key.family()) {
            case "string" -> {
                // written by string()
            }
            case "list" -> w.list(key.key(), elements, exp);
            case "set" -> {
                if (blob != null) {
                    w.blobValue(key.key(), blobType, blob, exp);
                } else {
                    w.set(key.key(), elements, exp);
                }
            }
            case "zset" -> {
                if (blob != null) {
                    w.blobValue(key.key(), blobType, blob, exp);
                } else {
                    double[] s = new double[scores.size()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = scores.get(i);
                    }
                    w.zset(key.key(), elements, s, exp);
                }
            }
            case "hash" -> {
                if (blob != null) {
                    w.blobValue(key.key(), blobType, blob, exp);
                } else {
                    w.hash(key.key(), hash, exp);
                }
            }
            case "stream" -> {
                stream.finish();
                w.stream(key.key(), stream.listpacks, stream.meta, stream.groups, exp);
            }
            default -> throw new IllegalArgumentException("cannot convert a " + key.family() + " value");
        }
        k = null;
    }
}
