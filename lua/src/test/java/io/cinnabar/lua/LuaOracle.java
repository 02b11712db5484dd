package io.cinnabar.lua;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs Lua source with Debian's {@code lua5.1} and with Cinnabar's engine, the same way, for comparison. */
final class LuaOracle {
    static final String LUA = "/usr/bin/lua5.1";

    record Result(String stdout, String error) {
    }

    private LuaOracle() {
    }

    static boolean available() {
        return new File(LUA).canExecute();
    }

    /** Runs {@code file} with lua5.1 in its directory; the error is the first line of stderr without "lua5.1: ". */
    static Result reference(Path file) throws IOException, InterruptedException {
        if (!available()) {
            throw new AssertionError("lua5.1 is not installed: apt-get install lua5.1 (the oracle of these tests)");
        }
        Process p = new ProcessBuilder(LUA, file.getFileName().toString())
                .directory(file.toAbsolutePath().getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("lua5.1 timed out on " + file);
        }
        String e = null;
        if (p.exitValue() != 0) {
            String s = new String(err, StandardCharsets.ISO_8859_1);
            int nl = s.indexOf('\n');
            e = (nl < 0 ? s : s.substring(0, nl)).replaceFirst("^(/usr/bin/)?lua5.1: ", "");
        }
        return new Result(new String(out, StandardCharsets.ISO_8859_1), e);
    }

    /** Runs the bytes of {@code file} with chunk name "@name" as the lua5.1 command does. */
    static Result ours(Path file) throws IOException {
        return ours(Files.readAllBytes(file), "@" + file.getFileName());
    }

    static Result ours(byte[] source, String chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Lua lua = new Lua(out);
        String e = null;
        try {
            lua.call(lua.load(source, chunk));
        } catch (LuaError err) {
            e = err.getMessage();
        }
        return new Result(out.toString(StandardCharsets.ISO_8859_1), e);
    }

    /** Both engines on the same source text, written to a temporary file named {@code name}. */
    static Result[] both(Path dir, String name, String source) throws IOException, InterruptedException {
        Path f = dir.resolve(name);
        Files.writeString(f, source, StandardCharsets.ISO_8859_1);
        return new Result[] {reference(f), ours(f)};
    }
}
