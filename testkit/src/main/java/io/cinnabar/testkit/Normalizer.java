package io.cinnabar.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites a raw reply before a {@link Pair} compares it (applied to both servers' replies alike), for replies
 * that may differ without a bug: an unspecified order, a version string, a timestamp.
 */
@FunctionalInterface
public interface Normalizer {
    String normalize(List<String> command, String reply);

    /**
     * Sorts the top-level elements of the replies of the named commands (case-insensitive; a two-word name such as
     * {@code "CONFIG GET"} matches the first two arguments): {@code KEYS}, {@code SMEMBERS}, hashtable iteration.
     * {@code width} elements stay together (2 for field/value or name/value pairs).
     */
    static Normalizer unordered(int width, String... commands) {
        Set<String> names = Set.of(commands).stream().map(s -> s.toUpperCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toSet());
        return (command, reply) -> {
            String one = command.get(0).toUpperCase(Locale.ROOT);
            String two = command.size() > 1 ? one + " " + command.get(1).toUpperCase(Locale.ROOT) : one;
            return names.contains(one) || names.contains(two) ? Replies.sorted(reply, width) : reply;
        };
    }
}
