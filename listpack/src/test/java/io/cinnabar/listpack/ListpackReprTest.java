package io.cinnabar.listpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Listpack#repr(long)}: Redis's lpRepr layout (the server's DEBUG LISTPACK is compared with Redis itself). */
class ListpackReprTest {
    @Test
    void stringAndIntegerEntries() {
        Listpack lp = Listpack.of("hello".getBytes(StandardCharsets.US_ASCII), "1024".getBytes(StandardCharsets.US_ASCII));
        String expected = "{total bytes 17} {num entries 2}\n"
            + "{\n\taddr: 0x00001006,\n\tindex:  0,\n\toffset: 6,\n\thdr+entrylen+backlen:  7,\n\thdrlen:   1,\n"
            + "\tbacklen:  1,\n\tpayload: 5\n\tbytes: 85|68|65|6c|6c|6f|06|\n\t[str]hello\n}\n"
            + "{\n\taddr: 0x0000100d,\n\tindex:  1,\n\toffset: 13,\n\thdr+entrylen+backlen:  3,\n\thdrlen:   1,\n"
            + "\tbacklen:  1,\n\tpayload: 1\n\tbytes: c4|00|02|\n\t[str]1024\n}\n"
            + "{end}\n\n";
        assertEquals(expected, lp.repr(0x1000));
    }

    @Test
    void twelveBitStringHeaderAndLongValue() {
        Listpack lp = Listpack.of("y".repeat(100).getBytes(StandardCharsets.US_ASCII));
        String r = lp.repr(0);
        assertEquals(true, r.contains("\thdr+entrylen+backlen: 103,\n\thdrlen:   2,\n\tbacklen:  1,\n\tpayload: 100\n"), r);
        assertEquals(true, r.contains("\t[str]" + "y".repeat(40) + "...\n}\n"), r);
    }
}
