package dev.masync.sync.run;

import dev.masync.budget.AccountBudget;
import dev.masync.budget.RateBudgets;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.RateLimited;
import dev.masync.connector.spi.RateLimits;
import dev.masync.destination.DestinationDefinition;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Gives a run the budget of the account it writes to. A {@link RateLimited} connector gets the account's shared
 * budget in its context ({@link DestinationContext#calls()}) with the destination's {@code rateLimit} overriding the
 * connector's window, and the engine does not pace it again; any other connector is paced per push by its
 * destination's own {@code rateLimit} (shared by replicas too), or not at all.
 */
@ApplicationScoped
public class RunPacing {

    /** What a run pushes with: the context (carrying the budget), the push policy and the drain forecast. */
    record Paced(DestinationContext context, PushPolicy push, DrainForecast forecast) {}

    private final PushPolicies pushes;
    private final RateBudgets budgets;

    RunPacing(PushPolicies pushes, RateBudgets budgets) {
        this.pushes = pushes;
        this.budgets = budgets;
    }

    Paced pace(DestinationDefinition d, Destination connector, DestinationContext context, int batchSize) {
        if (connector instanceof RateLimited limited) {
            AccountBudget budget = budgets.account(limited.account(context), limits(limited.rateLimits(context), d));
            return budgeted(limited, context, budget, pushes.of(d, PushPolicies.Pacing.perCall(budget)));
        }
        PushPolicies.Pacing pacing = pushes.pacingOf(d);
        Optional<AccountBudget> budget = pacing.budget();
        return new Paced(context, pushes.of(d, pacing), new DrainForecast() {
            @Override
            public Projection project(long changes, Optional<MembershipTarget> membership) {
                long n = DrainForecast.ceilDiv(changes, batchSize);
                return new Projection(budget.map(AccountBudget::account), n, budget.map(b -> b.projectDrain(n)));
            }

            @Override
            public long callsTaken() {
                return -1;
            }
        });
    }

    /**
     * A run of a {@link RateLimited} connector: its context carries the account's budget (counting the calls this
     * run takes), and its drain is projected from {@link RateLimited#callsFor} at that budget.
     */
    static Paced budgeted(RateLimited limited, DestinationContext context, AccountBudget budget, PushPolicy push) {
        Counting calls = new Counting(budget);
        return new Paced(context.withCalls(calls), push, new DrainForecast() {
            @Override
            public Projection project(long changes, Optional<MembershipTarget> membership) {
                long n = limited.callsFor(context, changes, membership);
                return new Projection(Optional.of(budget.account()), n, Optional.of(budget.projectDrain(n)));
            }

            @Override
            public long callsTaken() {
                return calls.taken.sum();
            }
        });
    }

    /** The connector's limits with the destination's {@code rateLimit} as the window, when it has one. */
    static RateLimits limits(RateLimits connector, DestinationDefinition d) {
        return d.rateLimit()
                .map(l -> new RateLimits(
                        l.requests(),
                        l.per(),
                        connector.maxConcurrent(),
                        connector.callsPerDay(),
                        connector.dailyReset()))
                .orElse(connector);
    }

    /** The account's budget, counting the calls one run takes. */
    private static final class Counting implements CallBudget {
        final CallBudget budget;
        final LongAdder taken = new LongAdder();

        Counting(CallBudget budget) {
            this.budget = budget;
        }

        @Override
        public Permit take() {
            Permit p = budget.take();
            taken.increment();
            return p;
        }

        @Override
        public void observe(Observation observation) {
            budget.observe(observation);
        }
    }
}
