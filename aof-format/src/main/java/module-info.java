/**
 * Redis AOF files: RESP command logs with {@code #TS:} annotations, RDB-preamble files, Redis 7 multi-part AOF
 * (manifest, base, incremental and history files), truncated-tail detection and repair.
 * See {@link io.cinnabar.aof.AofReader} and {@link io.cinnabar.aof.AofManifest}.
 *
 * <p>Requires rdb-format for RDB preambles; resp-codec for the command log, which is RESP: commands are parsed by
 * its request decoder and written by its encoder (one RESP implementation in the project); and sds for the
 * manifest's quoting ({@code sdssplitargs} and {@code sdscatrepr}, shared with config files and inline commands).
 */
module io.cinnabar.aof {
    requires io.cinnabar.rdb;
    requires io.cinnabar.resp;
    requires io.cinnabar.sds;

    exports io.cinnabar.aof;
}
