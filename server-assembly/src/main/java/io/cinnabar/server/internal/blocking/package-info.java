/**
 * Blocked clients and ready keys ({@code BlockingKeys}): BLPOP and friends block here; the keyspace tells it
 * of keys added (as a {@code KeyspaceListener}), and the pipeline asks it to serve ready clients after each command
 * (as {@code command.BlockedClients}).
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}, {@code propagate}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.blocking;
