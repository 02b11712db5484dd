/**
 * Access control lists, as Redis 7.2's {@code acl.c}: users ({@link io.cinnabar.server.internal.acl.AclUser}) with
 * passwords (SHA-256 hex), flags and selectors ({@link io.cinnabar.server.internal.acl.Selector}: a command bitmap
 * with first-argument exceptions, key patterns with read/write permissions, channel patterns, and the ordered
 * command rules that ACL GETUSER/LIST print back); the permission check of every command
 * ({@link io.cinnabar.server.internal.acl.Acl}, the command layer's {@code AccessControl}); the ACL LOG; the ACL
 * command; {@code user} lines of the config file and the {@code aclfile}.
 * <p>
 * May call: command, keyspace (through command), config. Called by: the pipeline through
 * {@code command.AccessControl}, wired by Assembly.
 * <p>
 * Cost: a user allowed everything (the default user as shipped) is never checked (one field read per command).
 * A restricted user's check is O(selectors x (keys x patterns + channels x patterns)) and allocates the key
 * list of the command once per check.
 */
package io.cinnabar.server.internal.acl;
