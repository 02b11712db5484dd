/**
 * The event loop ({@code EventLoop}): listeners (TCP, Unix), connections, their buffers and limits, pause,
 * timeouts, the cron. It implements {@code command.Connections}.
 * <p>
 * May call: the layers up to {@code admin}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.net;
