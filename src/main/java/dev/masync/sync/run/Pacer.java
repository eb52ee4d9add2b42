package dev.masync.sync.run;

import dev.masync.budget.Spacing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Paces requests to one destination account, shared by every sync writing to it: at most {@code requests} starts in
 * any {@code per} window (requests are spread evenly, with a small margin so that a vendor's own window never sees
 * more), and nothing before a {@code Retry-After} the destination asked for. Waiting is done by the injected
 * {@link Sleeper}, so tests never sleep.
 *
 * <p>A caller that comes late for its slot (a GC pause, a slow state write, a busy CPU) may take up to
 * {@link #catchUp()} slots it missed right away instead of losing them for good; the catch-up is sized so that any
 * {@code per} window still sees at most {@code requests - 1} starts. Without it, every late turn lowered the rate for
 * the rest of the run (a 1,900 records/s HubSpot push reached 94 % of the limit on a busy machine instead of 98 %).
 */
public final class Pacer implements PushPace {
    /** Blocks the calling thread; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()), (int) (d.toNanosPart() % 1_000_000));
    }

    /** Spread requests over 2 % more than the window, plus 20 ms, so clock and latency jitter cannot overrun it. */
    static final double MARGIN = Spacing.MARGIN;

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration interval;
    private final int catchUp;
    private Instant next = Instant.MIN;
    private Instant pausedUntil = Instant.MIN;

    /** A pacer without a limit: only honours pauses. */
    public static Pacer unlimited(Clock clock, Sleeper sleeper) {
        return new Pacer(clock, sleeper, Duration.ZERO, 0);
    }

    public static Pacer of(int requests, Duration per, Clock clock, Sleeper sleeper) {
        // the same spacing as the shared account budgets (dev.masync.budget), whose javadoc says why it is safe
        Spacing spacing = Spacing.of(requests, per);
        return new Pacer(clock, sleeper, spacing.interval(), spacing.catchUp());
    }

    private Pacer(Clock clock, Sleeper sleeper, Duration interval, int catchUp) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.interval = interval;
        this.catchUp = catchUp;
    }

    /** Missed slots a late caller may still take (0 for limits too small to allow any). */
    public int catchUp() {
        return catchUp;
    }

    /** Waits for the next slot and takes it. */
    @Override
    public void acquire() throws InterruptedException {
        Instant slot;
        synchronized (this) {
            Instant now = clock.instant();
            slot = max(max(next, pausedUntil), now.minus(interval.multipliedBy(catchUp)));
            next = slot.plus(interval);
        }
        Duration wait = Duration.between(clock.instant(), slot);
        if (!wait.isNegative() && !wait.isZero()) {
            sleeper.sleep(wait);
        }
    }

    /** The destination asked for a pause (Retry-After): no slot is given before {@code now + delay}. */
    @Override
    public synchronized void pause(Duration delay) {
        Instant until = clock.instant().plus(delay);
        pausedUntil = max(pausedUntil, until);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
