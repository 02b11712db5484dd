package io.cinnabar.aof;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Truncations, bit flips and inflated length fields of the fixture AOF files (RESP command logs and RDB
 * preambles) and of manifests end in a result or an {@link AofException}: never another exception, never a hang
 * (a preemptive bound, generous: it only catches loops), never an allocation the input's size does not back (a
 * {@code $9999999999} claims 10 GB and must fail as truncated before anything of that size is allocated; the
 * surefire heap would not hold it).
 */
class AofHostileInputProperties {
    static final List<byte[]> FILES = new ArrayList<>();
    static final String MANIFEST;

    static {
        for (Path dir : List.of(Fixtures.fixture("aof/redis-7.0-appendonlydir"), Fixtures.fixture("aof/redis-7.2-appendonlydir"))) {
            for (String n : List.of("appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof")) {
                FILES.add(Fixtures.bytes(dir.resolve(n)));
            }
        }
        FILES.add(Fixtures.bytes(Fixtures.fixture("redis-assets/rdb-preamble.aof")));
        MANIFEST = new String(Fixtures.bytes(Fixtures.fixture("aof/redis-7.2-appendonlydir/appendonly.aof.manifest")),
            StandardCharsets.ISO_8859_1);
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Arbitraries.of(FILES);
    }

    private static void readCleanly(byte[] content, boolean last) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Path dir = Files.createTempDirectory("aoffuzz");
            Path f = dir.resolve("appendonly.aof.1.incr.aof");
            try {
                Files.write(f, content);
                AofReader.readFile(f, 'i', last, new AofReader.Visitor() { });
            } catch (AofException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            } finally {
                Files.deleteIfExists(f);
                Files.delete(dir);
            }
        });
    }

    @Property(tries = 150)
    void truncatedFilesFailCleanly(@ForAll("files") byte[] file, @ForAll @IntRange(min = 0, max = 1 << 24) int cut,
                                   @ForAll boolean last) {
        readCleanly(Arrays.copyOf(file, cut % file.length), last);
    }

    @Property(tries = 150)
    void flippedBitsFailCleanly(@ForAll("files") byte[] file, @ForAll @IntRange(min = 0, max = 1 << 24) int at,
                                @ForAll @IntRange(min = 1, max = 3) int flips) {
        byte[] t = file.clone();
        for (int i = 0; i < flips; i++) {
            int bit = (at * (i + 7) + i * 131) % (t.length * 8);
            t[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        readCleanly(t, true);
    }

    /** A count or length line made to claim up to 10^19 (and negative or non-numeric values). */
    @Property(tries = 150)
    void inflatedLengthsFailCleanly(@ForAll("files") byte[] file, @ForAll @IntRange(min = 0, max = 1 << 24) int at,
                                    @ForAll("claims") String claim) {
        String s = new String(file, StandardCharsets.ISO_8859_1);
        int p = at % s.length();
        int star = Math.max(s.indexOf('*', p), s.indexOf('$', p));
        if (star < 0) {
            return;
        }
        int cr = s.indexOf('\r', star);
        String t = s.substring(0, star + 1) + claim + (cr < 0 ? "" : s.substring(cr));
        readCleanly(t.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    @Provide
    Arbitrary<String> claims() {
        return Arbitraries.of("9999999999", "2147483647", "2147483648", "536870913", "9223372036854775807",
            "99999999999999999999", "-1", "-2", "-9223372036854775808", "", "x", "0", "01");
    }

    /** Manifest text with a line's bytes changed, cut or repeated: an AofException (or a manifest), nothing else. */
    @Property(tries = 200)
    void mutatedManifestsFailCleanly(@ForAll @IntRange(min = 0, max = 1 << 20) int at, @ForAll byte value,
                                     @ForAll @IntRange(min = 0, max = 3) int how) {
        int p = at % MANIFEST.length();
        String m = switch (how) {
            case 0 -> MANIFEST.substring(0, p);
            case 1 -> MANIFEST.substring(0, p) + (char) (value & 0xff) + MANIFEST.substring(p + 1);
            case 2 -> MANIFEST + MANIFEST.substring(p);
            default -> MANIFEST.substring(0, p) + "x".repeat(2000) + MANIFEST.substring(p);
        };
        try {
            AofManifest.parse(m);
        } catch (AofException e) {
            assertTrue(e.getMessage().contains("manifest"), e.getMessage());
        }
    }

    /** A manifest naming "..", "." or a path: never read outside (or as) the AOF directory. */
    @Example
    void manifestNamesCannotLeaveTheDirectory() throws IOException {
        for (String name : List.of("..", ".", "../appendonly.aof.1.incr.aof", "/etc/passwd")) {
            Path dir = Files.createTempDirectory("aofman");
            Path m = dir.resolve("appendonly.aof.manifest");
            try {
                Files.writeString(m, "file " + name + " seq 1 type i\n");
                assertThrows(AofException.class, () -> AofReader.read(dir, new AofReader.Visitor() { }), name);
            } finally {
                Files.delete(m);
                Files.delete(dir);
            }
        }
    }
}
