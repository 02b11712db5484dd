package io.cinnabar.testkit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/**
 * The JUnit 5 extension behind {@link Differential}. Before the class's first test it starts a real
 * {@code redis-server} ({@link RealRedis}, {@code --save '' --appendonly no}) and the server under test (through the
 * {@link ServerUnderTest} named in the annotation), both on free loopback ports with the annotation's options; both
 * are kept in the class's extension store, so JUnit stops them when the class ends, whatever happened (a server
 * that started is stopped even when the other one failed to start). A missing {@code redis-server} fails the class
 * rather than skipping it.
 * <p>Parameters it resolves, in tests and lifecycle methods: {@link DifferentialServers} (the two ports), and
 * {@link Pair}: a new pair of connections, RESP2 or {@link Resp @Resp(3)}, after {@code FLUSHALL} on both servers,
 * closed (its {@code CONFIG SET}s undone) after the test. After each test, a mismatch that a pair injected into it
 * recorded and nobody asserted fails the test.
 */
public final class DifferentialExtension implements BeforeAllCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DifferentialExtension.class);

    /** Stops a started server when the store that holds it closes. */
    private record Stopper(AutoCloseable server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Throwable {
            server.close();
        }
    }

    /** Closes a pair (and sets its options back) when the test's store closes. */
    private record PairCloser(Pair pair) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Throwable {
            pair.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ExtensionContext.Store store = context.getStore(NS);
        if (store.get(DifferentialServers.class) != null) {
            return; // a nested class shares its enclosing class's servers
        }
        Differential d = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Differential.class)
            .orElseThrow(() -> new ExtensionConfigurationException("@Differential missing on "
                + context.getRequiredTestClass().getName()));
        String[] cfg = d.config();
        if (cfg.length % 2 != 0) {
            throw new ExtensionConfigurationException("@Differential(config) takes name/value pairs");
        }
        List<String> redisArgs = new ArrayList<>();
        List<String[]> options = new ArrayList<>();
        for (int i = 0; i < cfg.length; i += 2) {
            redisArgs.add("--" + cfg[i]);
            redisArgs.add(cfg[i + 1]);
            options.add(new String[] {cfg[i], cfg[i + 1]});
        }
        ServerUnderTest factory = org.junit.platform.commons.support.ReflectionSupport.newInstance(d.server());
        RealRedis redis = RealRedis.start(redisArgs.toArray(new String[0]));
        store.put(RealRedis.class, new Stopper(redis));
        ServerUnderTest.Running ours = factory.start(options);
        store.put(ServerUnderTest.Running.class, new Stopper(ours));
        store.put(DifferentialServers.class, new DifferentialServers(redis, ours));
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> t = p.getParameter().getType();
        return t == Pair.class || t == DifferentialServers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        DifferentialServers servers = e.getStore(NS).get(DifferentialServers.class, DifferentialServers.class);
        if (servers == null) {
            throw new ParameterResolutionException("the servers start before the class's tests: "
                + "a Pair cannot be injected into a constructor or a static @BeforeAll method");
        }
        if (p.getParameter().getType() == DifferentialServers.class) {
            return servers;
        }
        int resp = p.findAnnotation(Resp.class).map(Resp::value).orElse(2);
        try {
            Pair pair = servers.open(resp);
            e.getStore(NS).put(new Object(), new PairCloser(pair));
            pairs(e).add(pair);
            pair.both("FLUSHALL");
            return pair;
        } catch (java.io.IOException ex) {
            throw new ParameterResolutionException("cannot connect a pair: " + ex.getMessage(), ex);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Pair> pairs(ExtensionContext e) {
        return e.getStore(NS).getOrComputeIfAbsent(e.getUniqueId() + "/pairs", k -> new ArrayList<Pair>(), List.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> unreported = new ArrayList<>();
        for (Pair pair : pairs(context)) {
            if (pair.unreported() > 0) {
                unreported.addAll(pair.mismatches());
            }
        }
        if (!unreported.isEmpty() && context.getExecutionException().isEmpty()) {
            throw new AssertionFailedError("replies differ (not asserted by the test):\n"
                + String.join("\n", unreported));
        }
    }
}
