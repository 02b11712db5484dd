package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * COMMAND DOCS against a real redis-server 7.0.15: for every command and subcommand both servers have, our reply
 * equals Redis's byte for byte in RESP2 and RESP3, except the entries the 7.2 patch changes (checked against their
 * known 7.2 values) and the subcommand maps of containers (Redis lists its subcommands in hash order, and we list
 * only the ones we implement: each is compared on its own).
 */
@Differential(server = CinnabarUnderTest.class)
class CommandDocsTest {
    static final Set<String> PATCHED = Set.of("waitaof", "client|setinfo", "client|no-touch", "cluster|myshardid",
        "zrank", "zrevrank", "acl|log", "quit");

    private static List<String> names(RespClient c) throws Exception {
        List<?> l = (List<?>) TypeFuzz.parse(c.call("COMMAND", "LIST"));
        List<String> out = new ArrayList<>();
        for (int i = 1; i < l.size(); i++) {
            out.add(((String) l.get(i)).substring(1));
        }
        return out;
    }

    /** The docs map of a one-name reply without its "subcommands" entry. */
    private static List<Object> withoutSubcommands(String raw) {
        List<?> top = (List<?>) TypeFuzz.parse(raw);
        assertEquals(3, top.size(), raw);
        List<Object> m = new ArrayList<>((List<?>) top.get(2));
        for (int i = 1; i < m.size(); i += 2) {
            if (m.get(i).equals("$subcommands")) {
                m.remove(i + 1);
                m.remove(i);
                break;
            }
        }
        return m;
    }

    @Test
    void sharedCommandsEqualRedis(DifferentialServers servers) throws Exception {
        for (String resp : new String[] {"2", "3"}) {
            try (Pair pair = servers.open(Integer.parseInt(resp))) {
                RespClient real = pair.redis();
                RespClient ours = pair.ours();
                pair.normalize((cmd, r) -> r.contains("subcommands") ? withoutSubcommands(r).toString() : r);
                Set<String> theirs = new LinkedHashSet<>(names(real));
                int compared = 0;
                for (String name : names(ours)) {
                    if (!theirs.contains(name) || PATCHED.contains(name)) {
                        continue;
                    }
                    pair.same("COMMAND", "DOCS", name);
                    compared++;
                }
                assertTrue(compared >= 150, "compared " + compared);
                // several names, an unknown one skipped, case-insensitive lookup
                pair.same("COMMAND", "DOCS", "GET", "nosuch", "config|GET", "set");
                pair.same("COMMAND", "DOCS", "nosuch");
                pair.assertSame();
            }
        }
    }

    @Test
    void helpListsDocs(Pair pair) throws Exception {
        pair.same("COMMAND", "HELP");
        pair.assertSame();
    }

    @Test
    void allCommandsAsOneMap(DifferentialServers servers) throws Exception {
        try (RespClient ours = new RespClient(servers.oursPort())) {
            String count = ours.call("COMMAND", "COUNT");
            int n = Integer.parseInt(count.substring(1, count.length() - 2));
            ours.call("HELLO", "3");
            List<?> all = (List<?>) TypeFuzz.parse(ours.call("COMMAND", "DOCS"));
            assertEquals("%", all.get(0));
            assertEquals(2 * n, all.size() - 1);
            ours.call("HELLO", "2");
            List<?> flat = (List<?>) TypeFuzz.parse(ours.call("COMMAND", "DOCS"));
            assertEquals("*", flat.get(0));
            assertEquals(2 * n, flat.size() - 1);
        }
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void redis72EntriesHaveTheirKnownValues(DifferentialServers servers) throws Exception {
        try (RespClient ours = new RespClient(servers.oursPort())) {
            ours.call("HELLO", "3");
            assertEquals("%1\r\n" + bulk("client|no-touch") + "%5\r\n"
                + bulk("summary") + bulk("Controls whether commands sent by the client affect the LRU/LFU of accessed keys.")
                + bulk("since") + bulk("7.2.0") + bulk("group") + bulk("connection") + bulk("complexity") + bulk("O(1)")
                + bulk("arguments") + "*1\r\n%3\r\n" + bulk("name") + bulk("enabled") + bulk("type") + bulk("oneof")
                + bulk("arguments") + "*2\r\n"
                + "%3\r\n" + bulk("name") + bulk("on") + bulk("type") + bulk("pure-token") + bulk("token") + bulk("ON")
                + "%3\r\n" + bulk("name") + bulk("off") + bulk("type") + bulk("pure-token") + bulk("token") + bulk("OFF"),
                ours.call("COMMAND", "DOCS", "client|no-touch"));
            String zrank = ours.call("COMMAND", "DOCS", "zrank");
            assertTrue(zrank.contains(bulk("history") + "~1\r\n*2\r\n" + bulk("7.2.0")
                + bulk("Added the optional `WITHSCORE` argument.")), zrank);
            assertTrue(zrank.contains("%4\r\n" + bulk("name") + bulk("withscore") + bulk("type") + bulk("pure-token")
                + bulk("token") + bulk("WITHSCORE") + bulk("flags") + "~1\r\n+optional\r\n"), zrank);
            assertEquals("%1\r\n" + bulk("quit") + "%7\r\n" + bulk("summary") + bulk("Close the connection")
                + bulk("since") + bulk("1.0.0") + bulk("group") + bulk("connection") + bulk("complexity") + bulk("O(1)")
                + bulk("doc_flags") + "~1\r\n+deprecated\r\n" + bulk("deprecated_since") + bulk("7.2.0")
                + bulk("replaced_by") + bulk("just closing the connection"), ours.call("COMMAND", "DOCS", "quit"));
            String setinfo = ours.call("COMMAND", "DOCS", "CLIENT|SETINFO");
            assertTrue(setinfo.startsWith("%1\r\n" + bulk("client|setinfo") + "%5\r\n" + bulk("summary")
                + bulk("Sets information specific to the client or connection.") + bulk("since") + bulk("7.2.0")), setinfo);
            assertTrue(setinfo.contains(bulk("token") + bulk("lib-name")) && setinfo.contains(bulk("libver")), setinfo);
            // the container lists the 7.2 subcommands among its own
            String client = ours.call("COMMAND", "DOCS", "client");
            assertTrue(client.contains(bulk("client|no-touch")) && client.contains(bulk("client|setinfo")), client);
            ours.call("HELLO", "2");
            assertTrue(ours.call("COMMAND", "DOCS", "quit").startsWith("*2\r\n" + bulk("quit") + "*14\r\n"));
        }
    }
}
