/**
 * DUMP/RESTORE and the value codec ({@code TypeDump}); snapshots, rdb/ and aof/ as they arrive.
 * <p>
 * May call: the layers up to {@code generic}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.persist;
