package io.cinnabar.rdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: writes every key it is shown into an {@link RdbWriter} in the plain encodings (streams copied). */
final class CopyVisitor implements RdbVisitor {
    private final RdbWriter w;
    private int db = -1;
    private final List<byte[]> items = new ArrayList<>();
    private final List<Double> scores = new ArrayList<>();
    private final Map<byte[], byte[]> hash = new LinkedHashMap<>();
    private final List<byte[][]> lps = new ArrayList<>();
    private StreamMetadata meta;
    private StreamId first;
    private final List<StreamGroupData> groups = new ArrayList<>();
    private List<StreamGroupData.Pending> pel;
    private List<StreamGroupData.Consumer> consumers;
    private List<StreamId> cpel;

    CopyVisitor(RdbWriter w) {
        this.w = w;
    }

    @Override
    public void beginKey(RdbKey k) {
        if (k.db() != db) {
            db = k.db();
            w.selectDb(db);
        }
        items.clear();
        scores.clear();
        hash.clear();
        lps.clear();
        groups.clear();
        first = null;
    }

    @Override
    public void string(byte[] value) {
        items.add(value);
    }

    @Override
    public void listElement(byte[] e) {
        items.add(e);
    }

    @Override
    public void setMember(byte[] m) {
        items.add(m);
    }

    @Override
    public void zsetEntry(byte[] m, double s) {
        items.add(m);
        scores.add(s);
    }

    @Override
    public void hashEntry(byte[] f, byte[] v, long e) {
        hash.put(f, v);
    }

    @Override
    public boolean streamListpack(byte[] masterId, byte[] listpack) {
        lps.add(new byte[][] {masterId, listpack});
        return false;
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fv) {
        if (first == null) {
            first = id;
        }
    }

    @Override
    public void streamMetadata(StreamMetadata m) {
        meta = new StreamMetadata(m.length(), m.lastId(), m.firstId() != null ? m.firstId() : first == null ? StreamId.ZERO : first,
            m.maxDeletedId(), m.entriesAdded(), m.groups());
    }

    @Override
    public void streamGroup(byte[] name, StreamId last, long read, long n) {
        pel = new ArrayList<>();
        consumers = new ArrayList<>();
        groups.add(new StreamGroupData(name, last, read, pel, consumers));
    }

    @Override
    public void streamPending(StreamId id, long t, long c) {
        pel.add(new StreamGroupData.Pending(id, t, c));
    }

    @Override
    public void streamConsumer(byte[] name, long seen, long active, long n) {
        cpel = new ArrayList<>();
        consumers.add(new StreamGroupData.Consumer(name, seen, active, cpel));
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        cpel.add(id);
    }

    @Override
    public void endKey(RdbKey k) {
        long e = k.expireAtMs();
        switch (k.family()) {
            case "string" -> w.string(k.key(), items.get(0), e);
            case "list" -> w.list(k.key(), items, e);
            case "set" -> w.set(k.key(), items, e);
            case "zset" -> {
                double[] s = new double[scores.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = scores.get(i);
                }
                w.zset(k.key(), items, s, e);
            }
            case "hash" -> w.hash(k.key(), hash, e);
            default -> w.stream(k.key(), lps, meta, groups, e);
        }
    }
}
