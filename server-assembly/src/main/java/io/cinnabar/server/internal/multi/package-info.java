/**
 * Transactions (Redis's multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH. {@code Transactions} keeps each client's
 * queued commands and watched keys, implements the pipeline's {@code command.Transactions} (queuing, flagging a
 * refused command, CLIENT LIST and INFO counters) and listens to the keyspace ({@code KeyspaceListener}) to mark
 * the watchers of a written, expired, flushed or swapped key dirty. EXEC runs the queue through
 * {@code Server.call} inside one propagation unit ({@code PropagationHook.beginUnit/endUnit}).
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.multi;
