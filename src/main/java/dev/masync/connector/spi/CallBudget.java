package dev.masync.connector.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The shared call budget of the account a push writes to (see {@link RateLimited}). A connector takes a
 * {@link Permit} before each vendor call and closes it when the answer is read, and {@link #observe reports} what
 * the vendor said about its limits (rate headers, a throttle answer). Thread-safe.
 */
public interface CallBudget {

    /**
     * Waits until the account may start one more call (window, concurrency, daily quota) and takes it.
     *
     * @throws RetryableException with {@link RetryableException#retryAfter()} when the wait would be longer than the
     *     engine waits inside a run (an exhausted daily quota): the engine holds the destination until then
     */
    Permit take();

    /** What the vendor said about the account's limits; the budget slows down or pauses accordingly. */
    void observe(Observation observation);

    /** A taken call; closing it frees its concurrency slot. Idempotent. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * What one answer told about the account's limits; every part optional.
     *
     * @param windowRemaining calls left in the current window (HubSpot {@code X-HubSpot-RateLimit-Remaining})
     * @param dayRemaining    calls left today (HubSpot {@code X-HubSpot-RateLimit-Daily-Remaining}, Salesforce
     *                        {@code Sforce-Limit-Info} max minus used)
     * @param dayMax          the daily quota the vendor reports
     * @param pause           the vendor throttled and asked (or implies) this wait before the next call
     * @param dailyExhausted  the throttle was the daily quota (wait for its reset, do not retry sooner)
     */
    record Observation(
            OptionalLong windowRemaining,
            OptionalLong dayRemaining,
            OptionalLong dayMax,
            Optional<Duration> pause,
            boolean dailyExhausted) {
        public Observation {
            Objects.requireNonNull(windowRemaining, "windowRemaining");
            Objects.requireNonNull(dayRemaining, "dayRemaining");
            Objects.requireNonNull(dayMax, "dayMax");
            Objects.requireNonNull(pause, "pause");
        }

        public static Observation throttled(Duration pause, boolean dailyExhausted) {
            return new Observation(
                    OptionalLong.empty(),
                    OptionalLong.empty(),
                    OptionalLong.empty(),
                    Optional.of(pause),
                    dailyExhausted);
        }
    }

    /** No limit: for connectors without a vendor budget, plain tests and probes. */
    CallBudget UNLIMITED = new CallBudget() {
        @Override
        public Permit take() {
            return () -> {};
        }

        @Override
        public void observe(Observation observation) {}
    };
}
