/**
 * Redis's listpack, byte for byte: the compact list of strings and integers that Redis 7 uses for small lists,
 * hashes, sets and sorted sets, for quicklist nodes and for stream nodes. See {@link io.cinnabar.listpack.Listpack}.
 */
module io.cinnabar.listpack {
    exports io.cinnabar.listpack;
}
