/**
 * RESP2 and RESP3, both directions, as Redis 7.2 speaks them.
 *
 * <h2>Design</h2>
 * <pre>
 *   server:  socket bytes -&gt; RequestDecoder -&gt; (argc, offset/length slices of the read buffer) -&gt; command
 *            command -&gt; ReplyEncoder (one growable byte[] per connection, RESP2 or RESP3) -&gt; channel
 *   client:  socket bytes -&gt; ReplyDecoder -&gt; ReplyVisitor events -&gt; (ReplyTreeBuilder -&gt; RespValue)
 * </pre>
 * <ul>
 * <li><b>No copies on the request path.</b> Arguments are slices of the caller's buffer; the decoder keeps its
 *     place relative to the first unconsumed byte, so the caller may compact or grow its buffer between reads.
 *     A bulk argument larger than the buffer is announced by {@code requiredBytes()}.</li>
 * <li><b>Redis's parser, not the RESP specification's.</b> The request decoder reproduces
 *     {@code processMultibulkBuffer}/{@code processInlineBuffer}: {@code string2ll} counts, unchecked
 *     terminators after payloads, {@code strchr} stopping at NUL, {@code sdssplitargs} quoting (sds's {@code SdsArgs}, the one
 *     implementation), and the exact error texts, all checked against a real server.</li>
 * <li><b>Strict replies.</b> The reply decoder validates every line, length and terminator and refuses input
 *     beyond its limits; it never allocates from a declared length, and nesting is bounded.</li>
 * <li><b>Redis's formatting.</b> Integers as {@code ll2string}, doubles as Redis 7.2's {@code d2string}
 *     (Grisu2 digits, fpconv layout), both from sds's {@code Numbers} (one copy of the number text in the
 *     project), and RESP2 fallbacks exactly as Redis downgrades RESP3 types.</li>
 * </ul>
 * Everything here is single-threaded: one decoder and one encoder per connection.
 */
package io.cinnabar.resp;
