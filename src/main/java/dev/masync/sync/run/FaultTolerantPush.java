package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Retry with exponential back-off and a circuit breaker (SmallRye Fault Tolerance), one per destination account,
 * around pacing and the connector call. A {@code Retry-After} up to {@code maxRetryAfter} pauses the account's
 * {@link Pacer} before the retry; a longer one defers the batch to the next run instead of parking a thread.
 */
public final class FaultTolerantPush implements PushPolicy {

    /** Retry and breaker settings (from {@link SyncConfig}). */
    public record Settings(
            int maxRetries,
            Duration delay,
            Duration maxDelay,
            Duration jitter,
            Duration maxRetryAfter,
            int breakerVolume,
            double breakerRatio,
            Duration breakerDelay) {}

    private final Pacer pacer;
    private final Settings settings;
    private final Guard guard;

    public FaultTolerantPush(String destination, Pacer pacer, Settings settings) {
        this.pacer = Objects.requireNonNull(pacer, "pacer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.guard = Guard.create()
                .withDescription("push to " + destination)
                .withRetry()
                .maxRetries(settings.maxRetries())
                .delay(settings.delay().toMillis(), ChronoUnit.MILLIS)
                .jitter(settings.jitter().toMillis(), ChronoUnit.MILLIS)
                .retryOn(RetryableException.class)
                .abortOn(List.of(PermanentException.class, DeferredException.class, InterruptedException.class))
                .beforeRetry((Throwable t) -> beforeRetry(t))
                .withExponentialBackoff()
                .factor(2)
                .maxDelay(settings.maxDelay().toMillis(), ChronoUnit.MILLIS)
                .done()
                .done()
                .withCircuitBreaker()
                .requestVolumeThreshold(settings.breakerVolume())
                .failureRatio(settings.breakerRatio())
                .delay(settings.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .failOn(RetryableException.class)
                .skipOn(List.of(PermanentException.class, DeferredException.class))
                .done()
                .build();
    }

    private void beforeRetry(Throwable t) {
        if (t instanceof RetryableException r && r.retryAfter().isPresent()) {
            pacer.pause(r.retryAfter().get());
        }
    }

    @Override
    public BatchResult push(Batch batch, Attempt attempt) throws InterruptedException {
        try {
            return guard.call(
                    () -> {
                        pacer.acquire();
                        try {
                            return attempt.call(batch);
                        } catch (RetryableException e) {
                            Duration after = e.retryAfter().orElse(Duration.ZERO);
                            if (after.compareTo(settings.maxRetryAfter()) > 0) {
                                pacer.pause(after);
                                throw new DeferredException(
                                        "the destination asked to wait " + after.toSeconds()
                                                + " s (Retry-After); the rest is sent by the next run",
                                        e);
                            }
                            throw e;
                        }
                    },
                    BatchResult.class);
        } catch (CircuitBreakerOpenException e) {
            throw new DeferredException(
                    "too many failed pushes to this destination recently (circuit open);"
                            + " the rest is sent by a later run",
                    e);
        } catch (RuntimeException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
