package dev.masync.sync.run;

import dev.masync.budget.AccountBudget;
import dev.masync.budget.RateBudgets;
import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationHolds;
import dev.masync.sync.SyncConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retry state per destination (SmallRye Fault Tolerance guard and circuit breaker) around its pacing; renewed when
 * its pacing changes. Pacing is the account's shared budget ({@link RateBudgets}): taken once per push for a
 * destination's own {@code rateLimit}, or by the connector per vendor call ({@link Pacing#perCall}).
 */
@ApplicationScoped
public class PushPolicies {

    /** How the pushes to a destination are paced. */
    record Pacing(Optional<AccountBudget> budget, boolean perPush) {
        /** Not paced; only a short Retry-After waits (in this replica). */
        static final Pacing NONE = new Pacing(Optional.empty(), false);

        Pacing {
            Objects.requireNonNull(budget, "budget");
        }

        /** One call of the budget per push. */
        static Pacing perPush(AccountBudget budget) {
            return new Pacing(Optional.of(budget), true);
        }

        /** The connector takes the budget's calls itself: the engine does not pace. */
        static Pacing perCall(AccountBudget budget) {
            return new Pacing(Optional.of(budget), false);
        }
    }

    private record Entry(Pacing pacing, PushPolicy push) {}

    private final SyncConfig config;
    private final Clock clock;
    private final DestinationHolds holds;
    private final RateBudgets budgets;
    private final Map<String, Entry> byDestination = new ConcurrentHashMap<>();

    PushPolicies(SyncConfig config, Clock clock, DestinationHolds holds, RateBudgets budgets) {
        this.config = config;
        this.clock = clock;
        this.holds = holds;
        this.budgets = budgets;
    }

    /** The pacing of a destination without a vendor account: its own {@code rateLimit}, shared by replicas. */
    Pacing pacingOf(DestinationDefinition d) {
        return d.rateLimit()
                .map(l -> Pacing.perPush(budgets.destination(d.key(), l.requests(), l.per())))
                .orElse(Pacing.NONE);
    }

    PushPolicy of(DestinationDefinition d) {
        return of(d, pacingOf(d));
    }

    PushPolicy of(DestinationDefinition d, Pacing pacing) {
        return byDestination
                .compute(d.key(), (k, old) -> {
                    if (old != null && old.pacing().equals(pacing)) {
                        return old;
                    }
                    PushPace pace = pacing.budget()
                            .<PushPace>map(b -> new BudgetPace(b, pacing.perPush()))
                            .orElseGet(() -> Pacer.unlimited(clock, Pacer.Sleeper.REAL));
                    SyncConfig.Retry r = config.retry();
                    return new Entry(
                            pacing,
                            new FaultTolerantPush(
                                    k,
                                    pace,
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
