/**
 * Redis's SDS strings and number/text conversions.
 *
 * <p>{@link io.cinnabar.sds.Sds} is the string: a byte array plus a length, grown by Redis's greedy policy
 * (double below 1 MB, then +1 MB). {@link io.cinnabar.sds.Numbers} holds the conversions whose exact behaviour
 * clients can observe: which texts are integers ({@code INCR}), which are doubles ({@code ZADD}), and how doubles
 * print in replies (Redis 7.2's Grisu2 form, and 7.0's {@code %.17g} for comparison).
 * {@link io.cinnabar.sds.LongDouble} is the 80-bit extended value that {@code INCRBYFLOAT} computes with.
 * {@link io.cinnabar.sds.Strtod} is C's {@code strtod} (each caller applies Redis's own acceptance rule), and
 * {@link io.cinnabar.sds.SdsArgs} is {@code sdssplitargs}/{@code sdscatrepr}: the single implementations the
 * other modules call instead of keeping copies.
 *
 * <p>Conventions: inputs are {@code (byte[], offset, length)} ranges, as they sit in a network buffer; outputs
 * are written into a caller's {@code byte[]} at an offset and the number of bytes written is returned, so the
 * hot conversions allocate nothing. Rejections follow Redis exactly and are reported without exceptions where a
 * sentinel exists ({@code NaN} for {@code parseDouble}, {@code null} for {@code LongDouble.parse}) and with
 * {@link java.lang.NumberFormatException} for {@code parseLong} (use {@code isLong} to test first).
 */
package io.cinnabar.sds;
