package dev.masync.testing.receiver;

import java.time.Duration;

/** How the receiver waits out its simulated latency; tests inject one that records (or advances a clock) instead. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
}
