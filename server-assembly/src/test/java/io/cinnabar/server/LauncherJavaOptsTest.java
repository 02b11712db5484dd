package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/cinnabar-server's default JVM options (bin/lib/java-opts.sh): the measured defaults always; with the JIT warm-up
 * asked for (environment, or the command line, which wins) the event loop's lower compile thresholds, and the compiler
 * threads at nice 19 when the launcher also runs as root (elsewhere -XX:ThreadPriorityPolicy=1 would make the JVM
 * warn at every start); transparent huge pages for the heap where the kernel's setting is "always" or "madvise",
 * unless CINNABAR_HUGE_PAGES=no.
 */
class LauncherJavaOptsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String SCALING = "-XX:CompileCommand=CompileThresholdScaling,"
        + "io.cinnabar.server.internal.net.EventLoop::*,0.1";
    private static final String NICE = "-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19 -XX:JavaPriority1_To_OSPriority=19";

    private static String opts(String env, String... args) throws IOException, InterruptedException {
        return opts(env, Map.of(), args);
    }

    private static String opts(String env, Map<String, String> more, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
            ". bin/lib/jdk.sh && . bin/lib/java-opts.sh && cinnabar_default_java_opts \"$@\"", "opts"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().remove("CINNABAR_JIT_WARMUP");
        pb.environment().remove("CINNABAR_HUGE_PAGES");
        pb.environment().remove("CINNABAR_THP_FILE");
        pb.environment().putAll(more);
        if (env != null) {
            pb.environment().put("CINNABAR_JIT_WARMUP", env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static boolean root() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return uid.equals("0");
    }

    @Test
    void theCompilerThreadsAreNicedOnlyWithTheWarmupAndAsRoot() throws Exception {
        assertTrue(Files.isRegularFile(ROOT.resolve("bin/lib/java-opts.sh")), ROOT.toString());
        String plain = opts(null, "--port", "6379");
        assertTrue(plain.startsWith("-XX:+UseParallelGC -Xmn64m -Xss512k"), plain);
        assertFalse(plain.contains("ThreadPriorityPolicy"), plain);
        assertFalse(opts("no").contains("ThreadPriorityPolicy"));
        // the launcher's default is the background warm-up: the event loop's thresholds, no nice 19
        assertTrue(plain.contains(" -XX:CompileCommand=quiet " + SCALING), plain);
        assertFalse(opts("no").contains("CompileThresholdScaling"));
        assertFalse(opts(null, "--cinnabar-jit-warmup", "no").contains("CompileThresholdScaling"));

        boolean root = root();
        String warm = opts(null, "--port", "6379", "--cinnabar-jit-warmup", "yes");
        assertEquals(root, warm.endsWith(NICE), warm);
        assertTrue(warm.contains(" -XX:CompileCommand=quiet " + SCALING + " -XX:-UseDynamicNumberOfCompilerThreads"),
            warm); // any user
        assertFalse(opts("yes", "--cinnabar-jit-warmup", "no").contains("CompileThresholdScaling"));
        assertEquals(root, opts("yes").endsWith(NICE));
        assertEquals(root, opts("YES").endsWith(NICE));
        // the command line wins over the environment, as in the server's own option handling
        assertFalse(opts("yes", "--cinnabar-jit-warmup", "no").contains("ThreadPriorityPolicy"));
        assertEquals(root, opts("no", "--cinnabar-jit-warmup", "yes").endsWith(NICE));
        // in the background the warm-up shares the cores with the user's first clients: its compilations must not
        // wait for an idle core, so no nice 19, but the event loop's lower thresholds
        String bg = opts("background");
        assertTrue(bg.contains(" -XX:CompileCommand=quiet " + SCALING + " -XX:-UseDynamicNumberOfCompilerThreads"), bg);
        assertFalse(bg.contains("ThreadPriorityPolicy"), bg);
        assertFalse(opts(null, "--cinnabar-jit-warmup", "background").contains("ThreadPriorityPolicy"));
        // and C2's thresholds do not rise with its queue: the warm-up gets the request path to C2
        String feedback = " -XX:Tier4LoadFeedback=1000";
        assertTrue(bg.contains(feedback) && plain.contains(feedback), bg);
        assertFalse(warm.contains(feedback) || opts("no").contains(feedback), warm);
    }

    @Test
    void hugePagesForTheHeapOnlyWhereTheKernelOffersThem(@TempDir Path dir) throws Exception {
        String thp = "-XX:+UseTransparentHugePages";
        Path madvise = Files.writeString(dir.resolve("madvise"), "always [madvise] never\n");
        Path always = Files.writeString(dir.resolve("always"), "[always] madvise never\n");
        Path never = Files.writeString(dir.resolve("never"), "always madvise [never]\n");
        Path missing = dir.resolve("missing");
        String withMadvise = opts(null, Map.of("CINNABAR_THP_FILE", madvise.toString()));
        assertTrue(withMadvise.startsWith("-XX:+UseParallelGC -Xmn64m -Xss512k"), withMadvise);
        assertTrue(withMadvise.contains(" " + thp), withMadvise);
        assertTrue(opts(null, Map.of("CINNABAR_THP_FILE", always.toString())).contains(thp));
        assertFalse(opts(null, Map.of("CINNABAR_THP_FILE", never.toString())).contains(thp));
        assertFalse(opts(null, Map.of("CINNABAR_THP_FILE", missing.toString())).contains(thp));
        assertFalse(opts(null, Map.of("CINNABAR_THP_FILE", madvise.toString(), "CINNABAR_HUGE_PAGES", "no"))
            .contains(thp));
        // with the warm-up as root the nice flags still come last
        String warm = opts("yes", Map.of("CINNABAR_THP_FILE", madvise.toString()));
        assertTrue(warm.contains(thp), warm);
        assertEquals(root(), warm.endsWith(NICE), warm);
    }
}
