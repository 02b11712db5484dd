package io.cinnabar.server.internal.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Redis's setOOMScoreAdj: with {@code oom-score-adj} on, writes the value of the server's class from
 * {@code oom-score-adj-values} (master or replica; {@code relative}/{@code yes} adds it to the score the process
 * had before the server first adjusted it, {@code absolute} writes it as is, clamped to -1000..1000) to
 * {@code /proc/self/oom_score_adj}; turning it off restores that earlier score. Applied at startup, on CONFIG SET
 * of either option and when the server becomes a replica or a master. The background-child class (the third value)
 * is {@link #childValue}: what the stand-in child of a background job
 * ({@link io.cinnabar.server.internal.persist.BackgroundChild}) gets, as Redis's forked child sets it for itself.
 * <p><b>Note:</b> This class is not threadsafe: the event loop calls it.
 */
public final class OomScoreAdj {
    private final Path file;
    private boolean adjusted;
    private int base;

    public OomScoreAdj() {
        this(Path.of("/proc/self/oom_score_adj"));
    }

    /** With another file than /proc/self/oom_score_adj (tests). */
    public OomScoreAdj(Path file) {
        this.file = file;
    }

    /**
     * The score of a background job's child: the third value of {@code oom-score-adj-values}, relative to the score
     * the server had before it first adjusted its own unless {@code absolute}, clamped to -1000..1000; null with
     * {@code oom-score-adj no} (the child keeps the score it inherits) or when that earlier score is unknown.
     */
    public Integer childValue(Server s) {
        String mode = s.config.get("oom-score-adj");
        if (mode.equals("no") || !adjusted && !apply(s)) {
            return null;
        }
        int val = Integer.parseInt(s.config.get("oom-score-adj-values").trim().split("\\s+")[2]);
        if (!mode.equals("absolute")) {
            val += base;
        }
        return Math.max(-1000, Math.min(1000, val));
    }

    /** Applies the configuration for the server's current role; false (logged) when the file could not be used. */
    public boolean apply(Server s) {
        String mode = s.config.get("oom-score-adj");
        int val;
        if (!mode.equals("no")) {
            if (!adjusted) {
                adjusted = true; // as Redis: marked before the read, so a failed read is not retried
                try {
                    base = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
                } catch (IOException | NumberFormatException e) {
                    s.log.warning("Unable to read oom_score_adj: " + e.getMessage());
                    return false;
                }
            }
            String[] values = s.config.get("oom-score-adj-values").trim().split("\\s+");
            boolean replica = s.replication != null && s.replication.isReplica();
            val = Integer.parseInt(values[replica ? 1 : 0]);
            if (!mode.equals("absolute")) {
                val += base;
            }
            val = Math.max(-1000, Math.min(1000, val));
        } else if (adjusted) {
            adjusted = false;
            val = base;
        } else {
            return true;
        }
        try {
            Files.writeString(file, val + "\n", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException e) {
            s.log.warning("Unable to write oom_score_adj: " + e.getMessage());
            return false;
        }
    }
}
