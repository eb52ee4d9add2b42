package dev.masync.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private final Backoff backoff = new Backoff(5, Duration.ofSeconds(5), Duration.ofMinutes(1));

    @Test
    void doublesFromTheBaseAfterEachFailureUpToTheMaximum() {
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.delay(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.delay(5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(backoff.delay(6)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void neverOverflowsForManyAttempts() {
        Backoff huge = new Backoff(1000, Duration.ofDays(1), Duration.ofDays(365 * 100));
        for (int attempts : new int[] {40, 61, 62, 63, 64, 100, Integer.MAX_VALUE}) {
            assertThat(huge.delay(attempts)).isEqualTo(Duration.ofDays(365 * 100));
        }
        assertThat(backoff.delay(0)).as("before any failure: the base").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void quarantinesOnceTheLastAllowedAttemptFailed() {
        assertThat(backoff.quarantines(4)).isFalse();
        assertThat(backoff.quarantines(5)).isTrue();
        assertThat(backoff.quarantines(6)).isTrue();
        assertThat(new Backoff(1, Duration.ofSeconds(1), Duration.ofSeconds(1)).quarantines(1))
                .isTrue();
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new Backoff(0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new Backoff(3, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("base");
        assertThatThrownBy(() -> new Backoff(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("max");
    }

    @Test
    void theOldestAgeIsZeroWithoutBacklogAndNeverNegative() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        assertThat(new InboxEvents.Backlog(0, null).oldestAgeSeconds(now)).isZero();
        assertThat(new InboxEvents.Backlog(2, now.minusMillis(1500)).oldestAgeSeconds(now))
                .isEqualTo(1.5);
        assertThat(new InboxEvents.Backlog(1, now.plusSeconds(30)).oldestAgeSeconds(now))
                .isZero();
    }
}
