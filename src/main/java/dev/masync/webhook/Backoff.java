package dev.masync.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * When a failed event is tried again: {@code base × 2^(attempts − 1)}, at most {@code max}; after {@code maxAttempts}
 * failed attempts it is quarantined instead.
 *
 * @param maxAttempts attempts before quarantine, at least 1
 * @param base        the wait after the first failed attempt, positive
 * @param max         the longest wait, at least {@code base}
 */
public record Backoff(int maxAttempts, Duration base, Duration max) {

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("base must be positive");
        if (max.compareTo(base) < 0) throw new IllegalArgumentException("max must be at least base");
    }

    /** Whether an event that failed its {@code attempts}-th attempt is quarantined rather than retried. */
    public boolean quarantines(int attempts) {
        return attempts >= maxAttempts;
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    public Duration delay(int attempts) {
        int doublings = Math.max(0, attempts - 1);
        // 2^62 ns is about 146 years: beyond that (or on overflow) the cap applies anyway
        if (doublings >= 62) return max;
        try {
            Duration d = base.multipliedBy(1L << doublings);
            return d.compareTo(max) > 0 ? max : d;
        } catch (ArithmeticException overflow) {
            return max;
        }
    }
}
