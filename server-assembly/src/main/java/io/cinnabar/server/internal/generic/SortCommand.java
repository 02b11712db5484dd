package io.cinnabar.server.internal.generic;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.Pqsort;
import io.cinnabar.server.internal.type.geo.GeoCommands;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.quicklist.Quicklist;
import io.cinnabar.quicklist.QuicklistNode;
import io.cinnabar.sds.Strtod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SORT and SORT_RO ({@code sort.c} of Redis 7.2) over lists, sets and sorted sets.
 * <p>
 * Options are parsed first (syntax and LIMIT errors win over a wrong type). The elements are loaded into a vector
 * (list order, set iteration order, sorted-set order), each gets a weight (the element itself, or the value a BY
 * pattern names: {@code prefix*suffix} for a string key, {@code prefix*suffix->field} for a hash field; a pattern
 * without {@code *} means "do not sort"), and the vector is sorted:
 * <ul>
 *   <li>numerically by the weight parsed as C's {@code strtod} would (leading spaces, hex, inf accepted; trailing
 *       bytes, NaN or an out-of-range value make the reply "One or more scores can't be converted into double"),
 *       ties broken by comparing the elements as binary strings, so the order is total; a missing weight is 0;</li>
 *   <li>with ALPHA, by the weight's bytes: as C strings (up to a NUL, {@code strcoll} in the C/C.UTF-8 locale is
 *       byte order) when replying, as binary strings with STORE; a missing BY weight sorts first; ties keep the
 *       load order (glibc's stable merge sort; Redis's partial {@link Pqsort} when BY and LIMIT cut the
 *       range, reproduced so ties match).</li>
 * </ul>
 * DESC reverses every comparison. Without sorting, lists and sorted sets keep their order (DESC reads them
 * backwards, LIMIT reads only the range); a set is force-sorted ALPHA when STOREd. GET patterns (and {@code #} for
 * the element) replace each element in the reply; a missing one is a null (an empty string in a STOREd list). STORE
 * writes a list (listpack when it fits one node, else quicklist) and replies its length, deleting the destination
 * when empty. Sorting a sorted set converts it to a skiplist, as Redis does.
 * <p>
 * Cost: O(N) loads and pattern lookups, O(N log N) comparisons; memory O(N) references.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class SortCommand {
    private SortCommand() {
    }

    public static void register(CommandTable t) {
        t.impl("sort", c -> sort(c, false));
        t.impl("sort_ro", c -> sort(c, true));
    }

    /** The parsed options. */
    private static final class Options {
        boolean desc;
        boolean alpha;
        long limitStart;
        long limitCount = -1;
        boolean dontsort;
        int sortby = -1;
        int store = -1;
        final List<Integer> gets = new ArrayList<>();
    }

    static void sort(Client c, boolean readonly) {
        Options o = parse(c, readonly);
        if (o == null) {
            return;
        }
        Entry e = c.server.lookupRead(c, 1);
        if (e != null && e.type() != Entry.TYPE_SET && e.type() != Entry.TYPE_LIST && e.type() != Entry.TYPE_ZSET) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        byte type = e == null ? Entry.TYPE_LIST : e.type();
        if (o.dontsort && type == Entry.TYPE_SET && (o.store >= 0 || c.script)) {
            o.dontsort = false; // a stored set or a script's result must not depend on its iteration order
            o.alpha = true;
            o.sortby = -1;
        }
        if (type == Entry.TYPE_ZSET) {
            ZSetValue z = (ZSetValue) e.value();
            if (z.lp != null) {
                c.server.keyspace.willChange(c.db, e);
                z.toSkiplist(z.size());
            }
        }
        long vectorlen = e == null ? 0 : switch (type) {
            case Entry.TYPE_LIST -> ((ListValue) e.value()).size();
            case Entry.TYPE_SET -> ((SetValue) e.value()).size();
            default -> ((ZSetValue) e.value()).size();
        };
        long start = Math.min(Math.max(o.limitStart, 0), vectorlen);
        long count = Math.min(Math.max(o.limitCount, -1), vectorlen);
        long end = count < 0 ? vectorlen - 1 : start + count - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) {
            end = vectorlen - 1;
        }
        byte[][] vector;
        if (o.dontsort && type != Entry.TYPE_SET && e != null) {
            if (start != 0 || end != vectorlen - 1) {
                vectorlen = end - start + 1;
            }
            vector = loadRange(e, type, start, end, vectorlen, o.desc);
            if (type == Entry.TYPE_ZSET || end >= start) {
                end -= start;
                start = 0;
            }
        } else {
            vector = loadAll(e, type);
        }
        int n = vector.length;
        double[] scores = new double[n];
        byte[][] cmpobj = new byte[n][];
        boolean conversionError = false;
        if (!o.dontsort) {
            conversionError = weigh(c, o, vector, scores, cmpobj);
            Pqsort.Cmp cmp = comparator(o, vector, scores, cmpobj);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (o.sortby >= 0 && (start != 0 || end != n - 1)) {
                Pqsort.partial(order, n, cmp, start, end);
            } else {
                Pqsort.stable(order, n, cmp);
            }
            byte[][] sorted = new byte[n][];
            for (int i = 0; i < n; i++) {
                sorted[i] = vector[order[i]];
            }
            vector = sorted;
        }
        int getop = o.gets.size();
        long outputlen = getop > 0 ? getop * (end - start + 1) : end - start + 1;
        if (conversionError) {
            c.error("ERR One or more scores can't be converted into double");
        } else if (o.store < 0) {
            reply(c, o, vector, start, end, outputlen);
        } else {
            store(c, o, vector, start, end, outputlen);
        }
    }

    /** The options, or null after replying the error. */
    private static Options parse(Client c, boolean readonly) {
        Options o = new Options();
        for (int j = 2; j < c.argc; j++) {
            int left = c.argc - j - 1;
            if (GeoCommands.optIs(c, j, "asc")) {
                o.desc = false;
            } else if (GeoCommands.optIs(c, j, "desc")) {
                o.desc = true;
            } else if (GeoCommands.optIs(c, j, "alpha")) {
                o.alpha = true;
            } else if (GeoCommands.optIs(c, j, "limit") && left >= 2) {
                if (!c.argLong(j + 1)) {
                    return null;
                }
                o.limitStart = c.ctx.tmp[0];
                if (!c.argLong(j + 2)) {
                    return null;
                }
                o.limitCount = c.ctx.tmp[0];
                j += 2;
            } else if (!readonly && GeoCommands.optIs(c, j, "store") && left >= 1) {
                o.store = j + 1;
                j++;
            } else if (GeoCommands.optIs(c, j, "by") && left >= 1) {
                o.sortby = j + 1;
                if (cIndexOf(c.argBuf, c.argOff[j + 1], c.argLen[j + 1], (byte) '*') < 0) {
                    o.dontsort = true;
                } else if (!fullKeyAccess(c)) {
                    c.error("ERR BY option of SORT denied due to insufficient ACL permissions.");
                    return null;
                }
                j++;
            } else if (GeoCommands.optIs(c, j, "get") && left >= 1) {
                if (!fullKeyAccess(c)) {
                    c.error("ERR GET option of SORT denied due to insufficient ACL permissions.");
                    return null;
                }
                o.gets.add(j + 1);
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return null;
            }
        }
        return o;
    }

    /** Whether c's user may read every key (SORT's BY pattern and GET read keys its key specs cannot name). */
    private static boolean fullKeyAccess(Client c) {
        return c.user == null || c.user.unrestricted() || c.server.acl.unrestrictedReadAccess(c, c.cmd);
    }

    /** strchr over the C string in b[off, off+len): the index of ch before the first NUL, or -1. */
    private static int cIndexOf(byte[] b, int off, int len, byte ch) {
        for (int k = 0; k < len && b[off + k] != 0; k++) {
            if (b[off + k] == ch) {
                return k;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ loading

    private static byte[][] loadAll(Entry e, byte type) {
        if (e == null) {
            return new byte[0][];
        }
        List<byte[]> l = switch (type) {
            case Entry.TYPE_LIST -> ((ListValue) e.value()).all();
            case Entry.TYPE_SET -> ((SetValue) e.value()).members();
            default -> {
                ZSetValue z = (ZSetValue) e.value();
                List<byte[]> out = new ArrayList<>((int) z.size());
                if (z.size() > 0) {
                    z.range(0, z.size() - 1, false, (m, s) -> out.add(m));
                }
                yield out;
            }
        };
        return l.toArray(new byte[0][]);
    }

    /** The unsorted range [start, end] of a list or sorted set, read backwards from the end when desc. */
    private static byte[][] loadRange(Entry e, byte type, long start, long end, long vectorlen, boolean desc) {
        if (type == Entry.TYPE_LIST && end < start || vectorlen <= 0) {
            return new byte[0][];
        }
        long size = type == Entry.TYPE_LIST ? ((ListValue) e.value()).size() : ((ZSetValue) e.value()).size();
        long lo = desc ? size - start - vectorlen : start;
        long hi = lo + vectorlen - 1;
        List<byte[]> out = new ArrayList<>((int) vectorlen);
        if (type == Entry.TYPE_LIST) {
            out.addAll(((ListValue) e.value()).range(lo, hi));
            if (desc) {
                java.util.Collections.reverse(out);
            }
        } else {
            ((ZSetValue) e.value()).range(lo, hi, desc, (m, s) -> out.add(m));
        }
        return out.toArray(new byte[0][]);
    }

    // ------------------------------------------------------------------ weights and comparison

    /** Fills the sort weights; returns whether a numeric weight could not be parsed. */
    private static boolean weigh(Client c, Options o, byte[][] vector, double[] scores, byte[][] cmpobj) {
        boolean error = false;
        double[] out = new double[1];
        Strtod reader = new Strtod();
        for (int j = 0; j < vector.length; j++) {
            byte[] byval;
            if (o.sortby >= 0) {
                byval = lookupByPattern(c, c.argBuf, c.argOff[o.sortby], c.argLen[o.sortby], vector[j]);
                if (byval == null) {
                    continue;
                }
            } else {
                byval = vector[j];
            }
            if (o.alpha) {
                if (o.sortby >= 0) {
                    cmpobj[j] = byval;
                }
            } else {
                if (!strtod(reader, byval, out)) {
                    error = true;
                }
                scores[j] = out[0];
            }
        }
        return error;
    }

    private static Pqsort.Cmp comparator(Options o, byte[][] vector, double[] scores, byte[][] cmpobj) {
        boolean store = o.store >= 0;
        boolean bypattern = o.sortby >= 0;
        Pqsort.Cmp cmp;
        if (!o.alpha) {
            cmp = (a, b) -> scores[a] > scores[b] ? 1 : scores[a] < scores[b] ? -1 : binary(vector[a], vector[b]);
        } else if (bypattern) {
            cmp = (a, b) -> {
                byte[] x = cmpobj[a];
                byte[] y = cmpobj[b];
                if (x == null || y == null) {
                    return x == y ? 0 : x == null ? -1 : 1;
                }
                return store ? binary(x, y) : collate(x, y);
            };
        } else {
            cmp = (a, b) -> store ? binary(vector[a], vector[b]) : collate(vector[a], vector[b]);
        }
        if (!o.desc) {
            return cmp;
        }
        Pqsort.Cmp asc = cmp;
        return (a, b) -> -asc.compare(a, b);
    }

    /** compareStringObjects: memcmp, then the shorter first. */
    private static int binary(byte[] a, byte[] b) {
        return Integer.signum(Arrays.compareUnsigned(a, b));
    }

    /** strcoll in the C / C.UTF-8 locale: strcmp of the C strings (up to the first NUL). */
    private static int collate(byte[] a, byte[] b) {
        return Integer.signum(Arrays.compareUnsigned(a, 0, cLen(a), b, 0, cLen(b)));
    }

    private static int cLen(byte[] a) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == 0) {
                return i;
            }
        }
        return a.length;
    }

    // ------------------------------------------------------------------ patterns

    /**
     * lookupKeyByPattern: {@code #} is the element itself; otherwise the first {@code *} of the pattern (as a C
     * string) is replaced by the element and the key read, as a string, or as a hash when {@code ->field} follows
     * the {@code *}. Null when there is no {@code *}, no such key or field, or the key has another type.
     */
    static byte[] lookupByPattern(Client c, byte[] pb, int po, int pl, byte[] subst) {
        if (pl >= 1 && pb[po] == '#' && (pl == 1 || pb[po + 1] == 0)) {
            return subst;
        }
        int star = cIndexOf(pb, po, pl, (byte) '*');
        if (star < 0) {
            return null;
        }
        int clen = cLen(pb, po, pl);
        int arrow = -1;
        for (int k = star + 1; k + 1 < clen; k++) {
            if (pb[po + k] == '-' && pb[po + k + 1] == '>') {
                arrow = k;
                break;
            }
        }
        int fieldlen = 0;
        if (arrow >= 0 && arrow + 2 < clen) {
            fieldlen = pl - arrow - 2;
        } else {
            arrow = -1;
        }
        int postfixlen = pl - (star + 1) - (fieldlen > 0 ? fieldlen + 2 : 0);
        byte[] key = new byte[star + subst.length + postfixlen];
        System.arraycopy(pb, po, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pb, po + star + 1, key, star + subst.length, postfixlen);
        Entry e = lookupRead(c, key);
        if (e == null) {
            return null;
        }
        if (fieldlen > 0) {
            if (e.type() != Entry.TYPE_HASH) {
                return null;
            }
            return ((HashValue) e.value()).get(pb, po + arrow + 2, fieldlen);
        }
        return e.type() == Entry.TYPE_STRING ? e.stringBytes() : null;
    }

    private static int cLen(byte[] b, int off, int len) {
        for (int k = 0; k < len; k++) {
            if (b[off + k] == 0) {
                return k;
            }
        }
        return len;
    }

    /** lookupKeyRead of a key given as bytes: expiry, hit/miss statistics, access time. */
    private static Entry lookupRead(Client c, byte[] key) {
        return c.server.keyspace.lookupRead(c.db, key, 0, key.length, c.noTouch);
    }

    // ------------------------------------------------------------------ output

    private static void reply(Client c, Options o, byte[][] vector, long start, long end, long outputlen) {
        c.array(outputlen);
        for (long j = start; j <= end; j++) {
            byte[] el = vector[(int) j];
            if (o.gets.isEmpty()) {
                c.bulk(el);
            }
            for (int g : o.gets) {
                byte[] v = lookupByPattern(c, c.argBuf, c.argOff[g], c.argLen[g], el);
                if (v == null) {
                    c.nullBulk();
                } else {
                    c.bulk(v);
                }
            }
        }
    }

    private static void store(Client c, Options o, byte[][] vector, long start, long end, long outputlen) {
        TypeLimits lim = c.server.limits;
        Quicklist q = new Quicklist(lim.listSize, lim.listCompressDepth);
        byte[] empty = new byte[0];
        for (long j = start; j <= end; j++) {
            byte[] el = vector[(int) j];
            if (o.gets.isEmpty()) {
                q.pushTail(el);
            }
            for (int g : o.gets) {
                byte[] v = lookupByPattern(c, c.argBuf, c.argOff[g], c.argLen[g], el);
                q.pushTail(v == null ? empty : v);
            }
        }
        Entry old = c.server.lookupWrite(c, o.store);
        if (outputlen > 0) {
            ListValue list = new ListValue();
            adoptOrKeep(list, q, lim.listSize);
            Entry e = c.server.keyspace.replaceValue(c.db, old, c.arg(o.store), Entry.TYPE_LIST, list);
            c.modified(o.store, outputlen);
            c.notify(Notify.LIST, "sortstore", o.store);
        } else if (old != null) {
            c.server.keyspace.delete(c.db, old);
            c.modified(o.store, 1);
            c.notify(Notify.GENERIC, "del", o.store);
        }
        c.integer(outputlen);
    }

    /** listTypeTryConversion(LIST_CONV_AUTO): a single packed node within the node limits becomes a listpack. */
    private static void adoptOrKeep(ListValue list, Quicklist q, int fill) {
        if (q.nodeCount() == 1) {
            QuicklistNode n = q.head();
            if (!n.isPlain() && n.size() <= Quicklist.nodeSizeLimit(fill) && q.count() <= Quicklist.nodeCountLimit(fill)) {
                list.lp = Listpack.adopt(n.rawBytes());
                list.ql = null;
                return;
            }
        }
        list.lp = null;
        list.ql = q;
    }

    // ------------------------------------------------------------------ strtod

    /**
     * The weight of a numeric sort, as sortCommandGeneric reads it: C's {@code strtod} (sds's {@link Strtod}) over
     * the C string (up to the first NUL), into out[0]. Returns false where Redis reports "One or more scores can't
     * be converted into double": bytes left after the number ({@code eptr[0] != '\0'}; text without any number
     * consumes nothing, so only the empty string reads as 0 without error), a NaN, or {@code ERANGE} (overflow to
     * infinity, underflow to zero or to an inexact subnormal).
     */
    public static boolean strtod(Strtod reader, byte[] b, double[] out) {
        int n = Strtod.cStringLength(b, 0, b.length);
        reader.parse(b, 0, n);
        out[0] = reader.value();
        return reader.end() == n && !Double.isNaN(reader.value()) && !reader.erange();
    }
}
