/**
 * Key commands (DEL, EXISTS, RENAME, COPY, MOVE, SCAN, KEYS, TYPE, OBJECT ...), expiry commands, SORT.
 * <p>
 * May call: the layers up to {@code type.*}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.generic;
