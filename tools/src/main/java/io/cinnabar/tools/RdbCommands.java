package io.cinnabar.tools;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The {@code rdb} subcommands. */
final class RdbCommands {
    private RdbCommands() {
    }

    static int dump(Main.Opts o, OutputStream out) throws IOException {
        String format = o.get("format", "json");
        String bytes = o.get("bytes", "escape");
        if (!bytes.equals("base64") && !bytes.equals("escape")) {
            throw new IllegalArgumentException("--bytes must be base64 or escape");
        }
        ByteOut bo = new ByteOut(out, bytes.equals("base64"));
        RdbVisitor v = switch (format) {
            case "json" -> new JsonDump(bo, o.filter());
            case "resp" -> new RespDump(bo, o.filter());
            default -> throw new IllegalArgumentException("--format must be json or resp");
        };
        RdbReader.open(o.file(0)).skipModules(o.flag("skip-modules")).read(v);
        bo.close();
        return 0;
    }

    static int check(Main.Opts o, OutputStream out) throws IOException {
        CheckVisitor c = new CheckVisitor();
        RdbReader r = RdbReader.open(o.file(0)).skipModules(true);
        r.read(c);
        if (c.empty > 0) {
            throw new io.cinnabar.rdb.RdbException(c.empty + " empty collection key(s), the first one "
                + new String(c.firstEmpty.key(), StandardCharsets.ISO_8859_1) + " (Redis skips them on load and reports"
                + " the file as corrupt payload)", c.firstEmpty.offset());
        }
        out.write(c.summary(r.version()).getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    static int stats(Main.Opts o, OutputStream out, java.io.PrintStream err) throws IOException {
        Stats s = new Stats(Integer.parseInt(o.get("top", "10")));
        long size = java.nio.file.Files.size(o.file(0));
        s.fileSize(size);
        s.progress(Progress.forFile(size, o, err));
        RdbReader.open(o.file(0)).skipModules(true).read(s);
        out.write(s.report().getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    static int convert(Main.Opts o, OutputStream out) throws IOException {
        String v = o.named().get("rdb-version");
        if (v == null) {
            throw new IllegalArgumentException("convert needs --rdb-version 10|11");
        }
        Convert.run(o.file(0), o.file(1), Integer.parseInt(v));
        out.write(("wrote " + o.file(1) + " (RDB " + v + ")\n").getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    /** Counts what {@code rdb check} reports. */
    static final class CheckVisitor implements RdbVisitor {
        long keys;
        long expires;
        long aux;
        long functions;
        long modules;
        long stored;
        long computed;
        final java.util.TreeMap<String, Long> types = new java.util.TreeMap<>();
        final java.util.TreeSet<Integer> dbs = new java.util.TreeSet<>();

        @Override
        public void aux(byte[] key, byte[] value) {
            aux++;
        }

        @Override
        public void function(byte[] code) {
            functions++;
        }

        private final long[] perType = new long[256];
        private int lastDb = -1;

        @Override
        public void beginKey(RdbKey k) {
            keys++;
            if (k.expireAtMs() >= 0) {
                expires++;
            }
            if (k.db() != lastDb) {
                lastDb = k.db();
                dbs.add(lastDb);
            }
            perType[k.type()]++;
        }

        long empty;
        RdbKey firstEmpty;

        @Override
        public void emptyKey(RdbKey k) {
            if (empty++ == 0) {
                firstEmpty = k;
            }
        }

        @Override
        public void moduleValue(long id, String name) {
            modules++;
        }

        @Override
        public void end(long storedChecksum, long computedChecksum) {
            stored = storedChecksum;
            computed = computedChecksum;
        }

        String summary(int version) {
            for (int t = 0; t < perType.length; t++) {
                if (perType[t] > 0) {
                    types.merge(io.cinnabar.rdb.RdbFormat.family(t), perType[t], Long::sum);
                }
            }
            return "RDB version " + version + ": OK\n"
                + "keys: " + keys + " (" + expires + " with expiry) in dbs " + dbs + "\n"
                + "types: " + types + "\n"
                + "aux fields: " + aux + ", functions: " + functions + ", module values skipped: " + modules + "\n"
                + "checksum: " + (version < 5 ? "none (version < 5)" : stored == 0 ? "disabled (0)"
                : String.format("%016x verified", stored)) + "\n";
        }
    }
}
