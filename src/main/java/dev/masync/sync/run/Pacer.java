package dev.masync.sync.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Paces requests to one destination account, shared by every sync writing to it: at most {@code requests} starts in
 * any {@code per} window (requests are spread evenly, with a small margin so that a vendor's own window never sees
 * more), and nothing before a {@code Retry-After} the destination asked for. Waiting is done by the injected
 * {@link Sleeper}, so tests never sleep.
 */
public final class Pacer {
    /** Blocks the calling thread; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()), (int) (d.toNanosPart() % 1_000_000));
    }

    /** Spread requests over 2 % more than the window, plus 20 ms, so clock and latency jitter cannot overrun it. */
    static final double MARGIN = 1.02;

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration interval;
    private Instant next = Instant.MIN;
    private Instant pausedUntil = Instant.MIN;

    /** A pacer without a limit: only honours pauses. */
    public static Pacer unlimited(Clock clock, Sleeper sleeper) {
        return new Pacer(clock, sleeper, Duration.ZERO);
    }

    public static Pacer of(int requests, Duration per, Clock clock, Sleeper sleeper) {
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be positive");
        }
        long nanos = (long) Math.ceil(per.toNanos() * MARGIN / requests) + Duration.ofMillis(20).toNanos() / requests;
        return new Pacer(clock, sleeper, Duration.ofNanos(nanos));
    }

    private Pacer(Clock clock, Sleeper sleeper, Duration interval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.interval = interval;
    }

    public Duration interval() {
        return interval;
    }

    /** Waits for the next slot and takes it. */
    public void acquire() throws InterruptedException {
        Instant slot;
        synchronized (this) {
            Instant now = clock.instant();
            slot = max(max(next, pausedUntil), now);
            next = slot.plus(interval);
        }
        Duration wait = Duration.between(clock.instant(), slot);
        if (!wait.isNegative() && !wait.isZero()) {
            sleeper.sleep(wait);
        }
    }

    /** The destination asked for a pause (Retry-After): no slot is given before {@code now + delay}. */
    public synchronized void pause(Duration delay) {
        Instant until = clock.instant().plus(delay);
        pausedUntil = max(pausedUntil, until);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
