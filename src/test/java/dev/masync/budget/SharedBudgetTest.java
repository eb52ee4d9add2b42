package dev.masync.budget;

import dev.masync.connector.spi.CallBudget.Observation;
import dev.masync.connector.spi.RateLimits;
import dev.masync.connector.spi.RetryableException;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

import static dev.masync.budget.FakeTime.maxInWindow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two replicas (two budgets, each with its own ledger connection) over one control DB — H2, and PostgreSQL when one
 * answers (MASYNC_TEST_POSTGRES_URL, as in MigrationTest) — spend one account's budget together, never each in full.
 */
class SharedBudgetTest {
    static final String SCHEMA = "masync_budget_test";
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    static final RateLimits LIMITS =
            new RateLimits(190, Duration.ofSeconds(10), 10, OptionalLong.of(1_000), Optional.empty());
    static final AccountBudget.Settings SETTINGS =
            new AccountBudget.Settings(Duration.ofSeconds(1), Duration.ofSeconds(60), 2);

    @TempDir
    Path dir;

    final FakeTime time = new FakeTime(T0);

    DataSource controlDb(String kind) throws SQLException {
        DataSource ds;
        if (kind.equals("h2")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:file:" + dir.toAbsolutePath().resolve("control") + ";SCHEMA=PUBLIC");
            h2.setUser("sa");
            ds = h2;
        } else {
            String url =
                    System.getenv().getOrDefault("MASYNC_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(url);
            pg.setUser("postgres");
            pg.setPassword(System.getenv().getOrDefault("MASYNC_TEST_POSTGRES_PASSWORD", ""));
            pg.setCurrentSchema(SCHEMA);
            try (Connection ignored = pg.getConnection()) {
                // reachable
            } catch (SQLException e) {
                if (Boolean.parseBoolean(System.getenv("MASYNC_TEST_REQUIRE_POSTGRES"))) throw e;
                Assumptions.abort("PostgreSQL not reachable at " + url + ": " + e.getMessage());
            }
            ds = pg;
        }
        Flyway flyway = Flyway.configure()
                .dataSource(ds)
                .schemas(kind.equals("h2") ? "PUBLIC" : SCHEMA)
                .createSchemas(true)
                .cleanDisabled(false)
                .locations("classpath:db/migration")
                .load();
        flyway.clean();
        flyway.migrate();
        return ds;
    }

    AccountBudget replica(DataSource db, RateLimits limits) {
        return replica(db, limits, time);
    }

    static AccountBudget replica(DataSource db, RateLimits limits, FakeTime clock) {
        return new AccountBudget(
                "hubspot:portal:1",
                limits,
                clock,
                clock.sleeper(),
                new JdbcBudgetLedger(db),
                SETTINGS,
                BudgetMeters.NONE);
    }

    /**
     * Replicas calling at the same time, simulated in order of time: each has its own clock (the time it is ready
     * for its next call), and the one that is ready first calls next; a call takes 0–40 ms, and now and then a
     * replica is late by up to 0.9 s (GC, a slow state write). Returns the starts of all calls, in order.
     */
    List<Instant> simulate(DataSource db, int replicas, int calls, long seed) {
        Random random = new Random(seed);
        List<FakeTime> clocks = new ArrayList<>();
        List<AccountBudget> budgets = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            FakeTime clock = new FakeTime(T0);
            clocks.add(clock);
            budgets.add(replica(db, LIMITS, clock));
        }
        List<Instant> starts = new ArrayList<>();
        for (int n = 0; n < calls; n++) {
            int next = 0;
            for (int i = 1; i < replicas; i++) {
                if (clocks.get(i).now.isBefore(clocks.get(next).now)) next = i;
            }
            FakeTime clock = clocks.get(next);
            budgets.get(next).take().close();
            starts.add(clock.now);
            clock.advance(Duration.ofMillis(random.nextInt(40)));
            if (random.nextInt(50) == 0) clock.advance(Duration.ofMillis(random.nextInt(900)));
        }
        starts.sort(null);
        return starts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void twoReplicasTogetherNeverStartMoreThanTheLimitInAnyWindowYetUseNearlyAllOfIt(String kind) throws Exception {
        DataSource db = controlDb(kind);
        List<Instant> starts = simulate(db, 2, 950, 42);
        assertThat(maxInWindow(starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(190);
        double seconds =
                Duration.between(starts.get(0), starts.get(starts.size() - 1)).toNanos() / 1e9;
        assertThat((starts.size() - 1) / seconds / 19.0)
                .as("share of the limit used")
                .isGreaterThan(0.9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void threeReplicasShareOneLimitAndTheDailyQuotaCountsWhatTheyUsed(String kind) throws Exception {
        DataSource db = controlDb(kind);
        List<Instant> starts = simulate(db, 3, 600, 7);
        assertThat(maxInWindow(starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(190);
        // unused slots of each lease are given back: the day's count is the calls plus at most the open leases
        FakeTime later = new FakeTime(starts.get(starts.size() - 1).plusSeconds(1));
        AccountBudget probe = replica(db, LIMITS, later);
        probe.take().close();
        long counted = 1_000 - probe.dayRemaining().orElseThrow();
        assertThat(counted).isBetween(601L, 601L + 3 * 18 + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aReplicaThatDiesLosesAtMostItsLease(String kind) throws Exception {
        DataSource db = controlDb(kind);
        AccountBudget dead = replica(db, LIMITS);
        dead.take().close(); // leased a block, then the pod was killed
        AccountBudget b = replica(db, LIMITS);
        Instant before = time.now;
        b.take().close();
        assertThat(Duration.between(before, time.now)).isLessThanOrEqualTo(SETTINGS.leaseSpan());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aThrottleSeenByOneReplicaHoldsTheOtherAtItsNextLease(String kind) throws Exception {
        DataSource db = controlDb(kind);
        AccountBudget a = replica(db, LIMITS);
        AccountBudget b = replica(db, LIMITS);
        a.take().close();
        b.take().close();
        a.observe(Observation.throttled(Duration.ofHours(1), false));
        int calls = 0;
        RetryableException refused = null;
        for (; calls < 100 && refused == null; calls++) {
            try {
                b.take().close();
            } catch (RetryableException e) {
                refused = e;
            }
        }
        assertThat(refused).as("B stops within its current lease").isNotNull();
        assertThat(calls).isLessThanOrEqualTo(20);
        assertThat(refused.retryAfter()).hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofMinutes(59)));
        // a replica starting now does not call at all
        assertThatThrownBy(() -> replica(db, LIMITS).take()).isInstanceOf(RetryableException.class);
    }

    @org.junit.jupiter.api.Test
    void anAccountIdLongerThanTheColumnIsKeyedByItsStartAndAHash() throws Exception {
        DataSource db = controlDb("h2");
        String longer = "salesforce:https://" + "x".repeat(600) + ".my.salesforce.com";
        assertThat(JdbcBudgetLedger.key(longer)).hasSize(JdbcBudgetLedger.MAX_KEY);
        assertThat(JdbcBudgetLedger.key(longer)).isNotEqualTo(JdbcBudgetLedger.key(longer + "2"));
        AccountBudget b = new AccountBudget(
                longer, LIMITS, time, time.sleeper(), new JdbcBudgetLedger(db), SETTINGS, BudgetMeters.NONE);
        b.take().close();
        b.observe(Observation.throttled(Duration.ofHours(1), false));
        assertThatThrownBy(() -> new AccountBudget(
                                longer,
                                LIMITS,
                                time,
                                time.sleeper(),
                                new JdbcBudgetLedger(db),
                                SETTINGS,
                                BudgetMeters.NONE)
                        .take())
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("paused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void theDailyQuotaIsSharedAcrossReplicas(String kind) throws Exception {
        DataSource db = controlDb(kind);
        RateLimits small = new RateLimits(190, Duration.ofSeconds(10), 10, OptionalLong.of(30), Optional.empty());
        AccountBudget a = replica(db, small);
        AccountBudget b = replica(db, small);
        int taken = 0;
        for (int i = 0; i < 100; i++) {
            try {
                (i % 2 == 0 ? a : b).take().close();
                taken++;
            } catch (RetryableException e) {
                assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofHours(23)));
            }
        }
        assertThat(taken).isLessThanOrEqualTo(30).isGreaterThan(0);
    }
}
