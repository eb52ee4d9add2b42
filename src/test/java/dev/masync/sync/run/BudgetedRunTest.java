package dev.masync.sync.run;

import dev.masync.budget.AccountBudget;
import dev.masync.budget.BudgetLedger;
import dev.masync.budget.BudgetedConnector;
import dev.masync.budget.FakeTime;
import dev.masync.budget.RateBudgets;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.state.DuckDbStateStore;
import dev.masync.sync.state.PeopleWarehouse;
import dev.masync.sync.state.SyncPlan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.masync.budget.FakeTime.maxInWindow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Runs of a connector with a vendor account, end to end on DuckDB state: every vendor call is paced by the account's
 * budget (not each push by the engine), syncs writing to one account share it, a throttle pauses the account, and the
 * run projects its calls and drain time before pushing and reports them against what happened. On a fake clock.
 */
class BudgetedRunTest {
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    static final Map<String, String> ACCOUNT_1 = Map.of("account", "1", "perWindow", "10");

    @TempDir
    Path dir;

    PeopleWarehouse people;
    final FakeTime time = new FakeTime(T0);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RateBudgets budgets = new RateBudgets(
            BudgetLedger.inMemory(),
            time,
            time.sleeper(),
            new AccountBudget.Settings(Duration.ofSeconds(1), Duration.ofSeconds(60), 1),
            meters);
    final BudgetedConnector connector = new BudgetedConnector(time);
    final List<RunDrain> projected = new ArrayList<>();
    long runId;

    /** Pushes once; a failure fails the batch (the engine's retries are FaultTolerantPush's, tested on their own). */
    static final PushPolicy ONCE = (batch, attempt) -> attempt.call(batch);

    /** Retries at once as often as needed: any waiting is the budget's. */
    static final PushPolicy AGAIN = (batch, attempt) -> {
        for (int i = 0; ; i++) {
            try {
                return attempt.call(batch);
            } catch (RetryableException e) {
                if (i == 3) throw e;
            }
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        BudgetedConnector.reset();
        people = PeopleWarehouse.create(dir, 1000, "DATE '2026-12-01'");
    }

    @AfterEach
    void close() {
        people.warehouse().close();
        BudgetedConnector.reset();
    }

    static SyncDefinition sync(String key) {
        return new SyncDefinition(
                key,
                key,
                "seg",
                "dest",
                new SyncDefinition.Identity("mail", "email"),
                List.of(new SyncDefinition.FieldMapping("minutes", "mins", SyncDefinition.Format.AUTO)),
                Optional.empty(),
                SyncDefinition.Mode.MIRROR,
                Optional.empty(),
                false,
                SyncDefinition.Guard.DEFAULT,
                Optional.empty(),
                java.util.OptionalLong.empty());
    }

    RunEngine.Report run(String syncKey, Map<String, String> settings, PushPolicy policy) {
        SyncDefinition sync = sync(syncKey);
        DestinationContext context = new DestinationContext("dest", settings, SecretResolver.standard());
        AccountBudget budget = budgets.account(connector.account(context), connector.rateLimits(context));
        RunPacing.Paced paced = RunPacing.budgeted(connector, context, budget, policy);
        RunEngine.Job job = new RunEngine.Job(
                ++runId,
                sync,
                SyncPlan.of(sync, "pid"),
                people.compiler(),
                people.rule(),
                T0,
                RunEngine.Options.NORMAL,
                connector,
                paced.context(),
                100,
                1 << 20,
                paced.push(),
                Map.of(),
                ZoneId.of("UTC"),
                () -> false,
                paced.forecast());
        return new RunEngine(new DuckDbStateStore(people.warehouse()), time).run(job, new RunMonitor() {
            @Override
            public void batchDone(List<Rejection> r, Collection<String> ok, RunCounts counts, Progress p) {}

            @Override
            public void projected(RunDrain drain) {
                projected.add(drain);
            }
        });
    }

    static List<Instant> starts(List<BudgetedConnector.Call> calls) {
        return calls.stream().map(BudgetedConnector.Call::at).sorted().toList();
    }

    @Test
    void everyVendorCallIsPacedAndTheRunReportsItsProjectedDrainAgainstTheActualOne() {
        RunEngine.Report r = run("s1", ACCOUNT_1, ONCE);

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.counts().confirmed()).isEqualTo(500);
        // 5 pushes of 100 records, 50 vendor calls of 10: the calls are paced, 10 per 10 s at most
        assertThat(r.counts().requests()).isEqualTo(5);
        List<Instant> starts = starts(BudgetedConnector.calls);
        assertThat(starts).hasSize(50);
        assertThat(maxInWindow(starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(10);
        assertThat(Duration.between(starts.get(0), starts.get(49))).isGreaterThan(Duration.ofSeconds(49));

        assertThat(projected).hasSize(1);
        RunDrain drain = r.drain();
        assertThat(drain.account()).isEqualTo("budgeted:1");
        assertThat(drain.projectedCalls()).isEqualTo(50);
        assertThat(drain.calls()).isEqualTo(50);
        double projectedSeconds = Duration.parse(drain.projectedDrain()).toMillis() / 1e3;
        double actualSeconds = Duration.parse(drain.drain()).toMillis() / 1e3;
        assertThat(actualSeconds).isCloseTo(projectedSeconds, within(projectedSeconds * 0.05));
        assertThat(meters.get("masync.budget.calls")
                        .tag("account", "budgeted:1")
                        .counter()
                        .count())
                .isEqualTo(50);
        assertThat(meters.get("masync.budget.waits")
                        .tag("account", "budgeted:1")
                        .timer()
                        .count())
                .isPositive();
    }

    @Test
    void twoSyncsWritingToOneAccountShareItsBudget() {
        run("s1", ACCOUNT_1, ONCE);
        run("s2", ACCOUNT_1, ONCE); // starts when s1 ends, in s1's window
        List<Instant> starts = starts(BudgetedConnector.calls);
        assertThat(starts).hasSize(100);
        assertThat(maxInWindow(starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(10);
        // another account is not slowed down by this one
        Instant before = time.now;
        run("s3", Map.of("account", "2", "perWindow", "100"), ONCE);
        assertThat(Duration.between(before, time.now)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aThrottleIsWaitedOutBeforeTheNextCall() {
        BudgetedConnector.throttle = n -> n == 3;
        BudgetedConnector.throttleFor = Duration.ofSeconds(20);
        RunEngine.Report r = run("s1", ACCOUNT_1, AGAIN);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        List<BudgetedConnector.Call> calls = BudgetedConnector.calls;
        assertThat(Duration.between(calls.get(2).at(), calls.get(3).at()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(20));
        assertThat(meters.get("masync.budget.throttles")
                        .tag("account", "budgeted:1")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aLongThrottleStopsEverySyncOfTheAccountWithoutCallingTheVendor() {
        BudgetedConnector.throttle = n -> n == 3;
        BudgetedConnector.throttleFor = Duration.ofHours(1);
        RunEngine.Report first = run("s1", ACCOUNT_1, ONCE);
        assertThat(first.status()).isIn(RunStatus.FAILED, RunStatus.PARTIALLY_FAILED);
        int vendorCalls = BudgetedConnector.calls.size();
        assertThat(vendorCalls).isEqualTo(3);

        RunEngine.Report second = run("s2", ACCOUNT_1, ONCE);
        assertThat(second.counts().confirmed()).isZero();
        assertThat(BudgetedConnector.calls).hasSize(vendorCalls);
        assertThat(time.slept).isLessThan(Duration.ofMinutes(1));
    }
}
