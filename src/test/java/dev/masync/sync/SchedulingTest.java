package dev.masync.sync;

import dev.masync.sync.run.RunEngine;
import dev.masync.sync.run.RunLeases;
import dev.masync.sync.run.RunScheduler;
import dev.masync.sync.run.RunTrigger;
import dev.masync.sync.run.SyncRunEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Scheduled runs: due syncs start once, the freshness gate skips unchanged data, paused syncs wait. */
@QuarkusTest
class SchedulingTest {
    static final String ADMIN = SyncApiTest.ADMIN;

    @Inject
    RunScheduler scheduler;

    @Inject
    RunLeases leases;

    static void makeDue(String key) {
        QuarkusTransaction.requiringNew()
                .run(() -> SyncEntity.update(
                        "nextRunAt = ?1 where key = ?2", Instant.now().minusSeconds(1), key));
    }

    static Instant nextRunAt(String key) {
        return QuarkusTransaction.requiringNew().call(() -> SyncEntity.<SyncEntity>findById(key).nextRunAt);
    }

    static JsonPath lastRun(String key) throws InterruptedException {
        long id = given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/" + key + "/runs?limit=1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("items[0].id");
        return SyncApiTest.awaitRun(id);
    }

    @Test
    void aDueSyncRunsOnceThenTheFreshnessGateSkipsUnchangedData() throws Exception {
        new SyncApiTest().segment();
        SyncApiTest.post(
                        "/api/v1/syncs",
                        SyncApiTest.sync(
                                "paid_scheduled",
                                ", \"schedule\": {\"every\": \"PT1H\"}, \"freshness\": {\"attribute\": \"updated_at\"}"))
                .then()
                .statusCode(201);
        scheduler.startDue(); // other syncs (the demo files) may be due too: count this one's runs
        assertThat(runs("paid_scheduled")).isEqualTo(0);

        makeDue("paid_scheduled");
        scheduler.startDue(); // other syncs (the demo files) may be due too: count this one's runs
        assertThat(runs("paid_scheduled")).isEqualTo(1);
        JsonPath first = lastRun("paid_scheduled");
        assertThat(first.getString("trigger")).isEqualTo("schedule");
        assertThat(first.getString("status")).isEqualTo("succeeded");
        assertThat(first.getString("freshness")).isNotBlank();
        assertThat(Duration.between(Instant.now(), nextRunAt("paid_scheduled"))).isGreaterThan(Duration.ofMinutes(59));
        scheduler.startDue(); // other syncs (the demo files) may be due too: count this one's runs
        assertThat(runs("paid_scheduled")).isEqualTo(1);

        makeDue("paid_scheduled");
        scheduler.startDue(); // other syncs (the demo files) may be due too: count this one's runs
        assertThat(runs("paid_scheduled")).isEqualTo(2);
        JsonPath second = lastRun("paid_scheduled");
        assertThat(second.getString("status")).isEqualTo("skipped_stale");
        assertThat(second.getString("reason")).contains("updated_at").contains("not been refreshed");

        // an API run is not gated: the operator asked for it
        long id = SyncApiTest.startRun("paid_scheduled", "{}");
        assertThat(SyncApiTest.awaitRun(id).getString("status")).isEqualTo("succeeded");
    }

    @Test
    void aPausedSyncIsNotStartedBySchedule() {
        new SyncApiTest().segment();
        SyncApiTest.post(
                        "/api/v1/syncs",
                        SyncApiTest.sync(
                                "paid_paused", ", \"schedule\": {\"cron\": \"*/5 * * * *\"}, \"paused\": true"))
                .then()
                .statusCode(201);
        makeDue("paid_paused");
        scheduler.startDue(); // other syncs (the demo files) may be due too: count this one's runs
        assertThat(runs("paid_paused")).isEqualTo(0);
        assertThat(given().header("Authorization", ADMIN)
                        .get("/api/v1/syncs/paid_paused/runs")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("items"))
                .isEmpty();
    }

    @Test
    void aRunLeftRunningByADeadProcessIsFailedOnceItsLeaseExpired() {
        new SyncApiTest().segment();
        SyncApiTest.post("/api/v1/syncs", SyncApiTest.sync("paid_orphan", ""))
                .then()
                .statusCode(201);
        SyncRunEntity orphan = leases.claim("paid_orphan", RunTrigger.API, RunEngine.Options.NORMAL, "test");
        leases.failOrphanedRuns();
        assertThat(status(orphan.id)).isEqualTo("running"); // its lease is still valid
        QuarkusTransaction.requiringNew()
                .run(() -> SyncEntity.update(
                        "leaseUntil = ?1 where key = ?2", Instant.now().minusSeconds(1), "paid_orphan"));
        leases.failOrphanedRuns();
        assertThat(status(orphan.id)).isEqualTo("failed");
        leases.release("paid_orphan");
    }

    static long runs(String syncKey) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRunEntity.count("syncKey", syncKey));
    }

    static String status(long runId) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRunEntity.<SyncRunEntity>findById(runId).status);
    }
}
