package io.cinnabar.server.internal.config;

import io.cinnabar.sds.SdsArgs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis config syntax: sdssplitargs quoting, includes, multi-argument options, errors, command-line options. */
class ConfigFileTest {
    @Test
    void splitArgsLikeSdssplitargs() {
        assertEquals(List.of("set", "a b", "c\n", "it's"), SdsArgs.split("set \"a b\" \"c\\n\" 'it\\'s'"));
        assertEquals(List.of("x", "\u0001A"), SdsArgs.split("x \"\\x01\\x41\""));
        assertNull(SdsArgs.split("a \"unterminated"));
        assertNull(SdsArgs.split("a \"closed\"x"));
        assertEquals(List.of(), SdsArgs.split("   "));
        assertEquals("\"a\\\"b\\n\\x01\"", SdsArgs.repr("a\"b\n\u0001"));
    }

    @Test
    void optionsBecomeLines() {
        assertEquals("port \"7000\" \nsave \"\" \nbind \"127.0.0.1\" \"::1\" ",
            ConfigFile.optionsToText(List.of("--port", "7000", "--save", "", "--bind", "127.0.0.1", "::1")));
    }

    @Test
    void loadsTypesAndAliases() throws Exception {
        Config c = new Config();
        ConfigFile.loadString(c, "maxmemory 1gb\nslave-read-only no\nhash-max-ziplist-entries 64\n"
            + "appendfsync ALWAYS\nsave 10 1\nsave 20 2\nclient-output-buffer-limit pubsub 1mb 2mb 3\n"
            + "notify-keyspace-events Ex\n", 0);
        assertEquals("1073741824", c.get("maxmemory"));
        assertEquals("no", c.get("replica-read-only"));
        assertEquals("64", c.get("hash-max-listpack-entries"));
        assertEquals("always", c.get("appendfsync"));
        assertEquals("10 1 20 2", c.get("save"));
        assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 3",
            c.get("client-output-buffer-limit"));
        assertEquals("xE", c.get("notify-keyspace-events"));
    }

    @Test
    void errorsNameTheLine() {
        Config c = new Config();
        ConfigFile.FatalConfigError e = assertThrows(ConfigFile.FatalConfigError.class,
            () -> ConfigFile.loadString(c, "port 1\n\nmaxclients 0\n", 0));
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 3\n"
            + ">>> 'maxclients 0'\nargument must be between 1 and 4294967295 inclusive", e.getMessage());
        e = assertThrows(ConfigFile.FatalConfigError.class, () -> ConfigFile.loadString(c, "port \"1\n", 0));
        assertEquals("Unbalanced quotes in configuration line", e.getMessage().substring(e.getMessage().lastIndexOf('\n') + 1));
        e = assertThrows(ConfigFile.FatalConfigError.class, () -> ConfigFile.loadString(c, "port 1 2\n", 0));
        assertEquals("wrong number of arguments", // a known option (as redis-server 7.0.15 says it)
            e.getMessage().substring(e.getMessage().lastIndexOf('\n') + 1));
        e = assertThrows(ConfigFile.FatalConfigError.class, () -> ConfigFile.loadString(c, "no-such-option 1\n", 0));
        assertEquals("Bad directive or wrong number of arguments",
            e.getMessage().substring(e.getMessage().lastIndexOf('\n') + 1));
        e = assertThrows(ConfigFile.FatalConfigError.class, () -> ConfigFile.loadString(c, "activerehashing maybe", 0));
        assertEquals("argument must be 'yes' or 'no'", e.getMessage().substring(e.getMessage().lastIndexOf('\n') + 1));
    }

    @Test
    void includeWithGlob() throws Exception {
        Path dir = Files.createTempDirectory("conf");
        Files.writeString(dir.resolve("a.conf"), "maxclients 5\n");
        Files.writeString(dir.resolve("b.conf"), "maxclients 6\ntimeout 9\n");
        Config c = new Config();
        ConfigFile.loadString(c, "include " + dir.resolve("*.conf") + "\n", 0);
        assertEquals("6", c.get("maxclients"));
        assertEquals("9", c.get("timeout"));
    }
}
