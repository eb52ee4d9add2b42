package dev.masync.budget;

import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.CallBudget.Observation;
import dev.masync.connector.spi.RateLimits;
import dev.masync.connector.spi.RetryableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.masync.budget.FakeTime.maxInWindow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One account's budget in one replica: window pacing, concurrency, daily quota, pauses; on a fake clock. */
class AccountBudgetTest {
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    static final AccountBudget.Settings SETTINGS =
            new AccountBudget.Settings(Duration.ofSeconds(1), Duration.ofSeconds(60), 1);
    static final RateLimits HUBSPOT =
            new RateLimits(190, Duration.ofSeconds(10), 1000, OptionalLong.empty(), Optional.empty());

    final FakeTime time = new FakeTime(T0);

    AccountBudget budget(RateLimits limits) {
        return budget(limits, SETTINGS, BudgetLedger.inMemory());
    }

    AccountBudget budget(RateLimits limits, AccountBudget.Settings settings, BudgetLedger ledger) {
        return new AccountBudget("acct", limits, time, time.sleeper(), ledger, settings, BudgetMeters.NONE);
    }

    List<Instant> take(CallBudget b, int n) {
        List<Instant> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            b.take().close();
            starts.add(time.now);
        }
        return starts;
    }

    @Test
    void pacesEvenlyAheadNeverOverTheWindowYetReachesNinetyFivePercentOfIt() {
        List<Instant> starts = take(budget(HUBSPOT), 1900);
        assertThat(maxInWindow(starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(190);
        double seconds = Duration.between(starts.get(0), starts.get(1899)).toNanos() / 1e9;
        assertThat(1899 / seconds / 19.0).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aLateCallerCatchesUpOnlyAsFarAsTheWindowAllows() {
        AccountBudget b = budget(HUBSPOT);
        List<Instant> starts = new ArrayList<>(take(b, 100));
        for (int i = 0; i < 20; i++) {
            time.advance(Duration.ofMillis(700)); // a slow caller: GC pauses, slow writes
            starts.addAll(take(b, 40));
        }
        assertThat(maxInWindow(starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(189);
    }

    @Test
    void aThrottlePausesEveryCallerUntilTheVendorsWaitIsOver() {
        AccountBudget b = budget(HUBSPOT);
        b.take().close();
        b.observe(Observation.throttled(Duration.ofSeconds(3), false));
        b.take().close();
        assertThat(time.now).isAfterOrEqualTo(T0.plusSeconds(3));
        assertThat(time.now).isBefore(T0.plusSeconds(4));
    }

    @Test
    void aPauseLongerThanARunWaitsIsThrownWithItsRetryAfterInsteadOfSlept() {
        AccountBudget b = budget(HUBSPOT);
        b.take().close();
        b.observe(Observation.throttled(Duration.ofMinutes(10), false));
        assertThatThrownBy(b::take)
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter())
                                .hasValueSatisfying(d -> assertThat(d).isEqualTo(Duration.ofMinutes(10))))
                .hasMessageContaining("acct");
        assertThat(time.slept).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void anExhaustedDailyQuotaWaitsForMidnightInTheAccountsZoneThenResets() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo"); // 10:00Z is 19:00 in Tokyo: the reset is 5 hours away
        AccountBudget b =
                budget(new RateLimits(190, Duration.ofSeconds(10), 10, OptionalLong.of(5), Optional.of(tokyo)));
        take(b, 5);
        assertThat(b.dayRemaining()).hasValue(0);
        assertThatThrownBy(b::take)
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter())
                                .hasValueSatisfying(d -> assertThat(T0.plus(d))
                                        .isCloseTo(
                                                Instant.parse("2026-11-02T15:00:00Z"),
                                                new org.assertj.core.data.TemporalUnitWithinOffset(
                                                        2, java.time.temporal.ChronoUnit.SECONDS))))
                .hasMessageContaining("daily quota");
        time.now = Instant.parse("2026-11-02T15:00:01Z");
        assertThat(take(b, 5)).hasSize(5);
    }

    @Test
    void aResetCloserThanMaxWaitIsWaitedForInsideTheRun() {
        time.now = Instant.parse("2026-11-02T23:59:30Z");
        AccountBudget b = budget(
                new RateLimits(190, Duration.ofSeconds(10), 10, OptionalLong.of(5), Optional.of(ZoneId.of("UTC"))));
        take(b, 5);
        b.take().close();
        assertThat(time.now).isAfterOrEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
        assertThat(time.now).isBefore(Instant.parse("2026-11-03T00:00:01Z"));
    }

    @Test
    void theVendorsDayCountFromBeforeTheResetIsNotCarriedIntoTheNewDay() {
        time.now = Instant.parse("2026-11-02T23:59:59Z");
        AccountBudget b = budget(
                new RateLimits(190, Duration.ofSeconds(10), 10, OptionalLong.of(100), Optional.of(ZoneId.of("UTC"))));
        b.take().close();
        b.take().close(); // the second lease learns the day's reset
        b.observe(new Observation(
                OptionalLong.empty(), OptionalLong.of(1), OptionalLong.of(100), Optional.empty(), false));
        time.now = Instant.parse("2026-11-03T00:00:05Z");
        assertThat(take(b, 20)).hasSize(20);
        assertThat(b.dayRemaining().orElseThrow()).isGreaterThan(50);
    }

    @Test
    void aRollingDailyQuotaFreesTwentyFourHoursAfterItsFirstCall() {
        AccountBudget b = budget(new RateLimits(100, Duration.ofSeconds(1), 10, OptionalLong.of(3), Optional.empty()));
        take(b, 3);
        assertThatThrownBy(b::take)
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter())
                                .hasValueSatisfying(
                                        d -> assertThat(d).isBetween(Duration.ofHours(23), Duration.ofHours(24))));
        time.now = T0.plus(Duration.ofHours(24)).plusSeconds(1);
        assertThat(take(b, 3)).hasSize(3);
    }

    @Test
    void aDailyThrottleFromTheVendorHoldsUntilTheResetEvenWhenItNamesAShorterWait() {
        ZoneId utc = ZoneId.of("UTC");
        AccountBudget b =
                budget(new RateLimits(190, Duration.ofSeconds(10), 10, OptionalLong.of(1000), Optional.of(utc)));
        b.take().close();
        b.observe(Observation.throttled(Duration.ofSeconds(1), true));
        assertThatThrownBy(b::take)
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter())
                                .hasValueSatisfying(d -> assertThat(d).isEqualTo(Duration.ofHours(14))));
    }

    @Test
    void theVendorsDayRemainderCorrectsTheLocalCount() {
        AccountBudget b = budget(new RateLimits(
                190, Duration.ofSeconds(10), 10, OptionalLong.of(250_000), Optional.of(ZoneId.of("UTC"))));
        b.take().close();
        // another integration spent the account today: the vendor says nothing is left
        b.observe(new Observation(
                OptionalLong.empty(), OptionalLong.of(0), OptionalLong.of(250_000), Optional.empty(), false));
        assertThatThrownBy(b::take).isInstanceOf(RetryableException.class).hasMessageContaining("daily quota");
        assertThat(b.dayRemaining()).hasValue(0);
    }

    @Test
    void aNearlySpentVendorWindowSlowsCallsDown() {
        AccountBudget b = budget(HUBSPOT);
        Instant start = time.now;
        b.take().close();
        b.observe(new Observation(
                OptionalLong.of(0), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), false));
        b.take().close();
        // at least the few calls our pace leaves free in the vendor's window, one interval each
        assertThat(Duration.between(start, time.now)).isGreaterThan(Duration.ofMillis(150));
        assertThat(b.windowRemaining()).isZero();
    }

    @Test
    void atMostMaxConcurrentCallsAreInFlightAndClosingTwiceFreesOne() {
        AccountBudget b = budget(
                new RateLimits(190, Duration.ofSeconds(10), 2, OptionalLong.empty(), Optional.empty()),
                new AccountBudget.Settings(Duration.ofSeconds(1), Duration.ZERO, 1),
                BudgetLedger.inMemory());
        CallBudget.Permit first = b.take();
        CallBudget.Permit second = b.take();
        assertThatThrownBy(b::take).isInstanceOf(RetryableException.class).hasMessageContaining("concurrent");
        first.close();
        first.close();
        CallBudget.Permit third = b.take();
        assertThatThrownBy(b::take).isInstanceOf(RetryableException.class);
        second.close();
        third.close();
    }

    @Test
    void replicasSplitTheConcurrencyCap() {
        AccountBudget b = budget(
                new RateLimits(190, Duration.ofSeconds(10), 5, OptionalLong.empty(), Optional.empty()),
                new AccountBudget.Settings(Duration.ofSeconds(1), Duration.ZERO, 2),
                BudgetLedger.inMemory());
        assertThat(b.concurrency()).isEqualTo(2);
    }

    @Test
    void projectsDrainFromTheWindowThePauseAndWhatIsLeftToday() {
        AccountBudget b = budget(HUBSPOT);
        Duration interval = Spacing.of(190, Duration.ofSeconds(10)).interval();
        assertThat(b.projectDrain(0)).isZero();
        assertThat(b.projectDrain(1901)).isEqualTo(interval.multipliedBy(1900));
        assertThat(b.projectDrain(1901)).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(103));
        b.observe(Observation.throttled(Duration.ofSeconds(30), false));
        assertThat(b.projectDrain(1)).isEqualTo(Duration.ofSeconds(30));

        AccountBudget daily = budget(
                new RateLimits(190, Duration.ofSeconds(10), 10, OptionalLong.of(100), Optional.of(ZoneId.of("UTC"))));
        take(daily, 1); // learns the day's remainder (a lease counts its whole block) and reset
        long left = daily.dayRemaining().orElseThrow();
        Duration untilMidnight = Duration.between(time.now, Instant.parse("2026-11-03T00:00:00Z"));
        assertThat(daily.projectDrain(left)).isLessThan(Duration.ofSeconds(10));
        assertThat(daily.projectDrain(left + 1)).isEqualTo(untilMidnight);
        assertThat(daily.projectDrain(left + 101)).isEqualTo(untilMidnight.plusDays(1));
    }
}
