package io.cinnabar.server.internal.admin;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.stream.StreamId;
import io.cinnabar.server.internal.type.stream.StreamIterator;
import io.cinnabar.server.internal.type.stream.StreamValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE with Redis's algorithm ({@code computeDatasetDigest} and
 * {@code xorObjectDigest} of debug.c), so that the same data gives the same 40 hex digits here and in Redis:
 * <pre>
 *   xor(d, s):  d ^= SHA1(s)                     order-free accumulation (set members, hash/zset pairs, keys)
 *   mix(d, s):  d = SHA1(d ^ SHA1(s))            order-sensitive (list elements, stream entries)
 *   dataset:    for each non-empty db j: mix(final, htonl(j)); for each key: xor(final, keyDigest)
 *   keyDigest:  d = 0; mix(d, key); mix(d, htonl(type)); value; if it has an expire: xor(d, "!!expire!!")
 *   string:     mix(d, bytes as text)                 list: mix(d, element), head to tail
 *   set:        xor(d, member)                        hash: xor(d, mix(mix(0, field), value))
 *   zset:       xor(d, mix(mix(0, member), score))    score as Redis 7.2's fpconv_dtoa prints it
 *   stream:     per entry mix(d, "ms.seq"), then mix(d, field), mix(d, value) per pair (groups are not digested)
 * </pre>
 * Redis 7.0 printed zset scores with {@code %.17g}; digests of sorted sets with non-integral scores such as 0.1
 * therefore differ from 7.0's and equal 7.2's. O(dataset) for DIGEST, O(value) for DIGEST-VALUE.
 * <p><b>Note:</b> This class is not threadsafe: use one instance per call.
 */
public final class Digest {
    private final MessageDigest sha;
    private final byte[] h = new byte[20];
    private final byte[] numBuf = new byte[Numbers.MAX_D2STRING_CHARS + 24];

    public Digest() {
        try {
            sha = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void xor(byte[] d, byte[] b, int off, int len) {
        sha.update(b, off, len);
        try {
            sha.digest(h, 0, 20);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < 20; i++) {
            d[i] ^= h[i];
        }
    }

    private void mix(byte[] d, byte[] b, int off, int len) {
        xor(d, b, off, len);
        sha.update(d, 0, 20);
        try {
            sha.digest(d, 0, 20);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private void mix(byte[] d, byte[] b) {
        mix(d, b, 0, b.length);
    }

    private static byte[] be32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The dataset digest as 40 hex digits (all zeros for an empty dataset). */
    public String dataset(Keyspace ks) {
        byte[] fin = new byte[20];
        for (Db db : ks.dbs) {
            if (db.size() == 0) {
                continue;
            }
            mix(fin, be32(db.id));
            db.forEachReading(e -> {
                byte[] d = new byte[20];
                mix(d, e.keyArray(), 0, e.klen());
                value(db, e, d);
                xor(fin, d, 0, 20);
            });
        }
        return hex(fin);
    }

    /** DEBUG DIGEST-VALUE of one key (40 zeros when absent). */
    public String value(Db db, Entry e) {
        byte[] d = new byte[20];
        if (e != null) {
            value(db, e, d);
        }
        return hex(d);
    }

    private void value(Db db, Entry e, byte[] d) {
        mix(d, be32(e.type()));
        switch (e.type()) {
            case Entry.TYPE_STRING -> {
                if (e.isInt()) {
                    int n = Numbers.ll2string(e.intValue(), numBuf, 0);
                    mix(d, numBuf, 0, n);
                } else {
                    mix(d, e.valArray(), e.valOff(), e.strlen());
                }
            }
            case Entry.TYPE_LIST -> {
                for (byte[] el : ((ListValue) e.value()).all()) {
                    mix(d, el);
                }
            }
            case Entry.TYPE_SET -> {
                for (byte[] m : ((SetValue) e.value()).members()) {
                    xor(d, m, 0, m.length);
                }
            }
            case Entry.TYPE_ZSET -> {
                ZSetValue z = (ZSetValue) e.value();
                if (z.size() > 0) {
                    z.range(0, z.size() - 1, false, (m, score) -> {
                        byte[] el = new byte[20];
                        mix(el, m);
                        int n = Numbers.d2string(score, numBuf, 0);
                        mix(el, numBuf, 0, n);
                        xor(d, el, 0, 20);
                    });
                }
            }
            case Entry.TYPE_HASH -> {
                HashValue hv = (HashValue) e.value();
                if (hv.lp != null) {
                    Listpack lp = hv.lp;
                    for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
                        pair(d, lp.getBytes(p), lp.getBytes(lp.next(p)));
                    }
                } else {
                    hv.ht.forEach(de -> pair(d, de.key(), de.value()));
                }
            }
            case Entry.TYPE_STREAM -> {
                StreamIterator it = ((StreamValue) e.value()).iterator(StreamId.MIN, StreamId.MAX, false);
                while (it.next()) {
                    mix(d, (Long.toUnsignedString(it.ms()) + "." + Long.toUnsignedString(it.seq()))
                        .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < it.fieldCount(); i++) {
                        mix(d, it.fieldBytes(i));
                        mix(d, it.valueBytes(i));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown type " + e.type());
        }
        if (db.expireOf(e) != -1) {
            byte[] x = "!!expire!!".getBytes(StandardCharsets.US_ASCII);
            xor(d, x, 0, x.length);
        }
    }

    private void pair(byte[] d, byte[] f, byte[] v) {
        byte[] el = new byte[20];
        mix(el, f);
        mix(el, v);
        xor(d, el, 0, 20);
    }

    private static String hex(byte[] d) {
        StringBuilder b = new StringBuilder(40);
        for (byte x : d) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }
}
