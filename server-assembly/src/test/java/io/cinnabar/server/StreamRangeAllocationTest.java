package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XRANGE, XREVRANGE and XREAD reply straight from the listpacks: the bytes the event-loop thread allocates per
 * command (HotPathAllocationTest's counter) do not grow with the entries replied. Each command is measured with
 * COUNT 10 and COUNT 100 over a stream of 2000 entries of two fields; a reply that allocated per entry (an id
 * array, a field/value array, a list node) would cost at least 16 bytes more per extra entry, i.e. 1440 bytes
 * more for COUNT 100; the bound allows 2 bytes per extra entry. The fixed cost per command (argument copies, parsed
 * ids, the two stream iterators and their rax iterators: measured 1.3 KB for XRANGE, 2.2 KB for XREAD on JDK 25) is
 * bounded by 4 KB. Not a timing test: it counts bytes.
 */
class StreamRangeAllocationTest {
    static final int N = 5_000;
    static final int BATCH = 100;
    static CinnabarServer server;
    static RespClient c;

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        c = new RespClient(server.port());
        for (int i = 1; i <= 2000; i++) {
            c.call("XADD", "s", i + "-1", "field", "value" + i, "n", Integer.toString(i));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        c.close();
        server.close();
    }

    static long perCommand(long tid, String... cmd) throws Exception {
        byte[] one = RespClient.encode(cmd);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < BATCH; i++) {
            batch.writeBytes(one);
        }
        byte[] b = batch.toByteArray();
        long before = HotPathAllocationTest.allocated(tid);
        for (int sent = 0; sent < N; sent += BATCH) {
            c.sendRaw(b);
            for (int i = 0; i < BATCH; i++) {
                c.read();
            }
        }
        return (HotPathAllocationTest.allocated(tid) - before) / N;
    }

    @Test
    void rangeRepliesDoNotAllocatePerEntry() throws Exception {
        long tid = HotPathAllocationTest.loopThreadId();
        String[][] small = {
            {"XRANGE", "s", "-", "+", "COUNT", "10"},
            {"XREVRANGE", "s", "+", "-", "COUNT", "10"},
            {"XREAD", "COUNT", "10", "STREAMS", "s", "0-0"}};
        String[][] big = {
            {"XRANGE", "s", "-", "+", "COUNT", "100"},
            {"XREVRANGE", "s", "+", "-", "COUNT", "100"},
            {"XREAD", "COUNT", "100", "STREAMS", "s", "0-0"}};
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 2; round++) { // round 0 warms up (JIT)
            for (int i = 0; i < small.length; i++) {
                long a = perCommand(tid, small[i]);
                long b = perCommand(tid, big[i]);
                if (round == 1) {
                    report.add(small[i][0] + " COUNT 10: " + a + " B, COUNT 100: " + b + " B");
                    if (b - a > 2 * 90) {
                        failures.add(small[i][0] + " grows with the entries: " + a + " -> " + b);
                    }
                    if (a > 4096) {
                        failures.add(small[i][0] + " allocates " + a + " bytes per command");
                    }
                }
            }
        }
        System.out.println(report);
        assertTrue(failures.isEmpty(), failures + " " + report);
    }
}
