/**
 * RESP2 and RESP3: the request decoder a server reads commands with (multibulk and inline, incremental,
 * arguments as slices of the input), the reply encoder it writes replies with (Redis's number formats and
 * RESP2 fallbacks), and the reply decoder a client reads replies with. See {@link io.cinnabar.resp.RequestDecoder},
 * {@link io.cinnabar.resp.ReplyEncoder} and {@code io.cinnabar.resp.ReplyDecoder}. JDK only.
 */
module io.cinnabar.resp {
    exports io.cinnabar.resp;
}
