package io.cinnabar.server;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * When eviction happens, against real Redis 7.0.15, with the cron paused (DEBUG PAUSE-CRON) so that nothing the
 * cron does can hide a difference (unit/maxmemory "eviction due to input buffer of a dead client" failed now and
 * then on a loaded machine):
 * <ul>
 *   <li>the bytes idle clients left in their query buffers (an unfinished command) count in used_memory as soon as
 *   they are read, so the next command of any client evicts for them (Redis's allocator counts a buffer as it
 *   grows; ours counted the clients' memory as of the last cron run, 100 ms at hz 10, and a command that came
 *   before the next one evicted nothing);</li>
 *   <li>an eviction stopped on its time budget goes on in the next event-loop iterations without any further
 *   command (Redis's evictionTimeProc, a time event due at once; ours went on from the cron only).</li>
 * </ul>
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class EvictionTimingDifferentialTest {
    private static final Pattern FIELD = Pattern.compile("(?:^| )([a-z-]+)=(\\S*)");
    private static final int IDLE_CLIENTS = 10;
    private static final int ARGS = 249;

    private static long info(RespClient c, String section, String field) throws IOException {
        for (String line : c.call("INFO", section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError("no " + field + " in INFO " + section);
    }

    /** qbuf + argv-mem of every client named idle*: what each one's unfinished command holds so far. */
    private static List<Long> idleHeld(RespClient control) throws IOException {
        List<Long> held = new ArrayList<>();
        for (String line : control.call("CLIENT", "LIST").split("\r?\n")) {
            if (!line.contains(" name=idle")) {
                continue;
            }
            long qbuf = 0;
            long argv = 0;
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                if (m.group(1).equals("qbuf")) {
                    qbuf = Long.parseLong(m.group(2));
                } else if (m.group(1).equals("argv-mem")) {
                    argv = Long.parseLong(m.group(2));
                }
            }
            held.add(qbuf + argv);
        }
        return held;
    }

    /** Polls (5 ms apart, 10 s at most) until every idle client's command holds at least its 249 arguments. */
    private static boolean allRead(RespClient control) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            List<Long> held = idleHeld(control);
            if (held.size() == IDLE_CLIENTS && held.stream().allMatch(h -> h >= ARGS * 1000L)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
    }

    @Test
    void idleClientsQueryBuffersCountAtTheNextCommand(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("query buffers evict at the next command",
            queryBufferTranscript(servers.redisPort()), queryBufferTranscript(servers.oursPort()));
    }

    private static List<String> queryBufferTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        List<RespClient> idle = new ArrayList<>();
        try (RespClient control = new RespClient(port)) {
            t.add(control.call("FLUSHALL"));
            t.add(control.call("CONFIG", "SET", "maxmemory", "0"));
            t.add(control.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
            t.add(control.call("CONFIG", "SET", "maxmemory-clients", "0"));
            for (int j = 0; j < 50; j++) {
                control.call("SETRANGE", "k" + j, "100000", "x");
            }
            t.add(control.call("CONFIG", "RESETSTAT"));
            for (int j = 0; j < IDLE_CLIENTS; j++) {
                RespClient c = new RespClient(port);
                idle.add(c);
                c.call("CLIENT", "SETNAME", "idle" + j);
            }
            t.add(control.call("DEBUG", "PAUSE-CRON", "1"));
            long used = info(control, "memory", "used_memory");
            // 10 x 250 KB of unfinished commands against 1 MB of room: about 15 of the 50 keys must go
            long max = used + 1_000_000;
            t.add(control.call("CONFIG", "SET", "maxmemory", Long.toString(max)));
            StringBuilder cmd = new StringBuilder("*" + (ARGS + 1) + "\r\n");
            String arg = "$1000\r\n" + "x".repeat(1000) + "\r\n";
            for (int j = 0; j < ARGS; j++) {
                cmd.append(arg);
            }
            byte[] raw = cmd.toString().getBytes(StandardCharsets.US_ASCII);
            for (RespClient c : idle) {
                c.sendRaw(raw);
            }
            t.add("every idle client's bytes read: " + allRead(control));
            // the server has read them: the next command's eviction check counts them (with the cron paused)
            long evicted = info(control, "stats", "evicted_keys");
            t.add("keys evicted for the idle clients' buffers: " + (evicted > 0));
            long dbsize = Long.parseLong(control.call("DBSIZE").substring(1).trim());
            t.add("some keys left: " + (dbsize > 0));
            long deadline = System.nanoTime() + 10_000_000_000L;
            long now = info(control, "memory", "used_memory");
            while (now > max && System.nanoTime() < deadline) {
                Thread.sleep(5);
                now = info(control, "memory", "used_memory");
            }
            t.add("used_memory back under maxmemory: " + (now <= max));
            t.add("evicted + left = 50: " + (info(control, "stats", "evicted_keys")
                + Long.parseLong(control.call("DBSIZE").substring(1).trim()) == 50));
            for (RespClient c : idle) {
                c.close();
            }
            idle.clear();
            t.add(control.call("DEBUG", "PAUSE-CRON", "0"));
            t.add(control.call("CONFIG", "SET", "maxmemory", "0"));
            t.add(control.call("FLUSHALL"));
        } finally {
            for (RespClient c : idle) {
                c.close();
            }
        }
        return t;
    }

    @Test
    void anEvictionStoppedOnItsBudgetGoesOnWithoutCommands(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("eviction goes on in the event loop", budgetTranscript(servers.redisPort()),
            budgetTranscript(servers.oursPort()));
    }

    private static List<String> budgetTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient control = new RespClient(port); RespClient sub = new RespClient(port)) {
            t.add(control.call("FLUSHALL"));
            t.add(control.call("CONFIG", "SET", "maxmemory", "0"));
            t.add(control.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random"));
            // tenacity 0: no time at all, every eviction run stops after its first 16 keys
            t.add(control.call("CONFIG", "SET", "maxmemory-eviction-tenacity", "0"));
            t.add(control.call("CONFIG", "SET", "notify-keyspace-events", "Ee"));
            for (int j = 0; j < 100; j++) {
                control.call("SETRANGE", "k" + j, "10000", "x");
            }
            t.add(control.call("CONFIG", "RESETSTAT"));
            t.add(sub.call("SUBSCRIBE", "__keyevent@0__:evicted"));
            t.add(control.call("DEBUG", "PAUSE-CRON", "1"));
            // below what the server needs without any key: every key goes, 16 at a time
            t.add(control.call("CONFIG", "SET", "maxmemory", "100000"));
            // no command from now on until the 100 events arrived (or 10 s passed without one)
            int events = 0;
            try {
                while (events < 100) {
                    String msg = sub.read();
                    if (msg.contains("evicted")) {
                        events++;
                    }
                }
            } catch (SocketTimeoutException e) {
                // fewer than 100: the transcript says how many
            }
            t.add("evicted events without a command: " + events);
            t.add("dbsize " + control.call("DBSIZE").trim());
            t.add(control.call("DEBUG", "PAUSE-CRON", "0"));
            t.add(control.call("CONFIG", "SET", "maxmemory", "0"));
            t.add(control.call("CONFIG", "SET", "maxmemory-eviction-tenacity", "10"));
            t.add(control.call("CONFIG", "SET", "notify-keyspace-events", ""));
        }
        return t;
    }
}
