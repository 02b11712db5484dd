package io.cinnabar.server.internal.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Entry's embedded key/value layout against a model (key bytes, value bytes) under random value changes. */
class EntryProperties {
    @Provide
    Arbitrary<List<byte[]>> values() {
        Arbitrary<byte[]> any = Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(80),
            Arbitraries.longs().map(v -> Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            Arbitraries.strings().numeric().ofMaxLength(25).map(s -> s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return any.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 500)
    void keyAndValueSurviveEveryTransition(@ForAll("values") List<byte[]> values,
                                           @ForAll("ops") List<Integer> ops) {
        byte[] key = "some:key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Db db = new Db(0);
        Entry e = db.add(key.clone());
        long[] tmp = new long[1];
        byte[] model = null;
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i);
            int op = ops.get(i % ops.size());
            if (op == 0 || model == null) {
                e.setString(v, 0, v.length, tmp);
                model = v.clone();
            } else if (op == 1) {
                e.setStringNoInt(v, 0, v.length);
                model = v.clone();
            } else if (op == 2) { // APPEND
                int len = e.strlen();
                e.makeRawWithRoom(len + v.length);
                System.arraycopy(v, 0, e.rawArray(), len, v.length);
                e.setRawLength(len + v.length);
                byte[] m = Arrays.copyOf(model, model.length + v.length);
                System.arraycopy(v, 0, m, model.length, v.length);
                model = m;
            } else if (op == 3) { // RENAME then COPY
                Entry r = db.add("other".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                r.copyRef(e);
                db.remove(e); // detached: still readable
                assertArrayEquals(model, e.stringBytes());
                Entry back = db.add(key.clone());
                back.copyValueFrom(r);
                db.remove(r);
                e = back;
                assertEquals(1, db.size());
            } else { // INCR-like
                e.setInt(v.length);
                model = Long.toString(v.length).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            assertEquals(key.length, e.klen());
            assertArrayEquals(key, Arrays.copyOf(e.keyArray(), e.klen()));
            assertSame(e, db.find(key), "one view per key");
            assertArrayEquals(model, e.stringBytes());
            assertEquals(model.length, e.strlen());
        }
    }

    @Provide
    Arbitrary<List<Integer>> ops() {
        return Arbitraries.integers().between(0, 4).list().ofMinSize(1).ofMaxSize(12);
    }
}
