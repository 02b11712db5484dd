package io.cinnabar.server.internal.config;

import io.cinnabar.sds.SdsArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads Redis-syntax configuration text into a {@link Config}: one directive per line, {@code #} comments,
 * sdssplitargs quoting, {@code include} (with glob patterns, as Redis 7), directives with several arguments, and
 * command-line options {@code --name value ...} turned into extra lines appended after the file's content.
 * <p>
 * An error stops loading with {@link FatalConfigError}, whose message is exactly what Redis prints to stderr
 * before exiting: the line number, the offending line and the reason.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /** A config error with the full multi-line text that Redis prints. */
    public static final class FatalConfigError extends Exception {
        private static final long serialVersionUID = 1L;

        FatalConfigError(String message) {
            super(message, null, false, false);
        }
    }

    /** Builds the config text of command-line options as Redis's main() does. */
    public static String optionsToText(List<String> args) {
        // Redis's main(): "--name" starts an option line; the words that follow are its (quoted) values. A lone
        // "--name" takes the next word as its value even when it starts with "--" (--port --loglevel verbose makes
        // `port "--loglevel" "verbose"`), except --save and --sentinel, which may stand without a value.
        StringBuilder b = new StringBuilder();
        boolean handledLast = true;
        for (int j = 0; j < args.size(); j++) {
            String a = args.get(j);
            if (handledLast && a.startsWith("--")) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(a.substring(2)).append(' ');
                List<String> words = SdsArgs.split(a);
                if (words != null && words.size() == 1) {
                    handledLast = false; // a name alone: the next word is its value
                    boolean nextIsOption = j != args.size() - 1 && args.get(j + 1).startsWith("--");
                    boolean last = j == args.size() - 1;
                    if (a.equalsIgnoreCase("--save") && nextIsOption) {
                        b.append("\"\"");
                        handledLast = true;
                    } else if (a.equalsIgnoreCase("--save") && last) {
                        b.append("\"\"");
                    } else if (a.equalsIgnoreCase("--sentinel") && nextIsOption) {
                        handledLast = true;
                    }
                } else {
                    handledLast = true; // "--port 6380" in one argument
                }
            } else {
                b.append(SdsArgs.repr(a)).append(' ');
                handledLast = true;
            }
        }
        return b.toString();
    }

    /** Loads a file (may be null) followed by the options text into config. */
    public static void load(Config config, Path file, String options) throws FatalConfigError {
        StringBuilder text = new StringBuilder();
        if (file != null) {
            try {
                text.append(readAsRedis(file));
            } catch (IOException e) {
                throw new FatalConfigError("Fatal error, can't open config file '" + file + "': "
                    + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage()));
            }
            config.configFile = file.toAbsolutePath();
        }
        if (options != null && !options.isEmpty()) {
            text.append('\n').append(options);
        }
        loadString(config, text.toString(), 0);
        if (config.moduleConfigLines > 0) {
            // no module can claim them (there are no modules): Redis aborts with this line once modules are loaded
            throw new FatalConfigError("Module Configuration detected without loadmodule directive or no ApplyConfig "
                + "call: aborting");
        }
    }

    /**
     * A config file's text as Redis reads it: fgets chunks of at most 1024 bytes (a line, or a piece of a longer
     * one), each appended with sdscat, that is up to its first NUL byte (what follows a NUL in the same chunk is
     * lost, the next chunk goes on). Bytes are chars 0-255 (ISO-8859-1), as everywhere in the server.
     */
    static String readAsRedis(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        StringBuilder out = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int end = i;
            while (end < b.length && end - i < 1024 && b[end] != '\n') {
                end++;
            }
            if (end < b.length && end - i < 1024) {
                end++; // fgets keeps the newline
            }
            int stop = i;
            while (stop < end && b[stop] != 0) {
                stop++;
            }
            out.append(new String(b, i, stop - i, StandardCharsets.ISO_8859_1));
            i = end;
        }
        return out.toString();
    }

    static void loadString(Config config, String text, int depth) throws FatalConfigError {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = trim(lines[i]);
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            List<String> argv = SdsArgs.split(line);
            String err;
            if (argv == null) {
                err = "Unbalanced quotes in configuration line";
            } else if (argv.isEmpty()) {
                continue;
            } else {
                err = argv.get(0).equalsIgnoreCase("user") && argv.size() >= 2
                    ? user(config, argv, i + 1, line)
                    : argv.get(0).equalsIgnoreCase("rename-command") && argv.size() == 3
                    ? renameCommand(config, argv, i + 1, line)
                    : argv.get(0).equalsIgnoreCase("sentinel") ? sentinel(config, argv, i + 1, line)
                    : directive(config, argv, depth);
            }
            if (err != null) {
                throw new FatalConfigError("\n*** FATAL CONFIG FILE ERROR (Redis " + Config.VERSION + ") ***\n"
                    + "Reading the configuration file, at line " + (i + 1) + "\n>>> '" + line + "'\n" + err);
            }
        }
    }

    /** Redis's sdstrim(line, " \t\r\n"): other blanks (\v, \f) stay part of the line. */
    private static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && " \t\r\n".indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && " \t\r\n".indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }

    /** A user line is kept for the ACL code, which validates and loads it at startup. */
    private static String user(Config config, List<String> argv, int lineNumber, String line) {
        config.userLines.add(new Config.UserLine(lineNumber, line, List.copyOf(argv.subList(1, argv.size()))));
        return null;
    }

    /**
     * A rename-command line is kept for the command table, which applies it once every command is registered. Redis
     * renames while reading the file, so with {@link Config#commandNames} the line is checked here, at its place in
     * the file: the command must be known by that name now (its own, or the one an earlier line gave it), and a
     * non-empty new name must not be taken (the old name goes first: renaming a command to itself is allowed).
     */
    private static String renameCommand(Config config, List<String> argv, int lineNumber, String line) {
        java.util.Set<String> names = config.commandNames;
        if (names != null) {
            String from = argv.get(1).toLowerCase(Locale.ROOT);
            String to = argv.get(2).toLowerCase(Locale.ROOT);
            if (!names.remove(from)) {
                return "No such command in rename-command";
            }
            if (!to.isEmpty() && !names.add(to)) {
                return "Target command name already exists";
            }
        }
        config.renameLines.add(new Config.UserLine(lineNumber, line, List.copyOf(argv.subList(1, 3))));
        return null;
    }

    /** A sentinel line is kept for the sentinel code (Redis queues them and parses them after the file). */
    private static String sentinel(Config config, List<String> argv, int lineNumber, String line) {
        if (argv.size() < 2) {
            return "Bad directive or wrong number of arguments";
        }
        config.sentinelLines.add(new Config.UserLine(lineNumber, line, List.copyOf(argv.subList(1, argv.size()))));
        return null;
    }

    /** The message Redis prints for a bad line of the file, before exiting. */
    public static FatalConfigError fatal(int lineNumber, String line, String err) {
        return new FatalConfigError("\n*** FATAL CONFIG FILE ERROR (Redis " + Config.VERSION + ") ***\n"
            + "Reading the configuration file, at line " + lineNumber + "\n>>> '" + line + "'\n" + err);
    }

    /** Options Redis no longer has but still reads (and ignores) from a config file. */
    private static final java.util.Set<String> DEPRECATED = java.util.Set.of("list-max-ziplist-entries",
        "list-max-ziplist-value", "lua-replicate-commands");

    private static String directive(Config config, List<String> argv, int depth) throws FatalConfigError {
        String name = argv.get(0).toLowerCase(Locale.ROOT);
        List<String> args = argv.subList(1, argv.size());
        if (name.equals("include") && args.size() == 1) {
            include(config, args.get(0), depth);
            return null;
        }
        Config.Def d = Config.lookup(name);
        if (d == null) {
            if (args.size() == 1 && DEPRECATED.contains(name)) {
                return null; // Redis's deprecated_configs: read and ignored with exactly one argument
            }
            if (name.indexOf('.') >= 0) { // a module's option: Redis queues it for the module to claim
                if (args.isEmpty()) {
                    return "Module config specified without value";
                }
                config.moduleConfigLines++;
                return null;
            }
            return "Bad directive or wrong number of arguments";
        }
        if (d.type != Config.Type.SPECIAL && args.size() != 1) {
            return "wrong number of arguments"; // a known single-argument option, as Redis says it
        }
        List<String> values = new ArrayList<>(args);
        if (Config.isMultiArg(d) && values.size() == 1 && !values.get(0).isEmpty()) {
            // Redis splits a multi-argument option's single argument once more (--save "900 1"); unbalanced
            // quotes there leave no arguments
            List<String> split = SdsArgs.split(values.get(0));
            values = split == null ? new ArrayList<>() : new ArrayList<>(split);
        }
        try {
            config.set(d, values, true);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    private static void include(Config config, String pattern, int depth) throws FatalConfigError {
        if (depth > 16) {
            throw new FatalConfigError("Fatal error: too many nested includes ('" + pattern + "')");
        }
        Path p = Path.of(pattern);
        List<Path> files = new ArrayList<>();
        String fn = p.getFileName() == null ? "" : p.getFileName().toString();
        if (fn.contains("*") || fn.contains("?") || fn.contains("[")) {
            Path parent = p.getParent() == null ? Path.of(".") : p.getParent();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, fn)) {
                ds.forEach(files::add);
            } catch (IOException e) {
                throw new FatalConfigError("Fatal error, can't open config file '" + pattern + "': " + e.getMessage());
            }
            files.sort(null);
        } else {
            files.add(p);
        }
        for (Path f : files) {
            String text;
            try {
                text = readAsRedis(f);
            } catch (IOException e) {
                throw new FatalConfigError("Fatal error, can't open config file '" + f + "': "
                    + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage()));
            }
            loadString(config, text, depth + 1);
        }
    }
}
