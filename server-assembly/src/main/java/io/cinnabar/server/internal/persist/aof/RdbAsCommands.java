package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;
import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.cinnabar.server.internal.persist.aof.AofRewrite.bytes;

/**
 * Replays an RDB (the base or preamble of an AOF) as the commands {@link AofRewrite} would write for the same
 * dataset: each key becomes SET / RPUSH / SADD / ZADD / HSET (64 elements per command), a stream its XADDs,
 * XSETID, XGROUP CREATE, XCLAIM ... FORCE per pending entry and XGROUP CREATECONSUMER, then PEXPIREAT for a TTL.
 * Values are rebuilt through the normal insertion paths, so they get the encodings the configuration asks for.
 * A module value or a function library cannot be replayed and fails the load.
 * <p><b>Note:</b> This class is not threadsafe.
 */
abstract class RdbAsCommands implements RdbVisitor {
    final Server server;
    private RdbKey key;
    private String cmd;
    private final List<byte[]> batch = new ArrayList<>();
    private int width;
    private byte[] group;
    private final Map<StreamId, long[]> groupPel = new HashMap<>();
    private byte[] consumer;
    private int db = -1;

    RdbAsCommands(Server server) {
        this.server = server;
    }

    /** Runs one command. */
    abstract void run(byte[][] argv);

    /** The following commands apply to database db. */
    abstract void selectDbCommand(int db);

    @Override
    public void selectDb(int newDb) {
        if (newDb < 0 || newDb >= server.dbs.length) {
            throw new io.cinnabar.aof.AofException("RDB preamble: database " + newDb + " out of range", 0, -1, false);
        }
        db = newDb;
        selectDbCommand(newDb);
    }

    @Override
    public void function(byte[] code) {
        throw new io.cinnabar.aof.AofException("RDB preamble: function libraries are not supported", 0, -1, false);
    }

    @Override
    public void moduleValue(long moduleId, String moduleName) {
        throw new io.cinnabar.aof.AofException("RDB preamble: module value " + moduleName + " is not supported", 0, -1,
            false);
    }

    @Override
    public void beginKey(RdbKey k) {
        if (db < 0 && k.db() != 0) {
            selectDb(k.db());
        }
        key = k;
        cmd = null;
        batch.clear();
        group = null;
        consumer = null;
    }

    @Override
    public void string(byte[] value) {
        run(new byte[][] {bytes("SET"), key.key(), value});
    }

    @Override
    public void listElement(byte[] element) {
        add("RPUSH", 1, element, null);
    }

    @Override
    public void setMember(byte[] member) {
        add("SADD", 1, member, null);
    }

    @Override
    public void zsetEntry(byte[] member, double score) {
        add("ZADD", 2, bytes(Numbers.d2string(score)), member);
    }

    @Override
    public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
        add("HSET", 2, field, value);
    }

    private void add(String c, int w, byte[] a, byte[] b) {
        cmd = c;
        width = w;
        batch.add(a);
        if (b != null) {
            batch.add(b);
        }
        if (batch.size() == AofRewrite.ITEMS_PER_CMD * w) {
            flushBatch();
        }
    }

    private void flushBatch() {
        if (batch.isEmpty()) {
            return;
        }
        byte[][] argv = new byte[batch.size() + 2][];
        argv[0] = bytes(cmd);
        argv[1] = key.key();
        for (int i = 0; i < batch.size(); i++) {
            argv[i + 2] = batch.get(i);
        }
        batch.clear();
        run(argv);
    }

    @Override
    public void streamEntry(io.cinnabar.rdb.StreamId id, byte[][] fieldsAndValues) {
        byte[][] argv = new byte[3 + fieldsAndValues.length][];
        argv[0] = bytes("XADD");
        argv[1] = key.key();
        argv[2] = id(id);
        System.arraycopy(fieldsAndValues, 0, argv, 3, fieldsAndValues.length);
        run(argv);
    }

    @Override
    public void streamMetadata(StreamMetadata md) {
        if (md.length() == 0) {
            run(new byte[][] {bytes("XADD"), key.key(), bytes("MAXLEN"), bytes("0"), bytes("0-1"), bytes("x"),
                bytes("y")});
        }
        run(new byte[][] {bytes("XSETID"), key.key(), id(md.lastId()), bytes("ENTRIESADDED"),
            Numbers.ll2bytes(md.entriesAdded()), bytes("MAXDELETEDID"), id(md.maxDeletedId())});
    }

    @Override
    public void streamGroup(byte[] name, StreamId lastDelivered, long entriesRead, long pendingCount) {
        group = name;
        consumer = null;
        groupPel.clear();
        run(new byte[][] {bytes("XGROUP"), bytes("CREATE"), key.key(), name, id(lastDelivered), bytes("ENTRIESREAD"),
            Numbers.ll2bytes(entriesRead)});
    }

    @Override
    public void streamPending(StreamId id, long deliveryTimeMs, long deliveryCount) {
        groupPel.put(id, new long[] {deliveryTimeMs, deliveryCount});
    }

    @Override
    public void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
        consumer = name;
        if (pendingCount == 0) {
            run(new byte[][] {bytes("XGROUP"), bytes("CREATECONSUMER"), key.key(), group, name});
        }
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        long[] n = groupPel.getOrDefault(id, new long[] {0, 1});
        run(new byte[][] {bytes("XCLAIM"), key.key(), group, consumer, bytes("0"), id(id), bytes("TIME"),
            Numbers.ll2bytes(n[0]), bytes("RETRYCOUNT"), Numbers.ll2bytes(n[1]), bytes("JUSTID"), bytes("FORCE")});
    }

    @Override
    public void endKey(RdbKey k) {
        flushBatch();
        if (k.expireAtMs() != -1) {
            run(new byte[][] {bytes("PEXPIREAT"), k.key(), Numbers.ll2bytes(k.expireAtMs())});
        }
        key = null;
    }

    private static byte[] id(StreamId id) {
        return bytes(Long.toUnsignedString(id.ms()) + "-" + Long.toUnsignedString(id.seq()));
    }
}
