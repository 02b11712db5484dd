package io.cinnabar.server.internal.config;

/**
 * Redis's glob matcher ({@code stringmatchlen}), used by KEYS, SCAN MATCH, CONFIG GET and CLIENT KILL patterns.
 * <p>
 * Rules: {@code *} any run (consecutive stars collapse), {@code ?} one byte, {@code [abc]} a set, {@code [^a]} its
 * complement, {@code [a-z]} a range (reversed bounds are swapped), {@code \x} the literal {@code x} inside or outside
 * a set; an unterminated set ends at the pattern's end. Bytes compare as C's signed {@code char}, as Redis does on
 * x86-64. Cost: O(pattern x string) in the worst case: once a star failed to match a suffix, longer attempts are
 * skipped (Redis's {@code skipLongerMatches}), and nesting is capped at 1000 stars.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Glob {
    private Glob() {
    }

    public static boolean match(byte[] p, int poff, int plen, byte[] s, int soff, int slen, boolean nocase) {
        boolean[] skipLonger = new boolean[1];
        return match(p, poff, plen, s, soff, slen, nocase, skipLonger, 0);
    }

    /** As {@link #match(byte[], int, int, byte[], int, int, boolean)} with a caller's one-element scratch array. */
    public static boolean match(byte[] p, int poff, int plen, byte[] s, int soff, int slen, boolean nocase,
                                boolean[] scratch) {
        scratch[0] = false;
        return match(p, poff, plen, s, soff, slen, nocase, scratch, 0);
    }

    public static boolean match(byte[] p, byte[] s, boolean nocase) {
        return match(p, 0, p.length, s, 0, s.length, nocase);
    }

    private static int lower(int c, boolean nocase) {
        return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean match(byte[] p, int pi, int plen, byte[] s, int si, int slen, boolean nocase,
                                 boolean[] skipLonger, int nesting) {
        if (nesting > 1000) {
            return false;
        }
        while (plen > 0 && slen > 0) {
            switch (p[pi]) {
                case '*': {
                    while (plen > 1 && p[pi + 1] == '*') {
                        pi++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (match(p, pi + 1, plen - 1, s, si, slen, nocase, skipLonger, nesting + 1)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                        si++;
                        slen--;
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?':
                    si++;
                    slen--;
                    break;
                case '[': {
                    pi++;
                    plen--;
                    boolean not = plen > 0 && p[pi] == '^';
                    if (not) {
                        pi++;
                        plen--;
                    }
                    boolean matched = false;
                    while (true) {
                        if (plen == 0) {
                            pi--;
                            plen++;
                            break;
                        } else if (p[pi] == '\\' && plen >= 2) {
                            pi++;
                            plen--;
                            if (lower(p[pi], nocase) == lower(s[si], nocase)) {
                                matched = true;
                            }
                        } else if (p[pi] == ']') {
                            break;
                        } else if (plen >= 3 && p[pi + 1] == '-') {
                            int start = lower(p[pi], nocase);
                            int end = lower(p[pi + 2], nocase);
                            int c = lower(s[si], nocase);
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            pi += 2;
                            plen -= 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else if (lower(p[pi], nocase) == lower(s[si], nocase)) {
                            matched = true;
                        }
                        pi++;
                        plen--;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    si++;
                    slen--;
                    break;
                }
                case '\\':
                    if (plen >= 2) {
                        pi++;
                        plen--;
                    }
                    if (lower(p[pi], nocase) != lower(s[si], nocase)) {
                        return false;
                    }
                    si++;
                    slen--;
                    break;
                default:
                    if (lower(p[pi], nocase) != lower(s[si], nocase)) {
                        return false;
                    }
                    si++;
                    slen--;
                    break;
            }
            pi++;
            plen--;
            if (slen == 0) {
                while (plen > 0 && p[pi] == '*') {
                    pi++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }
}
