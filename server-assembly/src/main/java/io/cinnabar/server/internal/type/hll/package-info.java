/**
 * HyperLogLog: PFADD/PFCOUNT/PFMERGE/PFDEBUG/PFSELFTEST on string values; the sparse/dense byte format is
 * the {@code hyperloglog} module's ({@code io.cinnabar.hll.HyperLogLog}).
 * <p>
 * May call: the layers up to {@code type}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type.hll;
