package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GEO and SORT behaviour of Redis 7.2 that the 7.0.15 oracle cannot show (7.2's distance text, listpack lists
 * from SORT STORE), and the documented replies of Redis's GEO examples, in RESP2 and RESP3.
 */
class GeoSortServerTest {
    static CinnabarServer server;
    static RespClient c;

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        c = new RespClient(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        c.close();
        server.close();
    }

    @BeforeEach
    void reset() throws Exception {
        c.call("HELLO", "2");
        c.call("FLUSHALL");
        c.call("CONFIG", "SET", "list-max-listpack-size", "-2");
    }

    static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void documentedExamples() throws Exception {
        assertEquals(":2\r\n", c.call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269",
            "37.502669", "Catania"));
        assertEquals(bulk("166274.1516"), c.call("GEODIST", "Sicily", "Palermo", "Catania"));
        assertEquals(bulk("166.2742"), c.call("GEODIST", "Sicily", "Palermo", "Catania", "km"));
        assertEquals(bulk("103.3182"), c.call("GEODIST", "Sicily", "Palermo", "Catania", "MI"));
        assertEquals("$-1\r\n", c.call("GEODIST", "Sicily", "Foo", "Bar"));
        assertEquals("*2\r\n" + bulk("sqc8b49rny0") + bulk("sqdtr74hyu0"),
            c.call("GEOHASH", "Sicily", "Palermo", "Catania"));
        assertEquals("*3\r\n*2\r\n" + bulk("13.36138933897018433") + bulk("38.11555639549629859")
            + "*2\r\n" + bulk("15.08726745843887329") + bulk("37.50266842333162032") + "*-1\r\n",
            c.call("GEOPOS", "Sicily", "Palermo", "Catania", "NonExisting"));
        assertEquals("*2\r\n*2\r\n" + bulk("Palermo") + bulk("190.4424") + "*2\r\n" + bulk("Catania")
            + bulk("56.4413"), c.call("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST"));
        c.call("GEOADD", "Sicily", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2");
        assertEquals("*2\r\n" + bulk("Catania") + bulk("Palermo"),
            c.call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"));
        assertEquals(":4\r\n", c.call("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYBOX",
            "400", "400", "km", "ASC", "COUNT", "4"));
        assertEquals("$-1\r\n", c.call("ZSCORE", "dst", "nope"));
        c.call("HELLO", "3");
        assertEquals("*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n",
            c.call("GEOPOS", "Sicily", "Palermo").substring(4));
        assertEquals("-ERR invalid longitude,latitude pair 200.000000,10.000000\r\n",
            c.call("GEOADD", "Sicily", "200", "10", "x"));
    }

    @Test
    void distancesUseRedis72FixedPointText() throws Exception {
        // 7.2 prints distances with fixedpoint_d2string; points on one meridian take the latitude shortcut (the
        // points are the centres of their cells, hence not exactly 1.5 degrees apart)
        c.call("GEOADD", "g", "10", "20", "a", "10", "21.5", "b");
        assertEquals(bulk("166839.4302"), c.call("GEODIST", "g", "a", "b"));
        assertEquals(bulk("0.0000"), c.call("GEODIST", "g", "a", "a"));
    }

    @Test
    void sortStoreWritesListpackWhenItFitsOneNode() throws Exception {
        c.call("RPUSH", "l", "3", "1", "2");
        assertEquals(":3\r\n", c.call("SORT", "l", "STORE", "dst"));
        assertEquals(bulk("listpack"), c.call("OBJECT", "ENCODING", "dst"));
        assertEquals("*3\r\n" + bulk("1") + bulk("2") + bulk("3"), c.call("LRANGE", "dst", "0", "-1"));
        String big = "x".repeat(5000);
        c.call("RPUSH", "l", big + "a", big + "b");
        assertEquals(":5\r\n", c.call("SORT", "l", "ALPHA", "STORE", "dst"));
        assertEquals(bulk("quicklist"), c.call("OBJECT", "ENCODING", "dst"));
        assertEquals(":0\r\n", c.call("SORT", "nokey", "STORE", "dst"));
        assertEquals(":0\r\n", c.call("EXISTS", "dst"));
    }

    @Test
    void sortConvertsSortedSetsAndChecksOptionsFirst() throws Exception {
        c.call("ZADD", "z", "1", "a", "2", "b");
        assertEquals(bulk("listpack"), c.call("OBJECT", "ENCODING", "z"));
        assertEquals("*2\r\n" + bulk("b") + bulk("a"), c.call("SORT_RO", "z", "BY", "nosort", "DESC"));
        assertEquals(bulk("skiplist"), c.call("OBJECT", "ENCODING", "z"));
        c.call("SET", "s", "x");
        assertEquals("-ERR syntax error\r\n", c.call("SORT_RO", "s", "STORE", "d"));
        assertEquals("-ERR value is not an integer or out of range\r\n", c.call("SORT", "s", "LIMIT", "a", "1"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", c.call("SORT", "s"));
        c.call("RPUSH", "n", "1", "x");
        assertEquals("-ERR One or more scores can't be converted into double\r\n", c.call("SORT", "n"));
    }
}
