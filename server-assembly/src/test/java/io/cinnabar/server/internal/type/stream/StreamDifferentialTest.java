package io.cinnabar.server.internal.type.stream;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespObjectClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random XADD (explicit and {@code ms-*} ids, MAXLEN/MINID with {@code =}/{@code ~} and LIMIT), XDEL and XTRIM
 * sequences run on a real redis-server and on {@link StreamValue} directly, with small node limits set through
 * CONFIG SET; after every command the replies and the DUMP payloads (RDB 10, type 19, as 7.0.15 writes them)
 * must be equal byte for byte.
 */
class StreamDifferentialTest {
    private static final String[] FIELDS = {"a", "b", "c", "1", "temp"};
    private static final String[] VALUES = {"x", "0", "-5", "123", "4294967296", "hello world", "",
        "a-rather-long-value-that-takes-some-bytes-in-the-node-0123456789"};

    @Test
    void randomSequencesMatchRealRedis() throws IOException {
        assertTrue(RealRedis.available(), "redis-server is required for the differential test");
        try (RealRedis redis = RealRedis.start(); Resp r = new Resp(redis.port())) {
            Random rnd = new Random(20261204L);
            long commands = 0;
            long trimmed = 0;
            long errors = 0;
            long maxNodes = 0;
            long groupOps = 0;
            for (int round = 0; round < 40; round++) {
                long maxEntries = new long[] {0, 1, 2, 3, 5, 100}[rnd.nextInt(6)];
                long maxBytes = new long[] {0, 40, 80, 200, 4096}[rnd.nextInt(5)];
                r.call("DEL", "s");
                assertEquals("+OK", r.call("CONFIG", "SET", "stream-node-max-entries", String.valueOf(maxEntries)));
                assertEquals("+OK", r.call("CONFIG", "SET", "stream-node-max-bytes", String.valueOf(maxBytes)));
                StreamValue s = null;
                long ms = 1 + rnd.nextInt(3);
                List<String> ids = new ArrayList<>();
                for (int step = 0; step < 60; step++) {
                    List<String> cmd = new ArrayList<>();
                    Object expected;
                    int op = rnd.nextInt(11);
                    if (op == 10) {
                        // XGROUP CREATE / SETID with explicit ids and ENTRIESREAD: group state without clocks
                        boolean create = rnd.nextBoolean();
                        String name = "g" + rnd.nextInt(3);
                        String id = ids.isEmpty() || rnd.nextInt(4) == 0 ? "0-0" : ids.get(rnd.nextInt(ids.size()));
                        cmd.addAll(List.of("XGROUP", create ? "CREATE" : "SETID", "s", name, id));
                        long read = StreamGroup.INVALID_ENTRIES_READ;
                        if (s != null && rnd.nextBoolean()) {
                            read = rnd.nextInt((int) s.entriesAdded() + 1);
                            cmd.add("ENTRIESREAD");
                            cmd.add(String.valueOf(read));
                        }
                        StreamId gid = StreamId.parseStrict(id.getBytes(StandardCharsets.US_ASCII), 0);
                        if (s == null) {
                            expected = "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you"
                                + " may want to use the MKSTREAM option to create an empty stream automatically.";
                        } else if (create) {
                            expected = s.createGroup(name.getBytes(StandardCharsets.US_ASCII), gid, read) != null
                                ? "+OK" : "-BUSYGROUP Consumer Group name already exists";
                        } else {
                            StreamGroup g = s.group(name.getBytes(StandardCharsets.US_ASCII));
                            if (g == null) {
                                expected = "-NOGROUP No such consumer group '" + name + "' for key name 's'";
                            } else {
                                g.setLastId(gid, read);
                                expected = "+OK";
                            }
                        }
                        groupOps++;
                    } else if (op < 6) {
                        cmd.add("XADD");
                        cmd.add("s");
                        StreamValue.Trim trim = trimArgs(rnd, cmd, ids, maxEntries);
                        String id;
                        int kind = rnd.nextInt(10);
                        if (kind == 0) {
                            id = (ms - rnd.nextInt(2)) + "-" + rnd.nextInt(3); // often too small
                        } else if (kind < 4) {
                            ms += rnd.nextInt(2);
                            id = ms + "-*";
                        } else {
                            ms += rnd.nextInt(3);
                            id = ms + "-" + rnd.nextInt(4);
                        }
                        cmd.add(id);
                        int pairs = 1 + rnd.nextInt(3);
                        for (int i = 0; i < pairs; i++) {
                            cmd.add(rnd.nextInt(3) == 0 ? FIELDS[rnd.nextInt(FIELDS.length)] : FIELDS[i]);
                            cmd.add(VALUES[rnd.nextInt(VALUES.length)]);
                        }
                        byte[][] argv = bytes(cmd.subList(cmd.size() - 2 * pairs, cmd.size()));
                        StreamValue target = s == null ? new StreamValue() : s;
                        try {
                            StreamId added = target.append(StreamId.parseAdd(id.getBytes(StandardCharsets.US_ASCII)),
                                0, argv, 0, pairs, maxBytes, maxEntries);
                            if (trim != null) {
                                target.trim(trim);
                            }
                            s = target;
                            ids.add(added.toString());
                            expected = added.toString();
                        } catch (StreamException e) {
                            expected = "-" + e.getMessage();
                        }
                    } else if (op < 8) {
                        cmd.add("XDEL");
                        cmd.add("s");
                        List<StreamId> del = new ArrayList<>();
                        for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
                            String id = ids.isEmpty() || rnd.nextInt(5) == 0 ? ms + "-9" : ids.get(rnd.nextInt(ids.size()));
                            cmd.add(id);
                            del.add(StreamId.parseStrict(id.getBytes(StandardCharsets.US_ASCII), 0));
                        }
                        expected = s == null ? 0L : s.delete(del);
                    } else {
                        cmd.add("XTRIM");
                        cmd.add("s");
                        StreamValue.Trim trim = trimArgs(rnd, cmd, ids, maxEntries);
                        if (trim == null) {
                            cmd.add("MAXLEN");
                            cmd.add("1000");
                            trim = StreamValue.Trim.maxlen(1000, false, 0);
                        }
                        expected = s == null ? 0L : s.trim(trim);
                        trimmed += (Long) expected;
                    }
                    Object actual = r.call(cmd.toArray(new String[0]));
                    commands++;
                    String where = "round " + round + " step " + step + " " + cmd;
                    if (expected instanceof String str && !str.startsWith("-") && !str.startsWith("+")) {
                        assertArrayEquals(str.getBytes(StandardCharsets.US_ASCII), (byte[]) actual, where);
                    } else {
                        assertEquals(expected, actual, where);
                    }
                    if (expected instanceof String str && str.startsWith("-")) {
                        errors++;
                    }
                    if (s != null) {
                        maxNodes = Math.max(maxNodes, s.nodeCount());
                    }
                    Object dump = r.call("DUMP", "s");
                    if (s == null) {
                        assertEquals(null, dump, where);
                    } else {
                        byte[] mine = StreamRdb.dumpPayload(s, 10);
                        assertEquals(HexFormat.of().formatHex((byte[]) dump), HexFormat.of().formatHex(mine), where);
                    }
                }
            }
            assertTrue(commands >= 2400);
            // the sequences did reach what they are meant to test
            assertTrue(trimmed > 50, "trimmed " + trimmed);
            assertTrue(errors > 20, "errors " + errors);
            assertTrue(maxNodes > 5, "nodes " + maxNodes);
            assertTrue(groupOps > 100, "group ops " + groupOps);
        }
    }

    /** Appends MAXLEN/MINID arguments to {@code cmd} half of the time and returns the matching trim, else null. */
    private static StreamValue.Trim trimArgs(Random rnd, List<String> cmd, List<String> ids, long maxEntries) {
        if (rnd.nextBoolean()) {
            return null;
        }
        boolean byMaxlen = ids.isEmpty() || rnd.nextBoolean();
        boolean approx = rnd.nextBoolean();
        cmd.add(byMaxlen ? "MAXLEN" : "MINID");
        if (approx) {
            cmd.add("~");
        } else if (rnd.nextBoolean()) {
            cmd.add("=");
        }
        long maxlen = rnd.nextInt(12);
        String minid = byMaxlen ? null : ids.get(rnd.nextInt(ids.size()));
        cmd.add(byMaxlen ? String.valueOf(maxlen) : minid);
        long limit = approx ? StreamValue.Trim.defaultLimit(maxEntries) : 0;
        if (approx && rnd.nextInt(3) == 0) {
            limit = rnd.nextInt(8);
            cmd.add("LIMIT");
            cmd.add(String.valueOf(limit));
        }
        return byMaxlen ? StreamValue.Trim.maxlen(maxlen, approx, limit)
            : StreamValue.Trim.minid(StreamId.parseStrict(minid.getBytes(StandardCharsets.US_ASCII), 0), approx, limit);
    }

    private static byte[][] bytes(List<String> args) {
        byte[][] b = new byte[args.size()][];
        for (int i = 0; i < b.length; i++) {
            b[i] = args.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    /** Replies parsed by testkit's client, with status and error replies kept as "+..." and "-..." strings. */
    static final class Resp extends RespObjectClient {
        Resp(int port) throws IOException {
            super(port);
        }

        @Override
        protected Object status(String line) {
            return "+" + line;
        }

        @Override
        protected Object error(String line) {
            return "-" + line;
        }
    }
}
