package dev.masync.platform;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean …?" for a misspelt name: the known names within a small edit distance of it. One helper for every
 * place that suggests names (rule attributes and event tables, destination settings, destination fields).
 */
public final class NearNames {
    /** Names longer than this are not compared (a bound on the work one request can ask for). */
    public static final int MAX_LENGTH = 200;
    /** At most this many suggestions. */
    public static final int MAX_SUGGESTIONS = 3;

    private NearNames() {}

    /**
     * Up to {@value #MAX_SUGGESTIONS} candidates within an edit distance (ignoring case) of a third of the name's
     * length, at least 2; nearest first, then by name. Empty for names longer than {@value #MAX_LENGTH}.
     */
    public static List<String> nearest(String name, Collection<String> candidates) {
        if (name.length() > MAX_LENGTH) {
            return List.of();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        int max = Math.max(2, name.length() / 3);
        record Scored(String name, int distance) {}
        return new LinkedHashSet<>(candidates)
                .stream()
                        .filter(c -> c.length() <= MAX_LENGTH)
                        .map(c -> new Scored(c, distance(lower, c.toLowerCase(Locale.ROOT))))
                        .filter(s -> s.distance() <= max)
                        .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                        .limit(MAX_SUGGESTIONS)
                        .map(Scored::name)
                        .toList();
    }

    /** {@code "did you mean 'a' or 'b'?"} for the near names, or empty when there are none. */
    public static String didYouMean(String name, Collection<String> candidates) {
        List<String> near = nearest(name, candidates);
        return near.isEmpty() ? "" : didYouMean(near);
    }

    /** {@code "did you mean 'a' or 'b'?"}; {@code near} must not be empty. */
    public static String didYouMean(List<String> near) {
        if (near.isEmpty()) throw new IllegalArgumentException("no names to suggest");
        return "did you mean "
                + String.join(" or ", near.stream().map(n -> "'" + n + "'").toList()) + "?";
    }

    /**
     * The Levenshtein distance (insertions, deletions, substitutions), case-sensitive; {@link Integer#MAX_VALUE}
     * when either string is longer than {@value #MAX_LENGTH}.
     */
    public static int distance(String a, String b) {
        if (a.length() > MAX_LENGTH || b.length() > MAX_LENGTH) return Integer.MAX_VALUE;
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
