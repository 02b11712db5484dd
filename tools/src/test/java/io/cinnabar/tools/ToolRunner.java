package io.cinnabar.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Main#run} in-process and captures its output. */
record ToolRunner(int rc, byte[] out, String err) {
    static ToolRunner run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ToolRunner(rc, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String text() {
        return new String(out, StandardCharsets.UTF_8);
    }
}
