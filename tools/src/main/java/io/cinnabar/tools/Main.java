package io.cinnabar.tools;

import io.cinnabar.rdb.RdbException;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Entry point of {@code bin/cinnabar}: offline RDB and AOF tools. {@link #run} is what tests call.
 *
 * <pre>
 *   rdb dump FILE [--format json|resp] [--bytes base64|escape] [--db N] [--key REGEX] [--type T] [--skip-modules]
 *   rdb check FILE
 *   rdb stats FILE [--top N] [--progress|--no-progress]
 *   rdb convert IN OUT --rdb-version 10|11
 *   aof check PATH [--fix]
 *   aof dump PATH [--format json] [--bytes base64|escape] [--db N] [--key REGEX] [--type T]
 * </pre>
 * Exit codes: 0 success, 1 bad input file (the message names the offset), 2 usage error.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), false);
        int rc = run(args, out, System.err);
        out.flush();
        System.exit(rc);
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String[] args, OutputStream stdout, PrintStream err) {
        if (args.length < 2) {
            return usage(err, null);
        }
        Opts o;
        try {
            o = Opts.parse(args, 2);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        OutputStream out = new BufferedOutputStream(stdout, 1 << 16);
        try {
            int rc = switch (args[0] + " " + args[1]) {
                case "rdb dump" -> RdbCommands.dump(o, out);
                case "rdb check" -> RdbCommands.check(o, out);
                case "rdb stats" -> RdbCommands.stats(o, out, err);
                case "rdb convert" -> RdbCommands.convert(o, out);
                case "aof check" -> AofCommands.check(o, out);
                case "aof dump" -> AofCommands.dump(o, out);
                default -> usage(err, "unknown command " + args[0] + " " + args[1]);
            };
            out.flush();
            return rc;
        } catch (RdbException e) {
            flushQuietly(out);
            err.println("cinnabar: " + o.file(0) + ": " + e.getMessage());
            return 1;
        } catch (io.cinnabar.aof.AofException e) {
            flushQuietly(out);
            err.println("cinnabar: " + o.file(0) + ": " + e.getMessage());
            return 1;
        } catch (UnsupportedInputException e) {
            flushQuietly(out);
            err.println("cinnabar: " + e.getMessage());
            return 1;
        } catch (NoSuchFileException e) {
            flushQuietly(out);
            err.println("cinnabar: no such file: " + e.getFile());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            flushQuietly(out);
            err.println("cinnabar: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            flushQuietly(out);
            return usage(err, e.getMessage());
        } catch (OutOfMemoryError e) {
            flushQuietly(out);
            err.println("cinnabar: out of memory: one value is larger than the heap allows; raise it with"
                + " CINNABAR_JAVA_OPTS=-Xmx<size>");
            return 1;
        }
    }

    private static void flushQuietly(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            // the error that stopped us matters more
        }
    }

    private static int usage(PrintStream err, String problem) {
        if (problem != null) {
            err.println("cinnabar: " + problem);
        }
        err.println("""
            usage: cinnabar rdb dump FILE [--format json|resp] [--bytes base64|escape] [--db N] [--key REGEX] [--type T] [--skip-modules]
                   cinnabar rdb check FILE
                   cinnabar rdb stats FILE [--top N] [--progress|--no-progress]
                   cinnabar rdb convert IN OUT --rdb-version 10|11
                   cinnabar aof check PATH [--fix]          (PATH: appendonlydir, its manifest, or one AOF file)
                   cinnabar aof dump PATH [--format json] [--bytes base64|escape] [--db N] [--key REGEX] [--type T]""");
        return 2;
    }

    /** Positional files and --name value options. */
    record Opts(List<String> files, Map<String, String> named) {
        static Opts parse(String[] args, int from) {
            List<String> files = new ArrayList<>();
            Map<String, String> named = new java.util.HashMap<>();
            for (int i = from; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--skip-modules") || a.equals("--fix") || a.equals("--progress") || a.equals("--no-progress")) {
                    named.put(a.substring(2), "true");
                } else if (a.startsWith("--")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("option " + a + " needs a value");
                    }
                    named.put(a.substring(2), args[++i]);
                } else {
                    files.add(a);
                }
            }
            return new Opts(files, named);
        }

        Path file(int i) {
            if (files.size() <= i) {
                throw new IllegalArgumentException("missing file argument");
            }
            return Path.of(files.get(i));
        }

        String get(String name, String def) {
            return named.getOrDefault(name, def);
        }

        boolean flag(String name) {
            return named.containsKey(name);
        }

        KeyFilter filter() {
            String k = named.get("key");
            return new KeyFilter(Integer.parseInt(get("db", "-1")), k == null ? null : Pattern.compile(k), named.get("type"));
        }
    }
}
