package dev.masync.sync.run;

import java.time.Duration;

/** What paces the pushes to one destination around the engine's retries: a {@link Pacer} or an account budget. */
public interface PushPace {
    /** Waits for the next push's turn. */
    void acquire() throws InterruptedException;

    /** The destination asked for a pause (Retry-After): nothing before {@code now + delay}. */
    void pause(Duration delay);
}
