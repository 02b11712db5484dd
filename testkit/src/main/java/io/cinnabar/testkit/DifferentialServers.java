package io.cinnabar.testkit;

import java.io.IOException;

/**
 * The two servers of a {@link Differential} test class, for tests that need more than one {@link Pair} or raw
 * connections (blocking commands, several clients).
 */
public final class DifferentialServers {
    private final RealRedis redis;
    private final ServerUnderTest.Running ours;

    DifferentialServers(RealRedis redis, ServerUnderTest.Running ours) {
        this.redis = redis;
        this.ours = ours;
    }

    /** The real redis-server's port. */
    public int redisPort() {
        return redis.port();
    }

    /** The server under test's port. */
    public int oursPort() {
        return ours.port();
    }

    /** The real redis-server (its working directory, its port). */
    public RealRedis redis() {
        return redis;
    }

    /**
     * Opens a new pair of connections in protocol {@code resp} (2 or 3); the caller closes it. The servers are not
     * flushed (the injected {@link Pair} is).
     */
    public Pair open(int resp) throws IOException {
        return Pair.open(redisPort(), oursPort(), resp);
    }
}
