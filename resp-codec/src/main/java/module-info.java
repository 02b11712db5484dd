/**
 * RESP2 and RESP3: the request decoder a server reads commands with (multibulk and inline, incremental,
 * arguments as slices of the input), the reply encoder it writes replies with (Redis's number formats and
 * RESP2 fallbacks), and the reply decoder a client reads replies with. See {@link io.cinnabar.resp.RequestDecoder},
 * {@link io.cinnabar.resp.ReplyEncoder} and {@link io.cinnabar.resp.ReplyDecoder}.
 *
 * <p>Requires sds, which holds the one copy of two formats RESP shares with the rest of Redis: the inline
 * command splitter ({@code sdssplitargs}, also used by config files and the AOF manifest) and the number text of
 * replies ({@code ll2string}, 7.2's {@code d2string}), so that a reply prints a score with the same bytes as the
 * listpack that stores it. Both are allocation-free, so the multibulk path keeps its zero-copy, zero-allocation
 * properties and the inline path allocates nothing either.
 */
module io.cinnabar.resp {
    requires io.cinnabar.sds;

    exports io.cinnabar.resp;
}
