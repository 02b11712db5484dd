package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Normalizer;
import io.cinnabar.testkit.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EVAL, EVALSHA, SCRIPT, FUNCTION and FCALL against real Redis, every reply compared byte for byte with the caller
 * in RESP2 and RESP3: hundreds of scripts covering the Lua-to-reply conversion of every value type (with the
 * script in RESP2 and after {@code redis.setresp(3)}), the reply-to-Lua conversion of what commands return (dumped
 * from inside the script by a deterministic serializer, so the Lua values themselves are compared), errors
 * raised and caught ({@code redis.call} vs {@code redis.pcall}, {@code error()} with tables, strings and levels,
 * global protection, refused commands) with their "script: sha, on @user_script:N." suffixes, the
 * {@code cjson}/{@code cmsgpack}/{@code bit}/{@code struct} libraries, write commands and read-only scripts, shebang
 * flags, and function libraries (load errors, register_function arguments, FCALL/FCALL_RO, LIST, DELETE, FLUSH,
 * DUMP/RESTORE round trips, STATS).
 * <p>
 * Numbers passed to {@code redis.call} are integers or exactly representable halves: Redis 7.0 writes other
 * doubles with {@code %.17g}, 7.2 with the shortest round-trip text (COMPATIBILITY.md), so they would differ on
 * purpose.
 */
@Differential(server = CinnabarUnderTest.class)
class ScriptingDifferentialTest {
    /** A Lua serializer with sorted keys, so tables compare by content. */
    static final String DUMP = "local function dump(v) local t = type(v) "
        + "if t == 'table' then local keys = {} for k in pairs(v) do keys[#keys+1] = k end "
        + "table.sort(keys, function(a, b) return tostring(a) < tostring(b) end) local parts = {} "
        + "for _, k in ipairs(keys) do parts[#parts+1] = '[' .. dump(k) .. ']=' .. dump(v[k]) end "
        + "return '{' .. table.concat(parts, ',') .. '}' "
        + "elseif t == 'string' then return string.format('%q', v) else return t .. ':' .. tostring(v) end end ";

    /** Lua expressions whose value a script returns (the Lua-to-reply conversion). */
    static final String[] VALUES = {
        "1", "0", "-1", "3.99", "-3.99", "1e15", "-0.5", "2^53", "2^63", "-2^63", "2^64", "1/0", "-1/0", "0/0",
        "'hello'", "''", "'a\\0b'", "string.rep('x', 1000)", "true", "false", "nil",
        "{}", "{1, 2, 3}", "{1, nil, 3}", "{nil, 2}", "{'a', {'b', {'c', {}}}}", "{1, 'two', true, false, 5}",
        "{1, 2, x = 3}", "{x = 1}", "{ok = 'fine'}", "{ok = 'two\\r\\nlines'}", "{ok = 5}", "{ok = {}}",
        "{err = 'ERR something'}", "{err = 'CUSTOM code here'}", "{err = 'nocode'}", "{err = ''}", "{err = 5}",
        "{err = {}}", "{err = 'x', ok = 'y'}", "{ok = 'y', 1, 2}",
        "{double = 1.5}", "{double = 3}", "{double = -0.25}", "{double = 'x'}", "{double = 1/0}",
        "{big_number = '1234567890123456789012345678901234567890'}", "{big_number = 5}",
        "{map = {a = 1}}", "{map = {}}", "{map = {k = {1, 2}}}", "{set = {}}",
        "{set = {a = true}}", "{map = 5}", "{set = 'x'}",
        "{verbatim_string = {format = 'txt', string = 'hello'}}",
        "{verbatim_string = {format = 'markdown', string = 'x'}}",
        "{verbatim_string = {string = 'x'}}",
        "redis.error_reply('MY own error')", "redis.error_reply('-MINUS lead')", "redis.error_reply('plain')",
        "redis.status_reply('STATUS')", "redis.status_reply(42)", "redis.error_reply(1)",
        "{redis.status_reply('in'), redis.error_reply('inner error')}", "{{ok = 'a'}, {err = 'b c'}, {double = 2.5}}",
        "function() end", "coroutine.create(function() end)", "cjson.null", "{cjson.null}",
        "redis.sha1hex('abc')", "redis.sha1hex(123)", "redis.REDIS_VERSION_NUM > 0",
        "#KEYS", "#ARGV", "KEYS", "ARGV",
    };

