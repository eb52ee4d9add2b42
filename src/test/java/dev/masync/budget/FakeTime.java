package dev.masync.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

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

    public AccountBudget.Sleeper sleeper() {
        return d -> {
            synchronized (this) {
                slept = slept.plus(d);
                now = now.plus(d);
            }
        };
    }
}
