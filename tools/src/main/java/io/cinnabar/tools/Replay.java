package io.cinnabar.tools;

import io.cinnabar.aof.AofReader;
import io.cinnabar.rdb.RdbFormat;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code aof dump}: loads an AOF into an in-memory dataset — the RDB preamble's keys, then the commands replayed —
 * and prints it like {@code rdb dump}. Replays the commands Redis propagates to the AOF for the basic types
 * (SELECT, SET with its options, SETEX/PSETEX/SETNX/MSET, APPEND, INCR/DECR/INCRBY/DECRBY/INCRBYFLOAT, DEL/UNLINK,
 * EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT/PERSIST, LPUSH/RPUSH/LPOP/RPOP, SADD/SREM, HSET/HMSET/HDEL, ZADD/ZREM,
 * FLUSHDB/FLUSHALL, MULTI/EXEC, FUNCTION LOAD); any other command stops with an error naming it and its offset.
 * Keys replayed commands touched report encoding "replayed" (the in-memory encoding is the server's choice).
 * Memory: the whole dataset (this is an offline inspection tool for AOFs, not a streaming one).
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Replay implements AofReader.Visitor {
    /** One value; streams keep the reader callbacks that produced them. */
    static final class Value {
        String family;
        String encoding;
        long expireAt = -1;
        byte[] string;
        List<byte[]> list;
        LinkedHashSet<String> set;
        Map<String, Double> zset;
        LinkedHashMap<String, byte[]> hash;
        List<Consumer<RdbVisitor>> stream;
    }

    private final TreeMap<Integer, LinkedHashMap<String, Value>> dbs = new TreeMap<>();
    private final List<byte[]> functions = new ArrayList<>();
    private final List<byte[][]> aux = new ArrayList<>();
    private int db;
    private Value cur;
    private String curKey;
    private int curDb;
    private Path file;
    private long truncatedAt = -1;

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private LinkedHashMap<String, Value> db(int n) {
        return dbs.computeIfAbsent(n, x -> new LinkedHashMap<>());
    }

    long truncatedAt() {
        return truncatedAt;
    }

    // ---- the RDB preamble

    @Override
    public void file(Path f, char type, boolean rdbPreamble) {
        this.file = f;
        this.db = 0;
    }

    @Override
    public void aux(byte[] key, byte[] value) {
        aux.add(new byte[][] {key, value});
    }

    @Override
    public void function(byte[] code) {
        functions.add(code);
    }

    @Override
    public void beginKey(RdbKey k) {
        cur = new Value();
        cur.family = k.family();
        cur.encoding = k.encoding();
        cur.expireAt = k.expireAtMs();
        curKey = s(k.key());
        curDb = k.db();
        switch (cur.family) {
            case "list" -> cur.list = new ArrayList<>();
            case "set" -> cur.set = new LinkedHashSet<>();
            case "zset" -> cur.zset = new LinkedHashMap<>();
            case "hash" -> cur.hash = new LinkedHashMap<>();
            case "stream" -> cur.stream = new ArrayList<>();
            default -> {
            }
        }
    }

    @Override
    public void string(byte[] v) {
        cur.string = v;
    }

    @Override
    public void listElement(byte[] e) {
        cur.list.add(e);
    }

    @Override
    public void setMember(byte[] m) {
        cur.set.add(s(m));
    }

    @Override
    public void zsetEntry(byte[] m, double score) {
        cur.zset.put(s(m), score);
    }

    @Override
    public void hashEntry(byte[] f, byte[] v, long e) {
        cur.hash.put(s(f), v);
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fv) {
        cur.stream.add(v -> v.streamEntry(id, fv));
    }

    @Override
    public void streamMetadata(StreamMetadata m) {
        cur.stream.add(v -> v.streamMetadata(m));
    }

    @Override
    public void streamGroup(byte[] name, StreamId last, long read, long n) {
        cur.stream.add(v -> v.streamGroup(name, last, read, n));
    }

    @Override
    public void streamPending(StreamId id, long t, long c) {
        cur.stream.add(v -> v.streamPending(id, t, c));
    }

    @Override
    public void streamConsumer(byte[] name, long seen, long active, long n) {
        cur.stream.add(v -> v.streamConsumer(name, seen, active, n));
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        cur.stream.add(v -> v.streamConsumerPending(id));
    }

    @Override
    public void endKey(RdbKey k) {
        db(curDb).put(curKey, cur);
        cur = null;
    }

    @Override
    public void truncated(Path f, long lastValidOffset, long size) {
        truncatedAt = lastValidOffset;
    }

    // ---- commands

    @Override
    public void command(List<byte[]> a, long offset) {
        String name = s(a.get(0)).toUpperCase(Locale.ROOT);
        try {
            apply(name, a);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("aof dump cannot replay " + name + " at " + file.getFileName() + " offset "
                + offset + ": " + e.getMessage(), e);
        }
    }

    private void apply(String name, List<byte[]> a) {
        switch (name) {
            case "SELECT" -> db = Integer.parseInt(s(a.get(1)));
            case "MULTI", "EXEC" -> {
            }
            case "SET" -> set(a);
            case "SETEX", "PSETEX" -> {
                long t = Long.parseLong(s(a.get(2)));
                Value v = put(a.get(1), "string");
                v.string = a.get(3);
                v.expireAt = System.currentTimeMillis() + (name.equals("SETEX") ? t * 1000 : t);
            }
            case "SETNX" -> {
                if (!db(db).containsKey(s(a.get(1)))) {
                    put(a.get(1), "string").string = a.get(2);
                }
            }
            case "MSET" -> {
                for (int i = 1; i + 1 < a.size(); i += 2) {
                    put(a.get(i), "string").string = a.get(i + 1);
                }
            }
            case "APPEND" -> {
                Value v = existing(a.get(1), "string");
                byte[] old = v.string == null ? new byte[0] : v.string;
                byte[] add = a.get(2);
                byte[] n = java.util.Arrays.copyOf(old, old.length + add.length);
                System.arraycopy(add, 0, n, old.length, add.length);
                v.string = n;
            }
            case "INCR", "DECR", "INCRBY", "DECRBY" -> incr(name, a);
            case "INCRBYFLOAT" -> {
                Value v = existing(a.get(1), "string");
                double d = (v.string == null ? 0 : Double.parseDouble(s(v.string))) + Double.parseDouble(s(a.get(2)));
                v.string = b(java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
            }
            case "DEL", "UNLINK" -> {
                for (int i = 1; i < a.size(); i++) {
                    db(db).remove(s(a.get(i)));
                }
            }
            case "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT" -> expire(name, a);
            case "PERSIST" -> {
                Value v = db(db).get(s(a.get(1)));
                if (v != null) {
                    v.expireAt = -1;
                }
            }
            case "LPUSH", "RPUSH" -> {
                Value v = existing(a.get(1), "list");
                for (int i = 2; i < a.size(); i++) {
                    if (name.equals("LPUSH")) {
                        v.list.add(0, a.get(i));
                    } else {
                        v.list.add(a.get(i));
                    }
                }
            }
            case "LPOP", "RPOP" -> pop(name, a);
            case "SADD" -> {
                Value v = existing(a.get(1), "set");
                for (int i = 2; i < a.size(); i++) {
                    v.set.add(s(a.get(i)));
                }
            }
            case "SREM" -> removeMembers(a, "set");
            case "HSET", "HMSET" -> {
                Value v = existing(a.get(1), "hash");
                for (int i = 2; i + 1 < a.size(); i += 2) {
                    v.hash.put(s(a.get(i)), a.get(i + 1));
                }
            }
            case "HDEL" -> removeMembers(a, "hash");
            case "ZADD" -> zadd(a);
            case "ZREM" -> removeMembers(a, "zset");
            case "FLUSHDB" -> db(db).clear();
            case "FLUSHALL" -> dbs.clear();
            case "FUNCTION" -> function(a);
            default -> throw new IllegalArgumentException("unsupported command");
        }
    }

    private void set(List<byte[]> a) {
        long expire = -1;
        boolean keep = false;
        boolean nx = false;
        boolean xx = false;
        for (int i = 3; i < a.size(); i++) {
            String opt = s(a.get(i)).toUpperCase(Locale.ROOT);
            switch (opt) {
                case "EX" -> expire = System.currentTimeMillis() + Long.parseLong(s(a.get(++i))) * 1000;
                case "PX" -> expire = System.currentTimeMillis() + Long.parseLong(s(a.get(++i)));
                case "EXAT" -> expire = Long.parseLong(s(a.get(++i))) * 1000;
                case "PXAT" -> expire = Long.parseLong(s(a.get(++i)));
                case "KEEPTTL" -> keep = true;
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GET" -> {
                }
                default -> throw new IllegalArgumentException("SET option " + opt);
            }
        }
        Value old = db(db).get(s(a.get(1)));
        if ((nx && old != null) || (xx && old == null)) {
            return;
        }
        long keepExpire = keep && old != null ? old.expireAt : -1;
        Value v = put(a.get(1), "string");
        v.string = a.get(2);
        v.expireAt = keep ? keepExpire : expire;
    }

    private void incr(String name, List<byte[]> a) {
        Value v = existing(a.get(1), "string");
        long by = switch (name) {
            case "INCR" -> 1;
            case "DECR" -> -1;
            case "INCRBY" -> Long.parseLong(s(a.get(2)));
            default -> -Long.parseLong(s(a.get(2)));
        };
        long n = (v.string == null ? 0 : Long.parseLong(s(v.string))) + by;
        v.string = b(Long.toString(n));
    }

    private void expire(String name, List<byte[]> a) {
        Value v = db(db).get(s(a.get(1)));
        if (v == null) {
            return;
        }
        long t = Long.parseLong(s(a.get(2)));
        long now = System.currentTimeMillis();
        v.expireAt = switch (name) {
            case "EXPIRE" -> now + t * 1000;
            case "PEXPIRE" -> now + t;
            case "EXPIREAT" -> t * 1000;
            default -> t;
        };
    }

    private void pop(String name, List<byte[]> a) {
        Value v = db(db).get(s(a.get(1)));
        if (v == null) {
            return;
        }
        int count = a.size() > 2 ? Integer.parseInt(s(a.get(2))) : 1;
        for (int i = 0; i < count && !v.list.isEmpty(); i++) {
            v.list.remove(name.equals("LPOP") ? 0 : v.list.size() - 1);
        }
        dropIfEmpty(a.get(1), v.list.isEmpty());
    }

    private void removeMembers(List<byte[]> a, String family) {
        Value v = db(db).get(s(a.get(1)));
        if (v == null) {
            return;
        }
        for (int i = 2; i < a.size(); i++) {
            String m = s(a.get(i));
            switch (family) {
                case "set" -> v.set.remove(m);
                case "hash" -> v.hash.remove(m);
                default -> v.zset.remove(m);
            }
        }
        boolean empty = switch (family) {
            case "set" -> v.set.isEmpty();
            case "hash" -> v.hash.isEmpty();
            default -> v.zset.isEmpty();
        };
        dropIfEmpty(a.get(1), empty);
    }

    private void zadd(List<byte[]> a) {
        int i = 2;
        while (i < a.size() && !Character.isDigit(a.get(i).length > 0 ? a.get(i)[0] : 'x')
            && !(a.get(i).length > 0 && (a.get(i)[0] == '-' || a.get(i)[0] == '+' || a.get(i)[0] == '.'))
            && !s(a.get(i)).equalsIgnoreCase("inf")) {
            String f = s(a.get(i)).toUpperCase(Locale.ROOT);
            if (!f.equals("CH")) {
                throw new IllegalArgumentException("ZADD flag " + f);
            }
            i++;
        }
        Value v = existing(a.get(1), "zset");
        for (; i + 1 < a.size(); i += 2) {
            v.zset.put(s(a.get(i + 1)), parseScore(s(a.get(i))));
        }
    }

    private static double parseScore(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(t);
        };
    }

    private void function(List<byte[]> a) {
        String sub = s(a.get(1)).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "LOAD" -> functions.add(a.get(a.size() - 1));
            case "FLUSH" -> functions.clear();
            default -> throw new IllegalArgumentException("FUNCTION " + sub);
        }
    }

    private void dropIfEmpty(byte[] key, boolean empty) {
        if (empty) {
            db(db).remove(s(key));
        }
    }

    private Value put(byte[] key, String family) {
        Value v = new Value();
        v.family = family;
        v.encoding = "replayed";
        db(db).put(s(key), v);
        return v;
    }

    /** The key's value of {@code family}, created empty if absent; marks it replayed. */
    private Value existing(byte[] key, String family) {
        Value v = db(db).get(s(key));
        if (v == null) {
            v = put(key, family);
            switch (family) {
                case "list" -> v.list = new ArrayList<>();
                case "set" -> v.set = new LinkedHashSet<>();
                case "zset" -> v.zset = new LinkedHashMap<>();
                case "hash" -> v.hash = new LinkedHashMap<>();
                default -> {
                }
            }
        } else if (!v.family.equals(family)) {
            throw new IllegalArgumentException("WRONGTYPE: key holds a " + v.family);
        }
        v.encoding = "replayed";
        return v;
    }

    // ---- output

    /** Feeds the dataset to {@code out} as the RDB reader would. */
    void emit(RdbVisitor out) {
        for (byte[][] a : aux) {
            out.aux(a[0], a[1]);
        }
        for (byte[] f : functions) {
            out.function(f);
        }
        for (Map.Entry<Integer, LinkedHashMap<String, Value>> d : dbs.entrySet()) {
            out.selectDb(d.getKey());
            for (Map.Entry<String, Value> e : d.getValue().entrySet()) {
                emitKey(out, d.getKey(), b(e.getKey()), e.getValue());
            }
        }
        out.end(0, 0);
    }

    private static void emitKey(RdbVisitor out, int db, byte[] key, Value v) {
        int type = switch (v.family) {
            case "string" -> RdbFormat.TYPE_STRING;
            case "list" -> RdbFormat.TYPE_LIST;
            case "set" -> RdbFormat.TYPE_SET;
            case "zset" -> RdbFormat.TYPE_ZSET_2;
            case "hash" -> RdbFormat.TYPE_HASH;
            default -> RdbFormat.TYPE_STREAM_LISTPACKS_3;
        };
        RdbKey k = new RdbKey(db, key, type, v.encoding, v.expireAt, -1, -1, 0);
        out.beginKey(k);
        switch (v.family) {
            case "string" -> out.string(v.string);
            case "list" -> v.list.forEach(out::listElement);
            case "set" -> v.set.forEach(m -> out.setMember(b(m)));
            case "zset" -> v.zset.forEach((m, sc) -> out.zsetEntry(b(m), sc));
            case "hash" -> v.hash.forEach((f, x) -> out.hashEntry(b(f), x, -1));
            default -> v.stream.forEach(c -> c.accept(out));
        }
        out.endKey(k);
    }
}