    static List<String> responses(Pair p, String... cmd) throws Exception {
        List<String> l = new ArrayList<>();
        l.add(p.same(cmd));
        return l;
    }

    static void eval(Pair p, String script, String... keysThenArgs) throws Exception {
        String[] cmd = new String[3 + keysThenArgs.length];
        cmd[0] = "EVAL";
        cmd[1] = script;
        cmd[2] = "0";
        System.arraycopy(keysThenArgs, 0, cmd, 3, keysThenArgs.length);
        p.same(cmd);
    }

    static void evalKeys(Pair p, String script, int numkeys, String... keysThenArgs) throws Exception {
        String[] cmd = new String[3 + keysThenArgs.length];
        cmd[0] = "EVAL";
        cmd[1] = script;
        cmd[2] = Integer.toString(numkeys);
        System.arraycopy(keysThenArgs, 0, cmd, 3, keysThenArgs.length);
        p.same(cmd);
    }

    @ParameterizedTest(name = "lua values to replies resp={0}")
    @ValueSource(ints = {2, 3})
    void luaToReply(int resp, DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(resp)) {
            p.both("FLUSHALL");
            for (String v : VALUES) {
                evalKeys(p, "return " + v, 2, "k1", "k2", "a1", "a2", "a3");
                evalKeys(p, "redis.setresp(3) return " + v, 1, "k1", "a1");
                evalKeys(p, "redis.setresp(2) return " + v, 0);
            }
            assertTrue(p.steps() >= VALUES.length * 3);
            p.assertSame();
        }
    }

    /** Commands whose replies a script converts to Lua (dumped inside the script). */
    static final String[][] CALLS = {
        {"get", "s"}, {"get", "nokey"}, {"set", "s2", "v"}, {"incr", "i"}, {"incrbyfloat", "f", "1.5"},
        {"lrange", "l", "0", "-1"}, {"lrange", "nokey", "0", "-1"}, {"lpop", "nokey"}, {"lpop", "l", "2"},
        {"hgetall", "h"}, {"hget", "h", "f1"}, {"hmget", "h", "f1", "nof", "f2"}, {"hexists", "h", "f1"},
        {"smembers", "st"}, {"sismember", "st", "7"}, {"zrange", "z", "0", "-1", "withscores"},
        {"zscore", "z", "a"}, {"zscore", "z", "nomember"}, {"zrangebyscore", "z", "-inf", "+inf"},
        {"zadd", "z", "incr", "1", "a"}, {"zrandmember", "nokey"}, {"type", "s"}, {"type", "nokey"}, {"ping"},
        {"ping", "hi"}, {"echo", "x"}, {"exists", "s", "nokey"}, {"ttl", "s"}, {"object", "encoding", "s"},
        {"del", "nokey"}, {"incr", "s"}, {"lpush", "s", "x"}, {"hset", "h"}, {"xrange", "x", "-", "+"},
        {"xadd", "x", "2-1", "f", "v"}, {"config", "get", "maxmemory"}, {"zpopmin", "z"}, {"getrange", "s", "0", "1"},
        {"mget", "s", "nokey", "i"}, {"strlen", "s"}, {"setrange", "s3", "2", "ab"}, {"getex", "s"},
        {"select", "1"}, {"dbsize"}, {"lmpop", "1", "l", "left"}, {"hrandfield", "nokey"}, {"sintercard", "1", "st"},
        {"sort", "l", "alpha"}, {"expire", "s", "100"}, {"persist", "s"}, {"pexpire", "nokey", "10"},
    };

    static String luaCall(String fn, String[] args) {
        StringBuilder b = new StringBuilder(fn).append('(');
        for (int i = 0; i < args.length; i++) {
            b.append(i == 0 ? "" : ", ").append('\'').append(args[i]).append('\'');
        }
        return b.append(')').toString();
    }

    static void setup(Pair p) throws Exception {
        p.both("FLUSHALL");
        p.both("SET", "s", "value");
        p.both("SET", "i", "10");
        p.both("RPUSH", "l", "a", "b", "c", "d");
        p.both("HSET", "h", "f1", "v1");
        p.both("SADD", "st", "7");
        p.both("ZADD", "z", "1", "a", "2.5", "b");
        p.both("XADD", "x", "1-1", "f", "v");
    }

    @ParameterizedTest(name = "replies to lua values resp={0}")
    @ValueSource(ints = {2, 3})
    void replyToLua(int resp, DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(resp)) {
            for (String[] call : CALLS) {
                for (String mode : new String[] {"", "redis.setresp(3) ", "redis.setresp(2) "}) {
                    setup(p);
                    eval(p, DUMP + mode + "return dump(redis.pcall" + luaCall("", call).substring(0) + ")");
                    setup(p);
                    eval(p, mode + "return redis.pcall" + luaCall("", call));
                }
            }
            assertTrue(p.steps() >= CALLS.length * 6);
            p.assertSame();
        }
    }

    /** Scripts that fail, or catch failures, in every way Redis reports. */
    static final String[] ERRORS = {
        "return redis.call('nosuch')", "return redis.pcall('nosuch')", "return redis.call('get')",
        "return redis.pcall('get')", "return redis.call('get', 'a', 'b')", "return redis.call('set', 'k')",
        "return redis.call('config')", "return redis.call('config', 'nosuch')", "return redis.call('eval', 'return 1', '0')",
        "return redis.call('multi')", "return redis.call('subscribe', 'c')",
        "return redis.call('script', 'load', 'return 1')", "return redis.call('fcall', 'f', '0')",
        "return redis.call('client', 'list')",
        "return redis.call('function', 'list')",
        "return redis.call('set', 'k', {})", "return redis.call('set', 'k', nil)", "return redis.call('set', 'k', true)",
        "return redis.pcall('set', 'k', {})", "return redis.call()", "return redis.pcall()",
        "redis.call('set', 'str', 'x') return redis.call('incr', 'str')",
        "redis.call('set', 'str', 'x') return redis.pcall('incr', 'str')",
        "redis.call('set', 'str', 'x') return redis.call('lpush', 'str', 'a')",
        "redis.call('set', 'str', 'x') local t = redis.pcall('lpush', 'str', 'a') return t.err",
        "local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), type(e), e.err}",
        "local ok, e = pcall(redis.call, 'incr', 'str') return e",
        "local ok, e = pcall(error, 'x') return e", "local ok, e = pcall(error, {err = 'T'}) return e",
        "local ok, e = pcall(function() local x = nil; return x.y end) return e",
        "return error('plain')", "return error('plain', 0)", "return error('plain', 2)", "return error()",
        "return error(nil)", "return error(12)", "return error(true)", "return error({err = 'MY bad'})",
        "return error({err = 'nocode'})", "return error({err = 'X y', ignored = 1})",
        "return error(redis.error_reply('ER x'))",
        "\n\nreturn error('third line')", "local a = 1\nlocal b = 2\nredis.call('nosuch')",
        "local function f()\n  error('inner')\nend\nf()", "local function f()\n  redis.call('nosuch')\nend\n\nf()",
        "x = 1", "return y", "return undefined_function()", "local t = nil; return t.x", "return #nil",
        "return 1 + {}", "return 'a' < 1", "return ('x'):rep(-1) .. nil", "string.x = 1", "redis.x = 1",
        "cjson.x = 1", "_G.x = 1", "setmetatable(_G, nil)", "return rawset(_G, 'x', 1)", "KEYS = 1",
        "return redis.setresp(4)", "return redis.setresp()", "return redis.setresp(2, 3)",
        "return redis.set_repl(9)", "return redis.set_repl()", "return redis.log(99, 'x')", "return redis.log(1)",
        "return redis.log('x', 'y')", "return redis.sha1hex()", "return redis.acl_check_cmd('nosuch')",
        "return redis.acl_check_cmd()", "return redis.acl_check_cmd('get', {})", "return redis.error_reply()",
        "return redis.status_reply()", "return redis.error_reply({})", "return loadstring('return 1 +')",
        "return loadstring('syntax error here')()", "return pcall(error)", "return {pcall(error, 'e', 0)}",
        "return select('#', pcall(redis.call, 'nosuch'))", "return 'x", "return 1 +", "for", "return (",
        "return [[unfinished", "return \"\\q\"", "local t = {} t[nil] = 1", "return string.rep('x', -1, 5)",
        "return tostring(redis.breakpoint())", "return redis.debug('x')", "return redis.replicate_commands()",
        "return math.random(0)", "return coroutine.resume(coroutine.create(function() error('in co') end))",
        "local co = coroutine.wrap(function() error({err = 'CO err'}) end) co()",
        "return xpcall(function() error('x') end, function(m) return 'handled: ' .. m end)",
        "return {xpcall(function() redis.call('nosuch') end, function(m) return m.err end)}",
    };

    @ParameterizedTest(name = "errors resp={0}")
    @ValueSource(ints = {2, 3})
    void errors(int resp, DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(resp)) {
            p.both("FLUSHALL");
            for (String script : ERRORS) {
                eval(p, script);
                eval(p, DUMP + "return dump({pcall(function() " + script + "\nend)})");
            }
            assertTrue(p.steps() >= ERRORS.length * 2);
            p.assertSame();
        }
    }

    /** Library outputs through EVAL (the lua module's own tests compare them with lua5.1 and Redis too). */
    static final String[] LIBRARIES = {
        "return cjson.encode({1, 2, 3, {a = {true, false}}})", "return cjson.encode('\\1\\127/\"')",
        "return cjson.encode(1/3)", "return cjson.encode({[1] = 1, [3] = 3})",
        "return cjson.encode({[1] = 1, [20] = 3})", "return cjson.encode(cjson.null)",
        "return cjson.decode('[1,2,{\"a\":[null,\"x\"]}]')[3].a[2]", "return cjson.decode('{\"a\":1.5}').a * 2",
        "return cjson.decode('[1,2')", "return cjson.decode('{\"a\":}')", "return cjson.encode(function() end)",
        "return cjson.encode(cjson.decode('[\"\\\\u00e9\\\\ud83d\\\\ude00\"]'))",
        "return cmsgpack.pack(1, -1, 127, 128, 65536, 2^32, -2^31, 1.5, 'str', {1, 2}, {a = 1})",
        "return {cmsgpack.unpack(cmsgpack.pack({1, 2, 3}, 'x', 7))}", "return cmsgpack.unpack('\\255')",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 0)}", "return cmsgpack.unpack(string.rep('\\145', 3))",
        "return {bit.band(0xff, 0x0f), bit.bor(1, 2), bit.bxor(3, 5), bit.bnot(0), bit.lshift(1, 31)}",
        "return {bit.rshift(-1, 1), bit.arshift(-256, 4), bit.rol(1, 33), bit.ror(1, 1), bit.tohex(255)}",
        "return {bit.tobit(2^32 + 5), bit.bswap(0x12345678), bit.tohex(-1, -4)}", "return bit.band('x')",
        "return struct.pack('>I2i4d', 1, -2, 1.5)", "return {struct.unpack('<i2', struct.pack('<i2', -300))}",
        "return struct.size('>iIhHbBdf')", "return struct.pack('c3', 'abcdef')", "return struct.pack('z')",
        "return struct.unpack('>I4', 'ab')", "return string.format('%5.2f|%d|%s|%q', 3.14159, 42, 'x', 'a\\nb')",
        "return tostring(1e100) .. tostring(0.1) .. tostring(-0)", "return {string.find('hello world', 'o w')}",
        "return string.gsub('abc', '%w', '%0%0')", "return table.concat({1, 2, 3}, '-')",
        "local t = {5, 2, 8, 1} table.sort(t) return t", "return {unpack({1, 2, 3})}", "return select('#', 1, nil, 3)",
        "return tonumber('0x10') + tonumber('  12  ') + tonumber('z', 36)", "return _VERSION",
        "return {type(string), type(table), type(math), type(coroutine), type(bit), type(loadstring)}",
        "return {type(print), type(setfenv), type(getfenv), type(os), type(io), type(debug), type(require)}",
        "return math.floor(math.pi * 1000)", "return {math.max(1, 5, 3), math.fmod(7, 3), math.huge > 0}",
        "return {math.random(10), math.random(5, 9)}",
        "local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) "
            + "local _, x = coroutine.resume(co, 1) local _, y = coroutine.resume(co, 10) return {x, y}",
        "return loadstring('return 7')()", "return string.byte('A') + #'abc'",
    };

    @ParameterizedTest(name = "libraries resp={0}")
    @ValueSource(ints = {2, 3})
    void libraries(int resp, DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(resp)) {
            p.both("FLUSHALL");
            for (String script : LIBRARIES) {
                eval(p, script);
            }
            p.assertSame();
        }
    }

    @ParameterizedTest(name = "writes, databases, cache and shebang flags resp={0}")
    @ValueSource(ints = {2, 3})
    void writesAndFlags(int resp, DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(resp)) {
            p.both("FLUSHALL");
            p.both("SCRIPT", "FLUSH");
            String incr = "redis.call('incr', KEYS[1]) redis.call('expire', KEYS[1], 100) return redis.call('get', KEYS[1])";
            evalKeys(p, incr, 1, "counter");
            evalKeys(p, incr, 1, "counter");
            p.same("TTL", "counter");
            String sha = p.same("SCRIPT", "LOAD", incr);
            String s = sha.substring(sha.indexOf('\n') + 1).trim();
            p.same("SCRIPT", "EXISTS", s, s.toUpperCase(java.util.Locale.ROOT), "0000", s + "x");
            p.same("EVALSHA", s, "1", "counter");
            p.same("EVALSHA", s.toUpperCase(java.util.Locale.ROOT), "1", "counter");
            p.same("EVALSHA_RO", s, "1", "counter");
            p.same("EVAL_RO", incr, "1", "counter");
            p.same("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "counter");
            p.same("EVALSHA", "abc", "0");
            p.same("EVALSHA", "0000000000000000000000000000000000000000", "0");
            p.same("SCRIPT", "FLUSH", "SYNC");
            p.same("SCRIPT", "EXISTS", s);
            p.same("SCRIPT", "FLUSH", "ASYNC");
            p.same("SCRIPT", "FLUSH", "BAD");
            p.same("SCRIPT", "LOAD", "return 1 +");
            p.same("SCRIPT", "LOAD", "#!lua flags=bad\nreturn 1");
            p.same("SCRIPT", "HELP");
            p.same("SCRIPT", "KILL");
            p.same("SCRIPT", "NOSUCH");
            p.same("EVAL", "return redis.call('select', '2') and redis.call('set', 'indb2', 'x')", "0");
            p.same("EXISTS", "indb2");
            p.same("SELECT", "2");
            p.same("GET", "indb2");
            p.same("EVAL", "return {redis.call('dbsize'), redis.call('get', 'indb2')}", "0");
            p.same("SELECT", "0");
            p.same("EVAL", "redis.call('set', 'a', '1') redis.call('set', 'b', '2') return redis.call('mget', 'a', 'b')", "0");
            // shebang flags
            p.same("EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'x', '1')", "0");
            p.same("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'a')", "0");
            p.same("EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('get', 'a')", "0");
            p.same("EVAL_RO", "#!lua\nreturn redis.call('get', 'a')", "0");
            p.same("EVAL", "#!lua\nreturn redis.call('set', 'x', '1')", "0");
            p.same("EVAL", "#!lua flags=\nreturn 1", "0");
            p.same("EVAL", "#!lua flags=allow-oom,allow-stale,no-writes\nreturn 2", "0");
            p.same("EVAL", "#!lua flags=no-writes,foo\nreturn 1", "0");
            p.same("EVAL", "#!lua name=x\nreturn 1", "0");
            p.same("EVAL", "#!lux\nreturn 1", "0");
            p.same("EVAL", "#!\nreturn 1", "0");
            p.same("EVAL", "#!lua", "0");
            p.same("EVAL", "#!lua\nreturn error('on line 2')", "0");
            p.same("EVAL", "#!lua   flags=no-writes   \nreturn 3", "0");
            p.same("EVAL", "#!lua \"flags=no-writes\"\nreturn 3", "0");
            // argument errors
            p.same("EVAL", "return 1", "-1");
            p.same("EVAL", "return 1", "2", "a");
            p.same("EVAL", "return 1", "x");
            p.same("EVAL", "return 1");
            p.same("EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "k", "a", "b");
            p.same("EVAL", "return tostring(KEYS[2])", "0");
            p.same("EVAL", "return redis.call('set', KEYS[1], ARGV[1], 'EX', 100)", "1", "kex", "val");
            p.same("EVAL", "return {redis.call('set', 'num', 1.5), redis.call('get', 'num'), redis.call('incrby', 'n2', 7)}", "0");
            p.same("EVAL", "return redis.call('set', 'big', 2^53)", "0");
            p.same("GET", "big");
            p.same("EVAL", "return redis.call('set', 'large', 1e15)", "0");
            p.same("GET", "large");
            p.same("DBSIZE");
            p.assertSame();
        }
    }

    @ParameterizedTest(name = "functions resp={0}")
    @ValueSource(ints = {2, 3})
    void functions(int resp, DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(resp)) {
            p.normalize(Normalizer.unordered(1, "FUNCTION LIST"));
            p.both("FLUSHALL");
            p.both("FUNCTION", "FLUSH");
            String lib = "#!lua name=mylib\n"
                + "redis.register_function('get_it', function(keys, args) return redis.call('get', keys[1]) end)\n"
                + "redis.register_function{function_name='set_it', callback=function(keys, args) "
                + "return redis.call('set', keys[1], args[1]) end, description='sets it'}\n"
                + "redis.register_function{function_name='ro', callback=function(keys, args) "
                + "return {keys, args} end, flags={'no-writes'}}\n"
                + "redis.register_function{function_name='bad_ro', callback=function(keys, args) "
                + "return redis.call('set', 'x', 'y') end, flags={'no-writes', 'allow-stale'}}\n"
                + "redis.register_function('boom', function(keys, args) error('boom') end)\n"
                + "redis.register_function('boom2', function(keys, args)\n  return redis.call('nosuch')\nend)\n"
                + "redis.register_function('globals', function() return {type(string), type(redis.call), type(KEYS)} end)\n"
                + "redis.register_function('setg', function() x = 1 end)\n";
            p.same("FUNCTION", "LOAD", lib);
            p.same("FUNCTION", "LOAD", lib);
            p.same("FUNCTION", "LOAD", "REPLACE", lib);
            p.same("FCALL", "set_it", "1", "fk", "fv");
            p.same("FCALL", "get_it", "1", "fk");
            p.same("FCALL_RO", "get_it", "1", "fk");
            p.same("FCALL_RO", "ro", "2", "a", "b", "c");
            p.same("FCALL", "ro", "0");
            p.same("FCALL", "bad_ro", "0");
            p.same("FCALL", "boom", "0");
            p.same("FCALL", "boom2", "0");
            p.same("FCALL", "globals", "0");
            p.same("FCALL", "setg", "0");
            p.same("FCALL", "nosuch", "0");
            p.same("FCALL", "ro", "x");
            p.same("FCALL", "ro", "-1");
            p.same("FCALL", "ro", "3", "a");
            // one function per library below: Redis lists a library's functions in its dict's order
            p.same("FUNCTION", "LOAD", "#!lua name=small\nredis.register_function{function_name='small_f', "
                + "callback=function() return 1 end, description='the small one', flags={'no-writes', 'allow-oom', "
                + "'allow-stale', 'no-cluster'}}");
            p.same("FUNCTION", "LIST", "LIBRARYNAME", "small");
            p.same("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "SMA*");
            p.same("FUNCTION", "LIST", "LIBRARYNAME", "nomatch*");
            p.same("FUNCTION", "LIST", "LIBRARYNAME");
            p.same("FUNCTION", "LIST", "BAD");
            p.same("FUNCTION", "LIST", "WITHCODE", "WITHCODE");
            p.same("FCALL", "small_f", "0");
            p.same("FUNCTION", "DELETE", "small");
            p.same("FUNCTION", "STATS");
            p.same("FUNCTION", "KILL");
            p.same("FUNCTION", "HELP");
            String dump = p.both("FUNCTION", "DUMP")[0];
            p.same("FUNCTION", "RESTORE", "garbage");
            p.same("FUNCTION", "RESTORE", "garbage", "BADPOLICY");
            p.same("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('get_it', function() end)");
            p.same("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('other_f', function() return 'o' end)");
            p.same("FUNCTION", "DELETE", "nosuch");
            p.same("FUNCTION", "DELETE", "mylib");
            p.same("FCALL", "get_it", "1", "fk");
            p.same("FUNCTION", "FLUSH", "BAD");
            p.same("FUNCTION", "FLUSH", "ASYNC");
            p.same("FUNCTION", "LIST");
            p.same("FUNCTION", "LOAD", "#!lua name=l1\nredis.register_function('f1', function() return 1 end)");
            p.same("FUNCTION", "LOAD", "#!lua name=l2\nredis.register_function('f2', function() return 2 end)");
            p.same("FUNCTION", "LIST");
            p.same("FUNCTION", "STATS");
            assertTrue(dump.startsWith("$"));
            p.assertSame();
        }
    }

    /**
     * FUNCTION DUMP payloads across servers: real Redis's payload (RDB 10) restores here with every policy and its
     * collision errors, and this server's payload (RDB 11, which 7.0 cannot read) restores here; the libraries
     * then list and run the same on both.
     */
    @org.junit.jupiter.api.Test
    void dumpAndRestore(DifferentialServers servers) throws Exception {
        try (redis.clients.jedis.Jedis real = new redis.clients.jedis.Jedis("127.0.0.1", servers.redisPort());
             redis.clients.jedis.Jedis ours = new redis.clients.jedis.Jedis("127.0.0.1", servers.oursPort());
             Pair p = servers.open(2)) {
            p.normalize(Normalizer.unordered(1, "FUNCTION LIST"));
            p.both("FUNCTION", "FLUSH");
            String a = "#!lua name=liba\nredis.register_function('fa', function(k, a) return 'a' .. #a end)";
            String b = "#!lua name=libb\nredis.register_function{function_name='fb', callback=function() return 'b' end,"
                + " flags={'no-writes'}, description='" + "x".repeat(100) + "'}";
            p.same("FUNCTION", "LOAD", a);
            p.same("FUNCTION", "LOAD", b);
            byte[] fromRedis = real.functionDump();
            byte[] fromOurs = ours.functionDump();
            assertEquals(11, fromOurs[fromOurs.length - 10] & 0xff);
            p.same("FUNCTION", "FLUSH");
            assertEquals("OK", ours.functionRestore(fromRedis));
            assertEquals("OK", real.functionRestore(fromRedis));
            p.same("FUNCTION", "LIST", "WITHCODE");
            p.same("FCALL", "fa", "0", "x", "y");
            p.same("FCALL_RO", "fb", "0");
            // which library is named depends on each server's iteration order
            assertTrue(assertThrowsMessage(() -> ours.functionRestore(fromRedis)).matches("ERR Library lib[ab] already exists"));
            assertTrue(assertThrowsMessage(() -> real.functionRestore(fromRedis)).matches("ERR Library lib[ab] already exists"));
            assertEquals("OK", ours.functionRestore(fromRedis, redis.clients.jedis.args.FunctionRestorePolicy.REPLACE));
            assertEquals("OK", ours.functionRestore(fromOurs, redis.clients.jedis.args.FunctionRestorePolicy.FLUSH));
            p.same("FUNCTION", "LIST", "WITHCODE");
            byte[] corrupt = fromOurs.clone();
            corrupt[5] ^= 1;
            assertEquals("ERR DUMP payload version or checksum are wrong", assertThrowsMessage(() -> ours.functionRestore(corrupt)));
            p.same("FUNCTION", "LIST");
            p.both("FUNCTION", "FLUSH");
            p.assertSame();
        }
    }

    private static String assertThrowsMessage(org.junit.jupiter.api.function.Executable e) {
        return org.junit.jupiter.api.Assertions.assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, e)
            .getMessage();
    }

    /** Scripts run with the caller's ACL user: refused commands and keys, redis.acl_check_cmd. */
    @ParameterizedTest(name = "acl inside scripts resp={0}")
    @ValueSource(ints = {2, 3})
    void aclInsideScripts(int resp, DifferentialServers servers) throws Exception {
        try (Pair admin = servers.open(resp); Pair p = servers.open(resp)) {
            admin.same("ACL", "SETUSER", "scripter", "on", ">pw", "+eval", "+evalsha", "+get", "+fcall", "~a*");
            p.same("AUTH", "scripter", "pw");
            p.same("EVAL", "return redis.call('set', 'a', '1')", "0");
            p.same("EVAL", "return redis.call('get', 'b')", "0");
            p.same("EVAL", "return redis.pcall('get', 'b')", "0");
            p.same("EVAL", "return redis.call('get', 'a')", "0");
            p.same("EVAL", "return {redis.acl_check_cmd('get', 'a'), redis.acl_check_cmd('get', 'b'), "
                + "redis.acl_check_cmd('set', 'a', '1'), redis.acl_check_cmd('get')}", "0");
            p.same("EVAL", "return redis.acl_check_cmd('nosuch')", "0");
            // the denials inside scripts are logged with the context "lua" (ages and client info differ)
            String[] log = admin.both("ACL", "LOG");
            List<String> fields = aclLogFields(log[0]);
            assertEquals(fields, aclLogFields(log[1]));
            assertTrue(fields.contains("context=lua"), fields.toString());
            admin.same("ACL", "DELUSER", "scripter");
            admin.assertSame();
            p.assertSame();
        }
    }

    /** The reason, context, object and username fields of an ACL LOG reply, in order. */
    static List<String> aclLogFields(String reply) {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
            "\\$\\d+\r\n(reason|context|object|username)\r\n\\$\\d+\r\n([^\r]*)\r\n").matcher(reply);
        while (m.find()) {
            out.add(m.group(1) + "=" + m.group(2));
        }
        return out;
    }

    /** Library loads that fail, and the register_function argument rules. */
    static final String[] BAD_LIBRARIES = {
        "return 1", "#!lua", "#!lua name=x name=y\n", "#!lua foo=x\n", "#!lux name=x\n", "#!lua name=x-y\n",
        "#!lua\n", "#!lua name=\n", "#!lua name=empty\n", "#!lua name=e\nerror('a')", "#!lua name=e\nreturn 1 +",
        "#!lua name=e\nx = 1", "#!lua name=e\nreturn y", "#!lua name=e\nredis.call('ping')",
        "#!lua name=e\nlocal t = string", "#!lua name=e\nredis.register_function('1-x', function() end)",
        "#!lua name=e\nredis.register_function('a')", "#!lua name=e\nredis.register_function()",
        "#!lua name=e\nredis.register_function('a', function() end, 3)",
        "#!lua name=e\nredis.register_function('a', 'notfn')", "#!lua name=e\nredis.register_function({}, function() end)",
        "#!lua name=e\nredis.register_function{function_name='a', callback=function() end, flags={'bad'}}",
        "#!lua name=e\nredis.register_function{function_name='a', callback=function() end, flags='no-writes'}",
        "#!lua name=e\nredis.register_function{function_name='a', callback=function() end, foo=1}",
        "#!lua name=e\nredis.register_function{callback=function() end}",
        "#!lua name=e\nredis.register_function{function_name='a'}",
        "#!lua name=e\nredis.register_function{function_name={}, callback=function() end}",
        "#!lua name=e\nredis.register_function{function_name='a', callback=1}",
        "#!lua name=e\nredis.register_function{function_name='a', callback=function() end, description={}}",
        "#!lua name=e\nredis.register_function{[1]='a'}",
        "#!lua name=e\nredis.register_function('a', function() end) redis.register_function('a', function() end)",
        "#!lua name=e\nredis.log(redis.LOG_NOTICE, 'loading') redis.register_function('lg', function() return redis.REDIS_VERSION ~= nil end)",
        "#!LUA name=up\nredis.register_function('upf', function() return 1 end)",
        "#!lua NAME=up2\nredis.register_function{FUNCTION_NAME='upf2', CALLBACK=function() return 2 end, FLAGS={'NO-WRITES'}}",
    };

    @ParameterizedTest(name = "library load errors resp={0}")
    @ValueSource(ints = {2, 3})
    void libraryLoads(int resp, DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(resp)) {
            p.normalize(Normalizer.unordered(1, "FUNCTION LIST"));
            p.both("FUNCTION", "FLUSH");
            for (String code : BAD_LIBRARIES) {
                p.same("FUNCTION", "LOAD", code);
            }
            p.same("FUNCTION", "LIST");
            p.same("FCALL", "lg", "0");
            p.same("FCALL_RO", "upf2", "0");
            p.same("FUNCTION", "LOAD", "REPLACE");
            p.same("FUNCTION", "LOAD", "BAD", "#!lua name=q\n");
            p.same("FUNCTION", "LOAD");
            p.both("FUNCTION", "FLUSH");
            p.assertSame();
        }
    }
}
