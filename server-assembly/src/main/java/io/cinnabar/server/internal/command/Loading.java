package io.cinnabar.server.internal.command;

/**
 * The server while it loads a dataset (Redis's {@code server.loading} and its progress fields): an RDB or AOF file
 * at startup, DEBUG RELOAD / DEBUG LOADAOF, or the RDB a replica received from its master. The loader runs on the
 * thread that owns the server and calls {@link #at} between keys (or AOF commands) with the byte offset it reached;
 * every {@code loading-process-events-interval-bytes} bytes that serves the clients once through the event loop's
 * nested processing (Redis's rdbLoadProgressCallback and processEventsWhileBlocked): connections are accepted, the
 * commands flagged {@code loading} (INFO, CONFIG GET, CLIENT, ...) run, every other command is answered
 * {@code -LOADING}, closed clients are freed. Nothing that touches the keyspace runs meanwhile, so the loader is never re-entered.
 * <p>
 * A SHUTDOWN (or SIGTERM/SIGINT) that arrives during the load succeeds without saving (a half-loaded dataset must
 * never overwrite the file): the load then stops by throwing {@link Aborted}, which its caller lets pass or turns
 * into "stop serving"; the event loop stops at its next iteration.
 * <p><b>Note:</b> This class is not threadsafe: it belongs to the thread that owns the server.
 */
public final class Loading {
    /** Redis's shared.loadingerr, without the leading '-'. */
    public static final String ERROR = "LOADING Redis is loading the dataset in memory";

    /** Thrown out of a load that a shutdown ended; the shutdown already succeeded. */
    public static final class Aborted extends RuntimeException {
        Aborted() {
            super("shutdown during loading", null, false, false);
        }
    }

    private final Server server;
    /** Whether a blocking load runs (Redis's loading &amp;&amp; !async_loading): commands without the flag get -LOADING. */
    public boolean active;
    /** Redis's loading_start_time (unix seconds), loading_total_bytes, loading_rdb_used_mem, loading_loaded_bytes. */
    public long startTime;
    public long totalBytes;
    public long rdbUsedMem;
    public long loadedBytes;
    /**
     * key-load-delay as it is now: read at the start and each time the clients were served, so that a CONFIG SET
     * during the load acts on the keys that follow (Redis reads server.key_load_delay after each key).
     */
    public long keyLoadDelayUs;
    /** Nested levels of {@link #start} (DEBUG RELOAD of a file with an RDB preamble starts the RDB part inside). */
    private int depth;
    private long nextEventsAt;
    private long interval;
    /** Whether clients are being served from inside the load right now (no nested service). */
    private boolean serving;
    private Client runner;

    Loading(Server server) {
        this.server = server;
    }

    /**
     * Redis's startLoading: a blocking load of totalBytes bytes begins (0 when unknown); runner is the client whose
     * command loads (DEBUG RELOAD, DEBUG LOADAOF), or null: what it sends meanwhile waits until the load ends.
     */
    public void start(long totalBytes, Client runner) {
        if (depth++ > 0) {
            return;
        }
        this.runner = runner;
        active = true;
        startTime = System.currentTimeMillis() / 1000;
        this.totalBytes = Math.max(0, totalBytes);
        rdbUsedMem = 0;
        loadedBytes = 0;
        interval = server.config.getLong("loading-process-events-interval-bytes");
        nextEventsAt = interval;
        keyLoadDelayUs = server.config.getLong("key-load-delay");
    }

    /**
     * A load that does not run on the owning thread (a replica's diskless load, parsed by its own thread while the
     * event loop keeps serving) starts: only the progress fields of INFO are reset, the caller answers -LOADING.
     */
    public void track(long totalBytes) {
        startTime = System.currentTimeMillis() / 1000;
        this.totalBytes = totalBytes;
        rdbUsedMem = 0;
        loadedBytes = 0;
    }

    /** Redis's stopLoading (success or not). */
    public void stop() {
        if (depth > 0 && --depth > 0) {
            return;
        }
        depth = 0;
        active = false;
        runner = null;
    }

    /** The RDB's used-mem aux field, Redis's estimate of the load's size when the total is unknown. */
    public void rdbUsedMem(long bytes) {
        if (active && bytes > 0) {
            rdbUsedMem = bytes;
        }
    }

    /**
     * The loader reached byte pos (absolute within the whole load): the progress is recorded and, each time pos
     * passes a multiple of the interval, the clients are served once. Throws {@link Aborted} when a shutdown
     * succeeded meanwhile.
     */
    public void at(long pos) {
        if (!active) {
            return;
        }
        loadedBytes = pos;
        if (pos >= nextEventsAt) {
            nextEventsAt = interval <= 0 ? Long.MAX_VALUE : (pos / interval + 1) * interval;
            serveClients();
        }
    }

    /**
     * Serves the clients once (Redis's processEventsWhileBlocked and whileBlockedCron): the SIGTERM or SIGINT a
     * load received shuts the server down here, without saving. Throws {@link Aborted} once a shutdown succeeded.
     */
    public void serveClients() {
        if (!active || serving || server.loop == null) {
            return;
        }
        serving = true;
        try {
            server.loop.processEventsWhileBlocked(runner);
        } finally {
            serving = false;
        }
        keyLoadDelayUs = server.config.getLong("key-load-delay");
        interval = server.config.getLong("loading-process-events-interval-bytes");
        long used = server.usedMemory();
        if (used > server.memPeak) {
            server.memPeak = used;
        }
        if (server.shutdownAsap && !server.shutdownPrepared()) {
            if (!server.shutdownFromLoop()) {
                server.log.warning("SIGTERM received but errors trying to shut down the server, check the logs for "
                    + "more information");
            }
        }
        if (server.shutdownPrepared()) {
            throw new Aborted();
        }
    }

    /** Redis's INFO persistence loading_* fields, shown while a load runs (loading or async_loading). */
    public void info(StringBuilder b, long now) {
        double perc = 0;
        long remaining = 1;
        if (totalBytes > 0) {
            perc = (double) loadedBytes / totalBytes * 100;
            remaining = totalBytes - loadedBytes;
        } else if (rdbUsedMem > 0) {
            perc = Math.min(99.99, (double) loadedBytes / rdbUsedMem * 100);
            remaining = Math.max(1, rdbUsedMem - loadedBytes);
        }
        long elapsed = now / 1000 - startTime;
        long eta = elapsed == 0 ? 1 : elapsed * remaining / (loadedBytes + 1);
        b.append("loading_start_time:").append(startTime).append("\r\n");
        b.append("loading_total_bytes:").append(totalBytes).append("\r\n");
        b.append("loading_rdb_used_mem:").append(rdbUsedMem).append("\r\n");
        b.append("loading_loaded_bytes:").append(loadedBytes).append("\r\n");
        b.append("loading_loaded_perc:").append(String.format(java.util.Locale.ROOT, "%.2f", perc)).append("\r\n");
        b.append("loading_eta_seconds:").append(eta).append("\r\n");
    }
}
