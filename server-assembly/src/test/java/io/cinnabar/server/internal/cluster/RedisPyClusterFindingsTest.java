package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What redis-py 8.1.0's own test_cluster.py found, compared against three redis-server 7.0.15 nodes (see the
 * server README, "redis-py's test suite", "test_cluster.py").
 */
class RedisPyClusterFindingsTest {
    private static final Pattern LINK = Pattern.compile(
        "\\$9\r\ndirection\r\n\\$\\d+\r\n(to|from)\r\n\\$4\r\nnode\r\n\\$\\d+\r\n([0-9a-f]{40})\r\n");

    /**
     * test_cluster_links pairs CLUSTER LINKS entries 0-1, 2-3, ...: Redis lists node by node, the outbound link
     * ("to") then the inbound link ("from") of the same node. Cinnabar listed its bus's links in the order they
     * were opened (all inbound links first).
     */
    @Test
    void clusterLinksListsEachNodesOutboundThenInboundLink() throws Exception {
        List<String> shapes = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            try (ClusterNodes c = new ClusterNodes(5000)) {
                for (int i = 0; i < 3; i++) {
                    if (real) {
                        c.redis();
                    } else {
                        c.cinnabar();
                    }
                }
                ClusterNodes.Node a = c.nodes.get(0);
                for (int i = 1; i < 3; i++) {
                    ClusterNodes.Node n = c.nodes.get(i);
                    assertEquals("+OK\r\n", c.call(a.port(), "CLUSTER", "MEET", "127.0.0.1",
                        Integer.toString(n.port()), Integer.toString(n.busPort())));
                }
                for (ClusterNodes.Node n : c.nodes) {
                    ClusterNodes.await(kind + "4 links on " + n.port(), 30,
                        () -> entries(c.call(n.port(), "CLUSTER", "LINKS")).size() == 4);
                }
                for (ClusterNodes.Node n : c.nodes) {
                    shapes.add(kind + shape(entries(c.call(n.port(), "CLUSTER", "LINKS"))));
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(shapes.get(i).substring("redis-server: ".length()),
                shapes.get(i + 3).substring("cinnabar: ".length()), shapes.toString());
        }
        assertEquals("redis-server: to from (same node), to from (same node)", shapes.get(0));
    }

    private static List<String[]> entries(String reply) {
        List<String[]> out = new ArrayList<>();
        Matcher m = LINK.matcher(reply);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    /** The directions in order, and whether each pair of entries names one node. */
    private static String shape(List<String[]> links) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i + 1 < links.size(); i += 2) {
            s.append(i == 0 ? "" : ", ").append(links.get(i)[0]).append(' ').append(links.get(i + 1)[0])
                .append(links.get(i)[1].equals(links.get(i + 1)[1]) ? " (same node)" : " (two nodes)");
        }
        return s.toString();
    }
}
