package io.cinnabar.testkit;

import java.util.List;

/**
 * How a differential test starts the server it checks against real Redis. testkit cannot depend on the server
 * (the server's tests depend on testkit), so the server's tests implement this once (a class with a public no-arg
 * constructor) and name it in {@link Differential#server()}.
 */
@FunctionalInterface
public interface ServerUnderTest {
    /**
     * Starts a server on a free loopback port and returns once it accepts connections. It must not save to disk.
     *
     * @param options Redis configuration options as name/value pairs, in order (the same ones real Redis gets as
     *                {@code --name value})
     */
    Running start(List<String[]> options) throws Exception;

    /** A started server; {@link #close()} stops it and frees the port. */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }
}
