/**
 * GEO commands over sorted sets: geohash encoding, distances, radius search.
 * <p>
 * May call: the layers up to {@code type}; {@code type.zset}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type.geo;
