package io.cinnabar.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files real Redis wrote, in {@code ../shared/fixtures} beside the work tree (or where the
 * {@code cinnabar.shared} system property or {@code CINNABAR_SHARED} environment variable points).
 */
public final class Fixtures {
    /** The fixtures write infinite zset scores as {@code Infinity} / {@code -Infinity}. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private Fixtures() {
    }

    /** The {@code shared/} folder. */
    public static Path shared() {
        String prop = System.getProperty("cinnabar.shared");
        if (prop == null || prop.isEmpty()) {
            prop = System.getenv("CINNABAR_SHARED");
        }
        if (prop != null && !prop.isEmpty() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared");
            if (Files.isDirectory(candidate.resolve("fixtures"))) {
                return candidate;
            }
            candidate = p.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("fixtures"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/fixtures not found from " + dir
            + "; set -Dcinnabar.shared=/path/to/shared");
    }

    /** A path under {@code shared/fixtures}. */
    public static Path fixture(String relative) {
        return shared().resolve("fixtures").resolve(relative);
    }

    /** All files in a fixture folder whose name ends with {@code suffix}, sorted by name. */
    public static List<Path> list(String folder, String suffix) {
        try (Stream<Path> s = Files.list(fixture(folder))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code *-dump-payloads.json}: key (base64) to DUMP payload (base64), decoded, in file order. The map
     * key is the key's bytes as ISO-8859-1 text so that binary keys survive.
     */
    public static Map<String, byte[]> dumpPayloads(Path file) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = json(file).fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(latin1(Base64.getDecoder().decode(e.getKey())), Base64.getDecoder().decode(e.getValue().asText()));
        }
        return out;
    }

    /** The {@code .json} that describes the keys of an RDB fixture: db -&gt; key -&gt; {type, encoding, value, ...}. */
    public static JsonNode expectedDataset(Path rdbOrPayloads) {
        String name = rdbOrPayloads.getFileName().toString()
            .replace("-dump-payloads.json", ".json")
            .replace("-uncompressed.rdb", ".json")
            .replace(".rdb", ".json");
        return json(rdbOrPayloads.resolveSibling(name));
    }

    /** Decodes a base64 JSON text node. */
    public static byte[] b64(JsonNode node) {
        return Base64.getDecoder().decode(node.asText());
    }

    /** Decodes every element of a JSON array of base64 texts. */
    public static List<byte[]> b64List(JsonNode array) {
        List<byte[]> out = new ArrayList<>();
        array.forEach(n -> out.add(b64(n)));
        return out;
    }

    public static String latin1(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
