/**
 * Binary-safe growable byte strings with Redis's growth policy ({@link io.cinnabar.sds.Sds}) and Redis's exact
 * integer and floating-point text conversions ({@link io.cinnabar.sds.Numbers}, {@link io.cinnabar.sds.LongDouble},
 * {@link io.cinnabar.sds.Strtod}), and the one copy of {@code sdssplitargs}/{@code sdscatrepr}
 * ({@link io.cinnabar.sds.SdsArgs}) that resp-codec, aof-format and the server share.
 */
module io.cinnabar.sds {
    exports io.cinnabar.sds;
}
