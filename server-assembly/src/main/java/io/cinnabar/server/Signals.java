package io.cinnabar.server;

import io.cinnabar.server.internal.admin.CrashReport;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.net.EventLoop;

/**
 * SIGTERM and SIGINT handling through {@code sun.misc.Signal} (module jdk.unsupported): the handler only sets the
 * server's shutdown flag and wakes the event loop, which then shuts down as Redis does in {@code serverCron}.
 * SIGABRT and SIGBUS write Redis's crash report ({@link CrashReport}) and end the process by SIGABRT.
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
        // Redis's crash report on SIGABRT and SIGBUS (SIGSEGV, SIGFPE and SIGILL belong to the JVM)
        int[] numbers = {6, 7};
        String[] fatal = {"ABRT", "BUS"};
        for (int i = 0; i < fatal.length; i++) {
            int number = numbers[i];
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(fatal[i]), sig -> CrashReport.fatalSignal(server, number));
            } catch (IllegalArgumentException e) {
                // reserved by the JVM on this platform: the default action (the process dies without a report)
            }
        }
    }
}
