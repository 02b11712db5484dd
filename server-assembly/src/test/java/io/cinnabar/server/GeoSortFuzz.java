package io.cinnabar.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random command sequences for the GEO commands and SORT, run through {@link TypeFuzz} (same replies compared
 * byte for byte on a real redis-server 7.0.15 and on Cinnabar).
 * <p>
 * GEO: points cluster around a few centres (Palermo, San Francisco, both sides of the antimeridian, near both
 * latitude limits, the origin), sometimes at exactly the same coordinates (distance ties, which exercise the
 * stable sort and Redis's partial quicksort), and sometimes at the limits or outside them; members include
 * integer-like names (listpack integers) and long names (skiplist conversion with small thresholds); sorted-set
 * scores that are not geohashes are added with ZADD to exercise decoding of any score. Every reply is compared
 * exactly, coordinates and distances digit for digit; STORE results are read back with ZRANGE WITHSCORES and
 * their encodings compared.
 * <p>
 * SORT: lists, sets and sorted sets of numbers, floats, hex, spaces, infinities, out-of-range and non-numeric
 * strings; weights in string keys and hash fields (some missing, some of the wrong type); random BY/GET/LIMIT/
 * ASC/DESC/ALPHA/STORE combinations and errors. Replies are exact except where Redis's own order is not
 * reproducible: a set read without sorting (its hashtable order) is compared as a multiset (only the length with
 * LIMIT), and ALPHA with BY on a set or sorted set (ties keep the hashtable load order) likewise.
 */
final class GeoSortFuzz {
    final TypeFuzz f;
    final Random rnd;
    final boolean small;

    GeoSortFuzz(TypeFuzz f, boolean small) {
        this.f = f;
        this.rnd = f.rnd;
        this.small = small;
    }

    private <T> T pick(List<T> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    private String pick(String... a) {
        return a[rnd.nextInt(a.length)];
    }

    private String caseVariant(String s) {
        return switch (rnd.nextInt(3)) {
            case 0 -> s.toLowerCase();
            case 1 -> s.toUpperCase();
            default -> s.substring(0, 1).toUpperCase() + s.substring(1).toLowerCase();
        };
    }

    // ------------------------------------------------------------------ GEO

    static final double[][] CENTERS = {
        {13.361389, 38.115556}, {15.087269, 37.502669}, {-122.4194, 37.7749}, {179.9, 0.5}, {-179.95, -0.5},
        {0, 0}, {2.35, 85.0}, {-70.0, -84.99}, {100.0, 66.5}, {-45.0, -80.5}};

    final List<double[]> placed = new ArrayList<>();

    String member() {
        int k = rnd.nextInt(20);
        if (k < 14) {
            return "m" + rnd.nextInt(small ? 24 : 60);
        }
        if (k < 17) {
            return String.valueOf(rnd.nextInt(40) - 10);
        }
        if (k < 19) {
            return "long-member-name-" + "x".repeat(rnd.nextInt(3) * 10) + rnd.nextInt(5);
        }
        return "";
    }

    String coord(double v) {
        return switch (rnd.nextInt(4)) {
            case 0 -> String.valueOf(v);
            case 1 -> String.format("%.6f", v);
            case 2 -> String.format("%.2f", v);
            default -> new java.math.BigDecimal(v).toPlainString();
        };
    }

    /** A point: near a centre, a repeat of an earlier point, a limit, or invalid. */
    String[] point() {
        int k = rnd.nextInt(100);
        if (k < 8 && !placed.isEmpty()) {
            double[] p = pick(placed);
            return new String[] {String.valueOf(p[0]), String.valueOf(p[1])};
        }
        if (k < 12) {
            return new String[] {pick("180", "-180", "0", "-0", "179.99999999", "-180.0"),
                pick("85.05112878", "-85.05112878", "0", "85.05112877", "-85.0511287799")};
        }
        if (k < 15) {
            return new String[] {pick("181", "-180.0000001", "10", "abc", "inf", "", " 5", "1e400", "nan"),
                pick("86", "-85.05112879", "10", "-90", "xyz", "-inf", "1e-400")};
        }
        double[] c = CENTERS[rnd.nextInt(CENTERS.length)];
        double spread = pick(List.of(0.0001, 0.01, 0.3, 2.0));
        double lon = Math.max(-180, Math.min(180, c[0] + (rnd.nextDouble() * 2 - 1) * spread));
        double lat = Math.max(-85.05112878, Math.min(85.05112878, c[1] + (rnd.nextDouble() * 2 - 1) * spread));
        placed.add(new double[] {lon, lat});
        return new String[] {coord(lon), coord(lat)};
    }

    String geoKey() {
        int k = rnd.nextInt(20);
        return k < 12 ? "g1" : k < 17 ? "g2" : k < 18 ? "str" : k < 19 ? "h" : "nokey";
    }

    String unit() {
        int k = rnd.nextInt(30);
        if (k == 0) {
            return pick("yards", "", "M ", "kms");
        }
        return caseVariant(pick("m", "km", "ft", "mi"));
    }

    String radius() {
        int k = rnd.nextInt(30);
        if (k == 0) {
            return pick("-1", "abc", "0", "inf", "1e400", "-0");
        }
        double base = pick(List.of(1.0, 50.0, 500.0, 5000.0, 50000.0, 300000.0, 2000000.0, 8000000.0));
        return coord(base * (0.5 + rnd.nextDouble()));
    }

    List<String> searchOptions(boolean store, boolean search) {
        List<String> o = new ArrayList<>();
        if (!store || rnd.nextInt(10) == 0) {
            if (rnd.nextInt(2) == 0) {
                o.add(caseVariant("withcoord"));
            }
            if (rnd.nextInt(2) == 0) {
                o.add(caseVariant("withdist"));
            }
            if (rnd.nextInt(3) == 0) {
                o.add(caseVariant("withhash"));
            }
        }
        int s = rnd.nextInt(4);
        if (s == 1) {
            o.add(caseVariant("asc"));
        } else if (s == 2) {
            o.add(caseVariant("desc"));
        }
        if (rnd.nextInt(2) == 0) {
            o.add(caseVariant("count"));
            o.add(rnd.nextInt(15) == 0 ? pick("0", "-1", "x") : String.valueOf(1 + rnd.nextInt(8)));
            if (rnd.nextInt(3) == 0) {
                o.add(caseVariant("any"));
            }
        } else if (rnd.nextInt(20) == 0) {
            o.add("ANY");
        }
        if (rnd.nextInt(40) == 0) {
            o.add(pick("bogus", "store", "count"));
        }
        Collections.shuffle(o, rnd);
        return o;
    }

    void geoStep() throws IOException {
        int k = rnd.nextInt(100);
        if (k < 22) {
            geoadd();
        } else if (k < 30) {
            List<String> c = new ArrayList<>(List.of(pick("GEOPOS", "GEOHASH"), geoKey()));
            for (int i = rnd.nextInt(5); i >= 0; i--) {
                c.add(member());
            }
            f.step(TypeFuzz.Mode.EXACT, c.toArray(new String[0]));
        } else if (k < 37) {
            List<String> c = new ArrayList<>(List.of("GEODIST", geoKey(), member(), member()));
            if (rnd.nextInt(3) > 0) {
                c.add(unit());
            }
            if (rnd.nextInt(30) == 0) {
                c.add("extra");
            }
            f.step(TypeFuzz.Mode.EXACT, c.toArray(new String[0]));
        } else if (k < 62) {
            geosearch(rnd.nextInt(4) == 0);
        } else if (k < 82) {
            georadius(rnd.nextInt(2) == 0);
        } else if (k < 86) {
            String score = pick("-1", "0", "1", "4503599627370496", "4503599627370495", "1e20", "-1e20", "inf",
                "-inf", "3.7", "9007199254740993", "18446744073709551616", "-9223372036854775808");
            f.step(TypeFuzz.Mode.EXACT, "ZADD", "g2", score, "weird" + rnd.nextInt(3));
        } else if (k < 90) {
            f.step(TypeFuzz.Mode.EXACT, "ZREM", geoKey(), member(), member());
        } else if (k < 91) {
            f.step(TypeFuzz.Mode.EXACT, "DEL", pick("g1", "g2", "dst"));
        } else if (k < 95) {
            scores("ZRANGE", pick("g1", "g2"), "0", "-1", "WITHSCORES");
        } else {
            f.step(TypeFuzz.Mode.EXACT, "ZCARD", pick("g1", "g2"));
        }
        for (String key : new String[] {"g1", "g2", "dst"}) {
            f.step(TypeFuzz.Mode.EXACT, "OBJECT", "ENCODING", key);
        }
    }

    void geoadd() throws IOException {
        List<String> c = new ArrayList<>(List.of("GEOADD", geoKey()));
        int opts = rnd.nextInt(6);
        if (opts == 1) {
            c.add(caseVariant("nx"));
        } else if (opts == 2) {
            c.add(caseVariant("xx"));
        } else if (opts == 3) {
            c.add(caseVariant("ch"));
        } else if (opts == 4) {
            c.addAll(List.of(pick("CH", "NX", "XX"), pick("ch", "nx", "xx", "gt")));
        }
        int n = 1 + rnd.nextInt(small ? 6 : 30);
        for (int i = 0; i < n; i++) {
            String[] p = point();
            c.add(p[0]);
            c.add(p[1]);
            c.add(member());
        }
        if (rnd.nextInt(25) == 0) {
            c.remove(c.size() - 1);
        }
        f.step(TypeFuzz.Mode.EXACT, c.toArray(new String[0]));
    }

    void from(List<String> c) {
        int k = rnd.nextInt(20);
        if (k < 9) {
            c.addAll(List.of(caseVariant("frommember"), member()));
        } else if (k < 18) {
            String[] p = point();
            c.addAll(List.of(caseVariant("fromlonlat"), p[0], p[1]));
        } else if (k == 18) {
            c.addAll(List.of("FROMMEMBER", member(), "FROMLONLAT", "0", "0"));
        }
    }

    void by(List<String> c) {
        int k = rnd.nextInt(20);
        if (k < 11) {
            c.addAll(List.of(caseVariant("byradius"), radius(), unit()));
        } else if (k < 19) {
            c.addAll(List.of(caseVariant("bybox"), radius(), radius(), unit()));
        }
    }

    void geosearch(boolean store) throws IOException {
        List<String> c = new ArrayList<>();
        if (store) {
            c.addAll(List.of("GEOSEARCHSTORE", pick("dst", "dst", "g1", "str"), geoKey()));
        } else {
            c.addAll(List.of(pick("GEOSEARCH", "geosearch", "GeoSearch"), geoKey()));
        }
        List<String> parts = new ArrayList<>();
        List<String> a = new ArrayList<>();
        from(a);
        List<String> b = new ArrayList<>();
        by(b);
        List<String> o = searchOptions(store, true);
        if (store && rnd.nextInt(2) == 0) {
            o.add("STOREDIST");
        }
        // options may come in any order, but FROM/BY keep their arguments together
        List<List<String>> groups = new ArrayList<>(List.of(a, b));
        for (String s : o) {
            groups.add(List.of(s));
        }
        Collections.shuffle(groups, rnd);
        for (List<String> g : groups) {
            parts.addAll(g);
        }
        c.addAll(parts);
        f.step(TypeFuzz.Mode.EXACT, c.toArray(new String[0]));
        if (store) {
            readBack(c.get(1));
        }
    }

    void georadius(boolean byMember) throws IOException {
        boolean ro = rnd.nextInt(4) == 0;
        String name = byMember ? "GEORADIUSBYMEMBER" : "GEORADIUS";
        List<String> c = new ArrayList<>(List.of(ro ? name + "_RO" : name, geoKey()));
        if (byMember) {
            c.add(member());
        } else {
            String[] p = point();
            c.add(p[0]);
            c.add(p[1]);
        }
        c.add(radius());
        c.add(unit());
        boolean store = !ro && rnd.nextInt(4) == 0 || ro && rnd.nextInt(20) == 0;
        List<String> o = searchOptions(store, false);
        String dst = null;
        if (store) {
            dst = pick("dst", "dst", "g2");
            o.add(rnd.nextInt(o.size() + 1), pick("STORE", "STOREDIST", "store", "storedist"));
            o.add(o.indexOf(o.stream().filter(s -> s.equalsIgnoreCase("store") || s.equalsIgnoreCase("storedist"))
                .findFirst().get()) + 1, dst);
        }
        c.addAll(o);
        f.step(TypeFuzz.Mode.EXACT, c.toArray(new String[0]));
        if (dst != null) {
            readBack(dst);
        }
    }

    void readBack(String key) throws IOException {
        scores("ZRANGE", key, "0", "-1", "WITHSCORES");
        f.step(TypeFuzz.Mode.EXACT, "TYPE", key);
    }

    /**
     * A reply with scores, compared by value: 7.0 prints scores with %.17g where 7.2 prints the shortest
     * round-trip text (COMPATIBILITY.md), so number-like leaves are compared as the doubles they denote, within
     * 4 units in the last place (a STOREDIST score is a distance: glibc's sin/cos/asin are not correctly rounded
     * for about 0.1% of arguments, ours are; see Geohash). Everything else, members and their order included, is
     * compared exactly.
     */
    void scores(String... cmd) throws IOException {
        f.steps++;
        Object[] r = f.both(cmd);
        if (!sameNumeric(r[0], r[1])) {
            f.diff(String.join(" ", cmd), TypeFuzz.str(r[0]), TypeFuzz.str(r[1]));
        }
    }

    static boolean sameNumeric(Object a, Object b) {
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameNumeric(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (!(a instanceof String s) || !(b instanceof String t)) {
            return false;
        }
        if (s.equals(t)) {
            return true;
        }
        Double u = number(s);
        Double v = number(t);
        return u != null && v != null && Math.abs(u - v) <= 4 * Math.ulp(Math.max(Math.abs(u), Math.abs(v)));
    }

    static Double number(String s) {
        if (s.length() > 1 && (s.charAt(0) == '$' || s.charAt(0) == ',')) {
            try {
                return Double.parseDouble(s.substring(1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ SORT

    static final List<String> VALUES = List.of("1", "2", "3", "10", "-5", "0", "007", "1.5", "-0.25", "1e3",
        "0x10", " 12", "12 ", "inf", "-inf", "", "abc", "a", "B", "b", "1e400", "1e-400", "nan", "3.0", "99999999999",
        "9007199254740993", "-0", "+4", "5\u00007", "\u00e9t\u00e9", "2.5e-310", "0x1p-1074", "infinity", ".5", "5.",
        "1e", "0x", "-", "4.9e-324");

    String value() {
        int k = rnd.nextInt(10);
        if (k < 5) {
            return String.valueOf(rnd.nextInt(30) - 10);
        }
        if (k < 6) {
            return String.valueOf(rnd.nextInt(1000) / 8.0);
        }
        if (k < 7) {
            return "s" + rnd.nextInt(12);
        }
        return pick(VALUES);
    }

    /** A value that is always a valid number (so that numeric sorts get past the weights). */
    String number() {
        return rnd.nextInt(4) == 0 ? pick("1.5", "-2", "1e3", " 7", "0x1A", "inf", "-0", "3")
            : String.valueOf(rnd.nextInt(20) - 5);
    }

    boolean numericOnly;

    void sortSetup() throws IOException {
        numericOnly = rnd.nextBoolean();
        f.both("DEL", "l", "s", "si", "z", "dst");
        int n = 1 + rnd.nextInt(small ? 12 : 60);
        List<String> l = new ArrayList<>(List.of("RPUSH", "l"));
        List<String> s = new ArrayList<>(List.of("SADD", "s"));
        List<String> si = new ArrayList<>(List.of("SADD", "si"));
        List<String> z = new ArrayList<>(List.of("ZADD", "z"));
        java.util.Set<String> inZ = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            String v = numericOnly ? number() : value();
            l.add(v);
            // "5\u00007" ties with "5" under ALPHA (strcoll stops at the NUL): in a set or sorted set the tie order
            // is the hashtable's, so that value only goes to the list
            v = v.indexOf(0) >= 0 ? "nul" + i : v;
            s.add(v);
            si.add(String.valueOf(rnd.nextInt(100) - 20));
            if (inZ.add(v)) { // distinct members: 7.0 and 7.2 size a new zset differently when ZADD repeats one
                z.add(String.valueOf(rnd.nextInt(5)));
                z.add(v);
            }
        }
        f.step(TypeFuzz.Mode.EXACT, l.toArray(new String[0]));
        f.step(TypeFuzz.Mode.EXACT, s.toArray(new String[0]));
        f.step(TypeFuzz.Mode.EXACT, si.toArray(new String[0]));
        f.step(TypeFuzz.Mode.EXACT, z.toArray(new String[0]));
        // weights: strings w_<v>, hashes h_<v> with fields f and g; some missing, some of another type
        List<String> elems = new ArrayList<>(l.subList(2, l.size()));
        elems.addAll(si.subList(2, si.size()));
        for (String v : elems) {
            int k = rnd.nextInt(10);
            if (k < 6) {
                f.both("SET", "w_" + v, numericOnly || rnd.nextInt(3) > 0 ? number() : value());
            } else if (k == 6) {
                f.both("RPUSH", "w_" + v, "x");
            }
            if (rnd.nextInt(10) < 7) {
                f.both("HSET", "h_" + v, "f", numericOnly || rnd.nextInt(3) > 0 ? number() : value(), "g",
                    "G" + rnd.nextInt(4));
            }
        }
        f.both("SET", "w_", "4");
    }

    int sorts;

    void sortStep() throws IOException {
        if (sorts++ % 15 == 0) {
            sortSetup();
        }
        String key = pick("l", "l", "l", "s", "si", "z", "z", "str", "h_1", "nokey");
        boolean ro = rnd.nextInt(5) == 0;
        List<String> c = new ArrayList<>(List.of(ro ? "SORT_RO" : "SORT", key));
        List<List<String>> opts = new ArrayList<>();
        String by = null;
        if (rnd.nextInt(2) == 0) {
            by = pick("w_*", "w_*", "h_*->f", "h_*->g", "nosort", "missing_*", "h_*->", "w_*->f", "h_*->nofield",
                "#", "*");
            opts.add(List.of(caseVariant("by"), by));
        }
        int gets = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 0;
        for (int i = 0; i < gets; i++) {
            opts.add(List.of(caseVariant("get"), pick("#", "#", "w_*", "h_*->f", "h_*->g", "nostar", "h_*->", "*",
                "w_*_x")));
        }
        boolean limit = rnd.nextInt(2) == 0;
        if (limit) {
            opts.add(List.of(caseVariant("limit"), String.valueOf(rnd.nextInt(12) - 2),
                rnd.nextInt(20) == 0 ? "x" : String.valueOf(rnd.nextInt(12) - 2)));
        }
        int dir = rnd.nextInt(4);
        if (dir == 1) {
            opts.add(List.of(caseVariant("asc")));
        } else if (dir == 2) {
            opts.add(List.of(caseVariant("desc")));
        }
        boolean alpha = rnd.nextInt(3) == 0;
        if (alpha) {
            opts.add(List.of(caseVariant("alpha")));
        }
        boolean store = rnd.nextInt(4) == 0;
        String dst = pick("dst", "dst", "l2");
        if (store) {
            opts.add(List.of(caseVariant("store"), dst));
        }
        if (rnd.nextInt(40) == 0) {
            opts.add(List.of(pick("bogus", "limit", "get"))); // never BY: it would change the comparison mode
        }
        Collections.shuffle(opts, rnd);
        for (List<String> o : opts) {
            c.addAll(o);
        }
        boolean set = key.equals("s") || key.equals("si");
        boolean dontsort = by != null && !by.contains("*");
        boolean zsetOrSet = set || key.equals("z");
        TypeFuzz.Mode mode = TypeFuzz.Mode.EXACT;
        if (set && dontsort && !store || zsetOrSet && alpha && by != null && !dontsort) {
            mode = limit ? TypeFuzz.Mode.SHAPE : TypeFuzz.Mode.SORTED;
        }
        f.step(mode, c.toArray(new String[0]));
        if (store && !ro) {
            f.step(mode, "LRANGE", dst, "0", "-1");
            f.step(TypeFuzz.Mode.EXACT, "TYPE", dst);
            if (mode != TypeFuzz.Mode.EXACT) {
                f.both("DEL", dst); // the two lists may differ in order: keep the keyspaces equal
            }
        }
        f.step(TypeFuzz.Mode.EXACT, "OBJECT", "ENCODING", "z");
        // sort.c tests errno == ERANGE without clearing errno first, so an ERANGE left by an earlier strtod makes
        // a later numeric SORT fail in Redis. A ZADD parses its score with string2d, which sets errno to 0.
        f.both("ZADD", "errno-reset", "0", "x");
    }
}
