/**
 * Server administration: INFO, CONFIG, COMMAND, SLOWLOG, LATENCY, DEBUG, MONITOR, CLIENT and the connection
 * commands (PING, AUTH, HELLO, ...).
 * <p>
 * May call: the layers up to {@code persist}; the event loop only through {@code command.Connections}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.admin;
