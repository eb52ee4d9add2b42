package dev.masync.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** A clock that only moves when a budget "sleeps" (or a test moves it). */
public final class FakeTime extends Clock {
    public volatile Instant now;
    public Duration slept = Duration.ZERO;

    public FakeTime(Instant start) {
        this.now = start;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    /** The most starts in any window of {@code window} ({@code starts} in order). */
    public static int maxInWindow(List<Instant> starts, Duration window) {
        int max = 0;
        int from = 0;
        for (int to = 0; to < starts.size(); to++) {
            while (!starts.get(from).plus(window).isAfter(starts.get(to))) {
                from++;
            }
            max = Math.max(max, to - from + 1);
        }
        return max;
    }

    public AccountBudget.Sleeper sleeper() {
        return d -> {
            synchronized (this) {
                slept = slept.plus(d);
                now = now.plus(d);
            }
        };
    }
}
