/**
 * Redis's HyperLogLog in its exact string layout. See {@link io.cinnabar.hll.HyperLogLog}.
 */
module io.cinnabar.hll {
    exports io.cinnabar.hll;
}
