/**
 * A radix tree over byte strings with compressed nodes and a seekable, bidirectional iterator: the structure
 * Redis calls rax (stream entries, consumer groups and their pending entries lists). See {@link io.cinnabar.rax.Rax}.
 */
module io.cinnabar.rax {
    exports io.cinnabar.rax;
}
