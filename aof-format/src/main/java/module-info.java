/**
 * Redis AOF files: RESP command logs with {@code #TS:} annotations, RDB-preamble files, Redis 7 multi-part AOF
 * (manifest, base, incremental and history files), truncated-tail detection and repair.
 * See {@link io.cinnabar.aof.AofReader} and {@link io.cinnabar.aof.AofManifest}.
 *
 * <p>Requires rdb-format for RDB preambles, and sds for the manifest's quoting ({@code sdssplitargs} and
 * {@code sdscatrepr}: one implementation, shared with config files and inline commands).
 */
module io.cinnabar.aof {
    requires io.cinnabar.rdb;
    requires io.cinnabar.sds;

    exports io.cinnabar.aof;
}
