package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The slot ranges of a node (CLUSTER NODES, nodes.conf, CLUSTER SLOTS/SHARDS) against a slot-by-slot scan. */
class SlotRangesProperties {
    private static List<String> naive(ClusterNode n) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int s = 0; s <= BusDescriptor.SLOTS; s++) {
            boolean owned = s < BusDescriptor.SLOTS && n.ownsSlot(s);
            if (owned && start < 0) {
                start = s;
            } else if (!owned && start >= 0) {
                out.add(start + "-" + (s - 1));
                start = -1;
            }
        }
        return out;
    }

    /** Random ranges (runs crossing byte borders, single slots, the first and last slot) and random bits. */
    @Property(tries = 300)
    void rangesEqualASlotBySlotScan(@ForAll @Size(max = 12) List<@IntRange(max = 16383) Integer> starts,
            @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 3000) Integer> lengths,
            @ForAll @Size(max = 40) List<@IntRange(max = 16383) Integer> single) {
        ClusterState st = new ClusterState();
        ClusterNode n = new ClusterNode(ClusterState.randomName(), BusDescriptor.NODE_MASTER);
        st.add(n);
        for (int i = 0; i < Math.min(starts.size(), lengths.size()); i++) {
            for (int s = starts.get(i); s < Math.min(BusDescriptor.SLOTS, starts.get(i) + lengths.get(i)); s++) {
                if (st.slots[s] == null) {
                    st.addSlot(n, s);
                }
            }
        }
        for (int s : single) {
            if (st.slots[s] == null) {
                st.addSlot(n, s);
            }
        }
        List<String> fast = new ArrayList<>();
        for (int[] r : ClusterState.ranges(n)) {
            fast.add(r[0] + "-" + r[1]);
        }
        List<String> expected = naive(n);
        assertEquals(expected, fast);
        StringBuilder line = new StringBuilder();
        for (String r : expected) {
            String[] p = r.split("-");
            line.append(' ').append(p[0].equals(p[1]) ? p[0] : r);
        }
        String described = st.describe(n, true);
        assertEquals(line.toString(), described.substring(described.indexOf("connected") + 9));
    }
}
