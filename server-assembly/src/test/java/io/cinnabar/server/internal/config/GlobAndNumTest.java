package io.cinnabar.server.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** stringmatchlen rules and string2ll strictness as the server uses them. */
class GlobAndNumTest {
    private static boolean m(String p, String s) {
        return Glob.match(p.getBytes(StandardCharsets.ISO_8859_1), s.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    @Test
    void glob() {
        assertFalse(m("*", "")); // as stringmatchlen; KEYS/SCAN special-case a lone "*"
        assertTrue(m("h?llo", "hello"));
        assertFalse(m("h?llo", "hllo"));
        assertTrue(m("h*llo", "hllo"));
        assertTrue(m("h[ae]llo", "hallo"));
        assertFalse(m("h[^e]llo", "hello"));
        assertTrue(m("h[a-c]llo", "hbllo"));
        assertTrue(m("h[c-a]llo", "hbllo"));
        assertTrue(m("h\\*llo", "h*llo"));
        assertFalse(m("h\\*llo", "hello"));
        assertTrue(m("a[\\]]b", "a]b"));
        assertTrue(m("a[b", "ab"));
        assertTrue(m("***a", "bba"));
        assertFalse(m("a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*q*r*s*t*u*v*w*x*y*z*", "a".repeat(60)));
        assertTrue(Glob.match("HELLO".getBytes(StandardCharsets.ISO_8859_1), "hello".getBytes(StandardCharsets.ISO_8859_1), true));
    }

    @Property
    void string2llRoundTrips(@ForAll long v) {
        byte[] b = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        long[] out = new long[1];
        assertTrue(Num.string2ll(b, 0, b.length, out));
        assertEquals(v, out[0]);
        byte[] w = new byte[21];
        assertEquals(b.length, Num.ll2string(v, w, 0));
        assertEquals(Long.toString(v), new String(w, 0, b.length, StandardCharsets.US_ASCII));
    }

    @Test
    void string2llRejectsNonCanonical() {
        long[] out = new long[1];
        for (String s : new String[] {"", "-", "-0", "01", "+1", " 1", "1 ", "9223372036854775808",
            "-9223372036854775809", "1a", "00"}) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertFalse(Num.string2ll(b, 0, b.length, out), s);
        }
    }
}
