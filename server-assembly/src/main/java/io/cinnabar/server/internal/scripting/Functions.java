package io.cinnabar.server.internal.scripting;

import io.cinnabar.lua.Lua;
import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.config.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis 7.2 functions (functions.c, function_lua.c): libraries of Lua functions loaded with FUNCTION LOAD and
 * called with FCALL / FCALL_RO.
 * <ul>
 * <li>A library's code starts with {@code #!lua name=<library>}; running it may only call
 *     {@code redis.register_function} (positional {@code (name, callback)} or named {@code {function_name=,
 *     callback=, flags=, description=}}), {@code redis.log} and read {@code redis.REDIS_VERSION*}: every other
 *     global raises "Script attempted to access nonexistent global variable". Its code runs for at most 500 ms
 *     ("FUNCTION LOAD timeout").</li>
 * <li>All libraries share one Lua universe (separate from EVAL's). The chunk of each library runs with an
 *     empty read-only globals table whose {@code __index} is the library API while it loads and the real
 *     (protected) globals afterwards, as Redis swaps the metatable of its globals.</li>
 * <li>Function names are unique across libraries. FUNCTION DUMP writes Redis's payload (one FUNCTION2 opcode and
 *     the code per library, the RDB version, CRC64); FUNCTION RESTORE reads it with FLUSH, APPEND or REPLACE.</li>
 * </ul>
 * For persistence: {@link #libraryCodes()} lists the code of every library and {@link #loadLibrary(byte[], boolean)}
 * loads one (the RDB loader's rdbFunctionLoad).
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Functions {
    static final long LOAD_TIMEOUT_MS = 500;
    private static final String[] HELP = {
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
            + "RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
    };
    private static final String[] FLAG_NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster",
        "allow-cross-slot-keys"};

    /** FUNCTION LOAD ran past its 500 ms: not a Lua error, so the library's pcall cannot catch it. */
    static final class LoadTimeout extends RuntimeException {
        LoadTimeout() {
            super("FUNCTION LOAD timeout", null, false, false);
        }
    }

    /** A library: its name, code and functions (in registration order). */
    static final class Library {
        final String name;
        final byte[] code;
        final Map<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }
    }

    /** A registered function. */
    record Function(String name, LuaFunction fn, String description, int flags, Library library) {
    }

    /** A load that failed: the error text (without the "ERR " code). */
    static final class LoadError extends Exception {
        LoadError(String msg) {
            super(msg, null, false, false);
        }
    }

    private final Scripting scripting;
    private final ScriptEngine engine;
    private final Map<String, Library> libraries = new LinkedHashMap<>();
    /** Every function by name; FCALL finds a function whatever the case of its name, as Redis's dict does. */
    private final Map<String, Function> functions = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** The globals of library chunks: empty, read-only, its __index swapped between load API and globals. */
    private final LuaTable env = new LuaTable();
    private final LuaTable envMeta = new LuaTable();
    private final LuaTable loadApi = new LuaTable();
    /** The library being loaded (register_function adds to it), or null. */
    private Library loading;
    private long codeBytes;

    Functions(Scripting scripting) {
        this.scripting = scripting;
        this.engine = new ScriptEngine(scripting, "user_function");
        engine.protect();
        LuaTable globals = engine.lua.globals();
        LuaTable errorMeta = globals.getMetatable();
        LuaTable loadRedis = new LuaTable();
        loadRedis.put("register_function", new LuaFunction() {
            @Override
            public Object[] call(Object[] args) {
                registerFunction(args);
                return LuaFunction.NONE;
            }

            @Override
            public String name() {
                return "register_function";
            }
        });
        for (String k : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
            "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            loadRedis.put(k, engine.redis.get(k));
        }
        loadRedis.setMetatable(errorMeta);
        loadRedis.setReadOnly(true);
        loadApi.put("redis", loadRedis);
        loadApi.setMetatable(errorMeta);
        loadApi.setReadOnly(true);
        envMeta.put("__index", globals);
        envMeta.setReadOnly(true);
        env.setMetatable(envMeta);
        env.setReadOnly(true);
    }

    void register(CommandTable t) {
        t.impl("function|load", this::load);
        t.impl("function|delete", this::delete);
        t.impl("function|flush", this::flush);
        t.impl("function|list", this::list);
        t.impl("function|dump", this::dump);
        t.impl("function|restore", this::restore);
        t.impl("function|stats", this::stats);
        t.impl("function|kill", c -> scripting.kill(c, false));
        t.impl("function|help", c -> c.help("FUNCTION", HELP));
        t.impl("fcall", c -> fcall(c, false));
        t.impl("fcall_ro", c -> fcall(c, true));
    }

    // ---- the API for persistence and INFO

    /** The code of every library, in load order (what an RDB file or FUNCTION DUMP holds). */
    public List<byte[]> libraryCodes() {
        List<byte[]> l = new ArrayList<>();
        for (Library lib : libraries.values()) {
            l.add(lib.code);
        }
        return l;
    }

    /**
     * Loads one library (an RDB file's FUNCTION2 record, an AOF's FUNCTION LOAD), replacing one of the same name
     * when replace; returns null on success or the error text.
     */
    public String loadLibrary(byte[] code, boolean replace) {
        try {
            create(code, replace);
            return null;
        } catch (LoadError e) {
            return e.getMessage();
        }
    }

    /** Deletes every library. */
    public void flushAll() {
        libraries.clear();
        functions.clear();
        codeBytes = 0;
    }

    public int libraryCount() {
        return libraries.size();
    }

    public int functionCount() {
        return functions.size();
    }

    /** Bytes of library code and function entries (INFO used_memory_functions). */
    public long memory() {
        return codeBytes + functions.size() * 96L + libraries.size() * 64L;
    }

    // ---- loading

    /** Redis's functionExtractLibMetaData: the engine and library name of a "#!lua name=lib" first line. */
    static String[] metadata(byte[] code) throws LoadError {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new LoadError("Missing library metadata");
        }
        int nl = -1;
        for (int i = 0; i < code.length; i++) {
            if (code[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            throw new LoadError("Invalid library metadata");
        }
        List<byte[]> parts = SdsArgs.split(code, 0, nl);
        if (parts == null || parts.isEmpty()) {
            throw new LoadError("Invalid library metadata");
        }
        String engineName = new String(parts.get(0), StandardCharsets.ISO_8859_1).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            String p = new String(parts.get(i), StandardCharsets.ISO_8859_1);
            if (p.regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) {
                    throw new LoadError("Invalid metadata value, name argument was given multiple times");
                }
                name = p.substring(5);
                continue;
            }
            throw new LoadError("Invalid metadata value given: " + p);
        }
        if (name == null) {
            throw new LoadError("Library name was not given");
        }
        return new String[] {engineName, name};
    }

    static boolean validName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_')) {
                return false;
            }
        }
        return true;
    }

    /** functionsCreateWithLibraryCtx: compiles and runs a library's code, then links it. */
    private Library create(byte[] code, boolean replace) throws LoadError {
        String[] md = metadata(code);
        if (!md[0].equalsIgnoreCase("lua")) {
            throw new LoadError("Engine '" + md[0] + "' not found");
        }
        String name = md[1];
        if (!validName(name)) {
            throw new LoadError("Library names can only contain letters, numbers, or underscores(_) and must be at "
                + "least one character long");
        }
        Library old = libraries.get(name);
        if (old != null && !replace) {
            throw new LoadError("Library '" + name + "' already exists");
        }
        Library lib = new Library(name, code);
        run(lib, code);
        if (lib.functions.isEmpty()) {
            throw new LoadError("No functions registered");
        }
        for (String f : lib.functions.keySet()) {
            Function existing = functions.get(f);
            if (existing != null && existing.library() != old) {
                throw new LoadError("Function " + f + " already exists");
            }
        }
        if (old != null) {
            unlink(old);
        }
        link(lib);
        return lib;
    }

    private void link(Library lib) {
        libraries.put(lib.name, lib);
        functions.putAll(lib.functions);
        codeBytes += lib.code.length;
    }

    private void unlink(Library lib) {
        libraries.remove(lib.name);
        for (String f : lib.functions.keySet()) {
            functions.remove(f);
        }
        codeBytes -= lib.code.length;
    }

    /** luaEngineCreate: compiles the code and runs it with the library API as its globals. */
    private void run(Library lib, byte[] code) throws LoadError {
        Lua lua = engine.lua;
        LuaFunction chunk;
        try {
            chunk = lua.load(Scripting.withoutShebang(code), "@user_function");
        } catch (LuaError e) {
            throw new LoadError("Error compiling function: " + e.getMessage());
        }
        setIndex(loadApi);
        loading = lib;
        engine.loadDeadlineNs = System.nanoTime() + LOAD_TIMEOUT_MS * 1_000_000;
        try {
            engine.setEnv(chunk, env);
            lua.call(chunk);
        } catch (LuaError e) {
            Object v = e.value();
            String msg;
            if (v instanceof LuaTable t) {
                Object err = t.get(RespToLua.ERR);
                msg = err instanceof LuaString s ? s.toString() : "";
            } else {
                msg = "ERR " + Lua.toLuaString(v);
            }
            throw new LoadError("Error registering functions: " + msg);
        } catch (LoadTimeout e) {
            throw new LoadError("Error registering functions: ERR FUNCTION LOAD timeout");
        } finally {
            lua.closeCoroutines();
            engine.loadDeadlineNs = 0;
            loading = null;
            setIndex(engine.lua.globals());
        }
    }

    private void setIndex(LuaTable t) {
        envMeta.setReadOnly(false);
        envMeta.put("__index", t);
        envMeta.setReadOnly(true);
    }

    /** redis.register_function, positional or named arguments (luaRegisterFunction). */
    private void registerFunction(Object[] a) {
        Library lib = loading;
        if (lib == null) {
            throw engine.raiseError("redis.register_function can only be called on FUNCTION LOAD command");
        }
        if (a.length < 1 || a.length > 2) {
            throw engine.raiseError("wrong number of arguments to redis.register_function");
        }
        String name = null;
        String desc = null;
        LuaFunction callback = null;
        int flags = 0;
        if (a.length == 1) {
            if (!(a[0] instanceof LuaTable t)) {
                throw engine.raiseError("calling redis.register_function with a single argument is only applicable to"
                    + " Lua table (representing named arguments).");
            }
            for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
                Object k = t.keyAt(p);
                Object v = t.valueAt(p);
                if (!isString(k)) {
                    throw engine.raiseError("named argument key given to redis.register_function is not a string");
                }
                String key = Lua.toLuaString(k).toString();
                if (key.equalsIgnoreCase("function_name")) {
                    if (!isString(v)) {
                        throw engine.raiseError(
                            "function_name argument given to redis.register_function must be a string");
                    }
                    name = Lua.toLuaString(v).toString();
                } else if (key.equalsIgnoreCase("description")) {
                    if (!isString(v)) {
                        throw engine.raiseError(
                            "description argument given to redis.register_function must be a string");
                    }
                    desc = Lua.toLuaString(v).toString();
                } else if (key.equalsIgnoreCase("callback")) {
                    if (!(v instanceof LuaFunction f)) {
                        throw engine.raiseError(
                            "callback argument given to redis.register_function must be a function");
                    }
                    callback = f;
                } else if (key.equalsIgnoreCase("flags")) {
                    if (!(v instanceof LuaTable ft)) {
                        throw engine.raiseError("flags argument to redis.register_function must be a table "
                            + "representing function flags");
                    }
                    flags = readFlags(ft);
                } else {
                    throw engine.raiseError("unknown argument given to redis.register_function");
                }
            }
            if (name == null) {
                throw engine.raiseError("redis.register_function must get a function name argument");
            }
            if (callback == null) {
                throw engine.raiseError("redis.register_function must get a callback argument");
            }
        } else {
            if (!isString(a[0])) {
                throw engine.raiseError("first argument to redis.register_function must be a string");
            }
            name = Lua.toLuaString(a[0]).toString();
            if (!(a[1] instanceof LuaFunction f)) {
                throw engine.raiseError("second argument to redis.register_function must be a function");
            }
            callback = f;
        }
        if (!validName(name)) {
            throw engine.raiseError("Library names can only contain letters, numbers, or underscores(_) and must be "
                + "at least one character long");
        }
        if (lib.functions.containsKey(name)) {
            throw engine.raiseError("Function already exists in the library");
        }
        lib.functions.put(name, new Function(name, callback, desc, flags, lib));
    }

    private static boolean isString(Object v) {
        return v instanceof LuaString || v instanceof Double;
    }

    private int readFlags(LuaTable t) {
        int flags = 0;
        for (int j = 1; ; j++) {
            Object v = t.get(j);
            if (v == null) {
                return flags;
            }
            int bit = isString(v) ? Scripting.flagBit(Lua.toLuaString(v).toString().toLowerCase(Locale.ROOT)) : 0;
            if (bit == 0) {
                throw engine.raiseError("unknown flag given");
            }
            flags |= bit;
        }
    }

    // ---- commands

    void load(Client c) {
        boolean replace = false;
        int i = 2;
        for (; i < c.argc - 1; i++) {
            if (c.argIs(i, "replace")) {
                replace = true;
            } else {
                c.error("ERR Unknown option given: " + c.argString(i));
                return;
            }
        }
        if (i != c.argc - 1) {
            c.error("ERR Function code is missing");
            return;
        }
        try {
            Library lib = create(c.arg(c.argc - 1), replace);
            c.server.keyspace.changes(1); // propagated as it is, to replicas and the AOF
            c.bulk(lib.name);
        } catch (LoadError e) {
            c.error("ERR " + e.getMessage());
        }
    }

    void delete(Client c) {
        Library lib = libraries.get(c.argString(2));
        if (lib == null) {
            c.error("ERR Library not found");
            return;
        }
        unlink(lib);
        c.server.keyspace.changes(1);
        c.ok();
    }

    void flush(Client c) {
        if (c.argc > 3) {
            subcommandSyntax(c);
            return;
        }
        if (c.argc == 3 && !c.argIs(2, "sync") && !c.argIs(2, "async")) {
            c.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        flushAll();
        c.server.keyspace.changes(1);
        c.ok();
    }

    void list(Client c) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < c.argc; i++) {
            if (!withCode && c.argIs(i, "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && c.argIs(i, "libraryname")) {
                if (i >= c.argc - 1) {
                    c.error("ERR library name argument was not given");
                    return;
                }
                pattern = c.arg(++i);
                continue;
            }
            c.error("ERR Unknown argument " + c.argString(i));
            return;
        }
        List<Library> shown = new ArrayList<>();
        for (Library lib : libraries.values()) {
            byte[] n = lib.name.getBytes(StandardCharsets.ISO_8859_1);
            if (pattern == null || Glob.match(pattern, n, true)) {
                shown.add(lib);
            }
        }
        c.array(shown.size());
        for (Library lib : shown) {
            c.map(withCode ? 4 : 3);
            c.bulk("library_name");
            c.bulk(lib.name);
            c.bulk("engine");
            c.bulk("LUA");
            c.bulk("functions");
            c.array(lib.functions.size());
            for (Function f : lib.functions.values()) {
                c.map(3);
                c.bulk("name");
                c.bulk(f.name());
                c.bulk("description");
                if (f.description() == null) {
                    c.nullBulk();
                } else {
                    c.bulk(f.description());
                }
                c.bulk("flags");
                List<String> names = flagNames(f.flags());
                c.set(names.size());
                for (String s : names) {
                    c.simple(s);
                }
            }
            if (withCode) {
                c.bulk("library_code");
                c.bulk(lib.code);
            }
        }
    }

    static List<String> flagNames(int flags) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if ((flags & 1 << i) != 0) {
                l.add(FLAG_NAMES[i]);
            }
        }
        return l;
    }

    void dump(Client c) {
        boolean compress = c.server.config.getBool("rdbcompression");
        byte[] payload = DumpPayload.encode(11, w -> {
            w.compression(compress);
            for (Library lib : libraries.values()) {
                w.function(lib.code);
            }
        });
        c.bulk(payload);
    }

    /** Redis's addReplySubcommandSyntaxError for FUNCTION (the subcommand as sent, at most 128 bytes). */
    private static void subcommandSyntax(Client c) {
        String sub = c.argString(1);
        c.error("ERR unknown subcommand or wrong number of arguments for '"
            + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try FUNCTION HELP.");
    }

    void restore(Client c) {
        byte[] payload = c.arg(2);
        int policy = 1; // 0 flush, 1 append, 2 replace
        if (c.argc > 3) {
            if (c.argc > 4) {
                subcommandSyntax(c);
                return;
            }
            if (c.argIs(3, "flush")) {
                policy = 0;
            } else if (c.argIs(3, "append")) {
                policy = 1;
            } else if (c.argIs(3, "replace")) {
                policy = 2;
            } else {
                c.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        List<byte[]> codes;
        try {
            codes = readPayload(payload);
        } catch (RdbException e) {
            c.error("ERR DUMP payload version or checksum are wrong");
            return;
        } catch (LoadError e) {
            c.error("ERR " + e.getMessage());
            return;
        }
        // build the restored set aside; the current libraries change only when everything loads
        Map<String, Library> savedLibs = new LinkedHashMap<>(libraries);
        Map<String, Function> savedFns = new LinkedHashMap<>(functions);
        long savedBytes = codeBytes;
        if (policy == 0) {
            flushAll();
        }
        try {
            for (byte[] code : codes) {
                String name = metadata(code)[1];
                if (policy == 1 && libraries.containsKey(name)) {
                    throw new LoadError("Library " + name + " already exists");
                }
                create(code, policy == 2);
            }
        } catch (LoadError e) {
            libraries.clear();
            libraries.putAll(savedLibs);
            functions.clear();
            functions.putAll(savedFns);
            codeBytes = savedBytes;
            c.error("ERR " + e.getMessage());
            return;
        }
        c.server.keyspace.changes(1);
        c.ok();
    }

    /** The library codes of a FUNCTION DUMP payload (FUNCTION2 records only). */
    static List<byte[]> readPayload(byte[] payload) throws LoadError {
        if (payload.length == DumpPayload.FOOTER) {
            // FUNCTION DUMP of a server without libraries: Redis's verifyDumpPayload accepts the bare footer
            // (redis-cli --cluster add-node restores it on the new node)
            long stored = 0;
            for (int i = 7; i >= 0; i--) {
                stored = stored << 8 | payload[2 + i] & 0xffL;
            }
            int v = (payload[0] & 0xff) | (payload[1] & 0xff) << 8;
            if (v > io.cinnabar.rdb.RdbFormat.MAX_VERSION || stored != io.cinnabar.rdb.Crc64.of(payload, 0, 2)) {
                throw new RdbException("DUMP payload version or checksum are wrong", 0);
            }
            return new ArrayList<>();
        }
        int version = DumpPayload.verify(payload);
        // the payload's body as an RDB file: header, the records, EOF (checksum not verified: the CRC was)
        int body = payload.length - DumpPayload.FOOTER;
        byte[] file = new byte[9 + body + 9];
        System.arraycopy(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII), 0, file, 0, 9);
        System.arraycopy(payload, 0, file, 9, body);
        file[9 + body] = (byte) 0xFF;
        List<byte[]> codes = new ArrayList<>();
        boolean[] other = new boolean[1];
        RdbReader.of(file).verifyChecksum(false).read(new RdbVisitor() {
            @Override
            public void function(byte[] code) {
                codes.add(code);
            }

            @Override
            public void selectDb(int db) {
                other[0] = true;
            }

            @Override
            public void aux(byte[] key, byte[] value) {
                other[0] = true;
            }
        });
        if (other[0]) {
            throw new LoadError("given type is not a function");
        }
        return codes;
    }

    void stats(Client c) {
        ScriptRun r = scripting.running;
        c.map(2);
        c.bulk("running_script");
        if (r == null || r.evalMode) {
            c.nullBulk();
        } else {
            c.map(3);
            c.bulk("name");
            c.bulk(r.name);
            c.bulk("command");
            c.array(r.argv.length);
            for (byte[] a : r.argv) {
                c.bulk(a);
            }
            c.bulk("duration_ms");
            c.integer((System.nanoTime() - r.startNs) / 1_000_000);
        }
        c.bulk("engines");
        c.map(1);
        c.bulk("LUA");
        c.map(2);
        c.bulk("libraries_count");
        c.integer(libraries.size());
        c.bulk("functions_count");
        c.integer(functions.size());
    }

    /** The flags of a function, or -1 when there is none of that name. */
    int flagsOf(String name) {
        Function f = functions.get(name);
        return f == null ? -1 : f.flags();
    }

    void fcall(Client c, boolean ro) {
        Function f = functions.get(c.argString(1));
        if (f == null) {
            c.error("ERR Function not found");
            return;
        }
        if (!io.cinnabar.sds.Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp)) {
            c.error("ERR Bad number of keys provided");
            return;
        }
        long numkeys = c.ctx.tmp[0];
        if (numkeys > c.argc - 3) {
            c.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        if (numkeys < 0) {
            c.error("ERR Number of keys can't be negative");
            return;
        }
        String refused = Scripting.prepareError(c, f.flags(), ro);
        if (refused != null) {
            c.error(refused);
            return;
        }
        boolean readOnly = ro || (f.flags() & ScriptRun.NO_WRITES) != 0;
        ScriptRun run = new ScriptRun(c, f.name(), false, readOnly);
        run.allowOom = (f.flags() & ScriptRun.ALLOW_OOM) != 0;
        run.allowCrossSlot = (f.flags() & ScriptRun.ALLOW_CROSS_SLOT) != 0;
        run.slot = Scripting.declaredSlot(c, (int) numkeys);
        run.argv = new byte[c.argc][];
        for (int i = 0; i < c.argc; i++) {
            run.argv[i] = c.arg(i);
        }
        int n = (int) numkeys;
        engine.execute(run, f.fn(), new Object[] {Scripting.argsTable(c, 3, n),
            Scripting.argsTable(c, 3 + n, c.argc - 3 - n)});
    }
}
