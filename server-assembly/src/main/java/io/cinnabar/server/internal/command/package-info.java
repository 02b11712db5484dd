/**
 * The command pipeline: the command table and docs ({@code CommandTable}, {@code Command}, {@code CommandDocs},
 * {@code KeySpecs}), {@code Client} (one request's argv and its reply), the dispatch of Redis's
 * processCommand/call ({@code Server}) with statistics, slow log and latency monitor, and the reply constants
 * ({@code Shared}). It reaches the layers above only through the interfaces it owns: {@code Connections}
 * (the event loop) and {@code BlockedClients} (the blocking code).
 * <p>
 * May call: {@code config}, {@code keyspace}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.command;
