/**
 * The append-only file in the server (Redis's {@code aof.c}): {@link
 * io.cinnabar.server.internal.persist.aof.AppendOnlyFile} consumes the propagation stream and implements {@code
 * command.Durability}: multi-part files and the manifest ({@code AofFiles}), {@code appendfsync always|everysec|no}
 * with replies held until what the policy promises holds, BGREWRITEAOF and the automatic rewrites (a
 * {@code persist.Snapshot} writes the base in the background, RDB preamble or commands, into a
 * {@code persist.TempFileSink}),
 * the load at startup of Redis 7.x directories and of pre-7 single files ({@code AofLoad}, replaying through a
 * socket-less client; an RDB base or preamble goes to {@code persist.RdbLoad}), DEBUG LOADAOF, WAITAOF's local
 * part, INFO persistence's {@code aof_*} fields.
 * <p>
 * May call: the layers up to {@code persist}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread except the everysec fsync thread.
 */
package io.cinnabar.server.internal.persist.aof;
