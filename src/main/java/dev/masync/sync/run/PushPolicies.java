package dev.masync.sync.run;

import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationHolds;
import dev.masync.sync.SyncConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Pacing and retry state per destination account, shared by its syncs; renewed when its rate limit changes. */
@ApplicationScoped
public class PushPolicies {
    private record Entry(Optional<DestinationDefinition.RateLimit> limit, PushPolicy push) {}

    private final SyncConfig config;
    private final Clock clock;
    private final DestinationHolds holds;
    private final Map<String, Entry> byDestination = new ConcurrentHashMap<>();

    PushPolicies(SyncConfig config, Clock clock, DestinationHolds holds) {
        this.config = config;
        this.clock = clock;
        this.holds = holds;
    }

    PushPolicy of(DestinationDefinition d) {
        return byDestination
                .compute(d.key(), (k, old) -> {
                    if (old != null && old.limit().equals(d.rateLimit())) {
                        return old;
                    }
                    Pacer pacer = d.rateLimit()
                            .map(l -> Pacer.of(l.requests(), l.per(), clock, Pacer.Sleeper.REAL))
                            .orElseGet(() -> Pacer.unlimited(clock, Pacer.Sleeper.REAL));
                    SyncConfig.Retry r = config.retry();
                    return new Entry(
                            d.rateLimit(),
                            new FaultTolerantPush(
                                    k,
                                    pacer,
                                    new FaultTolerantPush.Settings(
                                            r.maxRetries(),
                                            r.delay(),
                                            r.maxDelay(),
                                            r.jitter(),
                                            r.maxRetryAfter(),
                                            r.breakerVolume(),
                                            r.breakerRatio(),
                                            r.breakerDelay()),
                                    clock,
                                    new FaultTolerantPush.Hold() {
                                        @Override
                                        public Optional<Instant> until() {
                                            return holds.heldUntil(k);
                                        }

                                        @Override
                                        public void holdUntil(Instant until, String reason) {
                                            holds.hold(k, until, reason);
                                        }
                                    }));
                })
                .push();
    }
}
