/**
 * Sets: {@code SetValue} (intset, listpack or hashtable) and the set commands.
 * <p>
 * May call: the layers up to {@code type}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type.set;
