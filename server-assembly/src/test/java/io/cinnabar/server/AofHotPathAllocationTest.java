package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The AOF on the hot path allocates nothing per command: with {@code appendonly yes} ({@code everysec}), the bytes
 * the event-loop thread allocates (per-thread allocation counter, as {@link HotPathAllocationTest}) while it runs
 * 20,000 pipelined SET overwrites, INCRs and LPUSH+RPOPs, after a warm-up. A command that propagates alone is
 * encoded from the query buffer straight into the AOF buffer; an owned copy of its arguments (4 arrays for
 * {@code SET k v}) would cost about 100 bytes per command and fail the 16-byte bound. Counts bytes, not time;
 * the minimum over several measured windows after a long warm-up, so that a loaded machine does not fail it.
 */
class AofHotPathAllocationTest {
    private static final int N = 20_000;
    private static final int BATCH = 100;

    private static long measure(RespClient c, long tid, String[]... cmds) throws Exception {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < BATCH / cmds.length; i++) {
            for (String[] cmd : cmds) {
                batch.writeBytes(RespClient.encode(cmd));
            }
        }
        byte[] b = batch.toByteArray();
        int perBatch = (BATCH / cmds.length) * cmds.length;
        long before = HotPathAllocationTest.allocated(tid);
        for (int sent = 0; sent < N; sent += perBatch) {
            c.sendRaw(b);
            for (int i = 0; i < perBatch; i++) {
                c.read();
            }
        }
        return (HotPathAllocationTest.allocated(tid) - before) / N;
    }

    @Test
    void propagatedCommandsAllocateNothingPerCommand() throws Exception {
        Path dir = Files.createTempDirectory("aof-hot");
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("appendonly", "yes")
                .config("appendfsync", "everysec").config("dir", dir.toString()).start();
             RespClient c = new RespClient(s.port())) {
            long tid = HotPathAllocationTest.loopThreadId();
            c.call("RPUSH", "mylist", "a", "b", "c", "d", "e", "f", "g", "h"); // never emptied by the RPOPs below
            String[] set = {"SET", "key:000000000001", "xxx"};
            String[] incr = {"INCR", "counter:000000000001"};
            String[] lpush = {"LPUSH", "mylist", "xxx"};
            String[] rpop = {"RPOP", "mylist"};
            StringBuilder report = new StringBuilder();
            long setB = Long.MAX_VALUE;
            long incrB = Long.MAX_VALUE;
            long listB = Long.MAX_VALUE;
            // rounds 0-2 warm up (JIT); later rounds each measure a window and the minimum per command counts: a
            // window disturbed by a busy machine (late compilation, a deoptimization) does not decide, while a
            // command that allocates per execution does so in every window. At least 2 windows, at most 7.
            for (int round = 0; round < 10; round++) {
                long s1 = measure(c, tid, set);
                long s2 = measure(c, tid, incr);
                long s3 = measure(c, tid, lpush, rpop);
                if (round >= 3) {
                    setB = Math.min(setB, s1);
                    incrB = Math.min(incrB, s2);
                    listB = Math.min(listB, s3);
                    if (round >= 4 && setB < 16 && incrB < 16 && listB < 16) {
                        break;
                    }
                }
            }
            report.append("AOF on: SET ").append(setB).append(" B/command, INCR ").append(incrB)
                .append(" B/command, LPUSH+RPOP ").append(listB).append(" B/command");
            System.out.println("AofHotPathAllocationTest: " + report);
            assertTrue(setB < 16 && incrB < 16 && listB < 16, report.toString());
            assertTrue(c.call("INFO", "persistence").contains("aof_last_write_status:ok"));
        }
    }
}
