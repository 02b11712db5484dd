package io.cinnabar.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.testkit.RespObjectClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dataset in one comparable shape ("db/base64 key" -&gt; "type expire value-text"), built either from a fixture
 * .json or from a live server through {@link RespObjectClient}. Sets and hash fields are sorted; stream groups keep
 * name, last delivered id, consumer names and pending ids with owners.
 */
final class Snapshot {
    private Snapshot() {
    }

    /** Asserts equality, reporting only the differing keys (values cut to 300 characters). */
    static void assertSame(Map<String, String> expected, Map<String, String> actual) {
        StringBuilder diff = new StringBuilder();
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        int n = 0;
        for (String k : keys) {
            String e = expected.get(k);
            String a = actual.get(k);
            if (!java.util.Objects.equals(e, a) && n++ < 4) {
                diff.append("\n").append(k).append("\n  expected ").append(cut(e)).append("\n  actual   ").append(cut(a));
            }
        }
        if (n > 0) {
            throw new AssertionError(n + " keys differ:" + diff);
        }
    }

    private static String cut(String s) {
        if (s == null) {
            return "(missing)";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static Map<String, String> fromFixture(JsonNode root) {
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> dbs = root.get("dbs").fields(); dbs.hasNext(); ) {
            Map.Entry<String, JsonNode> db = dbs.next();
            for (Iterator<Map.Entry<String, JsonNode>> keys = db.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> e = keys.next();
                JsonNode k = e.getValue();
                out.put(db.getKey() + "/" + e.getKey(), k.get("type").asText() + " " + k.get("expire_at_ms").asLong() + " "
                    + fixtureValue(k.get("type").asText(), k.get("value")));
            }
        }
        return out;
    }

    private static String fixtureValue(String type, JsonNode v) {
        switch (type) {
            case "string":
                return v.asText();
            case "list":
                return v.toString();
            case "set": {
                List<String> l = new ArrayList<>();
                v.forEach(x -> l.add(x.asText()));
                l.sort(null);
                return l.toString();
            }
            case "zset": {
                StringBuilder sb = new StringBuilder();
                v.forEach(x -> sb.append(x.get(0).asText()).append('=').append(x.get(1).asDouble()).append(' '));
                return sb.toString();
            }
            case "hash": {
                TreeMap<String, String> m = new TreeMap<>();
                v.fields().forEachRemaining(x -> m.put(x.getKey(), x.getValue().asText()));
                return m.toString();
            }
            default: {
                StringBuilder sb = new StringBuilder();
                for (JsonNode en : v.get("entries")) {
                    TreeMap<String, String> m = new TreeMap<>();
                    en.get(1).fields().forEachRemaining(x -> m.put(x.getKey(), x.getValue().asText()));
                    sb.append(en.get(0).asText()).append(m).append(' ');
                }
                sb.append("last=").append(v.get("info").get("last-generated-id").asText());
                for (JsonNode g : v.get("groups")) {
                    sb.append(" group ").append(g.get("name").asText()).append(' ').append(g.get("last-delivered-id").asText())
                        .append(" consumers ").append(g.get("consumers")).append(" pending");
                    for (JsonNode p : g.get("pending")) {
                        sb.append(' ').append(p.get(0).asText()).append('@').append(p.get(1).asText());
                    }
                }
                return sb.toString();
            }
        }
    }

    static Map<String, String> fromServer(RespObjectClient c) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (int db = 0; db < 16; db++) {
            c.call("SELECT", db);
            Object cursor = "0";
            List<byte[]> keys = new ArrayList<>();
            do {
                @SuppressWarnings("unchecked")
                List<Object> r = (List<Object>) c.call("SCAN", cursor, "COUNT", 1000);
                cursor = new String((byte[]) r.get(0), StandardCharsets.US_ASCII);
                for (Object k : (List<?>) r.get(1)) {
                    keys.add((byte[]) k);
                }
            } while (!cursor.equals("0"));
            for (byte[] k : keys) {
                String type = (String) c.call("TYPE", k);
                long exp = (Long) c.call("PEXPIRETIME", k);
                out.put(db + "/" + b64(k), type + " " + exp + " " + serverValue(c, type, k));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String serverValue(RespObjectClient c, String type, byte[] k) throws IOException {
        switch (type) {
            case "string":
                return b64((byte[]) c.call("GET", k));
            case "list": {
                StringBuilder sb = new StringBuilder("[");
                for (Object e : (List<Object>) c.call("LRANGE", k, 0, -1)) {
                    sb.append(sb.length() > 1 ? "," : "").append('"').append(b64((byte[]) e)).append('"');
                }
                return sb.append(']').toString();
            }
            case "set": {
                List<String> l = new ArrayList<>();
                for (Object e : (List<Object>) c.call("SMEMBERS", k)) {
                    l.add(b64((byte[]) e));
                }
                l.sort(null);
                return l.toString();
            }
            case "zset": {
                List<Object> r = (List<Object>) c.call("ZRANGE", k, 0, -1, "WITHSCORES");
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < r.size(); i += 2) {
                    String s = new String((byte[]) r.get(i + 1), StandardCharsets.US_ASCII);
                    double d = s.equals("inf") ? Double.POSITIVE_INFINITY : s.equals("-inf") ? Double.NEGATIVE_INFINITY
                        : Double.parseDouble(s);
                    sb.append(b64((byte[]) r.get(i))).append('=').append(d).append(' ');
                }
                return sb.toString();
            }
            case "hash": {
                List<Object> r = (List<Object>) c.call("HGETALL", k);
                TreeMap<String, String> m = new TreeMap<>();
                for (int i = 0; i < r.size(); i += 2) {
                    m.put(b64((byte[]) r.get(i)), b64((byte[]) r.get(i + 1)));
                }
                return m.toString();
            }
            default:
                return streamValue(c, k);
        }
    }

    @SuppressWarnings("unchecked")
    private static String streamValue(RespObjectClient c, byte[] k) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Object o : (List<Object>) c.call("XRANGE", k, "-", "+")) {
            List<Object> en = (List<Object>) o;
            List<Object> fv = (List<Object>) en.get(1);
            TreeMap<String, String> m = new TreeMap<>();
            for (int i = 0; i < fv.size(); i += 2) {
                m.put(b64((byte[]) fv.get(i)), b64((byte[]) fv.get(i + 1)));
            }
            sb.append(new String((byte[]) en.get(0), StandardCharsets.US_ASCII)).append(m).append(' ');
        }
        List<Object> info = (List<Object>) c.call("XINFO", "STREAM", k);
        sb.append("last=").append(text(field(info, "last-generated-id")));
        for (Object go : (List<Object>) c.call("XINFO", "GROUPS", k)) {
            List<Object> g = (List<Object>) go;
            String name = text(field(g, "name"));
            sb.append(" group ").append(name).append(' ').append(text(field(g, "last-delivered-id"))).append(" consumers [");
            List<String> names = new ArrayList<>();
            for (Object co : (List<Object>) c.call("XINFO", "CONSUMERS", k, name)) {
                names.add('"' + text(field((List<Object>) co, "name")) + '"');
            }
            sb.append(String.join(",", names)).append("] pending");
            for (Object po : (List<Object>) c.call("XPENDING", k, name, "-", "+", 100000)) {
                List<Object> p = (List<Object>) po;
                sb.append(' ').append(text(p.get(0))).append('@').append(text(p.get(1)));
            }
        }
        return sb.toString();
    }

    private static Object field(List<Object> kv, String name) {
        for (int i = 0; i < kv.size(); i += 2) {
            if (text(kv.get(i)).equals(name)) {
                return kv.get(i + 1);
            }
        }
        throw new AssertionError("no field " + name);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
