package io.cinnabar.server.internal;

/**
 * Registers the commands of the aggregate types (hashes, sets, sorted sets), kept apart from {@link Commands} so
 * that each family lives in its own class.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
final class TypeCommands {
    private TypeCommands() {
    }

    static void registerAll(CommandTable t) {
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
}
