package io.cinnabar.server.internal.type.string;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Entry;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]}: the longest common subsequence by Redis's
 * dynamic programming table ((len1+1) x (len2+1) ints, refused when it would exceed {@code proto-max-bulk-len}
 * bytes) and its backtracking, which reports the matching ranges from the end of the strings backwards.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Lcs {
    private Lcs() {
    }

    static void lcs(Client c) {
        Entry ea = c.server.lookupRead(c, 1);
        Entry eb = c.server.lookupRead(c, 2);
        if (ea != null && ea.type() != Entry.TYPE_STRING || eb != null && eb.type() != Entry.TYPE_STRING) {
            c.error("ERR The specified keys must contain string values");
            return;
        }
        byte[] a = ea == null ? new byte[0] : ea.stringBytes();
        byte[] b = eb == null ? new byte[0] : eb.stringBytes();
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < c.argc; j++) {
            boolean more = j < c.argc - 1;
            if (c.argIs(j, "idx")) {
                getIdx = true;
            } else if (c.argIs(j, "len")) {
                getLen = true;
            } else if (c.argIs(j, "withmatchlen")) {
                withMatchLen = true;
            } else if (c.argIs(j, "minmatchlen") && more) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                minMatchLen = Math.max(0, c.ctx.tmp[0]);
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        if (getIdx && getLen) {
            c.error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        int alen = a.length;
        int blen = b.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.server.protoMaxBulkLen || cells > Integer.MAX_VALUE - 8) {
            c.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        int w = blen + 1;
        int[] dp = new int[(int) cells];
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                if (a[i - 1] == b[j - 1]) {
                    dp[i * w + j] = dp[(i - 1) * w + j - 1] + 1;
                } else {
                    dp[i * w + j] = Math.max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
                }
            }
        }
        int len = dp[alen * w + blen];
        if (getLen) {
            c.integer(len);
            return;
        }
        byte[] result = new byte[len];
        List<long[]> matches = new ArrayList<>();
        int idx = len;
        int i = alen;
        int j = blen;
        int aStart = alen;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                int l1 = dp[(i - 1) * w + j];
                int l2 = dp[i * w + j - 1];
                if (l1 > l2) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != alen) {
                    emit = true;
                }
            }
            if (emit) {
                long matchLen = aEnd - aStart + 1;
                if (minMatchLen == 0 || matchLen >= minMatchLen) {
                    matches.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (!getIdx) {
            c.bulk(result);
            return;
        }
        c.map(2);
        c.bulk("matches");
        c.array(matches.size());
        for (long[] m : matches) {
            c.array(withMatchLen ? 3 : 2);
            c.array(2);
            c.integer(m[0]);
            c.integer(m[1]);
            c.array(2);
            c.integer(m[2]);
            c.integer(m[3]);
            if (withMatchLen) {
                c.integer(m[4]);
            }
        }
        c.bulk("len");
        c.integer(len);
    }
}
