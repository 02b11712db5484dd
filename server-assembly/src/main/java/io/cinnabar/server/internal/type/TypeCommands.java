package io.cinnabar.server.internal.type;

import io.cinnabar.server.internal.admin.Commands;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.generic.SortCommand;
import io.cinnabar.server.internal.type.geo.GeoCommands;
import io.cinnabar.server.internal.type.hash.HashCommands;
import io.cinnabar.server.internal.type.hll.HllCommands;
import io.cinnabar.server.internal.type.list.BlockingCommands;
import io.cinnabar.server.internal.type.list.ListCommands;
import io.cinnabar.server.internal.type.set.SetCommands;
import io.cinnabar.server.internal.type.string.BitCommands;
import io.cinnabar.server.internal.type.zset.ZSetCommands;

/**
 * Registers the commands of the aggregate types (hashes, sets, sorted sets), kept apart from {@link Commands} so
 * that each family lives in its own class.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class TypeCommands {
    private TypeCommands() {
    }

    public static void registerAll(CommandTable t) {
        HashCommands.register(t);
        SetCommands.register(t);
        ZSetCommands.register(t);
        ListCommands.register(t);
        BitCommands.register(t);
        HllCommands.register(t);
        BlockingCommands.register(t);
        GeoCommands.register(t);
        SortCommand.register(t);
    }

    /**
     * Draws from {@code draw} until {@code n} distinct objects (by identity: each member of a hashtable or skiplist
     * is one object) were seen: Redis's SRANDMEMBER/HRANDFIELD/ZRANDMEMBER case 4, for n at most a third of the
     * value's size, so the expected number of draws stays below 1.5 n.
     */
    public static <T> java.util.Set<T> distinctRandom(java.util.function.Supplier<T> draw, long n) {
        java.util.Set<T> picked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (picked.size() < n) {
            picked.add(draw.get());
        }
        return picked;
    }
}
