package io.cinnabar.tools;

import io.cinnabar.aof.AofReader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The {@code aof} subcommands: check [--fix] and dump. */
final class AofCommands {
    private AofCommands() {
    }

    static int check(Main.Opts o, OutputStream out) throws IOException {
        boolean fix = o.flag("fix");
        AofReader.CheckResult r = fix ? AofReader.fix(o.file(0)) : AofReader.check(o.file(0));
        StringBuilder sb = new StringBuilder();
        sb.append("commands: ").append(r.commands()).append(", annotations: ").append(r.annotations())
            .append(", keys in RDB preamble: ").append(r.rdbKeys()).append('\n');
        if (r.ok()) {
            sb.append("AOF is valid\n");
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            return 0;
        }
        sb.append(r.truncatedFile()).append(": truncated: the last complete command ends at offset ").append(r.lastValidOffset())
            .append(" of ").append(r.truncatedSize()).append(" bytes\n");
        if (fix) {
            sb.append("fixed: truncated to ").append(r.lastValidOffset()).append(" bytes (")
                .append(r.truncatedSize() - r.lastValidOffset()).append(" bytes removed)\n");
        } else {
            sb.append("run with --fix to truncate it there\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        return fix ? 0 : 1;
    }

    static int dump(Main.Opts o, OutputStream out) throws IOException {
        if (!o.get("format", "json").equals("json")) {
            throw new IllegalArgumentException("aof dump supports --format json");
        }
        Replay replay = new Replay();
        AofReader.read(o.file(0), replay);
        ByteOut bo = new ByteOut(out, o.get("bytes", "escape").equals("base64"));
        replay.emit(new JsonDump(bo, o.filter()));
        bo.close();
        return 0;
    }
}
