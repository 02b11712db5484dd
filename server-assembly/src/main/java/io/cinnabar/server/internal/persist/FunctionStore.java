package io.cinnabar.server.internal.persist;

import java.util.List;

/**
 * The libraries of Redis Functions as persistence sees them: the code of each library, saved as an RDB
 * {@code FUNCTION2} record before the databases, and handed back when a file is loaded. Scripting implements it
 * (wired by Assembly); until it does, {@link Held} keeps loaded code so that a save writes it back unchanged.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface FunctionStore {
    /** The code of every library, in the order to save them. */
    List<byte[]> libraries();

    /**
     * Loads one library read from a file (Redis's {@code functionsCreateWithLibraryCtx} on load).
     *
     * @throws IllegalArgumentException with Redis's error text when the code does not load (the file load fails)
     */
    void load(byte[] code);

    /**
     * Loads one library read from a file; with {@code replace} (DEBUG RELOAD MERGE, Redis's RDBFLAGS_ALLOW_DUP) a
     * library of the same name is replaced instead of failing the load.
     */
    default void load(byte[] code, boolean replace) {
        load(code);
    }

    /** Removes every library (DEBUG RELOAD and a load from scratch start from none). */
    void clear();

    /** Holds library code read from files until scripting takes it over; saves write it back as it was. */
    final class Held implements FunctionStore {
        private final java.util.ArrayList<byte[]> code = new java.util.ArrayList<>();

        @Override
        public List<byte[]> libraries() {
            return List.copyOf(code);
        }

        @Override
        public void load(byte[] c) {
            code.add(c.clone());
        }

        @Override
        public void clear() {
            code.clear();
        }
    }
}
