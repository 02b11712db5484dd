/**
 * Lists: {@code ListValue} (quicklist) and the list commands, including the blocking pops.
 * <p>
 * May call: the layers up to {@code type}; {@code type.zset} for BZPOPMIN/BZPOPMAX/BZMPOP.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type.list;
