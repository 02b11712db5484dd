package io.cinnabar.server.internal.type.set;

import io.cinnabar.server.internal.type.hash.ArchCycleFixtureA;


/** The other half of the package cycle of ArchCycleFixtureA. Test fixture only. */
public final class ArchCycleFixtureB {
    private ArchCycleFixtureB() {
    }

    public static int a() {
        return ArchCycleFixtureA.a() + 1;
    }
}
