/**
 * The append-only file in the server (Redis's {@code aof.c}): {@link
 * io.cinnabar.server.internal.persist.aof.AppendOnlyFile} consumes the propagation stream and implements {@code
 * command.Durability}: multi-part files and the manifest ({@code AofFiles}), {@code appendfsync always|everysec|no}
 * with replies held until what the policy promises holds, BGREWRITEAOF and the automatic rewrites ({@code
 * AofRewrite}, a command-form base walked on the event loop), the load at startup of Redis 7.x directories and of
 * pre-7 single files ({@code AofLoad}, replaying through a socket-less client; an RDB-preamble base is replayed as
 * commands by {@code RdbAsCommands}), DEBUG LOADAOF, WAITAOF's local part, INFO persistence's {@code aof_*} fields.
 * <p>
 * May call: the layers up to {@code persist}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread except the everysec fsync thread.
 */
package io.cinnabar.server.internal.persist.aof;
