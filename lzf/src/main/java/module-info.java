/**
 * LZF compression, byte-compatible with the LZF that Redis uses for RDB strings and quicklist nodes.
 * See {@link io.cinnabar.lzf.Lzf}.
 */
module io.cinnabar.lzf {
    exports io.cinnabar.lzf;
}
