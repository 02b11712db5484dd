package io.cinnabar.server.internal.keyspace;

import io.cinnabar.server.internal.command.Client;

/** A keyspace class that calls up into the command layer: ArchitectureTest must report it. Test fixture only. */
public final class ArchUpwardFixture {
    private ArchUpwardFixture() {
    }

    public static int argc(Client c) {
        return c.argc;
    }
}
