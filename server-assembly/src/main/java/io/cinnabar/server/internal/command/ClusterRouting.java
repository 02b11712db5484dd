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

    /** Number of bus links (INFO clients cluster_connections). */
    int connections();
}
