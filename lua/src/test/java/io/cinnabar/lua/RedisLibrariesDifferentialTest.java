package io.cinnabar.lua;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * cmsgpack and struct (which Debian does not package) against the copy inside a real redis-server: the same script runs as
 * {@code EVAL} there and here; the string it returns (or the error text) must be equal byte for byte.
 */
class RedisLibrariesDifferentialTest {
    private static RealRedis redis;
    private static Socket socket;
    private static InputStream in;
    private static OutputStream out;

    /** Deterministic dump of any value (map keys sorted), defined in both interpreters. */
    private static final String DUMP = """
            local function dump(v, depth)
              depth = depth or 0
              local t = type(v)
              if t == 'table' then
                if depth > 20 then return '...' end
                local keys = {}
                for k in pairs(v) do keys[#keys + 1] = k end
                table.sort(keys, function(a, b)
                  if type(a) ~= type(b) then return type(a) < type(b) end
                  return a < b end)
                local parts = {}
                for _, k in ipairs(keys) do parts[#parts + 1] = dump(k, depth + 1) .. '=' .. dump(v[k], depth + 1) end
                return '{' .. table.concat(parts, ',') .. '}'
              elseif t == 'string' then return string.format('%q', v)
              elseif t == 'number' then return string.format('%.17g', v)
              else return tostring(v) end
            end
            """;

