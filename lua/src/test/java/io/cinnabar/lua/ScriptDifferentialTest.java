package io.cinnabar.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every script in {@code src/test/resources/lua-scripts} runs with Debian's lua5.1 and with this engine; standard
 * output and the uncaught error message must be equal byte for byte.
 */
class ScriptDifferentialTest {
    static final Path DIR = Path.of("src/test/resources/lua-scripts");

    @TestFactory
    Stream<DynamicTest> scriptsBehaveAsLua51() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".lua")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no scripts in " + DIR.toAbsolutePath());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            LuaOracle.Result ref = LuaOracle.reference(f);
            LuaOracle.Result ours = LuaOracle.ours(f);
            assertEquals(ref.stdout(), ours.stdout(), "stdout of " + f);
            assertEquals(ref.error(), ours.error(), "error of " + f);
        }));
    }
}
