package io.cinnabar.server;

import io.cinnabar.testkit.ServerUnderTest;
import java.util.List;

/**
 * The embedded server as testkit's differential tests start it ({@code @Differential(server =
 * CinnabarUnderTest.class)}): through the public {@link CinnabarServer} API only, on a free port, without saving.
 */
public final class CinnabarUnderTest implements ServerUnderTest {
    @Override
    public Running start(List<String[]> options) {
        CinnabarServer.Builder b = CinnabarServer.builder().port(0).config("save", "");
        for (String[] o : options) {
            b.config(o[0], o[1]);
        }
        CinnabarServer server = b.start();
        return new Running() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
