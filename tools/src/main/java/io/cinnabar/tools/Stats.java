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
    private final Map<String, long[]> prefixes = new java.util.HashMap<>();
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
        long[] c = groups.get(groupKey());
        c[0]++;
        c[1] += size;
        c[2] += elements;
        prefix(current.key(), size);
        if (largest.size() < top || size > (Long) largest.peek()[0]) {
            String name = new String(current.key(), StandardCharsets.ISO_8859_1);
            largest.add(new Object[] {size, current.db() + " " + name + " (" + current.family() + ", " + elements + " elements)"});
            if (largest.size() > top) {
                largest.poll();
            }
        }
        current = null;
    }

    /** The counters of the current key's db/type/encoding; the key string is built once per distinct group. */
    private String groupKey() {
        String g = lastGroup;
        if (g == null || current.db() != lastDb || !current.encoding().equals(lastEncoding) || current.type() != lastType) {
            g = "db" + current.db() + " " + current.family() + " " + current.encoding();
            groups.computeIfAbsent(g, x -> new long[3]);
            lastGroup = g;
            lastDb = current.db();
            lastEncoding = current.encoding();
            lastType = current.type();
        }
        return g;
    }

    private String lastGroup;
    private int lastDb;
    private String lastEncoding;
    private int lastType;

    /** Adds to the totals of the key's prefix (up to and including the first ':'); at most 100000 prefixes. */
    private void prefix(byte[] key, long size) {
        int colon = -1;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == ':') {
                colon = i;
                break;
            }
        }
        String prefix = colon < 0 ? "(no prefix)" : new String(key, 0, colon + 1, StandardCharsets.ISO_8859_1);
        long[] p = prefixes.get(prefix);
        if (p == null) {
            if (prefixes.size() >= 100_000) {
                return;
            }
            p = new long[2];
            prefixes.put(prefix, p);
        }
        p[0]++;
        p[1] += size;
    }

    @Override
    public void beginKey(RdbKey k) {
        close(k.offset());
        if (progress != null) {
            progress.update(k.offset());
        }
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

    private Progress progress;

    /** Shows a progress bar while reading (null: none). */
    void progress(Progress p) {
        this.progress = p;
    }

    @Override
    public void end(long stored, long computed) {
        if (progress != null) {
            progress.finish();
        }
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
