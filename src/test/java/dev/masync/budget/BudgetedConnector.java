package dev.masync.budget;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.RateLimited;
import dev.masync.connector.spi.RateLimits;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SettingProblem;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A test connector ({@code budgeted}) with a vendor account, as HubSpot and Salesforce connectors are: one vendor
 * call per {@value #PER_CALL} records, each taken from {@link DestinationContext#calls()}; settings {@code account},
 * {@code perWindow} (default 100 per 10 s), {@code perDay} (a rolling 24 h quota, default none). A test may make
 * chosen vendor calls answer a throttle, which the connector reports to the budget and throws, as a connector would.
 */
@ApplicationScoped
public class BudgetedConnector implements Destination, RateLimited {
    public static final int PER_CALL = 10;

    /** A vendor call: when it started and for which account. */
    public record Call(String account, Instant at, int records) {}

    public static final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Which vendor calls (numbered from 1 across accounts) answer a throttle, and for how long. */
    public static volatile Predicate<Integer> throttle = n -> false;

    public static volatile Duration throttleFor = Duration.ofHours(1);

    private final Clock clock;

    public BudgetedConnector() {
        this(Clock.systemUTC());
    }

    public BudgetedConnector(Clock clock) {
        this.clock = clock;
    }

    public static void reset() {
        calls.clear();
        throttle = n -> false;
        throttleFor = Duration.ofHours(1);
    }

    @Override
    public String type() {
        return "budgeted";
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return List.of();
    }

    @Override
    public Set<String> settingNames() {
        return Set.of("account", "perWindow", "perDay");
    }

    @Override
    public String account(DestinationContext context) {
        return "budgeted:" + context.requiredSetting("account");
    }

    @Override
    public RateLimits rateLimits(DestinationContext context) {
        return new RateLimits(
                context.setting("perWindow").map(Integer::parseInt).orElse(100),
                Duration.ofSeconds(10),
                4,
                context.setting("perDay")
                        .map(v -> OptionalLong.of(Long.parseLong(v)))
                        .orElse(OptionalLong.empty()),
                Optional.empty());
    }

    @Override
    public long callsFor(long records, Optional<MembershipTarget> membership) {
        return (records + PER_CALL - 1) / PER_CALL;
    }

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        List<RecordChange> records = batch.records();
        for (int from = 0; from < records.size(); from += PER_CALL) {
            int n = Math.min(PER_CALL, records.size() - from);
            try (CallBudget.Permit ignored = context.calls().take()) {
                calls.add(new Call(account(context), clock.instant(), n));
                if (throttle.test(calls.size())) {
                    context.calls().observe(CallBudget.Observation.throttled(throttleFor, false));
                    throw new RetryableException("HTTP 429 from the fake vendor", throttleFor, null);
                }
            }
        }
        return BatchResult.allConfirmed(batch);
    }

    @Override
    public BatchLimits limits() {
        return new BatchLimits(100, 1 << 20);
    }

    /** Vendor calls made for an account. */
    public static List<Call> callsOf(String account) {
        List<Call> out = new ArrayList<>();
        for (Call c : calls) if (c.account().equals("budgeted:" + account)) out.add(c);
        return out;
    }
}