    @BeforeAll
    static void start() throws IOException {
        redis = RealRedis.start();
        socket = redis.connect();
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    @AfterAll
    static void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** EVAL script 0 args...; the bulk reply bytes, or "ERR:" + the error line. */
    private static byte[] redisEval(String script, byte[]... args) throws IOException {
        List<byte[]> cmd = new ArrayList<>();
        cmd.add("EVAL".getBytes(StandardCharsets.US_ASCII));
        cmd.add(script.getBytes(StandardCharsets.ISO_8859_1));
        cmd.add("0".getBytes(StandardCharsets.US_ASCII));
        cmd.addAll(List.of(args));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(("*" + cmd.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : cmd) {
            b.write(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(a);
            b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
        int type = in.read();
        String line = readLine();
        switch (type) {
            case '$': {
                int n = Integer.parseInt(line);
                byte[] data = in.readNBytes(n);
                readLine();
                return data;
            }
            case '-':
                return ("ERR:" + line).getBytes(StandardCharsets.ISO_8859_1);
            default:
                throw new AssertionError("unexpected reply " + (char) type + line);
        }
    }

    private static String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            b.write(c);
        }
        in.read();
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] oursEval(String script, byte[]... args) {
        Lua lua = new Lua(OutputStream.nullOutputStream());
        LuaTable argv = new LuaTable();
        for (int i = 0; i < args.length; i++) {
            argv.put(i + 1, LuaString.wrap(args[i]));
        }
        lua.globals().put("ARGV", argv);
        lua.globals().put("KEYS", new LuaTable());
        try {
            Object r = lua.call(lua.load(script, "@user_script"))[0];
            return ((LuaString) r).toBytes();
        } catch (LuaError e) {
            return ("ERR:" + e.getMessage()).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private static void same(String script, byte[]... args) throws IOException {
        byte[] ref = redisEval(script, args);
        byte[] ours = oursEval(script, args);
        String r = new String(ref, StandardCharsets.ISO_8859_1);
        String o = new String(ours, StandardCharsets.ISO_8859_1);
        if (r.startsWith("ERR:")) {
            // Redis adds "ERR " in front and " script: <sha>, on @user_script:N." behind
            assertTrue(o.startsWith("ERR:") && r.contains(o.substring(4)), script + "\nredis: " + r + "\nours:  " + o);
            return;
        }
        assertArrayEquals(ref, ours, script + "\nredis: " + r + "\nours:  " + o);
    }

    static final String[] VALUES = {
        "nil", "true", "false", "0", "1", "-1", "127", "128", "255", "256", "65535", "65536", "4294967295",
        "4294967296", "-32", "-33", "-128", "-129", "-32768", "-32769", "-2147483648", "-2147483649", "2^53", "-2^53",
        "2^63", "-2^63", "2^64", "0.5", "-0.5", "0.1", "1/3", "1e300", "-1e-300", "1/0", "-1/0", "3.25", "''", "'a'",
        "string.rep('x', 31)", "string.rep('x', 32)", "string.rep('y', 65535)", "string.rep('z', 65536)",
        "'\\0\\1\\255'", "{}", "{1, 2, 3}", "{1, nil, 3}", "{[1] = 'a', [2] = 'b'}", "{[2] = 'b'}", "{a = 1}",
        "{[1.5] = 1}", "{[-1] = 1}", "{[0] = 1}", "{{{{}}}}", "{true, false, 'x', 0.25}", "string.len", "{string.len}",
        "string.rep('w', 255)", "string.rep('w', 256)",
        "{[2^31] = 1}", "cjson.null",
    };

    @Test
    void packEqualsRedis() throws IOException {
        for (String v : VALUES) {
            same("return cmsgpack.pack(" + v + ")");
        }
        same("return cmsgpack.pack(1, 'two', {3}, nil, true)");
        StringBuilder big = new StringBuilder("local t = {} for i = 1, 70000 do t[i] = i % 300 end return cmsgpack.pack(t)");
        same(big.toString());
        same("local t = {} local cur = t for i = 1, 20 do cur[1] = {} cur = cur[1] end return cmsgpack.pack(t)");
        same("local t = {} for i = 1, 20 do t['k' .. i] = i end return tostring(#cmsgpack.pack(t))");
        same("return tostring(pcall(cmsgpack.pack))");
        same("local ok, e = pcall(cmsgpack.pack) return e");
    }

    @Test
    void unpackEqualsRedis() throws IOException {
        for (String v : VALUES) {
            if (v.equals("string.len") || v.equals("cjson.null")) {
                continue;
            }
            same(DUMP + "return dump({cmsgpack.unpack(cmsgpack.pack(" + v + "))})");
        }
        same(DUMP + "return dump({cmsgpack.unpack(cmsgpack.pack(1, 'a', {b = 2}, {3, 4}))})");
        same(DUMP + "return dump({cmsgpack.unpack_one(cmsgpack.pack(1, 'a', 3))})");
        same(DUMP + "return dump({cmsgpack.unpack_one(cmsgpack.pack(1, 'a', 3), 1)})");
        same(DUMP + "return dump({cmsgpack.unpack_one(cmsgpack.pack(1, 'a', 3), 3)})");
        same(DUMP + "return dump({cmsgpack.unpack_limit(cmsgpack.pack(1, 'a', 3, 4), 2)})");
        same(DUMP + "return dump({cmsgpack.unpack_limit(cmsgpack.pack(1, 'a', 3, 4), 2, 1)})");
        same(DUMP + "return dump({cmsgpack.unpack('')})");
        // every first byte, with enough trailing bytes for any header, then short inputs
        for (int b = 0; b < 256; b++) {
            byte[] raw = {(byte) b, 0, 0, 0, 1, 65, 66, 67, 68, 69, 70};
            same(DUMP + "return dump({pcall(cmsgpack.unpack_one, ARGV[1])})", raw);
            same(DUMP + "return dump({pcall(cmsgpack.unpack, ARGV[1])})", new byte[] {(byte) b});
        }
        same(DUMP + "return dump({pcall(cmsgpack.unpack_one, 'abc', 10)})");
        same(DUMP + "return dump({pcall(cmsgpack.unpack_limit, 'abc', -1)})");
        same("return cmsgpack.unpack(ARGV[1])", new byte[] {(byte) 0xd9, 1, 65});
        same("return cmsgpack.unpack(ARGV[1])", new byte[] {(byte) 0xdb, 0, 0, 0, 5, 65});
    }

    static final String[] STRUCT_FORMATS = {"b", "B", "h", "H", "l", "L", "T", "i", "I", "i1", "i2", "i3", "i8", "I5",
        "i16", "I32", ">i", "<i", ">I3", "<h", ">H", "f", "d", ">f", ">d", "x", "bxh", "!4bi", "!bd", "!2bh", "!8bid",
        ">!4 b i", "i33", "!3b", "y", "i99999999999", "c3", "s"};

    static final String[] STRUCT_NUMBERS = {"0", "1", "-1", "127", "128", "255", "256", "-129", "65535", "65536",
        "2^31", "-2^31", "2^32", "2^53", "-2^53", "2^63", "2^64", "0.5", "-0.5", "1e300", "1/0"};

    @Test
    void structEqualsRedis() throws IOException {
        for (String f : STRUCT_FORMATS) {
            same(DUMP + "return dump({pcall(struct.size, '" + f + "')})");
            for (String n : STRUCT_NUMBERS) {
                String args = f.contains("c") || f.contains("s") ? "'abcdef'" : "-- \n"
                        + String.join(", ", java.util.Collections.nCopies(4, n));
                if (f.contains("c") || f.contains("s")) {
                    args = "'abcdef'";
                } else {
                    args = String.join(", ", java.util.Collections.nCopies(4, n));
                }
                String pack = "struct.pack('" + f + "', " + args + ")";
                same(DUMP + "local ok, s = pcall(function() return " + pack + " end) "
                        + "if not ok then return s end "
                        + "return s .. '|' .. dump({pcall(struct.unpack, '" + f + "', s)})");
                if (f.contains("c") || f.contains("s")) {
                    break;
                }
            }
        }
        same(DUMP + "return dump({pcall(struct.unpack, 'Bc0', '\\3abcdef')})");
        same(DUMP + "return dump({pcall(struct.unpack, 'c0', 'abc')})");
        same(DUMP + "return dump({pcall(struct.unpack, 'Bc0', '\\9abc')})");
        same(DUMP + "return dump({pcall(struct.unpack, 's', 'abc')})");
        same(DUMP + "return dump({pcall(struct.unpack, 'ss', 'ab\\0cd\\0ef')})");
        same(DUMP + "return dump({pcall(struct.unpack, 'i', 'abcdefgh', 5)})");
        same(DUMP + "return dump({pcall(struct.unpack, 'i', 'abcdefgh', 6)})");
        same(DUMP + "return dump({pcall(struct.unpack, 'i', 'abcdefgh', 0)})");
        same(DUMP + "return dump({pcall(struct.unpack, 'i', 'abcdefgh', 100)})");
        same(DUMP + "return dump({pcall(struct.pack, 'c10', 'abc')})");
        same(DUMP + "return dump({pcall(struct.pack, 'c0s', 'abc', 'de')})");
        same(DUMP + "return dump({pcall(struct.pack, 'i', 'x')})");
        same(DUMP + "return dump({pcall(struct.pack, 'i')})");
        same(DUMP + "return dump({pcall(struct.size, 'c0')})");
        same(DUMP + "return dump({pcall(struct.unpack, '>I2 <I2', '\\1\\2\\1\\2')})");
    }
}
