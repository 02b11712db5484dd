package io.cinnabar.server.internal.command;

/**
 * What the command pipeline asks of Redis Cluster (implemented by {@code cluster.Cluster}, wired by
 * {@code Assembly} when cluster-enabled is yes; {@link Server#cluster} is null otherwise): whether this node may
 * run a command on its keys (Redis's getNodeByQuery), the redirection error when it may not, the per-command
 * reset of ASKING, the cron, and the INFO cluster numbers.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface ClusterRouting {
    /**
     * Checks c's command (already looked up and checked for arity and permissions) against the slot map: true
     * when this node serves it; false after replying with MOVED, ASK, CROSSSLOT, TRYAGAIN or CLUSTERDOWN.
     * Also ends the one-command life of the ASKING flag.
     */
    boolean route(Client c, Command cmd);

    /** {@link #scriptQuery}: the command has no key (any node serves it). */
    int SCRIPT_NO_KEYS = -1;
    /** {@link #scriptQuery}: a write while the cluster is down and reads are allowed. */
    int SCRIPT_DOWN_RO = -2;
    /** {@link #scriptQuery}: the cluster is down. */
    int SCRIPT_DOWN = -3;
    /** {@link #scriptQuery}: another node serves a key (or the keys are of several slots, or unbound). */
    int SCRIPT_NON_LOCAL = -4;

    /**
     * Redis's scriptVerifyClusterState for the command a script is about to run in its script client sc on behalf
     * of caller (which gives its READONLY flag): the hash slot of the command's keys (&gt;= 0) when this node
     * serves them, {@link #SCRIPT_NO_KEYS}, or a negative refusal code. Commands of the master link and the AOF
     * loader are never refused.
     */
    int scriptQuery(Client sc, Command cmd, Client caller);

    /** The hash slot of a key (CRC16 of the key or of its {hash tag}). */
    int keySlot(byte[] b, int off, int len);

    /**
     * Once the client listeners are bound (the port is known): binds the bus port; false after logging why the
     * server cannot run (Redis exits then).
     */
    boolean start();

    /** Called hz times per second from the server cron (Redis calls clusterCron 10 times per second). */
    void cron(long nowMs);

    /** Before the event loop sleeps: deferred state updates and saving nodes.conf (Redis's clusterBeforeSleep). */
    void beforeSleep();

    /** The body of INFO's cluster section after cluster_enabled:1 (empty in Redis). */
    default String info() {
        return "";
    }

    /** A CONFIG SET changed the option of that (primary) name. */
    default void configChanged(String name) {
    }

    /** Number of bus links (INFO clients cluster_connections). */
    int connections();

    /** Whether this node is a master in the cluster's view (nodes.conf at startup), as Redis's iAmMaster asks. */
    boolean myselfIsMaster();
}
