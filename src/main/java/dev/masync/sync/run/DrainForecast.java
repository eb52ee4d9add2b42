package dev.masync.sync.run;

import dev.masync.connector.spi.MembershipTarget;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Projects, before a run pushes, how many destination calls its changes take and how long draining them takes at
 * the account's budget; afterwards says how many calls the run actually took.
 */
public interface DrainForecast {

    /**
     * @param account the budget's account, or empty when the destination has none
     * @param calls   destination calls the changes take (batch caps, membership calls)
     * @param drain   how long they take at the budget's limits and what is left of it now; empty without a limit
     */
    record Projection(Optional<String> account, long calls, Optional<Duration> drain) {
        public Projection {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(drain, "drain");
        }
    }

    Projection project(long changes, Optional<MembershipTarget> membership);

    /** Destination calls this run took so far, or {@code -1} when only the engine's requests count them. */
    long callsTaken();

    /** One call per batch of {@code batchSize}, no limit to drain at. */
    static DrainForecast perBatch(int batchSize) {
        return new DrainForecast() {
            @Override
            public Projection project(long changes, Optional<MembershipTarget> membership) {
                return new Projection(Optional.empty(), ceilDiv(changes, batchSize), Optional.empty());
            }

            @Override
            public long callsTaken() {
                return -1;
            }
        };
    }

    static long ceilDiv(long n, long d) {
        return n <= 0 ? 0 : (n + d - 1) / d;
    }
}
