package io.cinnabar.listpack;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cinnabar.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every listpack that real Redis servers wrote into the DUMP payloads of the fixtures: it validates, decodes to
 * the elements the server reported (the .json beside the payloads), and re-encoding those elements in order gives
 * the identical bytes.
 */
class ListpackFixturesTest {

    @Test
    void everyListpackInTheDumpPayloadsDecodesAndReEncodesByteForByte() {
        Map<Integer, Integer> seenByType = new HashMap<>();
        for (Path file : Fixtures.list("rdb", "-dump-payloads.json")) {
            JsonNode dataset = expectedDataset(file);
            for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(file).entrySet()) {
                byte[] payload = e.getValue();
                List<RdbPayloads.Node> nodes = RdbPayloads.nodes(payload);
                if (nodes.isEmpty()) {
                    continue;
                }
                String where = file.getFileName() + " key " + e.getKey();
                List<byte[]> elements = new ArrayList<>();
                for (RdbPayloads.Node node : nodes) {
                    if (node.plain()) {
                        elements.add(node.bytes());
                        continue;
                    }
                    elements.addAll(roundTrip(node.bytes(), where));
                }
                int type = RdbPayloads.type(payload);
                seenByType.merge(type, 1, Integer::sum);
                if (type != RdbPayloads.STREAM_LISTPACKS && type != RdbPayloads.STREAM_LISTPACKS_2
                    && type != RdbPayloads.STREAM_LISTPACKS_3) {
                    compareWithDataset(type, elements, find(dataset, e.getKey()), where);
                }
            }
        }
        // 7.0 and 7.2 carry listpack hashes, zsets and lists; 7.2 listpack sets; 5.0+ stream listpacks
        assertTrue(seenByType.getOrDefault(RdbPayloads.HASH_LISTPACK, 0) >= 2, seenByType.toString());
        assertTrue(seenByType.getOrDefault(RdbPayloads.ZSET_LISTPACK, 0) >= 2, seenByType.toString());
        assertTrue(seenByType.getOrDefault(RdbPayloads.LIST_QUICKLIST_2, 0) >= 6, seenByType.toString());
        assertTrue(seenByType.getOrDefault(RdbPayloads.SET_LISTPACK, 0) >= 1, seenByType.toString());
        assertTrue(seenByType.getOrDefault(RdbPayloads.STREAM_LISTPACKS, 0)
            + seenByType.getOrDefault(RdbPayloads.STREAM_LISTPACKS_2, 0)
            + seenByType.getOrDefault(RdbPayloads.STREAM_LISTPACKS_3, 0) >= 4, seenByType.toString());
    }

    /** Validates, adopts and decodes one blob, checks the walk both ways and the re-encoding; returns the elements. */
    private static List<byte[]> roundTrip(byte[] blob, String where) {
        int n = Listpack.validate(blob, true);
        Listpack lp = Listpack.adopt(blob);
        assertEquals(n, lp.count(), where);
        List<byte[]> elements = lp.toList();
        assertEquals(n, elements.size(), where);
        assertArrayEquals(blob, Listpack.encode(elements), where + ": re-encoding differs");
        int i = n;
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            assertArrayEquals(elements.get(--i), lp.getBytes(p), where);
        }
        assertEquals(0, i, where);
        return elements;
    }

    /**
     * {@code Fixtures.expectedDataset}, but with Jackson accepting the {@code Infinity} scores the zset fixtures
     * hold (the test kit's reader rejects them: reported to the lead rather than changed here).
     */
    private static JsonNode expectedDataset(Path payloads) {
        String name = payloads.getFileName().toString().replace("-dump-payloads.json", ".json");
        try {
            return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
                .readTree(payloads.resolveSibling(name).toFile());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static JsonNode find(JsonNode dataset, String latin1Key) {
        String b64 = java.util.Base64.getEncoder().encodeToString(latin1Key.getBytes(StandardCharsets.ISO_8859_1));
        for (JsonNode db : dataset.get("dbs")) {
            if (db.has(b64)) {
                return db.get(b64).get("value");
            }
        }
        throw new AssertionError("key " + latin1Key + " not in the dataset");
    }

    private static void compareWithDataset(int type, List<byte[]> elements, JsonNode expected, String where) {
        switch (type) {
            case RdbPayloads.LIST_QUICKLIST_2 -> {
                List<String> want = new ArrayList<>();
                expected.forEach(x -> want.add(latin1(Fixtures.b64(x))));
                assertEquals(want, latin1All(elements), where);
            }
            case RdbPayloads.SET_LISTPACK -> {
                Set<String> want = new HashSet<>();
                expected.forEach(x -> want.add(latin1(Fixtures.b64(x))));
                assertEquals(want, new HashSet<>(latin1All(elements)), where);
                assertEquals(want.size(), elements.size(), where);
            }
            case RdbPayloads.HASH_LISTPACK -> {
                Map<String, String> want = new HashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> f = it.next();
                    want.put(latin1(java.util.Base64.getDecoder().decode(f.getKey())), latin1(Fixtures.b64(f.getValue())));
                }
                Map<String, String> got = new HashMap<>();
                for (int i = 0; i < elements.size(); i += 2) {
                    got.put(latin1(elements.get(i)), latin1(elements.get(i + 1)));
                }
                assertEquals(want, got, where);
                assertEquals(want.size() * 2, elements.size(), where);
            }
            case RdbPayloads.ZSET_LISTPACK -> {
                assertEquals(expected.size() * 2, elements.size(), where);
                for (int i = 0; i < expected.size(); i++) {
                    JsonNode pair = expected.get(i);
                    assertEquals(latin1(Fixtures.b64(pair.get(0))), latin1(elements.get(2 * i)), where);
                    assertEquals(pair.get(1).asDouble(), score(elements.get(2 * i + 1)), where + " member " + i);
                }
            }
            default -> throw new AssertionError("type " + type);
        }
    }

    /** A zset score as Redis writes it in a listpack: an integer, or the text of a double ("inf", "-inf"). */
    private static double score(byte[] text) {
        String s = latin1(text);
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static List<String> latin1All(List<byte[]> elements) {
        List<String> out = new ArrayList<>();
        elements.forEach(x -> out.add(latin1(x)));
        return out;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
