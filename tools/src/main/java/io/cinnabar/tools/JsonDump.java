package io.cinnabar.tools;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rdb dump --format json}: JSON Lines, one object per key, written as the reader streams. Lists, sets and
 * hashes go out element by element; sorted sets are buffered per key to be printed in score order (skiplists are
 * saved tail first); a stream's pending entries are buffered per group to attach consumer names, which come after
 * them in the file.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class JsonDump implements RdbVisitor {
    private final ByteOut out;
    private final KeyFilter filter;
    private Map<String, byte[]> aux = new java.util.LinkedHashMap<>();
    private boolean on;
    private int count;
    private String family;
    private final List<Object[]> zset = new ArrayList<>();
    private List<byte[][]> hashTtl;
    // stream state
    private boolean groupsOpen;
    private List<Object[]> pending;
    private Map<StreamId, byte[]> owner;
    private List<byte[]> consumers;

    JsonDump(ByteOut out, KeyFilter filter) {
        this.out = out;
        this.filter = filter;
    }

    private void flushAux() {
        if (aux == null) {
            return;
        }
        out.ascii("{\"aux\":{");
        boolean first = true;
        for (Map.Entry<String, byte[]> e : aux.entrySet()) {
            if (!first) {
                out.ch(',');
            }
            first = false;
            out.text(e.getKey()).ch(':').bytes(e.getValue());
        }
        out.ascii("}}\n");
        aux = null;
    }

    @Override
    public void aux(byte[] key, byte[] value) {
        if (aux != null) {
            aux.put(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1), value);
        }
    }

    @Override
    public void function(byte[] code) {
        flushAux();
        out.ascii("{\"function\":").bytes(code).ascii("}\n");
    }

    @Override
    public void selectDb(int db) {
        flushAux();
    }

    @Override
    public void beginKey(RdbKey k) {
        flushAux();
        on = filter.accepts(k);
        if (!on) {
            return;
        }
        family = k.family();
        out.ascii("{\"db\":").num(k.db()).ascii(",\"key\":").bytes(k.key()).ascii(",\"type\":").text(family)
            .ascii(",\"encoding\":").text(k.encoding()).ascii(",\"expire_at_ms\":").num(k.expireAtMs())
            .ascii(",\"value\":");
        count = 0;
        switch (family) {
            case "list", "set" -> out.ch('[');
            case "hash" -> {
                out.ch('{');
                hashTtl = null;
            }
            case "zset" -> zset.clear();
            case "stream" -> {
                out.ascii("{\"entries\":[");
                groupsOpen = false;
            }
            default -> {
            }
        }
    }

    private void comma() {
        if (count++ > 0) {
            out.ch(',');
        }
        out.flushIfLarge();
    }

    @Override
    public void string(byte[] value) {
        if (on) {
            out.bytes(value);
        }
    }

    @Override
    public void listElement(byte[] e) {
        if (on) {
            comma();
            out.bytes(e);
        }
    }

    @Override
    public void setMember(byte[] m) {
        listElement(m);
    }

    @Override
    public void zsetEntry(byte[] member, double score) {
        if (on) {
            zset.add(new Object[] {member, score});
        }
    }

    @Override
    public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
        if (!on) {
            return;
        }
        comma();
        out.bytes(field).ch(':').bytes(value);
        if (expireAtMs >= 0) {
            if (hashTtl == null) {
                hashTtl = new ArrayList<>();
            }
            hashTtl.add(new byte[][] {field, Long.toString(expireAtMs).getBytes(java.nio.charset.StandardCharsets.US_ASCII)});
        }
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fv) {
        if (!on) {
            return;
        }
        comma();
        out.ascii("[\"").ascii(id.toString()).ascii("\",{");
        for (int i = 0; i < fv.length; i += 2) {
            if (i > 0) {
                out.ch(',');
            }
            out.bytes(fv[i]).ch(':').bytes(fv[i + 1]);
        }
        out.ascii("}]");
    }

    @Override
    public void streamMetadata(StreamMetadata m) {
        if (!on) {
            return;
        }
        out.ascii("],\"length\":").num(m.length()).ascii(",\"last_id\":").text(m.lastId().toString());
        if (m.firstId() != null) {
            out.ascii(",\"first_id\":").text(m.firstId().toString()).ascii(",\"max_deleted_id\":")
                .text(m.maxDeletedId().toString()).ascii(",\"entries_added\":").num(m.entriesAdded());
        }
        out.ascii(",\"groups\":[");
        count = 0;
    }

    @Override
    public void streamGroup(byte[] name, StreamId lastDelivered, long entriesRead, long pendingCount) {
        if (!on) {
            return;
        }
        closeGroup();
        comma();
        out.ascii("{\"name\":").bytes(name).ascii(",\"last_delivered_id\":").text(lastDelivered.toString());
        if (entriesRead >= 0) {
            out.ascii(",\"entries_read\":").num(entriesRead);
        }
        groupsOpen = true;
        pending = new ArrayList<>();
        owner = new HashMap<>();
        consumers = new ArrayList<>();
        currentConsumer = null;
    }

    private byte[] currentConsumer;

    @Override
    public void streamPending(StreamId id, long deliveryTimeMs, long deliveryCount) {
        if (on) {
            pending.add(new Object[] {id, deliveryTimeMs, deliveryCount});
        }
    }

    @Override
    public void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
        if (on) {
            consumers.add(name);
            currentConsumer = name;
        }
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        if (on) {
            owner.put(id, currentConsumer);
        }
    }

    private void closeGroup() {
        if (!groupsOpen) {
            return;
        }
        out.ascii(",\"consumers\":[");
        for (int i = 0; i < consumers.size(); i++) {
            if (i > 0) {
                out.ch(',');
            }
            out.bytes(consumers.get(i));
        }
        out.ascii("],\"pending\":[");
        for (int i = 0; i < pending.size(); i++) {
            Object[] p = pending.get(i);
            if (i > 0) {
                out.ch(',');
            }
            byte[] who = owner.get((StreamId) p[0]);
            out.ascii("[\"").ascii(p[0].toString()).ascii("\",");
            if (who == null) {
                out.ascii("null");
            } else {
                out.bytes(who);
            }
            out.ch(',').num((Long) p[2]).ch(']');
            out.flushIfLarge();
        }
        out.ascii("]}");
        groupsOpen = false;
    }

    @Override
    public void moduleValue(long moduleId, String moduleName) {
        if (on) {
            out.ascii("{\"module\":").text(moduleName).ascii(",\"module_id\":").num(moduleId).ch('}');
        }
    }

    @Override
    public void endKey(RdbKey k) {
        if (!on) {
            return;
        }
        switch (family) {
            case "list", "set" -> out.ch(']');
            case "hash" -> {
                out.ch('}');
                if (hashTtl != null) {
                    out.ascii(",\"field_expire_at_ms\":{");
                    for (int i = 0; i < hashTtl.size(); i++) {
                        if (i > 0) {
                            out.ch(',');
                        }
                        out.bytes(hashTtl.get(i)[0]).ch(':').raw(hashTtl.get(i)[1]);
                    }
                    out.ch('}');
                }
            }
            case "zset" -> writeZset();
            case "stream" -> {
                closeGroup();
                out.ascii("]}");
            }
            default -> {
            }
        }
        out.ascii("}\n");
        out.flushIfLarge();
        on = false;
    }

    private void writeZset() {
        zset.sort((a, b) -> {
            int c = Double.compare((Double) a[1], (Double) b[1]);
            return c != 0 ? c : Arrays.compareUnsigned((byte[]) a[0], (byte[]) b[0]);
        });
        out.ch('[');
        for (int i = 0; i < zset.size(); i++) {
            if (i > 0) {
                out.ch(',');
            }
            out.ch('[').bytes((byte[]) zset.get(i)[0]).ch(',').score((Double) zset.get(i)[1]).ch(']');
            out.flushIfLarge();
        }
        out.ch(']');
        zset.clear();
    }

    @Override
    public void end(long storedChecksum, long computedChecksum) {
        flushAux();
    }
}
