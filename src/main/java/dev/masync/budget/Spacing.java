package dev.masync.budget;

import java.time.Duration;
import java.util.Objects;

/**
 * How calls are spread to keep at most {@code requests} starts in any window of {@code per}: one slot every
 * {@code interval} (2 % more than the window, plus 20 ms, so clock and latency jitter cannot overrun it), and a caller
 * that comes late for its slot may still use it up to {@code catchUp} intervals after it. The catch-up is sized so that
 * any window still sees at most {@code requests - 1} starts: slots are at least one interval apart and a start is at
 * most {@code catchUp} intervals after its slot, so a window sees at most {@code ceil(per / interval) + catchUp + 1}.
 * Without catch-up every late turn (a GC pause, a slow write, a busy CPU) lowered the rate for the rest of a run.
 *
 * @param interval the time between two slots
 * @param catchUp  how many intervals late a slot may still be used
 */
public record Spacing(Duration interval, int catchUp) {
    /** Spread calls over 2 % more than the window. */
    public static final double MARGIN = 1.02;

    public Spacing {
        Objects.requireNonNull(interval, "interval");
        if (catchUp < 0) throw new IllegalArgumentException("catchUp must not be negative");
    }

    public static Spacing of(int requests, Duration per) {
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be positive");
        }
        long nanos = (long) Math.ceil(per.toNanos() * MARGIN / requests)
                + Duration.ofMillis(20).toNanos() / requests;
        long even = (per.toNanos() + nanos - 1) / nanos;
        int catchUp = (int) Math.max(0, requests - 2 - even);
        return new Spacing(Duration.ofNanos(nanos), catchUp);
    }

    /** Slots a window of {@code per} holds at this spacing. */
    long slotsIn(Duration per) {
        long n = interval.toNanos();
        return (per.toNanos() + n - 1) / n;
    }
}
