package io.cinnabar.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Fixtures;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture read three ways (file, stream of unknown size in tiny reads, byte array) gives the same keys. */
class FixtureReadTest {
    static Stream<Path> files() {
        return Stream.concat(Fixtures.list("rdb", ".rdb").stream(), Fixtures.list("redis-assets", ".rdb").stream())
            .filter(p -> !p.getFileName().toString().startsWith("corrupt"));
    }

    static Stream<Path> payloadFiles() {
        return Fixtures.list("rdb", "-dump-payloads.json").stream();
    }

    /** Hands out at most 7 bytes per read, to exercise refills at every boundary. */
    static InputStream trickle(byte[] b) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, 7));
            }
        };
    }

    @ParameterizedTest
    @MethodSource("files")
    void sameResultEveryWay(Path file) throws Exception {
        byte[] bytes = Fixtures.bytes(file);
        Collect a = new Collect();
        RdbReader.open(file).read(a);
        Collect b = new Collect();
        RdbReader.of(trickle(bytes)).read(b);
        Collect c = new Collect();
        RdbReader.of(bytes).read(c);
        assertEquals(a.keys, b.keys);
        assertEquals(a.keys, c.keys);
        assertTrue(a.keys.size() > 0 || file.getFileName().toString().equals("scriptbackup.rdb"));
    }

    /** DUMP payloads decode (deep validation) to the same values as the keys in the RDB file. */
    @ParameterizedTest
    @MethodSource("payloadFiles")
    void dumpPayloadsMatchFile(Path payloads) throws Exception {
        Path rdb = payloads.resolveSibling(payloads.getFileName().toString().replace("-dump-payloads.json", ".rdb"));
        Collect file = new Collect();
        RdbReader.open(rdb).read(file);
        int n = 0;
        for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(payloads).entrySet()) {
            Collect one = new Collect();
            DumpPayload.read(e.getValue(), one);
            String value = one.keys.values().iterator().next();
            String key = Collect.b64(e.getKey().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String fromFile = file.keys.entrySet().stream().filter(x -> x.getKey().endsWith("/" + key))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
            // the payload has no expiry: compare family and value
            assertEquals(fromFile.replaceFirst("\\|-?\\d+\\|", "||"), value.replaceFirst("\\|-?\\d+\\|", "||"), key);
            n++;
        }
        assertTrue(n > 20);
    }

    /** Writing what was read (as RDB 11) and reading it again gives the same keys. */
    @ParameterizedTest
    @MethodSource("files")
    void writeReadRoundTrip(Path file) throws Exception {
        Collect a = new Collect();
        RdbReader.open(file).read(a);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbWriter w = RdbWriter.create(out, 11)) {
            w.header();
            w.redisAux(0);
            RdbReader.open(file).read(new CopyVisitor(w));
            w.finish();
        }
        Collect b = new Collect();
        RdbReader.of(out.toByteArray()).read(b);
        assertEquals(a.keys.keySet(), b.keys.keySet());
        for (String k : a.keys.keySet()) {
            if (!a.keys.get(k).startsWith("stream")) {
                assertEquals(a.keys.get(k).replace("[", "").split("\\|")[0], b.keys.get(k).split("\\|")[0]);
                assertEquals(sorted(a.keys.get(k)), sorted(b.keys.get(k)), k);
            } else {
                assertEquals(a.keys.get(k), b.keys.get(k), k);
            }
        }
    }

    private static String sorted(String s) {
        return s; // Collect already sorts sets, hashes and zsets; lists keep their order
    }
}
