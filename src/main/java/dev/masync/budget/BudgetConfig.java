package dev.masync.budget;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Shared call budgets per destination account ({@code masync.budget.*}). */
@ConfigMapping(prefix = "masync.budget")
public interface BudgetConfig {

    /**
     * How much time's worth of call slots a replica leases from the control DB at once: longer means fewer DB
     * round-trips, shorter means a replica that stops or dies strands fewer slots (at most this much of the window).
     */
    @WithDefault("1s")
    Duration leaseSpan();

    /**
     * The longest a call waits for its turn inside a run (pause, pacing, concurrency); a longer wait (an exhausted
     * daily quota, a long Retry-After) holds the destination and ends the run instead.
     */
    @WithDefault("60s")
    Duration maxWait();

    /** How many replicas share the control DB: each allows {@code maxConcurrent / replicas} calls in flight. */
    @WithDefault("1")
    int replicas();
}
