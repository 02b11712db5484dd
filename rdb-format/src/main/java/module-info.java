/**
 * Redis RDB files: a streaming reader for versions 1 to 12, a writer for versions 10 and 11, DUMP/RESTORE
 * payloads, CRC64, and the legacy ziplist and zipmap encodings that only survive inside RDB files.
 * See {@link io.cinnabar.rdb.RdbReader} and {@link io.cinnabar.rdb.RdbWriter}.
 */
module io.cinnabar.rdb {
    requires io.cinnabar.lzf;
    requires io.cinnabar.listpack;
    requires io.cinnabar.intset;

    exports io.cinnabar.rdb;
}
