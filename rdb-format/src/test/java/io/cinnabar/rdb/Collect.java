package io.cinnabar.rdb;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A test visitor that keeps every key as "type|expire|value text" with base64 bytes (sets and hashes sorted). */
final class Collect implements RdbVisitor {
    final Map<String, String> keys = new TreeMap<>();
    final List<String> functions = new ArrayList<>();
    private RdbKey k;
    private List<String> items;
    private List<String> zset;

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public void function(byte[] code) {
        functions.add(b64(code));
    }

    @Override
    public void beginKey(RdbKey key) {
        k = key;
        items = new ArrayList<>();
        zset = new ArrayList<>();
    }

    @Override
    public void string(byte[] value) {
        items.add(b64(value));
    }

    @Override
    public void listElement(byte[] e) {
        items.add(b64(e));
    }

    @Override
    public void setMember(byte[] m) {
        items.add(b64(m));
    }

    @Override
    public void zsetEntry(byte[] member, double score) {
        items.add(b64(member) + "=" + score);
    }

    @Override
    public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
        items.add(b64(field) + "=" + b64(value));
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fv) {
        StringBuilder sb = new StringBuilder(id.toString());
        for (byte[] x : fv) {
            sb.append(',').append(b64(x));
        }
        items.add(sb.toString());
    }

    @Override
    public void endKey(RdbKey key) {
        String f = key.family();
        if (f.equals("set") || f.equals("hash") || f.equals("zset")) {
            items.sort(null);
        }
        keys.put(key.db() + "/" + b64(key.key()), f + "|" + key.expireAtMs() + "|" + items);
    }
}
