/**
 * Redis AOF files: RESP command logs with {@code #TS:} annotations, RDB-preamble files, Redis 7 multi-part AOF
 * (manifest, base, incremental and history files), truncated-tail detection and repair.
 * See {@link io.cinnabar.aof.AofReader} and {@link io.cinnabar.aof.AofManifest}.
 *
 * <p>Requires rdb-format for RDB preambles. The RESP multibulk parsing is local until resp-codec is merged
 * (AOF needs only arrays of bulk strings, with offsets for truncation reports).
 */
module io.cinnabar.aof {
    requires io.cinnabar.rdb;

    exports io.cinnabar.aof;
}
