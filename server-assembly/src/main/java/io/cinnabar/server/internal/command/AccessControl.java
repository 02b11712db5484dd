package io.cinnabar.server.internal.command;

/**
 * What the pipeline, the connection commands and SORT ask of the ACL code (implemented by {@code acl.Acl}, wired
 * by {@code Assembly}): the user a new connection gets, the permission check of a command before it runs (at
 * queue time and again at EXEC, as Redis 7.2's processCommand and execCommand do), authentication, and the
 * "unrestricted read access" question of SORT ... BY/GET. Owned by the command layer so that the pipeline does
 * not depend on the layer above it.
 * <p>
 * Cost: the pipeline calls {@link #permits} only when {@link User#unrestricted()} is false, so a connection of a
 * user allowed everything (the default user as shipped) pays one field read and one predictable branch.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface AccessControl {
    /** A user as the pipeline sees it (implemented by {@code acl.User}). */
    interface User {
        /** The user name. */
        String name();

        /**
         * Whether the user may run every command on every key and channel: no check is needed. Kept up to date
         * by the ACL code whenever the user's rules change.
         */
        boolean unrestricted();
    }

    /** The user every new connection starts as. */
    User defaultUser();

    /**
     * Checks c's current command (cmd, c's arguments) against c's user; when it is denied, adds an ACL LOG entry,
     * counts it in INFO stats, replies Redis's {@code -NOPERM} error and returns false.
     */
    boolean permits(Client c, Command cmd);

    /**
     * EXEC's re-check of a queued command (the rules may have changed since it was queued): as {@link #permits},
     * with EXEC's error text ("ACLs rules changed between the moment the transaction was accumulated and its
     * execution") and the log context "multi".
     */
    boolean permitsAtExec(Client c, Command cmd);

    /** Whether c's user may run cmd with c's arguments: the check alone, nothing logged, counted or replied. */
    boolean allows(Client c, Command cmd);

    /**
     * Whether c's user can run cmd (with c's arguments) with read access to every key: the condition under which
     * SORT accepts a BY pattern or GET (Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess).
     */
    boolean unrestrictedReadAccess(Client c, Command cmd);

    /**
     * AUTH and HELLO AUTH: when the pair is valid, c becomes authenticated as that user and true is returned;
     * otherwise an ACL LOG entry of reason "auth" is added and false is returned (the caller replies WRONGPASS).
     */
    boolean authenticate(Client c, String user, byte[] password);

    /** Whether a user of this name exists (CLIENT KILL USER answers "No such user" otherwise). */
    boolean userExists(String name);

    /** Whether the default user is "nopass" (AUTH with one argument then fails; protected mode applies). */
    boolean defaultNoPass();

    /** CONFIG SET requirepass (and the startup value): the default user's password, or nopass when empty. */
    void requirepass(String password);
}
