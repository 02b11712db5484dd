/**
 * HyperLogLog: the sparse/dense byte format ({@code Hll}) and PFADD/PFCOUNT/PFMERGE/PFDEBUG/PFSELFTEST.
 * <p>
 * May call: the layers up to {@code type}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type.hll;
