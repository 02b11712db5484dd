package io.cinnabar.tools;

import io.cinnabar.rdb.RdbKey;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The --db, --key and --type selection of the dump commands. The key regex sees the key's bytes as ISO-8859-1. */
record KeyFilter(int db, Pattern key, String type) {
    static final KeyFilter ALL = new KeyFilter(-1, null, null);

    boolean accepts(RdbKey k) {
        return (db < 0 || k.db() == db)
            && (type == null || type.equals(k.family()))
            && (key == null || key.matcher(new String(k.key(), StandardCharsets.ISO_8859_1)).find());
    }
}
