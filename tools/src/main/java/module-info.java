/**
 * The offline tools behind {@code bin/cinnabar}: RDB dump (JSON or RESP), check, stats and convert; AOF check,
 * fix and dump. The entry point is {@code io.cinnabar.tools.Main}; nothing is exported, the command line is the
 * API. Requires the format modules it reads and writes: rdb-format, aof-format, and resp-codec, whose encoder
 * writes {@code rdb dump --format resp} (the one RESP encoder in the project).
 */
module io.cinnabar.tools {
    requires io.cinnabar.rdb;
    requires io.cinnabar.aof;
    requires io.cinnabar.resp;
}
