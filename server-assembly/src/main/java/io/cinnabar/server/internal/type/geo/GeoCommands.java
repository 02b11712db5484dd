package io.cinnabar.server.internal.type.geo;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.Pqsort;
import io.cinnabar.server.internal.type.TypeCommands;
import io.cinnabar.server.internal.type.zset.ZSetCommands;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.sds.LongDouble;
import io.cinnabar.sds.Numbers;
import io.cinnabar.skiplist.ScoreRange;
import io.cinnabar.skiplist.ZSkipList;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The GEO commands of Redis 7.2 ({@code geo.c}) over sorted sets whose scores are {@link Geohash} codes: GEOADD
 * (NX, XX, CH; run as the ZADD it rewrites to), GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
 * GEORADIUSBYMEMBER and their _RO forms.
 * <p>
 * A search covers the nine cells {@link Geohash#areas} picks; each cell is a score range {@code [min, max)} read in
 * score order from the listpack or the skip list, and every point in it is kept when it lies in the circle
 * (haversine distance &lt;= radius) or the box. Results keep that order unless ASC/DESC (or COUNT without ANY, which
 * implies ASC) sorts them by distance: a full stable sort, or Redis's partial {@link Pqsort} when COUNT cuts the
 * list, so that ties come out as Redis's do. COUNT n ANY stops scanning after n matches. Distances are printed with
 * Redis 7.2's {@code fixedpoint_d2string} (4 decimals, {@link Numbers#fixedpointD2string}); coordinates as
 * {@code long double} text ({@code %.17Lf} trimmed, {@link LongDouble#toHumanString}), a RESP3 double in RESP3.
 * Costs: O(M) per searched cell for M members in the listpack, O(log N + M) in the skip list, plus O(K log K) to
 * sort K matches.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class GeoCommands {
    private GeoCommands() {
    }

    private static final int COORDS = 1;
    private static final int MEMBER = 2;
    private static final int NOSTORE = 4;
    private static final int SEARCH = 8;
    private static final int SEARCHSTORE = 16;
    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;

    public static void register(CommandTable t) {
        t.impl("geoadd", GeoCommands::geoadd);
        t.impl("geopos", GeoCommands::geopos);
        t.impl("geodist", GeoCommands::geodist);
        t.impl("geohash", GeoCommands::geohash);
        t.impl("georadius", c -> search(c, 1, COORDS));
        t.impl("georadius_ro", c -> search(c, 1, COORDS | NOSTORE));
        t.impl("georadiusbymember", c -> search(c, 1, MEMBER));
        t.impl("georadiusbymember_ro", c -> search(c, 1, MEMBER | NOSTORE));
        t.impl("geosearch", c -> search(c, 1, SEARCH));
        t.impl("geosearchstore", c -> search(c, 2, SEARCH | SEARCHSTORE));
    }

    // ------------------------------------------------------------------ argument helpers

    /** strcasecmp(arg, lower) == 0: compares the argument as a C string (up to its first NUL byte). */
    public static boolean optIs(Client c, int i, String lower) {
        int len = c.argLen[i];
        int off = c.argOff[i];
        for (int k = 0; k < len; k++) {
            if (c.argBuf[off + k] == 0) {
                len = k;
                break;
            }
        }
        if (len != lower.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int ch = c.argBuf[off + k];
            if (ch >= 'A' && ch <= 'Z') {
                ch += 32;
            }
            if (ch != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** getDoubleFromObjectOrReply: NaN after replying err (default "value is not a valid float"). */
    private static double argDouble(Client c, int i, String err) {
        double d = ZSetCommands.argDouble(c, i);
        if (Double.isNaN(d)) {
            c.error(err == null ? ZSetCommands.NOT_FLOAT : err);
        }
        return d;
    }

    /** extractLongLatOrReply: the pair at args i, i+1 into xy, or false after replying the error. */
    private static boolean lonLat(Client c, int i, double[] xy) {
        for (int k = 0; k < 2; k++) {
            xy[k] = argDouble(c, i + k, null);
            if (Double.isNaN(xy[k])) {
                return false;
            }
        }
        if (xy[0] < Geohash.LON_MIN || xy[0] > Geohash.LON_MAX || xy[1] < Geohash.LAT_MIN
                || xy[1] > Geohash.LAT_MAX) {
            c.error("ERR invalid longitude,latitude pair " + printfF(xy[0]) + "," + printfF(xy[1]));
            return false;
        }
        return true;
    }

    /** C's {@code %f}: the exact binary value rounded half-even to 6 decimals, sign kept on zero. */
    static String printfF(double d) {
        if (Double.isNaN(d)) {
            return Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        if (Double.doubleToRawLongBits(d) < 0 && s.charAt(0) != '-') {
            s = "-" + s;
        }
        return s;
    }

    /** extractUnitOrReply: meters per unit, or -1 after replying the error. */
    private static double unit(Client c, int i) {
        if (optIs(c, i, "m")) {
            return 1;
        } else if (optIs(c, i, "km")) {
            return 1000;
        } else if (optIs(c, i, "ft")) {
            return 0.3048;
        } else if (optIs(c, i, "mi")) {
            return 1609.34;
        }
        c.error("ERR unsupported unit provided. please use M, KM, FT, MI");
        return -1;
    }

    /** The search shape (GeoShape). */
    private static final class Shape {
        int type;
        final double[] xy = new double[2];
        double conversion;
        double radius;
        double width;
        double height;
    }

    /** extractDistanceOrReply: radius and unit at args i, i+1. */
    private static boolean radius(Client c, int i, Shape s) {
        double d = argDouble(c, i, "ERR need numeric radius");
        if (Double.isNaN(d)) {
            return false;
        }
        if (d < 0) {
            c.error("ERR radius cannot be negative");
            return false;
        }
        s.radius = d;
        double u = unit(c, i + 1);
        if (u < 0) {
            return false;
        }
        s.conversion = u;
        return true;
    }

    /** extractBoxOrReply: width, height and unit at args i..i+2. */
    private static boolean box(Client c, int i, Shape s) {
        double w = argDouble(c, i, "ERR need numeric width");
        if (Double.isNaN(w)) {
            return false;
        }
        double h = argDouble(c, i + 1, "ERR need numeric height");
        if (Double.isNaN(h)) {
            return false;
        }
        if (h < 0 || w < 0) {
            c.error("ERR height or width cannot be negative");
            return false;
        }
        s.height = h;
        s.width = w;
        double u = unit(c, i + 2);
        if (u < 0) {
            return false;
        }
        s.conversion = u;
        return true;
    }

    /** longLatFromMember: the position of the member at arg i into xy; false when it is not in the set. */
    private static boolean memberPos(ZSetValue z, Client c, int i, double[] xy) {
        double score = z.score(c.argBuf, c.argOff[i], c.argLen[i]);
        if (Double.isNaN(score)) {
            return false;
        }
        Geohash.decodeScore(score, xy, new double[4]);
        return true;
    }

    /** addReplyHumanLongDouble: a bulk string in RESP2, a RESP3 double in RESP3. */
    private static void humanDouble(Client c, double v) {
        byte[] t = LongDouble.valueOf(v).toHumanBytes();
        if (c.resp == 2) {
            c.bulk(t);
            return;
        }
        byte[] r = new byte[t.length + 3];
        r[0] = ',';
        System.arraycopy(t, 0, r, 1, t.length);
        r[r.length - 2] = '\r';
        r[r.length - 1] = '\n';
        c.raw(r);
    }

    /** addReplyDoubleDistance: 4 decimals, always a bulk string. */
    private static void distanceReply(Client c, double d) {
        byte[] b = new byte[64];
        int n = Numbers.fixedpointD2string(d, 4, b, 0);
        c.bulk(b, 0, n);
    }

    // ------------------------------------------------------------------ GEOADD

    /**
     * GEOADD key [NX|XX] [CH] lon lat member ...: validates every pair, then runs ZADD over the rewritten
     * arguments (options, then score/member pairs), as Redis does; the client's arguments are restored after.
     */
    static void geoadd(Client c) {
        boolean xx = false;
        boolean nx = false;
        int longidx = 2;
        while (longidx < c.argc) {
            if (optIs(c, longidx, "nx")) {
                nx = true;
            } else if (optIs(c, longidx, "xx")) {
                xx = true;
            } else if (!optIs(c, longidx, "ch")) {
                break;
            }
            longidx++;
        }
        if ((c.argc - longidx) % 3 != 0 || (xx && nx)) {
            c.error(Shared.SYNTAX);
            return;
        }
        int elements = (c.argc - longidx) / 3;
        long[] scores = new long[elements];
        double[] xy = new double[2];
        for (int i = 0; i < elements; i++) {
            if (!lonLat(c, longidx + i * 3, xy)) {
                return;
            }
            scores[i] = Geohash.score(xy[0], xy[1]);
        }
        runAsZadd(c, longidx, scores);
    }

    private static void runAsZadd(Client c, int longidx, long[] scores) {
        int elements = scores.length;
        int argc = longidx + elements * 2;
        byte[] zadd = {'z', 'a', 'd', 'd'};
        int total = zadd.length;
        for (int i = 1; i < longidx; i++) {
            total += c.argLen[i];
        }
        for (int i = 0; i < elements; i++) {
            total += Numbers.MAX_LONG_CHARS + c.argLen[longidx + i * 3 + 2];
        }
        byte[] buf = new byte[total];
        int[] off = new int[Math.max(argc, 1)];
        int[] len = new int[off.length];
        int p = 0;
        System.arraycopy(zadd, 0, buf, 0, zadd.length);
        len[0] = zadd.length;
        p = zadd.length;
        for (int i = 1; i < longidx; i++) {
            p = put(buf, p, off, len, i, c.argBuf, c.argOff[i], c.argLen[i]);
        }
        for (int i = 0; i < elements; i++) {
            off[longidx + i * 2] = p;
            int end = p + Numbers.ll2string(scores[i], buf, p);
            len[longidx + i * 2] = end - p;
            p = end;
            int m = longidx + i * 3 + 2;
            p = put(buf, p, off, len, longidx + i * 2 + 1, c.argBuf, c.argOff[m], c.argLen[m]);
        }
        byte[] oldBuf = c.argBuf;
        int[] oldOff = c.argOff;
        int[] oldLen = c.argLen;
        int oldArgc = c.argc;
        c.argBuf = buf;
        c.argOff = off;
        c.argLen = len;
        c.argc = argc;
        long dirty = c.server.keyspace.dirty;
        try {
            ZSetCommands.zadd(c);
            if (c.server.keyspace.dirty != dirty && Rewrites.active(c)) {
                // as Redis: GEOADD propagates as the ZADD it ran (lower-case "zadd", integer scores)
                byte[][] argv = new byte[argc][];
                for (int i = 0; i < argc; i++) {
                    argv[i] = java.util.Arrays.copyOfRange(buf, off[i], off[i] + len[i]);
                }
                Rewrites.rewrite(c, argv);
            }
        } finally {
            c.argBuf = oldBuf;
            c.argOff = oldOff;
            c.argLen = oldLen;
            c.argc = oldArgc;
        }
    }

    private static int put(byte[] buf, int p, int[] off, int[] len, int slot, byte[] src, int so, int sl) {
        System.arraycopy(src, so, buf, p, sl);
        off[slot] = p;
        len[slot] = sl;
        return p + sl;
    }

    // ------------------------------------------------------------------ GEOPOS, GEODIST, GEOHASH

    static void geopos(Client c) {
        positions(c, false);
    }

    /** GEOPOS (each member's [longitude, latitude], or a null array) or GEOHASH (its geohash, or a null bulk). */
    private static void positions(Client c, boolean asGeohash) {
        Entry zKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
            return;
        }
        ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
        c.array(c.argc - 2);
        double[] xy = new double[2];
        for (int j = 2; j < c.argc; j++) {
            if (z == null || !memberPos(z, c, j, xy)) {
                if (asGeohash) {
                    c.nullBulk();
                } else {
                    c.nullArray();
                }
            } else if (asGeohash) {
                c.bulk(Geohash.standardHash(xy[0], xy[1]));
            } else {
                c.array(2);
                humanDouble(c, xy[0]);
                humanDouble(c, xy[1]);
            }
        }
    }

    static void geodist(Client c) {
        double toMeter = 1;
        if (c.argc == 5) {
            toMeter = unit(c, 4);
            if (toMeter < 0) {
                return;
            }
        } else if (c.argc > 5) {
            c.error(Shared.SYNTAX);
            return;
        }
        Entry zKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
            return;
        }
        ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
        double[] a = new double[2];
        double[] b = new double[2];
        if (z == null || !memberPos(z, c, 2, a) || !memberPos(z, c, 3, b)) {
            c.nullBulk();
            return;
        }
        distanceReply(c, Geohash.distance(a[0], a[1], b[0], b[1]) / toMeter);
    }

    static void geohash(Client c) {
        positions(c, true);
    }

    // ------------------------------------------------------------------ searches

    /** The matches of a search (geoArray). */
    private static final class Points {
        int n;
        byte[][] member = new byte[8][];
        double[] lon = new double[8];
        double[] lat = new double[8];
        double[] dist = new double[8];
        double[] score = new double[8];

        void add(byte[] m, double x, double y, double d, double s) {
            if (n == member.length) {
                int cap = n * 2;
                member = Arrays.copyOf(member, cap);
                lon = Arrays.copyOf(lon, cap);
                lat = Arrays.copyOf(lat, cap);
                dist = Arrays.copyOf(dist, cap);
                score = Arrays.copyOf(score, cap);
            }
            member[n] = m;
            lon[n] = x;
            lat[n] = y;
            dist[n] = d;
            score[n++] = s;
        }
    }

    /** The parsed options of a search. */
    private static final class Options {
        int storeArg = -1;
        boolean storedist;
        boolean withdist;
        boolean withhash;
        boolean withcoords;
        boolean frommember;
        boolean fromloc;
        boolean byradius;
        boolean bybox;
        int sort = SORT_NONE;
        boolean any;
        long count;
    }

    /** georadiusGeneric: every search command, flags telling which. */
    static void search(Client c, int srcKeyIndex, int flags) {
        Entry zKey = c.server.lookupRead(c, srcKeyIndex);
        if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
            return;
        }
        ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
        Shape shape = new Shape();
        Options o = new Options();
        int base;
        if ((flags & COORDS) != 0) {
            base = 6;
            shape.type = Geohash.CIRCLE;
            if (!lonLat(c, 2, shape.xy) || !radius(c, base - 2, shape)) {
                return;
            }
        } else if ((flags & MEMBER) != 0 && z == null) {
            base = 5; // no source key: parse the options anyway to pick the reply
        } else if ((flags & MEMBER) != 0) {
            base = 5;
            shape.type = Geohash.CIRCLE;
            if (!memberPos(z, c, 2, shape.xy)) {
                c.error("ERR could not decode requested zset member");
                return;
            }
            if (!radius(c, base - 2, shape)) {
                return;
            }
        } else {
            base = 2;
            if ((flags & SEARCHSTORE) != 0) {
                base = 3;
                o.storeArg = 1;
            }
        }
        if (!parseOptions(c, base, flags, z, shape, o) || !checkOptions(c, flags, o)) {
            return;
        }
        if (z == null) {
            if (o.storeArg >= 0) {
                Entry old = c.server.lookupWrite(c, o.storeArg);
                if (old != null) {
                    c.server.keyspace.delete(c.db, old);
                    c.modified(o.storeArg, 1);
                    c.notify(Notify.GENERIC, "del", o.storeArg);
                }
                c.integer(0);
            } else {
                c.array(0);
            }
            return;
        }
        if (o.count != 0 && o.sort == SORT_NONE && !o.any) {
            o.sort = SORT_ASC;
        }
        Points ga = new Points();
        Geohash.Areas areas = Geohash.areas(shape.xy[0], shape.xy[1], shape.type, shape.radius, shape.width,
            shape.height, shape.conversion);
        membersOfAllNeighbors(z, areas, shape, ga, o.any ? o.count : 0);
        if (ga.n == 0 && o.storeArg < 0) {
            c.array(0);
            return;
        }
        int returned = (int) (o.count == 0 || ga.n < o.count ? ga.n : o.count);
        int[] order = sortPoints(ga, returned, o.sort);
        if (o.storeArg < 0) {
            reply(c, ga, order, returned, shape.conversion, o);
        } else {
            List<byte[]> ms = new ArrayList<>(returned);
            List<Double> ss = new ArrayList<>(returned);
            for (int i = 0; i < returned; i++) {
                int k = order[i];
                ms.add(ga.member[k]);
                ss.add(o.storedist ? ga.dist[k] / shape.conversion : ga.score[k]);
            }
            ZSetCommands.storeResult(c, o.storeArg, ms, ss,
                (flags & SEARCH) != 0 ? "geosearchstore" : "georadiusstore", true);
        }
    }

    private static boolean parseOptions(Client c, int base, int flags, ZSetValue z, Shape shape, Options o) {
        int remaining = c.argc - base;
        boolean geosearch = (flags & SEARCH) != 0;
        boolean storeAllowed = (flags & NOSTORE) == 0 && !geosearch;
        for (int i = 0; i < remaining; i++) {
            int a = base + i;
            if (optIs(c, a, "withdist")) {
                o.withdist = true;
            } else if (optIs(c, a, "withhash")) {
                o.withhash = true;
            } else if (optIs(c, a, "withcoord")) {
                o.withcoords = true;
            } else if (optIs(c, a, "any")) {
                o.any = true;
            } else if (optIs(c, a, "asc")) {
                o.sort = SORT_ASC;
            } else if (optIs(c, a, "desc")) {
                o.sort = SORT_DESC;
            } else if (optIs(c, a, "count") && i + 1 < remaining) {
                if (!c.argLong(a + 1)) {
                    return false;
                }
                o.count = c.ctx.tmp[0];
                if (o.count <= 0) {
                    c.error("ERR COUNT must be > 0");
                    return false;
                }
                i++;
            } else if (optIs(c, a, "store") && i + 1 < remaining && storeAllowed) {
                o.storeArg = a + 1;
                o.storedist = false;
                i++;
            } else if (optIs(c, a, "storedist") && i + 1 < remaining && storeAllowed) {
                o.storeArg = a + 1;
                o.storedist = true;
                i++;
            } else if (optIs(c, a, "storedist") && geosearch && (flags & SEARCHSTORE) != 0) {
                o.storedist = true;
            } else if (optIs(c, a, "frommember") && i + 1 < remaining && geosearch && !o.fromloc) {
                if (z != null && !memberPos(z, c, a + 1, shape.xy)) {
                    c.error("ERR could not decode requested zset member");
                    return false;
                }
                o.frommember = true;
                i++;
            } else if (optIs(c, a, "fromlonlat") && i + 2 < remaining && geosearch && !o.frommember) {
                if (!lonLat(c, a + 1, shape.xy)) {
                    return false;
                }
                o.fromloc = true;
                i += 2;
            } else if (optIs(c, a, "byradius") && i + 2 < remaining && geosearch && !o.bybox) {
                if (!radius(c, a + 1, shape)) {
                    return false;
                }
                shape.type = Geohash.CIRCLE;
                o.byradius = true;
                i += 2;
            } else if (optIs(c, a, "bybox") && i + 3 < remaining && geosearch && !o.byradius) {
                if (!box(c, a + 1, shape)) {
                    return false;
                }
                shape.type = Geohash.BOX;
                o.bybox = true;
                i += 3;
            } else {
                c.error(Shared.SYNTAX);
                return false;
            }
        }
        return true;
    }

    private static boolean checkOptions(Client c, int flags, Options o) {
        if (o.storeArg >= 0 && (o.withdist || o.withhash || o.withcoords)) {
            c.error("ERR " + ((flags & SEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return false;
        }
        if ((flags & SEARCH) != 0 && !(o.frommember || o.fromloc)) {
            c.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + cmdName(c));
            return false;
        }
        if ((flags & SEARCH) != 0 && !(o.byradius || o.bybox)) {
            c.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + cmdName(c));
            return false;
        }
        if (o.any && o.count == 0) {
            c.error("ERR the ANY argument requires COUNT argument");
            return false;
        }
        return true;
    }

    /** argv[0] as a C string, as the user typed it. */
    private static String cmdName(Client c) {
        int len = c.argLen[0];
        for (int k = 0; k < len; k++) {
            if (c.argBuf[c.argOff[0] + k] == 0) {
                len = k;
                break;
            }
        }
        return new String(c.argBuf, c.argOff[0], len, StandardCharsets.ISO_8859_1);
    }

    /** membersOfAllNeighbors: scans the nine cells, skipping zeroed ones and a repeat of the previous one. */
    private static void membersOfAllNeighbors(ZSetValue z, Geohash.Areas a, Shape s, Points ga, long limit) {
        int last = 0;
        for (int i = 0; i < 9; i++) {
            if (a.bits[i] == 0 && a.steps[i] == 0) {
                continue;
            }
            if (last != 0 && a.bits[i] == a.bits[last] && a.steps[i] == a.steps[last]) {
                continue;
            }
            if (ga.n != 0 && limit != 0 && ga.n >= limit) {
                break;
            }
            long min = Geohash.align52(a.bits[i], a.steps[i]);
            long max = Geohash.align52(a.bits[i] + 1, a.steps[i]);
            pointsInRange(z, (double) min, (double) max, s, ga, limit);
            last = i;
        }
    }

    /** geoGetPointsInRange: the members with min &lt;= score &lt; max that lie in the shape, in score order. */
    private static void pointsInRange(ZSetValue z, double min, double max, Shape s, Points ga, long limit) {
        double[] xy = new double[2];
        double[] area = new double[4];
        if (z.lp != null) {
            Listpack lp = z.lp;
            for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
                double score = ZSetValue.lpScore(lp, lp.next(p));
                if (score < min) {
                    continue;
                }
                if (score >= max) {
                    break;
                }
                double d = within(s, score, xy, area);
                if (d >= 0) {
                    ga.add(lp.getBytes(p), xy[0], xy[1], d, score);
                }
                if (ga.n != 0 && limit != 0 && ga.n >= limit) {
                    break;
                }
            }
            return;
        }
        ZSkipList.Node n = z.zsl.firstInRange(new ScoreRange(min, max, false, true));
        for (; n != null && n.score() < max; n = n.next()) {
            double d = within(s, n.score(), xy, area);
            if (d >= 0) {
                ga.add(n.member(), xy[0], xy[1], d, n.score());
            }
            if (ga.n != 0 && limit != 0 && ga.n >= limit) {
                break;
            }
        }
    }

    /** geoWithinShape: the distance from the centre when the point of score is in the shape, else -1. */
    private static double within(Shape s, double score, double[] xy, double[] area) {
        Geohash.decodeScore(score, xy, area);
        if (s.type == Geohash.CIRCLE) {
            double d = Geohash.distance(s.xy[0], s.xy[1], xy[0], xy[1]);
            return d > s.radius * s.conversion ? -1 : d;
        }
        return Geohash.distanceIfInBox(s.width * s.conversion, s.height * s.conversion, s.xy[0], s.xy[1], xy[0],
            xy[1]);
    }

    /** The reply order of the matches: scan order, or sorted by distance (partially when COUNT cuts it). */
    private static int[] sortPoints(Points ga, int returned, int sort) {
        int[] order = new int[ga.n];
        for (int i = 0; i < ga.n; i++) {
            order[i] = i;
        }
        if (sort == SORT_NONE) {
            return order;
        }
        double[] dist = ga.dist;
        Pqsort.Cmp asc = (x, y) -> dist[x] > dist[y] ? 1 : dist[x] == dist[y] ? 0 : -1;
        Pqsort.Cmp cmp = sort == SORT_ASC ? asc : (x, y) -> -asc.compare(x, y);
        if (returned == ga.n) {
            Pqsort.stable(order, ga.n, cmp);
        } else {
            Pqsort.partial(order, ga.n, cmp, 0, returned - 1);
        }
        return order;
    }

    private static void reply(Client c, Points ga, int[] order, int returned, double conversion, Options o) {
        int optionLength = (o.withdist ? 1 : 0) + (o.withcoords ? 1 : 0) + (o.withhash ? 1 : 0);
        c.array(returned);
        for (int i = 0; i < returned; i++) {
            int k = order[i];
            if (optionLength > 0) {
                c.array(optionLength + 1);
            }
            c.bulk(ga.member[k]);
            if (o.withdist) {
                distanceReply(c, ga.dist[k] / conversion);
            }
            if (o.withhash) {
                c.integer(toLongLong(ga.score[k]));
            }
            if (o.withcoords) {
                c.array(2);
                humanDouble(c, ga.lon[k]);
                humanDouble(c, ga.lat[k]);
            }
        }
    }

    /** C's (long long) of a double on x86-64: truncation, out of range (and NaN) is Long.MIN_VALUE. */
    private static long toLongLong(double d) {
        if (d != d || d >= 9223372036854775808.0) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }
}
