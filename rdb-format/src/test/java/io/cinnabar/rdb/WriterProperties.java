package io.cinnabar.rdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever collections are written (compact or plain, version 10 or 11, compressed or not), reading the file gives
 * back the model: lists in order, sets and hashes as sets/maps, zsets as member to score.
 */
class WriterProperties {
    @Provide
    Arbitrary<byte[]> element() {
        Arbitrary<byte[]> ints = Arbitraries.longs().map(l -> Long.toString(l).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> small = Arbitraries.longs().between(-20000, 20000).map(l -> Long.toString(l).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> text = Arbitraries.strings().ofMinLength(0).ofMaxLength(80).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> big = Arbitraries.bytes().array(byte[].class).ofMinSize(60).ofMaxSize(3000);
        Arbitrary<byte[]> repetitive = Arbitraries.integers().between(21, 20000).map(n -> "ab".repeat(n).getBytes(StandardCharsets.US_ASCII));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, ints), net.jqwik.api.Tuple.of(3, small),
            net.jqwik.api.Tuple.of(4, text), net.jqwik.api.Tuple.of(1, big), net.jqwik.api.Tuple.of(1, repetitive));
    }

    @Provide
    Arbitrary<List<byte[]>> elements() {
        return element().list().ofMinSize(1).ofMaxSize(700);
    }

    @Provide
    Arbitrary<double[]> config() {
        return Combinators.combine(Arbitraries.of(10, 11), Arbitraries.of(true, false), Arbitraries.of(true, false))
            .as((v, c, p) -> new double[] {v, c ? 1 : 0, p ? 1 : 0});
    }

    static String k(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Property(tries = 150)
    boolean writeThenReadGivesTheModel(@ForAll("elements") List<byte[]> xs, @ForAll("config") double[] cfg,
                                       @ForAll("element") byte[] str) {
        int version = (int) cfg[0];
        // the model
        List<String> list = new ArrayList<>();
        xs.forEach(x -> list.add(k(x)));
        TreeSet<String> set = new TreeSet<>(list);
        Map<String, String> hash = new TreeMap<>();
        Map<String, Double> zset = new TreeMap<>();
        Map<byte[], byte[]> hashIn = new LinkedHashMap<>();
        List<byte[]> zMembers = new ArrayList<>();
        List<Double> zScores = new ArrayList<>();
        List<byte[]> setIn = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            byte[] x = xs.get(i);
            if (hash.put(k(x), k(xs.get((i * 7) % xs.size()))) == null) {
                hashIn.put(x, xs.get((i * 7) % xs.size()));
                setIn.add(x);
                double score = i % 5 == 0 ? i : i % 5 == 1 ? -i / 3.0 : i % 5 == 2 ? 1e-300 * i : i % 5 == 3 ? Math.PI * i : Double.POSITIVE_INFINITY;
                zset.put(k(x), score);
                zMembers.add(x);
                zScores.add(score);
            } else {
                hash.put(k(x), k(hashIn.get(x(hashIn, x))));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbWriter w = RdbWriter.create(out, version)) {
            w.compact(cfg[1] == 1).compression(cfg[2] == 1);
            w.header();
            w.redisAux(0);
            w.selectDb(0);
            w.string("s".getBytes(), str, 12345);
            w.list("l".getBytes(), xs, -1);
            w.set("set".getBytes(), setIn, -1);
            w.hash("h".getBytes(), hashIn, -1);
            double[] sc = new double[zScores.size()];
            for (int i = 0; i < sc.length; i++) {
                sc[i] = zScores.get(i);
            }
            w.zset("z".getBytes(), zMembers, sc, -1);
            w.finish();
        }
        Map<String, Object> got = new TreeMap<>();
        RdbReader.of(out.toByteArray()).read(new RdbVisitor() {
            String key;
            List<String> l;
            Map<String, String> h;
            Map<String, Double> z;

            @Override
            public void beginKey(RdbKey k) {
                key = new String(k.key());
                l = new ArrayList<>();
                h = new TreeMap<>();
                z = new TreeMap<>();
                if (key.equals("s") && k.expireAtMs() != 12345) {
                    throw new AssertionError("expiry lost");
                }
            }

            @Override
            public void string(byte[] v) {
                l.add(k(v));
            }

            @Override
            public void listElement(byte[] e) {
                l.add(k(e));
            }

            @Override
            public void setMember(byte[] m) {
                l.add(k(m));
            }

            @Override
            public void hashEntry(byte[] f, byte[] v, long e) {
                h.put(k(f), k(v));
            }

            @Override
            public void zsetEntry(byte[] m, double s) {
                z.put(k(m), s);
            }

            @Override
            public void endKey(RdbKey k) {
                got.put(key, switch (key) {
                    case "set" -> new TreeSet<>(l);
                    case "h" -> h;
                    case "z" -> z;
                    default -> l;
                });
            }
        });
        return got.get("s").equals(List.of(k(str))) && got.get("l").equals(list) && got.get("set").equals(set)
            && got.get("h").equals(hash) && got.get("z").equals(zset);
    }

    /** The key object already in {@code m} that equals {@code x} by content. */
    private static byte[] x(Map<byte[], byte[]> m, byte[] x) {
        for (byte[] k : m.keySet()) {
            if (java.util.Arrays.equals(k, x)) {
                return k;
            }
        }
        throw new AssertionError();
    }
}
