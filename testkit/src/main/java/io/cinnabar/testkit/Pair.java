package io.cinnabar.testkit;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * One connection to the real redis-server and one to the server under test, and the transcript of what they
 * answered. {@link #same(String...)} sends a command to both and compares the replies byte for byte after the
 * {@link Normalizer}s; a difference that a registered {@link KnownDifference} covers (Redis 7.2 versus the 7.0.15
 * oracle) is accepted and listed in {@link #acceptedDifferences()}; any other is recorded with the command and both
 * replies. {@link #assertSame()} fails with all of them (and {@link DifferentialExtension} calls it after each test
 * for the pairs it injected, so a forgotten assertion cannot hide a difference).
 * <p>Options set with {@link #config} or {@link #oursConfig} are set back to their previous values on {@link #close()}:
 * the servers live for the whole test class.
 */
public final class Pair implements AutoCloseable {
    private static final int MAX_REPORTED = 30;

    private final RespClient redis;
    private final RespClient ours;
    private final int resp;
    private final List<Normalizer> normalizers = new ArrayList<>();
    private final List<KnownDifference> known = new ArrayList<>();
    private final List<String> mismatches = new ArrayList<>();
    private final List<String> accepted = new ArrayList<>();
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final List<String[]> restoreBoth = new ArrayList<>();
    private final List<String[]> restoreOurs = new ArrayList<>();
    private int steps;
    private int mismatchCount;
    private int reported;

    private Pair(RespClient redis, RespClient ours, int resp) {
        this.redis = redis;
        this.ours = ours;
        this.resp = resp;
    }

    /** Connects to both servers; with {@code resp == 3} both switch with {@code HELLO 3}. */
    public static Pair open(int redisPort, int oursPort, int resp) throws IOException {
        if (resp != 2 && resp != 3) {
            throw new IllegalArgumentException("RESP2 or RESP3, not " + resp);
        }
        RespClient r = new RespClient(redisPort);
        RespClient o;
        try {
            o = new RespClient(oursPort);
        } catch (IOException e) {
            r.close();
            throw e;
        }
        Pair p = new Pair(r, o, resp);
        if (resp == 3) {
            String[] hello = p.both("HELLO", "3");
            if (!hello[0].startsWith("%") || !hello[1].startsWith("%")) {
                p.close();
                throw new IOException("HELLO 3 refused: redis " + escape(hello[0]) + ", ours " + escape(hello[1]));
            }
        }
        return p;
    }

    /** The connection to the real redis-server. */
    public RespClient redis() {
        return redis;
    }

    /** The connection to the server under test. */
    public RespClient ours() {
        return ours;
    }

    /** 2 or 3. */
    public int resp() {
        return resp;
    }

    /** Adds a normalization applied to both replies of every later {@link #same} before they are compared. */
    public Pair normalize(Normalizer n) {
        normalizers.add(n);
        return this;
    }

    /** Accepts the differences {@code k} covers from now on (they are listed, not failed). */
    public Pair allow(KnownDifference k) {
        known.add(k);
        return this;
    }

    /** Sends {@code cmd} to both servers without comparing; returns {redis reply, our reply}. */
    public String[] both(String... cmd) throws IOException {
        remember(String.join(" ", cmd));
        return new String[] {redis.call(cmd), ours.call(cmd)};
    }

    /** Sends {@code cmd} to both and compares the (normalized) replies; returns the real server's raw reply. */
    public String same(String... cmd) throws IOException {
        String[] r = both(cmd);
        steps++;
        List<String> command = List.of(cmd);
        String a = r[0];
        String b = r[1];
        for (Normalizer n : normalizers) {
            a = n.normalize(command, a);
            b = n.normalize(command, b);
        }
        compare(command, a, b);
        return r[0];
    }

    /** {@link #same(String...)} for each command in order. */
    public void same(String[]... commands) throws IOException {
        for (String[] c : commands) {
            same(c);
        }
    }

    /**
     * Records the outcome of a comparison the caller made itself (a whole SCAN, an encoding checked against a
     * model): equal, covered by a {@link KnownDifference}, or a mismatch.
     */
    public boolean compare(List<String> command, String redisReply, String ourReply) {
        if (redisReply.equals(ourReply)) {
            return true;
        }
        for (KnownDifference k : known) {
            if (k.covers(command, redisReply, ourReply)) {
                accepted.add(k.why() + ": " + abbreviate(String.join(" ", command)));
                return true;
            }
        }
        mismatchCount++;
        if (mismatches.size() < MAX_REPORTED) {
            mismatches.add("step " + steps + ": " + abbreviate(String.join(" ", command))
                + "\n   redis: " + abbreviate(escape(redisReply)) + "\n   ours:  " + abbreviate(escape(ourReply))
                + (recent.size() > 1 ? "\n   after: " + String.join(" ; ", recent) : ""));
        }
        return false;
    }

    /** Counts a step that the caller compared with {@link #compare} (for the step numbers in the report). */
    public void countStep() {
        steps++;
    }

    /** Commands compared so far. */
    public int steps() {
        return steps;
    }

    /** The mismatches so far (the first 30), readable. */
    public List<String> mismatches() {
        return Collections.unmodifiableList(mismatches);
    }

    /** True when no mismatch was recorded. */
    public boolean clean() {
        return mismatchCount == 0;
    }

    /** The accepted known differences, one line each. */
    public List<String> acceptedDifferences() {
        return Collections.unmodifiableList(accepted);
    }

    /** Fails with every mismatch so far: command, both replies, the commands before it. */
    public void assertSame() {
        reported = mismatchCount;
        if (mismatchCount > 0) {
            throw new AssertionFailedError(mismatchCount + " of " + steps + " replies differ (real redis-server "
                + "vs server under test, RESP" + resp + ")" + (mismatchCount > mismatches.size()
                ? ", the first " + mismatches.size() : "") + ":\n" + String.join("\n", mismatches));
        }
    }

    /** Mismatches that no {@link #assertSame()} reported yet (the extension checks after each test). */
    int unreported() {
        return mismatchCount - reported;
    }

    /**
     * {@code CONFIG SET name value} on both, compared; set back to each server's previous value on close.
     */
    public String config(String name, String value) throws IOException {
        restoreBoth.add(new String[] {name, current(redis, name), current(ours, name)});
        return same("CONFIG", "SET", name, value);
    }

    /**
     * {@code CONFIG SET name value} on the server under test only (an option the 7.0 oracle does not have, such as
     * {@code set-max-listpack-entries}); fails when it is refused; set back on close.
     */
    public void oursConfig(String name, String value) throws IOException {
        restoreOurs.add(new String[] {name, current(ours, name)});
        String r = ours.call("CONFIG", "SET", name, value);
        if (!r.equals("+OK\r\n")) {
            throw new AssertionFailedError("CONFIG SET " + name + " " + value + " on the server under test: "
                + escape(r));
        }
    }

    private static String current(RespClient c, String name) throws IOException {
        List<String> e = Replies.elements(c.call("CONFIG", "GET", name));
        return e.size() == 2 ? Replies.bulk(e.get(1)) : null;
    }

    private void remember(String command) {
        recent.addLast(abbreviate(command));
        if (recent.size() > 4) {
            recent.removeFirst();
        }
    }

    /**
     * Compares two transcripts recorded by the caller (one line per step, e.g. {@code "command -> reply"}, one from
     * each server) line by line; fails with the lines that differ, both versions, and the line counts.
     */
    public static void assertSameTranscripts(String what, List<String> redisLines, List<String> ourLines) {
        List<String> diffs = new ArrayList<>();
        int n = Math.max(redisLines.size(), ourLines.size());
        for (int i = 0; i < n && diffs.size() < MAX_REPORTED; i++) {
            String a = i < redisLines.size() ? redisLines.get(i) : "(no line)";
            String b = i < ourLines.size() ? ourLines.get(i) : "(no line)";
            if (!a.equals(b)) {
                diffs.add("line " + (i + 1) + "\n   redis: " + abbreviate(escape(a)) + "\n   ours:  "
                    + abbreviate(escape(b)));
            }
        }
        if (!diffs.isEmpty()) {
            throw new AssertionFailedError(what + ": transcripts differ (" + redisLines.size() + " lines from redis, "
                + ourLines.size() + " from the server under test):\n" + String.join("\n", diffs));
        }
    }

    /** Shows CR, LF and other control bytes as escapes, so a reply reads on one line. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "...(" + s.length() + " chars)" : s;
    }

    /** Sets the options changed through this pair back, then closes both connections. */
    @Override
    public void close() throws IOException {
        try {
            for (int i = restoreBoth.size() - 1; i >= 0; i--) {
                String[] r = restoreBoth.get(i);
                if (r[1] != null) {
                    redis.call("CONFIG", "SET", r[0], r[1]);
                }
                if (r[2] != null) {
                    ours.call("CONFIG", "SET", r[0], r[2]);
                }
            }
            for (int i = restoreOurs.size() - 1; i >= 0; i--) {
                String[] r = restoreOurs.get(i);
                if (r[1] != null) {
                    ours.call("CONFIG", "SET", r[0], r[1]);
                }
            }
        } finally {
            try {
                redis.close();
            } finally {
                ours.close();
            }
        }
    }
}
