/**
 * Redis's quicklist: a doubly linked list of listpack nodes with fill limits, LZF compression of inner nodes and
 * plain nodes for large elements. See {@link io.cinnabar.quicklist.Quicklist}.
 */
module io.cinnabar.quicklist {
    requires transitive io.cinnabar.listpack;
    requires io.cinnabar.lzf;

    exports io.cinnabar.quicklist;
}
