package io.cinnabar.server.internal.type.geo;

/**
 * Redis's geohash arithmetic ({@code geohash.c}, {@code geohash_helper.c}): the 52-bit interleaved cell code a
 * GEOADD stores as a sorted-set score, its decoding, the eight neighbours of a cell, the choice of the nine cells
 * that cover a search area, and the haversine distance on Redis's sphere.
 * <pre>
 *   score (52 bits, step 26) = interleave(lat cell, lon cell)
 *     bit 63 ............................................ bit 0
 *     0 ... 0 | lon25 lat25 lon24 lat24 ... lon0 lat0      (latitude in the even bits, longitude in the odd bits)
 *   lat cell = (uint32)((lat - LAT_MIN) / (LAT_MAX - LAT_MIN) * 2^step)
 *   lon cell = (uint32)((lon - LON_MIN) / (LON_MAX - LON_MIN) * 2^step)
 *   ranges: longitude -180..180, latitude -85.05112878..85.05112878 (EPSG:3785); GEOHASH re-encodes with the
 *   standard -90..90 latitude range to print an 11-character base-32 string
 *   a decoded point is the centre of its cell, clamped to the ranges
 * </pre>
 * A cell of a smaller step is compared with scores after {@link #align52}: the step*2 bits shifted to the top of
 * the 52, so a cell covers the scores {@code [align52(bits), align52(bits + 1))}.
 * <p>
 * Distances use the haversine formula with Redis's earth radius 6372797.560856 m and Redis 7.2's shortcut for
 * points on one meridian. Trigonometry is correctly rounded ({@link GeoMath}); glibc's libm, which Redis uses, is
 * correctly rounded for all but about 0.1% of arguments (measured against glibc 2.36: its error there is just
 * over half a unit in the last place), so about one distance in a few hundred may differ from Redis's in its last
 * bit: invisible in the 4-decimal replies, visible only in the 17 digits of a STOREDIST score.
 * Every method is O(1) (step estimation is O(log(1/radius)) doublings).
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Geohash {
    private Geohash() {
    }

    static final double LON_MIN = -180;
    static final double LON_MAX = 180;
    static final double LAT_MIN = -85.05112878;
    static final double LAT_MAX = 85.05112878;
    static final int STEP_MAX = 26;
    /** Redis's EARTH_RADIUS_IN_METERS (quadratic mean radius of WGS-84). */
    static final double EARTH_RADIUS = 6372797.560856;
    static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    /** Shape kinds of a search. */
    static final int CIRCLE = 1;
    static final int BOX = 2;

    // ------------------------------------------------------------------ bits

    /** Spreads the low 32 bits of v to the even bit positions. */
    private static long spread(long v) {
        v &= 0xFFFFFFFFL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        return (v | (v << 1)) & 0x5555555555555555L;
    }

    /** Gathers the even bits of v into the low 32 bits. */
    private static long squash(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        return (v | (v >>> 16)) & 0xFFFFFFFFL;
    }

    /** interleave64: lat bits in the even positions, lon bits in the odd ones. */
    static long interleave(long latCell, long lonCell) {
        return spread(latCell) | (spread(lonCell) << 1);
    }

    /** The latitude cell (even bits) of a code. */
    static long latCell(long bits) {
        return squash(bits);
    }

    /** The longitude cell (odd bits) of a code. */
    static long lonCell(long bits) {
        return squash(bits >>> 1);
    }

    static long align52(long bits, int step) {
        return bits << (52 - step * 2);
    }

    /**
     * geohashEncode over the given ranges: the cell code of (lon, lat) at step, or -1 when the point is outside
     * the WGS-84 limits or the ranges.
     */
    static long encode(double lonMin, double lonMax, double latMin, double latMax, double lon, double lat,
            int step) {
        if (step > 32 || step == 0) {
            return -1;
        }
        if (lon > LON_MAX || lon < LON_MIN || lat > LAT_MAX || lat < LAT_MIN) {
            return -1;
        }
        if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) {
            return -1;
        }
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return interleave(toUint32(latOffset), toUint32(lonOffset));
    }

    /** C's (uint32_t) of a non-negative double below 2^32. */
    private static long toUint32(double d) {
        return ((long) d) & 0xFFFFFFFFL;
    }

    /** geohashEncodeWGS84 at step. */
    static long encodeWgs84(double lon, double lat, int step) {
        return encode(LON_MIN, LON_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
    }

    /** The GEOADD score of a valid point: the step-26 code aligned to 52 bits. */
    static long score(double lon, double lat) {
        return align52(encodeWgs84(lon, lat, STEP_MAX), STEP_MAX);
    }

    /**
     * geohashDecode over the given ranges: the cell {lonMin, lonMax, latMin, latMax} of a code at step, into out.
     */
    static void decode(double lonMin, double lonMax, double latMin, double latMax, long bits, int step,
            double[] out) {
        long ilat = latCell(bits);
        long ilon = lonCell(bits);
        double cells = (double) (1L << step);
        double latScale = latMax - latMin;
        double lonScale = lonMax - lonMin;
        out[0] = lonMin + (ilon * 1.0 / cells) * lonScale;
        out[1] = lonMin + (((ilon + 1) & 0xFFFFFFFFL) * 1.0 / cells) * lonScale;
        out[2] = latMin + (ilat * 1.0 / cells) * latScale;
        out[3] = latMin + (((ilat + 1) & 0xFFFFFFFFL) * 1.0 / cells) * latScale;
    }

    /** C's (uint64_t) of a double as x86-64 code computes it (cvttsd2si with the 2^63 adjustment). */
    static long toUint64(double d) {
        final double two63 = 9223372036854775808.0;
        if (d != d) {
            return Long.MIN_VALUE; // unordered compare: cvttsd2si of NaN gives the "integer indefinite" value
        }
        if (d < two63) {
            return (long) d; // truncation; below -2^63 both C and Java give Long.MIN_VALUE
        }
        double r = d - two63;
        if (r >= two63) {
            return 0; // indefinite 0x8000000000000000 with bit 63 flipped
        }
        return ((long) r) ^ Long.MIN_VALUE;
    }

    /**
     * decodeGeohash: the point (centre of the step-26 cell, clamped to the WGS-84 limits) that a score names,
     * into xy {lon, lat}. Any score decodes (Redis reads it as {@code (uint64_t)score}).
     */
    static void decodeScore(double score, double[] xy, double[] area) {
        decode(LON_MIN, LON_MAX, LAT_MIN, LAT_MAX, toUint64(score), STEP_MAX, area);
        double x = (area[0] + area[1]) / 2;
        double y = (area[2] + area[3]) / 2;
        xy[0] = Math.max(LON_MIN, Math.min(LON_MAX, x));
        xy[1] = Math.max(LAT_MIN, Math.min(LAT_MAX, y));
    }

    /** The 11-character standard geohash of a point (GEOHASH): re-encoded with latitude -90..90. */
    static byte[] standardHash(double lon, double lat) {
        final String alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        long bits = encode(-180, 180, -90, 90, lon, lat, 26);
        byte[] out = new byte[11];
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((bits >>> (52 - ((i + 1) * 5))) & 0x1f);
            out[i] = (byte) alphabet.charAt(idx);
        }
        return out;
    }

    // ------------------------------------------------------------------ neighbours

    private static long moveX(long bits, int step, int d) {
        long x = bits & 0xaaaaaaaaaaaaaaaaL;
        long y = bits & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - step * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= 0xaaaaaaaaaaaaaaaaL >>> (64 - step * 2);
        return x | y;
    }

    private static long moveY(long bits, int step, int d) {
        long x = bits & 0xaaaaaaaaaaaaaaaaL;
        long y = bits & 0x5555555555555555L;
        long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - step * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= 0x5555555555555555L >>> (64 - step * 2);
        return x | y;
    }

    /** Cell order of {@link Areas}: the centre, then Redis's neighbour order. */
    static final int CENTER = 0;
    static final int NORTH = 1;
    static final int SOUTH = 2;
    static final int EAST = 3;
    static final int WEST = 4;
    static final int NORTH_EAST = 5;
    static final int NORTH_WEST = 6;
    static final int SOUTH_EAST = 7;
    static final int SOUTH_WEST = 8;

    /** The nine cells of a search (GeoHashRadius); a zeroed cell has step 0 and is skipped. */
    static final class Areas {
        final long[] bits = new long[9];
        final int[] steps = new int[9];

        void fill(long center, int step) {
            bits[CENTER] = center;
            bits[EAST] = moveX(center, step, 1);
            bits[WEST] = moveX(center, step, -1);
            bits[SOUTH] = moveY(center, step, -1);
            bits[NORTH] = moveY(center, step, 1);
            bits[NORTH_WEST] = moveY(moveX(center, step, -1), step, 1);
            bits[NORTH_EAST] = moveY(moveX(center, step, 1), step, 1);
            bits[SOUTH_EAST] = moveY(moveX(center, step, 1), step, -1);
            bits[SOUTH_WEST] = moveY(moveX(center, step, -1), step, -1);
            java.util.Arrays.fill(steps, step);
        }

        void zero(int... which) {
            for (int w : which) {
                bits[w] = 0;
                steps[w] = 0;
            }
        }
    }

    // ------------------------------------------------------------------ search areas

    /** geohashEstimateStepsByRadius: the step whose cells are about the size of the search radius. */
    static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    static double degRad(double ang) {
        return ang * D_R;
    }

    static double radDeg(double ang) {
        return ang / D_R;
    }

    /**
     * geohashBoundingBox: {minLon, minLat, maxLon, maxLat} of a search shape, widest at the latitude edge
     * farther from the equator.
     */
    static double[] boundingBox(double lon, double lat, int type, double radius, double width, double height,
            double conversion) {
        double h = conversion * (type == CIRCLE ? radius : height / 2);
        double w = conversion * (type == CIRCLE ? radius : width / 2);
        double latDelta = radDeg(h / EARTH_RADIUS);
        double lonDeltaTop = radDeg(w / EARTH_RADIUS / GeoMath.cos(degRad(lat + latDelta)));
        double lonDeltaBottom = radDeg(w / EARTH_RADIUS / GeoMath.cos(degRad(lat - latDelta)));
        boolean southern = lat < 0;
        return new double[] {
            southern ? lon - lonDeltaBottom : lon - lonDeltaTop,
            lat - latDelta,
            southern ? lon + lonDeltaBottom : lon + lonDeltaTop,
            lat + latDelta};
    }

    /**
     * geohashCalculateAreasByShapeWGS84: the centre cell holding the search centre at the estimated step (one
     * step coarser when a neighbour does not reach the bounding box) and its eight neighbours, minus the
     * neighbours on a side the bounding box does not extend to.
     */
    static Areas areas(double lon, double lat, int type, double radius, double width, double height,
            double conversion) {
        double[] b = boundingBox(lon, lat, type, radius, width, height, conversion);
        double minLon = b[0];
        double minLat = b[1];
        double maxLon = b[2];
        double maxLat = b[3];
        double radiusMeters = type == CIRCLE ? radius
            : Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2));
        radiusMeters *= conversion;
        int steps = estimateSteps(radiusMeters, lat);
        Areas a = new Areas();
        a.fill(encodeWgs84(lon, lat, steps), steps);
        double[] cell = new double[4];
        boolean decrease = false;
        decodeWgs84(a.bits[NORTH], steps, cell);
        decrease |= cell[3] < maxLat;
        decodeWgs84(a.bits[SOUTH], steps, cell);
        decrease |= cell[2] > minLat;
        decodeWgs84(a.bits[EAST], steps, cell);
        decrease |= cell[1] < maxLon;
        decodeWgs84(a.bits[WEST], steps, cell);
        decrease |= cell[0] > minLon;
        if (steps > 1 && decrease) {
            steps--;
            a.fill(encodeWgs84(lon, lat, steps), steps);
        }
        if (steps >= 2) {
            decodeWgs84(a.bits[CENTER], steps, cell);
            if (cell[2] < minLat) {
                a.zero(SOUTH, SOUTH_WEST, SOUTH_EAST);
            }
            if (cell[3] > maxLat) {
                a.zero(NORTH, NORTH_EAST, NORTH_WEST);
            }
            if (cell[0] < minLon) {
                a.zero(WEST, SOUTH_WEST, NORTH_WEST);
            }
            if (cell[1] > maxLon) {
                a.zero(EAST, SOUTH_EAST, NORTH_EAST);
            }
        }
        return a;
    }

    private static void decodeWgs84(long bits, int step, double[] out) {
        decode(LON_MIN, LON_MAX, LAT_MIN, LAT_MAX, bits, step, out);
    }

    // ------------------------------------------------------------------ distances

    /** geohashGetLatDistance: meters between two latitudes on one meridian. */
    static double latDistance(double lat1, double lat2) {
        return EARTH_RADIUS * Math.abs(degRad(lat2) - degRad(lat1));
    }

    /** geohashGetDistance (Redis 7.2): haversine distance in meters. */
    static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lon1r = degRad(lon1);
        double lon2r = degRad(lon2);
        double v = GeoMath.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latDistance(lat1, lat2);
        }
        double lat1r = degRad(lat1);
        double lat2r = degRad(lat2);
        double u = GeoMath.sin((lat2r - lat1r) / 2);
        double a = u * u + GeoMath.cos(lat1r) * GeoMath.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS * GeoMath.asin(Math.sqrt(a));
    }

    /**
     * geohashGetDistanceIfInRectangle (Redis 7.2): the distance from the box centre (x1, y1) to (x2, y2), or -1
     * when the point is outside the box of widthM x heightM meters.
     */
    static double distanceIfInBox(double widthM, double heightM, double x1, double y1, double x2, double y2) {
        if (latDistance(y2, y1) > heightM / 2) {
            return -1;
        }
        if (distance(x2, y2, x1, y2) > widthM / 2) {
            return -1;
        }
        return distance(x1, y1, x2, y2);
    }
}
