package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Retry with exponential back-off and a circuit breaker (SmallRye Fault Tolerance), one per destination account,
 * around pacing and the connector call. A {@code Retry-After} up to {@code maxRetryAfter} pauses the account's
 * {@link PushPace} (a {@link Pacer} or the account's shared budget) before the retry; a longer one, or a budget that
 * would make the push wait longer, puts the destination on {@link Hold hold} until the instant it named and defers
 * the batch: the run ends at once with that instant, and every later push to the destination before then ends the
 * same way without calling it. No thread ever waits longer than {@code maxRetryAfter}.
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

    /** Where a destination's "do not call before" instant is kept (the control DB, shared by replicas). */
    public interface Hold {
        Optional<Instant> until();

        void holdUntil(Instant until, String reason);

        /** A hold in memory only, for tests and tools. */
        static Hold inMemory() {
            AtomicReference<Instant> at = new AtomicReference<>();
            return new Hold() {
                @Override
                public Optional<Instant> until() {
                    return Optional.ofNullable(at.get());
                }

                @Override
                public void holdUntil(Instant until, String reason) {
                    at.accumulateAndGet(until, (a, b) -> a == null || b.isAfter(a) ? b : a);
                }
            };
        }
    }

    private static final Logger LOG = Logger.getLogger(FaultTolerantPush.class);

    private final String destination;
    private final PushPace pacer;
    private final Settings settings;
    private final Clock clock;
    private final Hold hold;
    private final Guard guard;

    public FaultTolerantPush(String destination, PushPace pacer, Settings settings) {
        this(destination, pacer, settings, Clock.systemUTC(), Hold.inMemory());
    }

    public FaultTolerantPush(String destination, PushPace pacer, Settings settings, Clock clock, Hold hold) {
        this.destination = Objects.requireNonNull(destination, "destination");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.hold = Objects.requireNonNull(hold, "hold");
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

    private Optional<Instant> heldUntil() {
        try {
            return hold.until();
        } catch (RuntimeException e) {
            LOG.warnf(e, "cannot read the hold of destination %s; pushing", destination);
            return Optional.empty();
        }
    }

    private void hold(Instant until, String reason) {
        try {
            hold.holdUntil(until, reason);
        } catch (RuntimeException e) {
            LOG.warnf(e, "cannot store the hold of destination %s until %s", destination, until);
        }
    }

    private String waitMessage(Instant until) {
        return "the destination asked not to be called before " + until.truncatedTo(ChronoUnit.SECONDS)
                + " (Retry-After, longer than max-retry-after "
                + settings.maxRetryAfter().toSeconds()
                + " s); runs to it end at once until then, and the first run after it sends the rest";
    }

    private void beforeRetry(Throwable t) {
        if (t instanceof RetryableException r && r.retryAfter().isPresent()) {
            pacer.pause(r.retryAfter().get());
        }
    }

    @Override
    public BatchResult push(Batch batch, Attempt attempt) throws InterruptedException {
        Optional<Instant> held = heldUntil();
        if (held.isPresent()) {
            Duration left = Duration.between(clock.instant(), held.get());
            if (left.compareTo(settings.maxRetryAfter()) > 0) {
                throw new DeferredException(waitMessage(held.get()), null);
            }
            if (!left.isNegative() && !left.isZero()) {
                pacer.pause(left); // short enough to wait for
            }
        }
        try {
            return guard.call(
                    () -> {
                        try {
                            pacer.acquire(); // an account budget refuses a wait longer than a run's like a Retry-After
                            return attempt.call(batch);
                        } catch (RetryableException e) {
                            Duration after = e.retryAfter().orElse(Duration.ZERO);
                            if (after.compareTo(settings.maxRetryAfter()) > 0) {
                                // never pause the pacer for that long: the next run would park its worker on it
                                Instant until = clock.instant().plus(after);
                                String message = waitMessage(until);
                                hold(until, message);
                                throw new DeferredException(message, e);
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
