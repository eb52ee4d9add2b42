package dev.masync.budget;

import dev.masync.connector.spi.RateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call budgets of this replica, one per account, over the control DB's {@link JdbcBudgetLedger}; a budget is
 * renewed when its account's limits change. Meters per account ({@code account} tag): {@code
 * masync.budget.window.remaining} and {@code masync.budget.day.remaining} (gauges), {@code masync.budget.calls},
 * {@code masync.budget.throttles} (counters), {@code masync.budget.waits} (a timer of time paced or paused).
 */
@ApplicationScoped
public class RateBudgets {
    /** Accounts of a destination's own {@code rateLimit} (connectors without a vendor account). */
    public static final String DESTINATION_PREFIX = "destination:";

    private final BudgetLedger ledger;
    private final Clock clock;
    private final AccountBudget.Sleeper sleeper;
    private final AccountBudget.Settings settings;
    private final MeterRegistry meters;
    private final Map<String, AccountBudget> byAccount = new ConcurrentHashMap<>();

    @Inject
    RateBudgets(DataSource dataSource, Clock clock, BudgetConfig config, MeterRegistry meters) {
        this(
                new JdbcBudgetLedger(dataSource),
                clock,
                AccountBudget.Sleeper.REAL,
                new AccountBudget.Settings(config.leaseSpan(), config.maxWait(), config.replicas()),
                meters);
    }

    public RateBudgets(
            BudgetLedger ledger,
            Clock clock,
            AccountBudget.Sleeper sleeper,
            AccountBudget.Settings settings,
            MeterRegistry meters) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** The budget of a vendor account with these limits (the same instance while they stay the same). */
    public AccountBudget account(String account, RateLimits limits) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(limits, "limits");
        AccountBudget[] created = {null};
        AccountBudget b = byAccount.compute(account, (k, old) -> {
            if (old != null && old.limits().equals(limits)) return old;
            created[0] = new AccountBudget(k, limits, clock, sleeper, ledger, settings, metersOf(k));
            return created[0];
        });
        if (created[0] != null) {
            gauges(account);
        }
        return b;
    }

    /**
     * The budget of a destination's own {@code rateLimit} (webhooks and other connectors without a vendor account):
     * {@code requests} per {@code per}, no concurrency cap or daily quota, shared by replicas like an account's.
     */
    public AccountBudget destination(String destinationKey, int requests, Duration per) {
        return account(
                DESTINATION_PREFIX + destinationKey,
                new RateLimits(requests, per, Integer.MAX_VALUE, OptionalLong.empty(), Optional.empty()));
    }

    /** The budget of an account, if this replica has used it. */
    public Optional<AccountBudget> find(String account) {
        return Optional.ofNullable(byAccount.get(account));
    }

    private void gauges(String account) {
        // registered once per account (the registry ignores repeats); they read whichever budget is current
        Gauge.builder("masync.budget.window.remaining", byAccount, m -> {
                    AccountBudget b = m.get(account);
                    return b == null ? Double.NaN : b.windowRemaining();
                })
                .tag("account", account)
                .description("calls left in the account's current window, as this replica sees it")
                .register(meters);
        Gauge.builder("masync.budget.day.remaining", byAccount, m -> {
                    AccountBudget b = m.get(account);
                    return b == null || b.dayRemaining().isEmpty()
                            ? Double.NaN
                            : b.dayRemaining().getAsLong();
                })
                .tag("account", account)
                .description("calls left in the account's daily quota, as this replica last learnt it")
                .register(meters);
    }

    private BudgetMeters metersOf(String account) {
        Counter calls = Counter.builder("masync.budget.calls")
                .tag("account", account)
                .description("calls taken from the account's budget")
                .register(meters);
        Counter throttles = Counter.builder("masync.budget.throttles")
                .tag("account", account)
                .description("throttles the vendor answered for the account")
                .register(meters);
        Timer waits = Timer.builder("masync.budget.waits")
                .tag("account", account)
                .description("time calls waited for their turn (pacing and pauses)")
                .register(meters);
        return new BudgetMeters() {
            @Override
            public void taken() {
                calls.increment();
            }

            @Override
            public void waited(Duration wait) {
                waits.record(wait);
            }

            @Override
            public void throttled() {
                throttles.increment();
            }
        };
    }
}
