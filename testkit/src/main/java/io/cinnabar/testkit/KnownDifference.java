package io.cinnabar.testkit;

import java.util.List;
import java.util.Locale;

/**
 * A documented difference between Redis 7.2 (which the server under test follows) and the 7.0.15 oracle
 * ({@code shared/docs/COMPATIBILITY.md}): a {@link Pair} accepts a mismatch that one covers and lists it in
 * {@link Pair#acceptedDifferences()} instead of failing.
 *
 * @param why     the entry of COMPATIBILITY.md, in a few words
 * @param matcher which mismatches it covers (the replies after normalization)
 */
public record KnownDifference(String why, Matcher matcher) {
    @FunctionalInterface
    public interface Matcher {
        boolean covers(List<String> command, String redisReply, String ourReply);
    }

    public boolean covers(List<String> command, String redisReply, String ourReply) {
        return matcher.covers(command, redisReply, ourReply);
    }

    /**
     * {@code OBJECT ENCODING} answering {@code listpack} (7.2) where 7.0 answers {@code redisWord}: small sets
     * ({@code hashtable}) and small lists ({@code quicklist}).
     */
    public static KnownDifference listpackWhere70Says(String redisWord, String why) {
        String want = "$" + redisWord.length() + "\r\n" + redisWord + "\r\n";
        return new KnownDifference(why, (command, redis, ours) -> command.size() == 3
            && command.get(0).toUpperCase(Locale.ROOT).equals("OBJECT")
            && command.get(1).toUpperCase(Locale.ROOT).equals("ENCODING")
            && redis.equals(want) && ours.equals("$8\r\nlistpack\r\n"));
    }
}
