package io.cinnabar.server;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Cinnabar server in a child JVM, for tests that need their own JVM flags (heap, direct memory, collector) or kill
 * the process: {@code java <jvm flags> -cp <test class path> io.cinnabar.server.Launcher --port P --bind 127.0.0.1
 * --save "" --dir D <server args>}, run in D, its stdout and stderr appended to D/stdout.log. {@link #start} returns
 * once it answers PING; {@link #close} kills it (SIGKILL), waits for it and deletes D if {@link #start(String, List,
 * String...)} made it, so use it in try-with-resources.
 */
record ChildServer(Process process, int port, Path dir, boolean ownsDir) implements AutoCloseable {
    private static final long START_SECONDS = 60;

    /** Starts a server in a new temp dir (named after prefix) on a free port. */
    static ChildServer start(String prefix, List<String> jvmFlags, String... serverArgs) throws Exception {
        return start(prefix, jvmFlags, List.of(), serverArgs);
    }

    /**
     * {@link #start(String, List, String...)} with the environment variables named in unsetEnv removed from the
     * child's environment (the build sets CINNABAR_JIT_WARMUP=no for every test JVM and its children).
     */
    static ChildServer start(String prefix, List<String> jvmFlags, List<String> unsetEnv, String... serverArgs)
            throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        try {
            ChildServer s = start(dir, RealRedis.freePort(), jvmFlags, unsetEnv, serverArgs);
            return new ChildServer(s.process(), s.port(), dir, true);
        } catch (Exception | AssertionError e) {
            deleteTree(dir);
            throw e;
        }
    }

    /**
     * Starts a server on dir and port (again, after a kill: what it left in dir is loaded). Fails with the server's
     * output if it exits or does not answer PING within a minute (then it is killed).
     */
    static ChildServer start(Path dir, int port, List<String> jvmFlags, String... serverArgs) throws Exception {
        return start(dir, port, jvmFlags, List.of(), serverArgs);
    }

    private static ChildServer start(Path dir, int port, List<String> jvmFlags, List<String> unsetEnv,
            String... serverArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cinnabar.server.Launcher", "--port",
            String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString()));
        cmd.addAll(List.of(serverArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()));
        pb.environment().keySet().removeAll(unsetEnv);
        Process p = pb.start();
        ChildServer s = new ChildServer(p, port, dir, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("server exited: " + s.output());
            }
            try (RespClient c = new RespClient(port)) {
                if (c.call("PING").equals("+PONG\r\n")) {
                    return s;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        s.kill();
        throw new AssertionError("server did not start: " + s.output());
    }

    /** What the server wrote to stdout and stderr (its log, unless --logfile was given). */
    String output() throws IOException {
        return Files.readString(dir.resolve("stdout.log"));
    }

    /** SIGKILL, then waits (at most 30 s) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException, IOException {
        kill();
        if (ownsDir) {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
