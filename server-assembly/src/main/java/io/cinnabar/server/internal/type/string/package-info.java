/**
 * Strings: GET/SET and friends, counters, bit operations, LCS.
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}, {@code propagate}, {@code blocking}, {@code type}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type.string;
