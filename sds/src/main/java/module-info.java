/**
 * Binary-safe growable byte strings with Redis's growth policy ({@link io.cinnabar.sds.Sds}) and Redis's exact
 * integer and floating-point text conversions ({@link io.cinnabar.sds.Numbers}, {@link io.cinnabar.sds.LongDouble}).
 */
module io.cinnabar.sds {
    exports io.cinnabar.sds;
}
