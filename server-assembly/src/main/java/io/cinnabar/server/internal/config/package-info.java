/**
 * The configuration: the option table ({@code Config}: name, type, default, apply hook), redis.conf parsing and
 * {@code include} ({@code ConfigFile}), CONFIG REWRITE, the server log, and the text helpers everything above uses
 * ({@code Args}: sdssplitargs/repr quoting, {@code Num}: number text, {@code Glob}: stringmatchlen), the
 * notify-keyspace-events flags and the per-type encoding thresholds ({@code TypeLimits}).
 * <p>
 * May call: nothing of the server (the bottom layer); the JDK and the format modules only.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.config;
