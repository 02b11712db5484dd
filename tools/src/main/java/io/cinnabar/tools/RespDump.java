package io.cinnabar.tools;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rdb dump --format resp}: RESP multibulk commands that {@code redis-cli --pipe} loads into a server to
 * reproduce the dataset: SELECT per database, DEL then SET / RPUSH / SADD / ZADD / HSET (batches of
 * {@value #BATCH} elements), XADD + XSETID + XGROUP CREATE / CREATECONSUMER + XCLAIM ... FORCE for streams,
 * PEXPIREAT for expiries, FUNCTION LOAD REPLACE for libraries. Scores are written with 17 significant digits so
 * they round-trip exactly.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class RespDump implements RdbVisitor {
    static final int BATCH = 128;
    private final ByteOut out;
    private final KeyFilter filter;
    private int selected = -1;
    private boolean on;
    private RdbKey key;
    private final List<byte[]> args = new ArrayList<>();
    private String command;
    private int per;
    // stream
    private byte[] group;
    private List<Object[]> pending;
    private java.util.Map<StreamId, byte[]> owner;
    private byte[] consumer;
    private StreamId lastEntry;

    RespDump(ByteOut out, KeyFilter filter) {
        this.out = out;
        this.filter = filter;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void cmd(byte[]... parts) {
        out.ch('*').num(parts.length).ascii("\r\n");
        for (byte[] p : parts) {
            out.ch('$').num(p.length).ascii("\r\n").raw(p).ascii("\r\n");
        }
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
        lastEntry = null;
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

    @Override
    public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
        if (on) {
            add(field, value);
        }
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fv) {
        if (!on) {
            return;
        }
        byte[][] parts = new byte[4 + fv.length][];
        parts[0] = b("XADD");
        parts[1] = key.key();
        parts[2] = b(id.toString());
        System.arraycopy(fv, 0, parts, 3, fv.length);
        parts = java.util.Arrays.copyOf(parts, 3 + fv.length);
        cmd(parts);
        lastEntry = id;
    }

    @Override
    public void streamMetadata(StreamMetadata m) {
        if (!on) {
            return;
        }
        if (lastEntry == null) {
            // an empty stream: create it with one entry at the last id, then delete that entry
            cmd(b("XADD"), key.key(), b(m.lastId().toString()), b("x"), b("y"));
            cmd(b("XDEL"), key.key(), b(m.lastId().toString()));
        }
        if (m.firstId() != null) {
            cmd(b("XSETID"), key.key(), b(m.lastId().toString()), b("ENTRIESADDED"), b(Long.toString(m.entriesAdded())),
                b("MAXDELETEDID"), b(m.maxDeletedId().toString()));
        } else {
            cmd(b("XSETID"), key.key(), b(m.lastId().toString()));
        }
    }

    @Override
    public void streamGroup(byte[] name, StreamId lastDelivered, long entriesRead, long pendingCount) {
        if (!on) {
            return;
        }
        closeGroup();
        group = name;
        if (entriesRead >= 0) {
            cmd(b("XGROUP"), b("CREATE"), key.key(), name, b(lastDelivered.toString()), b("ENTRIESREAD"),
                b(Long.toString(entriesRead)));
        } else {
            cmd(b("XGROUP"), b("CREATE"), key.key(), name, b(lastDelivered.toString()));
        }
        pending = new ArrayList<>();
        owner = new java.util.HashMap<>();
    }

    @Override
    public void streamPending(StreamId id, long deliveryTimeMs, long deliveryCount) {
        if (on) {
            pending.add(new Object[] {id, deliveryTimeMs, deliveryCount});
        }
    }

    @Override
    public void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
        if (on) {
            consumer = name;
            cmd(b("XGROUP"), b("CREATECONSUMER"), key.key(), group, name);
        }
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        if (on) {
            owner.put(id, consumer);
        }
    }

    private void closeGroup() {
        if (group == null) {
            return;
        }
        for (Object[] p : pending) {
            byte[] who = owner.get((StreamId) p[0]);
            if (who == null) {
                continue;
            }
            cmd(b("XCLAIM"), key.key(), group, who, b("0"), b(p[0].toString()), b("TIME"), b(p[1].toString()),
                b("RETRYCOUNT"), b(p[2].toString()), b("FORCE"), b("JUSTID"));
        }
        group = null;
    }

    @Override
    public void endKey(RdbKey k) {
        if (!on) {
            return;
        }
        if (command != null) {
            flushBatch();
        }
        closeGroup();
        if (k.expireAtMs() >= 0) {
            cmd(b("PEXPIREAT"), k.key(), b(Long.toString(k.expireAtMs())));
        }
        on = false;
    }
}
