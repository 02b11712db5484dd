package io.cinnabar.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Manifest syntax: Redis's lines, quoting rules, load order, errors. */
class AofManifestTest {
    static final String REDIS = "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n";

    @Test
    void parsesAndFormatsRedisManifest() {
        AofManifest m = AofManifest.parse(REDIS);
        assertEquals("appendonly.aof.2.base.rdb", m.base().name());
        assertEquals(List.of("appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof"),
            m.loadOrder().stream().map(AofManifest.Entry::name).toList());
        assertEquals(REDIS, m.format());
    }

    @Test
    void loadOrderSkipsHistoryAndSortsIncrementals() {
        AofManifest m = AofManifest.parse("file c seq 3 type i\nfile b seq 1 type b\n# comment\nfile h seq 1 type h\n"
            + "type i seq 2 file d\n");
        assertEquals(List.of("b", "d", "c"), m.loadOrder().stream().map(AofManifest.Entry::name).toList());
        assertEquals("file b seq 1 type b\nfile h seq 1 type h\nfile c seq 3 type i\nfile d seq 2 type i\n", m.format());
    }

    @Test
    void quotedNames() {
        AofManifest m = AofManifest.parse("file \"my file\\x41\\n.aof\" seq 1 type i\nfile 'it\\'s' seq 2 type i\n");
        assertEquals("my fileA\n.aof", m.entries().get(0).name());
        assertEquals("it's", m.entries().get(1).name());
        assertEquals("file \"my fileA\\n.aof\" seq 1 type i\nfile \"it's\" seq 2 type i\n", m.format());
    }

    @Test
    void errors() {
        assertThrows(AofException.class, () -> AofManifest.parse("file a seq 1 type b"));
        assertThrows(AofException.class, () -> AofManifest.parse("file a seq 1 type x\n"));
        assertThrows(AofException.class, () -> AofManifest.parse("file a seq 1\n"));
        assertThrows(AofException.class, () -> AofManifest.parse("file \"a seq 1 type b\n"));
        assertThrows(AofException.class, () -> AofManifest.parse("file a seq 1 type b\nfile b seq 2 type b\n"));
        assertThrows(AofException.class, () -> AofManifest.parse("file x/y seq 1 type i\n"));
        assertThrows(AofException.class, () -> AofManifest.parse("file \"a\"b seq 1 type i\n"));
        assertThrows(AofException.class, () -> AofManifest.parse("file 'a seq 1 type i\n"));
    }

    @Property(tries = 300)
    boolean formatParseRoundTrip(@ForAll @StringLength(min = 1, max = 20) @CharRange(from = 1, to = 200) String name) {
        if (name.contains("/") || name.isBlank() && name.chars().allMatch(c -> c == ' ')) {
            return true;
        }
        AofManifest m = new AofManifest(List.of(new AofManifest.Entry(name, 7, 'i')));
        return AofManifest.parse(m.format()).entries().get(0).name().equals(name);
    }
}
