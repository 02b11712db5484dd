package io.cinnabar.server.internal.type;

/**
 * A value made of members that can be removed one at a time (a set's members, a sorted set's members, a hash's
 * fields): what the one variadic-remove skeleton ({@link TypeCommands#removeMembers}: SREM, ZREM, HDEL) needs.
 * <p><b>Note:</b> Implementations are not threadsafe.
 */
public interface Members {
    /** Removes the member given as bytes; false when it is absent. */
    boolean removeMember(byte[] b, int off, int len);

    /** The number of members. */
    long memberCount();
}
