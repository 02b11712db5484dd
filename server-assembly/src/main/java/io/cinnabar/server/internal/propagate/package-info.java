/**
 * What a command's effects become for the AOF, replicas and MONITOR-like consumers.
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.propagate;
