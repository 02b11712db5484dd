package io.cinnabar.server;

import io.cinnabar.server.internal.net.EventLoop;
import io.cinnabar.server.internal.command.Server;

/**
 * SIGTERM and SIGINT handling through {@code sun.misc.Signal} (module jdk.unsupported): the handler only sets the
 * server's shutdown flag and wakes the event loop, which then shuts down as Redis does in {@code serverCron}.
 */
final class Signals {
    private Signals() {
    }

    static void install(Server server, EventLoop loop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    server.requestShutdown("SIG" + name);
                    loop.wakeup();
                });
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform (or reserved by the JVM): default handling
            }
        }
    }
}
