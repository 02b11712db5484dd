/**
 * Sorted sets: {@code ZSetValue} (listpack or skiplist + dict) and the sorted-set commands.
 * <p>
 * May call: the layers up to {@code type}; {@code type.set} (ZUNION/ZINTER of sets).
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type.zset;
