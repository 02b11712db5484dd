package io.cinnabar.server.internal.type.hash;

import io.cinnabar.server.internal.type.set.ArchCycleFixtureB;


/** Half of a package cycle (type.hash -> type.set -> type.hash): ArchitectureTest must report it. Fixture only. */
public final class ArchCycleFixtureA {
    private ArchCycleFixtureA() {
    }

    public static int b() {
        return ArchCycleFixtureB.a() + 1;
    }

    public static int a() {
        return 1;
    }
}
