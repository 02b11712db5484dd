package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodesConfTest {
    static final String A = "ad42504be9403e3bdd28495404128f686f984c19";
    static final String B = "451319deb3dd722deb53ac5053de1ea41c98d8da";
    static final String C = "5a8306cc38c087d91f5c173c0d387c056f6b9788";

    @TempDir
    Path dir;

    /** A file written by Redis 7.0.15 (no aux fields) loads, and saving it writes Redis 7.2's aux fields. */
    @Test
    void loadsRedis70AndWrites72(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("nodes.conf");
        Files.writeString(f, A + " 127.0.0.1:7200@17200 myself,master - 0 1796417209000 1 connected 0-5460 [7->-" + B
            + "]\n" + B + " 127.0.0.1:7202@17202,host-b master - 0 1796417211157 3 connected 10923-16383\n" + C
            + " 127.0.0.1:7201@17201 slave,fail? " + B + " 0 0 3 disconnected\nvars currentEpoch 3 lastVoteEpoch 2\n");
        ClusterState st = new ClusterState();
        assertTrue(NodesConf.load(f, st, 1000));
        assertEquals(A, st.myself.name);
        assertEquals(3, st.currentEpoch);
        assertEquals(2, st.lastVoteEpoch);
        assertEquals(5461, st.myself.numSlots);
        assertSame(st.lookup(B), st.migratingTo[7]);
        assertSame(st.lookup(B), st.slots[16383]);
        assertEquals("host-b", st.lookup(B).hostname);
        assertSame(st.lookup(B), st.lookup(C).master);
        assertEquals(0, st.lookup(C).configEpoch); // a replica's epoch is its master's
        assertEquals(3, st.lookup(C).epoch());
        assertTrue(st.lookup(C).timedOut());
        assertEquals(17201, st.lookup(C).cport);
        String line = st.describe(st.myself, true);
        assertEquals(A + " 127.0.0.1:7200@17200,,tls-port=0,shard-id=" + st.myself.shardId
            + " myself,master - 0 1000 1 connected 0-5460 [7->-" + B + "]", line);
        assertEquals(A + " 127.0.0.1:7200@17200 myself,master - 0 1000 1 connected 0-5460 [7->-" + B + "]",
            st.describe(st.myself, false));

        NodesConf.save(st, f);
        ClusterState again = new ClusterState();
        assertTrue(NodesConf.load(f, again, 1000));
        assertEquals(NodesConf.render(st), NodesConf.render(again));
        assertEquals(st.myself.shardId, again.myself.shardId);
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count()); // the temporary file was renamed over the old one
        }
    }

    @Test
    void missingOrEmptyFileMeansANewNode() throws IOException {
        assertTrue(!NodesConf.load(dir.resolve("none.conf"), new ClusterState(), 0));
        Files.writeString(dir.resolve("empty.conf"), "");
        assertTrue(!NodesConf.load(dir.resolve("empty.conf"), new ClusterState(), 0));
    }

    @Test
    void corruptFilesAreRefused() throws IOException {
        String[] bad = {
            "xyz 127.0.0.1:1@2 myself,master - 0 0 0 connected\n",
            A + " 127.0.0.1:1@2 myself,master - 0 0 0 connected 16384\n",
            A + " 127.0.0.1:1@2 myself,bogus - 0 0 0 connected\n",
            A + " 127.0.0.1:1@2,,color=red myself,master - 0 0 0 connected\n",
            A + " 127.0.0.1:7200@17200 master - 0 0 0 connected\n",
            "vars currentEpoch\n" + A + " 127.0.0.1:1@2 myself,master - 0 0 0 connected\n",
        };
        for (String b : bad) {
            Path f = dir.resolve("bad.conf");
            Files.writeString(f, b);
            assertThrows(IOException.class, () -> NodesConf.load(f, new ClusterState(), 0), b);
        }
    }
}
