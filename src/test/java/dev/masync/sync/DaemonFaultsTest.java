package dev.masync.sync;

import dev.masync.sync.run.FaultConnector;
import dev.masync.sync.run.RunColumns;
import dev.masync.sync.run.RunLeases;
import dev.masync.sync.run.RunScheduler;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.function.Supplier;

import static dev.masync.sync.SyncApiTest.ADMIN;
import static dev.masync.sync.SyncApiTest.awaitRun;
import static dev.masync.sync.SyncApiTest.post;
import static dev.masync.sync.SyncApiTest.startRun;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The daemon's own faults: scheduled runs that cannot start, throwables in a run, oversized reasons. */
@QuarkusTest
class DaemonFaultsTest {
    @Inject
    RunScheduler scheduler;

    @Inject
    RunLeases leases;

    @BeforeEach
    void setUp() {
        FaultConnector.reset();
        new SyncApiTest().segment();
        if (given().header("Authorization", ADMIN)
                        .get("/api/v1/destinations/faulty")
                        .statusCode()
                == 404) {
            post("/api/v1/destinations", """
                    {"key": "faulty", "name": "Faulty", "type": "faults", "settings": {}}""").then().statusCode(201);
        }
    }

    @AfterEach
    void tearDown() {
        FaultConnector.reset();
    }

    private static void createSync(String key, String destination, String schedule) {
        if (given().header("Authorization", ADMIN).get("/api/v1/syncs/" + key).statusCode() == 200) {
            return;
        }
        String body = SyncApiTest.sync(key, schedule == null ? "" : ", \"schedule\": " + schedule)
                .replace("\"destination\": \"outbox\"", "\"destination\": \"" + destination + "\"");
        post("/api/v1/syncs", body).then().statusCode(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"oom", "stackoverflow", "assertion", "linkage", "runtime_long_message", "null_message"})
    void anyThrowableInARunEndsItFailedAndFreesTheLease(String kind) throws Exception {
        Supplier<Throwable> fault = switch (kind) {
            case "oom" -> () -> new OutOfMemoryError("Java heap space");
            case "stackoverflow" -> StackOverflowError::new;
            case "assertion" -> () -> new AssertionError("connector invariant broken");
            case "linkage" -> () -> new NoClassDefFoundError("com/vendor/Missing");
            case "runtime_long_message" -> () -> new IllegalStateException("x".repeat(50_000));
            default -> NullPointerException::new;
        };
        String key = "faults_" + kind;
        createSync(key, "faulty", null);
        FaultConnector.fault = fault;

        JsonPath run = awaitRun(startRun(key, "{}"));

        assertThat(run.getString("status")).isEqualTo("failed");
        String reason = run.getString("reason");
        assertThat(reason).isNotBlank().hasSizeLessThanOrEqualTo(RunColumns.REASON);
        if (!kind.equals("runtime_long_message") && !kind.equals("null_message")) {
            // an Error reaches the coordinator, which words it (runtime exceptions are worded by the push phase)
            assertThat(reason).doesNotContain("Error", "java.");
        }
        assertThat(leases.isActive(key)).isFalse();
        assertThat(leaseOwner(key)).isNull();

        // the lease is free: the next run starts and, the fault gone, delivers
        FaultConnector.fault = null;
        JsonPath next = awaitRun(startRun(key, "{}"));
        assertThat(next.getString("status")).isEqualTo("succeeded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"every\": \"PT1H\"}", "{\"cron\": \"0 6 * * *\"}", "{\"cron\": \"0 0/30 * * * ?\"}"})
    void aScheduledRunThatCannotRunIsRecordedFailedAndTheScheduleContinues(String schedule) throws Exception {
        String key = "sched_broken_" + Integer.toHexString(schedule.hashCode());
        createSync(key, "outbox", schedule);
        // the stored definition no longer fits the warehouse: its mapping names a column that is gone
        QuarkusTransaction.requiringNew().run(() -> {
            SyncEntity e = SyncEntity.findById(key);
            e.definitionJson = e.definitionJson.replace("\"streak_days\"", "\"column_dropped_upstream\"");
            e.nextRunAt = Instant.now().minusSeconds(1);
        });

        scheduler.startDue();

        JsonPath run = lastRun(key);
        assertThat(run.getString("trigger")).isEqualTo("schedule");
        assertThat(run.getString("status")).isEqualTo("failed");
        assertThat(run.getString("reason")).contains("column_dropped_upstream");
        Instant next = QuarkusTransaction.requiringNew().call(() -> SyncEntity.<SyncEntity>findById(key).nextRunAt);
        assertThat(next).as("the schedule keeps going").isNotNull().isAfter(Instant.now());
    }

    @Test
    void aScheduledRunOfAPausedThenResumedBrokenSyncStillHasANextRun() {
        String key = "sched_resumed_broken";
        createSync(key, "outbox", "{\"every\": \"PT2H\"}");
        post("/api/v1/syncs/" + key + "/pause", "").then().statusCode(200);
        QuarkusTransaction.requiringNew().run(() -> {
            SyncEntity e = SyncEntity.findById(key);
            e.definitionJson = e.definitionJson.replace("\"sync_test_paid\"", "\"segment_deleted\"");
        });
        post("/api/v1/syncs/" + key + "/resume", "").then().statusCode(200);
        Instant next = QuarkusTransaction.requiringNew().call(() -> SyncEntity.<SyncEntity>findById(key).nextRunAt);
        assertThat(next).isNotNull().isAfter(Instant.now());
    }

    private static String leaseOwner(String key) {
        return QuarkusTransaction.requiringNew().call(() -> SyncEntity.<SyncEntity>findById(key).leaseOwner);
    }

    static JsonPath lastRun(String key) throws InterruptedException {
        long id = given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/" + key + "/runs?limit=1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("items[0].id");
        return awaitRun(id);
    }
}
