package io.cinnabar.aof;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Error offsets and limits of the command reader (parsing itself is resp-codec's RequestDecoder). */
class AofCommandReaderTest {

    private static AofCommandReader reader(String text, boolean knownSize) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return new AofCommandReader(new ByteArrayInputStream(b), 0, knownSize ? b.length : -1);
    }

    private static AofException fails(String text) {
        AofCommandReader r = reader("*1\r\n$2\r\nok\r\n" + text, true);
        assertEquals(1, r.next().size());
        return assertThrows(AofException.class, () -> {
            while (r.next() != null) {
                // read on
            }
        });
    }

    @Test
    void corruptionIsReportedJustAfterTheBytesThatShowIt() {
        // 12 bytes of a valid command come first: offsets below count from the file start
        assertEquals(13, fails("X").offset(), "after a wrong first byte");
        assertEquals(16, fails("*0\r\n").offset(), "after a count below 1");
        assertEquals(17, fails("*-1\r\n").offset());
        assertEquals(17, fails("*1\r\nX3\r\nabc\r\n").offset(), "after a byte that is not '$'");
        assertEquals(21, fails("*1\r\n$-5\r\n").offset(), "after a bad bulk length line");
        assertEquals(24, fails("*1\r\n$3\r\nabcXY").offset(), "after a payload not followed by CR");
        assertEquals(25, fails("*1\r\n$3\r\nabc\rY").offset(), "after a payload not followed by CRLF");
        for (String bad : new String[] {"X", "*0\r\n", "*1\r\nX3\r\nabc\r\n", "*1\r\n$3\r\nabcXY", "*x\r\n"}) {
            AofException e = fails(bad);
            assertFalse(e.truncated(), bad);
            assertEquals(12, e.lastValidOffset(), bad);
        }
    }

    @Test
    void aTailCutShortIsATruncationAtTheCommandStart() {
        for (String tail : new String[] {"*", "*2", "*2\r\n$3\r\nabc\r\n$100\r\nxx", "*1\r\n$3\r\nab", "#TS:1",
            "*1\r\n$2000000000\r\nxyz"}) {
            AofException e = fails(tail);
            assertTrue(e.truncated(), tail);
            assertEquals(12, e.lastValidOffset(), tail);
        }
    }

    @Test
    void aHugeDeclaredLengthInAStreamOfUnknownSizeAllocatesOnlyWhatArrives() {
        AofCommandReader r = reader("*1\r\n$2000000000\r\n" + "x".repeat(100_000), false);
        AofException e = assertThrows(AofException.class, r::next);
        assertTrue(e.truncated());
    }

    @Test
    void annotationsAndCommandsAcrossBufferRefills() {
        StringBuilder sb = new StringBuilder();
        String big = "v".repeat(70_000);
        sb.append("#TS:1\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$").append(big.length()).append("\r\n").append(big).append("\r\n");
        sb.append("#").append("a".repeat(4000)).append("\r\n*1\r\n$4\r\nPING\r\n");
        for (boolean known : new boolean[] {true, false}) {
            AofCommandReader r = reader(sb.toString(), known);
            assertEquals(List.of(), r.next());
            assertEquals("TS:1", r.annotation());
            List<byte[]> set = r.next();
            assertEquals(big, new String(set.get(2), StandardCharsets.ISO_8859_1));
            assertEquals(List.of(), r.next());
            assertEquals(4000, r.annotation().length());
            assertEquals("PING", new String(r.next().get(0), StandardCharsets.ISO_8859_1));
            assertEquals(sb.length(), r.offset());
            assertNull(r.next());
        }
    }
}
