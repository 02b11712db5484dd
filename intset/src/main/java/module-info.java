/**
 * Redis's intset in its exact byte layout. See {@link io.cinnabar.intset.Intset}.
 */
module io.cinnabar.intset {
    exports io.cinnabar.intset;
}
