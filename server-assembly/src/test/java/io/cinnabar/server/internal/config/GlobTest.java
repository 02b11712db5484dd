package io.cinnabar.server.internal.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** stringmatchlen rules as the server uses them (string2ll is tested in sds: NumbersTest). */
class GlobTest {
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
}
