package dev.masync.sync;

import dev.masync.budget.BudgetedConnector;
import dev.masync.destination.DestinationHolds;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.masync.sync.SyncApiTest.ADMIN;
import static dev.masync.sync.SyncApiTest.awaitRun;
import static dev.masync.sync.SyncApiTest.post;
import static dev.masync.sync.SyncApiTest.startRun;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Syncs to a connector with a vendor account ({@code budgeted}) through the daemon: the run records its projected
 * calls and drain time, and the account's budget in the control DB holds every destination of the account when its
 * daily quota is spent or the vendor throttles for long. The destinations' rateLimit is high, so nothing is paced
 * (and nothing sleeps).
 */
@QuarkusTest
class RateBudgetSyncTest {
    @Inject
    DestinationHolds holds;

    @BeforeEach
    void setUp() {
        BudgetedConnector.reset();
        new SyncApiTest().segment();
    }

    @AfterEach
    void tearDown() {
        BudgetedConnector.reset();
    }

    static void destination(String key, String settings) {
        if (given().header("Authorization", ADMIN)
                        .get("/api/v1/destinations/" + key)
                        .statusCode()
                == 404) {
            post("/api/v1/destinations", """
                    {"key": "%s", "name": "Budgeted", "type": "budgeted", "settings": %s,
                     "rateLimit": {"requests": 100000, "per": "PT10S"}}""".formatted(key, settings)).then().statusCode(201);
        }
    }

    static void sync(String key, String destination) {
        if (given().header("Authorization", ADMIN).get("/api/v1/syncs/" + key).statusCode() == 200) {
            return;
        }
        post(
                        "/api/v1/syncs",
                        SyncApiTest.sync(key, "")
                                .replace("\"destination\": \"outbox\"", "\"destination\": \"" + destination + "\""))
                .then()
                .statusCode(201);
    }

    @Test
    void aRunRecordsItsProjectedCallsAndDrainAndReportsThemAgainstTheActualOnes() throws Exception {
        destination("budget_proj", "{\"account\": \"proj\"}");
        sync("budget_proj_s", "budget_proj");

        JsonPath run = awaitRun(startRun("budget_proj_s", "{}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        long sent = run.getLong("counts.sent");
        assertThat(sent).isPositive();
        long calls = BudgetedConnector.callsOf("proj").size();
        assertThat(calls).isEqualTo((sent + 9) / 10);
        assertThat(run.getLong("projectedCalls")).isEqualTo(calls);
        assertThat(Duration.parse(run.getString("projectedDrain"))).isLessThan(Duration.ofSeconds(1));
        assertThat(run.getString("drain.account")).isEqualTo("budgeted:proj");
        assertThat(run.getLong("drain.projectedCalls")).isEqualTo(calls);
        assertThat(run.getLong("drain.calls")).isEqualTo(calls);
        assertThat(Duration.parse(run.getString("drain.drain")).isNegative()).isFalse();
    }

    @Test
    void aSpentDailyQuotaHoldsEveryDestinationOfTheAccountUntilItsReset() throws Exception {
        destination("budget_day_a", "{\"account\": \"day\", \"perDay\": \"3\"}");
        destination("budget_day_b", "{\"account\": \"day\", \"perDay\": \"3\"}");
        sync("budget_day_sa", "budget_day_a");
        sync("budget_day_sb", "budget_day_b");

        JsonPath first = awaitRun(startRun("budget_day_sa", "{}"));
        assertThat(BudgetedConnector.callsOf("day")).hasSize(3);
        assertThat(first.getString("status")).isIn("failed", "partially_failed");
        assertThat(first.getString("reason")).contains("not to be called before");
        assertThat(holds.heldUntil("budget_day_a").orElseThrow())
                .isAfter(Instant.now().plus(Duration.ofHours(23)));

        // another destination (and sync) of the same account: held at once, the vendor is not called
        JsonPath second = awaitRun(startRun("budget_day_sb", "{}"));
        assertThat(second.getString("status")).isIn("failed", "partially_failed");
        assertThat(second.getLong("counts.confirmed")).isZero();
        assertThat(BudgetedConnector.callsOf("day")).hasSize(3);
        assertThat(holds.heldUntil("budget_day_b")).isPresent();
    }

    @Test
    void aLongThrottleOnOneSyncPausesEverySyncOfTheAccount() throws Exception {
        destination("budget_thr_a", "{\"account\": \"thr\"}");
        destination("budget_thr_b", "{\"account\": \"thr\"}");
        sync("budget_thr_sa", "budget_thr_a");
        sync("budget_thr_sb", "budget_thr_b");
        BudgetedConnector.throttle = n -> n == 2;
        BudgetedConnector.throttleFor = Duration.ofHours(2);

        JsonPath first = awaitRun(startRun("budget_thr_sa", "{}"));
        assertThat(first.getString("reason")).contains("not to be called before");
        assertThat(BudgetedConnector.callsOf("thr")).hasSize(2);

        JsonPath second = awaitRun(startRun("budget_thr_sb", "{}"));
        assertThat(second.getString("reason")).contains("not to be called before");
        assertThat(BudgetedConnector.callsOf("thr")).hasSize(2);
        assertThat(holds.heldUntil("budget_thr_b").orElseThrow())
                .isAfter(Instant.now().plus(Duration.ofMinutes(100)));
    }
}
