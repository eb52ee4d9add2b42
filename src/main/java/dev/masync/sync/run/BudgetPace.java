package dev.masync.sync.run;

import dev.masync.connector.spi.CallBudget;

import java.time.Duration;
import java.util.Objects;

/**
 * Paces pushes by an account's shared {@link CallBudget}: {@code perPush} takes one call per push (a destination's
 * own {@code rateLimit}, for connectors that do not take calls themselves), and a {@code Retry-After} pauses the
 * budget for every replica. Otherwise the connector takes a call per vendor call and reports throttles to the budget
 * itself (the {@link dev.masync.connector.spi.RateLimited} contract), and the engine neither paces nor pauses: nothing
 * is paced twice.
 */
record BudgetPace(CallBudget budget, boolean perPush) implements PushPace {
    BudgetPace {
        Objects.requireNonNull(budget, "budget");
    }

    @Override
    public void acquire() {
        if (perPush) {
            budget.take().close(); // a push is one synchronous call: its concurrency ends with the push anyway
        }
    }

    @Override
    public void pause(Duration delay) {
        if (perPush) budget.observe(CallBudget.Observation.throttled(delay, false));
    }
}
