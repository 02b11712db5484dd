package io.cinnabar.server.internal.type.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamMetadata;
import io.cinnabar.testkit.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams written by real Redis: every stream key of the all-types fixtures is adopted from its DUMP payload
 * and from the RDB files, compared with the fixture's description (entries, metadata, groups, PELs, lag), and
 * re-dumped byte for byte (7.2: RDB 11 type 21; 7.0: RDB 10 type 19). Older versions (type 15) are adopted
 * and their entries compared; Redis 7.2 fills in their missing metadata.
 */
class StreamGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"7.2", "7.0"})
    void payloadsAdoptAndRedumpByteForByte(String version) {
        Path file = Fixtures.fixture("rdb/redis-" + version + "-all-types-dump-payloads.json");
        JsonNode expected = Fixtures.expectedDataset(file).get("dbs");
        int streams = 0;
        for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(file).entrySet()) {
            byte[] payload = e.getValue();
            if (payload[0] != 19 && payload[0] != 21) {
                continue;
            }
            streams++;
            StreamValue s = StreamRdb.fromPayload(payload);
            int rdbVersion = payload[payload.length - 10];
            assertArrayEquals(payload, StreamRdb.dumpPayload(s, rdbVersion), e.getKey());
            compare(find(expected, e.getKey()), s, true);
        }
        assertEquals(2, streams);
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.2", "5.0"})
    void typeOneStreamsAdoptWithMetadataFilledIn(String version) {
        Path file = Fixtures.fixture("rdb/redis-" + version + "-all-types-dump-payloads.json");
        JsonNode expected = Fixtures.expectedDataset(file).get("dbs");
        int streams = 0;
        for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(file).entrySet()) {
            byte[] payload = e.getValue();
            if (payload[0] != 15) {
                continue;
            }
            streams++;
            StreamValue s = StreamRdb.fromPayload(payload);
            compare(find(expected, e.getKey()), s, false);
            assertEquals(s.length(), s.entriesAdded());
            assertEquals(StreamId.MIN, s.maxDeletedEntryId());
            // re-dumped as 7.2 and adopted again: the same stream
            StreamValue again = StreamRdb.fromPayload(StreamRdb.dumpPayload(s, 11));
            assertArrayEquals(StreamRdb.dumpPayload(s, 11), StreamRdb.dumpPayload(again, 11));
        }
        assertEquals(2, streams);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-7.2-all-types.rdb", "redis-7.2-all-types-uncompressed.rdb",
        "redis-7.0-all-types.rdb", "redis-7.0-all-types-uncompressed.rdb"})
    void rdbFileStreamsRedumpToTheFixturePayloads(String name) throws Exception {
        Path rdb = Fixtures.fixture("rdb/" + name);
        String version = name.substring(6, 9);
        Map<String, byte[]> payloads = Fixtures.dumpPayloads(Fixtures.fixture("rdb/redis-" + version + "-all-types-dump-payloads.json"));
        Map<String, StreamValue> loaded = new HashMap<>();
        RdbReader.open(rdb).read(new RdbVisitor() {
            StreamRdb.Loader loader;
            String key;

            @Override
            public void beginKey(RdbKey k) {
                finish();
                if (k.type() == 19 || k.type() == 21) {
                    loader = new StreamRdb.Loader();
                    key = Fixtures.latin1(k.key());
                }
            }

            @Override
            public void emptyKey(RdbKey k) {
                beginKey(k);
            }

            @Override
            public boolean streamListpack(byte[] masterId, byte[] listpack) {
                return loader.streamListpack(masterId, listpack);
            }

            @Override
            public void streamMetadata(StreamMetadata m) {
                loader.streamMetadata(m);
            }

            @Override
            public void streamGroup(byte[] n, io.cinnabar.rdb.StreamId last, long read, long pending) {
                loader.streamGroup(n, last, read, pending);
            }

            @Override
            public void streamPending(io.cinnabar.rdb.StreamId id, long time, long count) {
                loader.streamPending(id, time, count);
            }

            @Override
            public void streamConsumer(byte[] n, long seen, long active, long pending) {
                loader.streamConsumer(n, seen, active, pending);
            }

            @Override
            public void streamConsumerPending(io.cinnabar.rdb.StreamId id) {
                loader.streamConsumerPending(id);
            }

            @Override
            public void endKey(RdbKey k) {
                finish();
            }

            void finish() {
                if (loader != null) {
                    loaded.put(key, loader.result());
                    loader = null;
                }
            }
        });
        assertEquals(2, loaded.size(), loaded.keySet().toString());
        int rdbVersion = version.equals("7.2") ? 11 : 10;
        for (Map.Entry<String, StreamValue> e : loaded.entrySet()) {
            assertArrayEquals(payloads.get(e.getKey()), StreamRdb.dumpPayload(e.getValue(), rdbVersion), e.getKey());
        }
    }

    private static JsonNode find(JsonNode dbs, String latin1Key) {
        String b64 = Base64.getEncoder().encodeToString(latin1Key.getBytes(StandardCharsets.ISO_8859_1));
        for (JsonNode db : dbs) {
            if (db.has(b64)) {
                return db.get(b64).get("value");
            }
        }
        throw new AssertionError("no key " + latin1Key);
    }

    private static void compare(JsonNode v, StreamValue s, boolean withInfo) {
        List<String> expectedEntries = new ArrayList<>();
        for (JsonNode e : v.get("entries")) {
            expectedEntries.add(e.get(0).asText() + " " + fieldsText(e.get(1)));
        }
        List<String> actual = new ArrayList<>();
        for (StreamValue.Entry e : s.range(StreamId.MIN, StreamId.MAX, false, 0)) {
            actual.add(e.id() + " " + fieldsText(e.fieldsAndValues()));
        }
        assertEquals(expectedEntries, actual);
        List<String> reversed = new ArrayList<>();
        for (StreamValue.Entry e : s.range(StreamId.MIN, StreamId.MAX, true, 0)) {
            reversed.add(0, e.id() + " " + fieldsText(e.fieldsAndValues()));
        }
        assertEquals(expectedEntries, reversed);
        assertEquals(expectedEntries.size(), s.length());
        if (!withInfo) {
            return;
        }
        JsonNode info = v.get("info");
        assertEquals(info.get("entries-added").asLong(), s.entriesAdded());
        assertEquals(info.get("last-generated-id").asText(), s.lastId().toString());
        assertEquals(info.get("max-deleted-entry-id").asText(), s.maxDeletedEntryId().toString());
        assertEquals(info.get("recorded-first-entry-id").asText(), s.firstId().toString());
        assertEquals(info.get("groups").asLong(), s.groupCount());
        for (JsonNode g : v.get("groups")) {
            StreamGroup group = s.group(g.get("name").asText().getBytes(StandardCharsets.UTF_8));
            assertEquals(g.get("last-delivered-id").asText(), group.lastId().toString());
            if (g.get("entries-read").isNull()) {
                assertEquals(StreamGroup.INVALID_ENTRIES_READ, group.entriesRead());
            } else {
                assertEquals(g.get("entries-read").asLong(), group.entriesRead());
            }
            Long lag = s.lag(group);
            if (g.get("lag").isNull()) {
                assertNull(lag);
            } else {
                assertEquals(g.get("lag").asLong(), lag);
            }
            List<String> pending = new ArrayList<>();
            for (JsonNode p : g.get("pending")) {
                pending.add(p.get(0).asText() + " " + p.get(1).asText() + " " + p.get(2).asLong());
            }
            List<String> actualPending = new ArrayList<>();
            for (StreamGroup.PendingEntry p : group.pendingRange(StreamId.MIN, StreamId.MAX, Long.MAX_VALUE, null, 0, 0)) {
                actualPending.add(p.id() + " " + new String(p.consumer(), StandardCharsets.UTF_8) + " " + p.deliveryCount());
            }
            assertEquals(pending, actualPending);
            assertEquals(g.get("consumers").size(), group.consumers().size());
            assertTrue(group.pendingSummary().count() == pending.size());
        }
    }

    private static String fieldsText(JsonNode fields) {
        Map<String, String> m = new java.util.TreeMap<>();
        fields.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
        return m.toString();
    }

    private static String fieldsText(byte[][] fv) {
        Map<String, String> m = new java.util.TreeMap<>();
        for (int i = 0; i < fv.length; i += 2) {
            m.put(Base64.getEncoder().encodeToString(fv[i]), Base64.getEncoder().encodeToString(fv[i + 1]));
        }
        return m.toString();
    }
}
