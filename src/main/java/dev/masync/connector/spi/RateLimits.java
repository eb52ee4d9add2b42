package dev.masync.connector.spi;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A vendor account's call limits.
 *
 * @param callsPerWindow at most this many calls start in any window of {@code window} (HubSpot: 190 per 10 s)
 * @param window         the rolling window of {@code callsPerWindow}
 * @param maxConcurrent  at most this many calls in flight at once
 * @param callsPerDay    the daily quota, if any
 * @param dailyReset     when the daily quota resets: at midnight in this zone (HubSpot: the account's time zone), or
 *                       empty for a rolling 24-hour window (Salesforce)
 */
public record RateLimits(
        int callsPerWindow, Duration window, int maxConcurrent, OptionalLong callsPerDay, Optional<ZoneId> dailyReset) {

    public RateLimits {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(callsPerDay, "callsPerDay");
        Objects.requireNonNull(dailyReset, "dailyReset");
        if (callsPerWindow < 1) throw new IllegalArgumentException("callsPerWindow must be positive");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
        if (maxConcurrent < 1) throw new IllegalArgumentException("maxConcurrent must be positive");
        if (callsPerDay.isPresent() && callsPerDay.getAsLong() < 1) {
            throw new IllegalArgumentException("callsPerDay must be positive");
        }
    }
}
