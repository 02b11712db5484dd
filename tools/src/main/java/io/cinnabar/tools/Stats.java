package io.cinnabar.tools;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamId;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * {@code rdb stats}: keys and value bytes per db/type/encoding, the largest keys (by serialized value size, the
 * bytes between a key's type byte and the next record), and totals per key prefix (the part before the first
 * {@code :}). Memory: one counter per db/type/encoding and per prefix, and a heap of the N largest keys.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Stats implements RdbVisitor {
    private final int top;
    private final Map<String, long[]> groups = new TreeMap<>();
    private final Map<String, long[]> prefixes = new TreeMap<>();
    private final PriorityQueue<Object[]> largest = new PriorityQueue<>((a, b) -> Long.compare((Long) a[0], (Long) b[0]));
    private RdbKey current;
    private long elements;
    private long keys;
    private long lastOffset;
    private long fileSize;

    Stats(int top) {
        this.top = top;
    }

    private void close(long nextOffset) {
        if (current == null) {
            return;
        }
        long size = nextOffset - current.offset();
        String g = "db" + current.db() + " " + current.family() + " " + current.encoding();
        long[] c = groups.computeIfAbsent(g, x -> new long[3]);
        c[0]++;
        c[1] += size;
        c[2] += elements;
        String name = new String(current.key(), StandardCharsets.ISO_8859_1);
        int colon = name.indexOf(':');
        String prefix = colon < 0 ? "(no prefix)" : name.substring(0, colon + 1);
        if (prefixes.size() < 100_000 || prefixes.containsKey(prefix)) {
            long[] p = prefixes.computeIfAbsent(prefix, x -> new long[2]);
            p[0]++;
            p[1] += size;
        }
        largest.add(new Object[] {size, current.db() + " " + name + " (" + current.family() + ", " + elements + " elements)"});
        if (largest.size() > top) {
            largest.poll();
        }
        current = null;
    }

    @Override
    public void beginKey(RdbKey k) {
        close(k.offset());
        keys++;
        current = k;
        elements = 0;
    }

    @Override
    public void endKey(RdbKey k) {
        // the size is known when the next record starts
    }

    @Override
    public void selectDb(int db) {
        // a SELECTDB follows the last key of the previous db: its size ends before it; approximated at the next key
    }

    @Override
    public void string(byte[] v) {
        elements = v.length;
    }

    @Override
    public void listElement(byte[] e) {
        elements++;
    }

    @Override
    public void setMember(byte[] m) {
        elements++;
    }

    @Override
    public void zsetEntry(byte[] m, double s) {
        elements++;
    }

    @Override
    public void hashEntry(byte[] f, byte[] v, long e) {
        elements++;
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fv) {
        elements++;
    }

    void fileSize(long size) {
        this.fileSize = size;
    }

    @Override
    public void end(long stored, long computed) {
        close(fileSize > 0 ? fileSize - 9 : current == null ? 0 : current.offset());
    }

    String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("keys: ").append(keys).append('\n');
        sb.append(String.format("%-40s %12s %16s %14s%n", "db type encoding", "keys", "bytes", "elements"));
        for (Map.Entry<String, long[]> e : groups.entrySet()) {
            sb.append(String.format("%-40s %12d %16d %14d%n", e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]));
        }
        sb.append("largest keys (serialized bytes):\n");
        java.util.List<Object[]> l = new java.util.ArrayList<>(largest);
        l.sort((a, b) -> Long.compare((Long) b[0], (Long) a[0]));
        for (Object[] x : l) {
            sb.append(String.format("  %12d  db%s%n", (Long) x[0], x[1]));
        }
        sb.append("key prefixes (keys, serialized bytes):\n");
        prefixes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(Math.max(top, 20))
            .forEach(e -> sb.append(String.format("  %-30s %12d %16d%n", e.getKey(), e.getValue()[0], e.getValue()[1])));
        return sb.toString();
    }
}
