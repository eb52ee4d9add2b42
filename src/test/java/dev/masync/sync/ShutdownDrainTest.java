package dev.masync.sync;

import dev.masync.sync.run.FaultConnector;
import dev.masync.sync.run.RunCoordinator;
import dev.masync.sync.run.RunLeases;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.masync.sync.SyncApiTest.ADMIN;
import static dev.masync.sync.SyncApiTest.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Shutdown: no run starts once it began, a run still pushing after the grace is marked cancelled and its lease freed.
 * Its own application instance (the drain stops this one's coordinator for good).
 */
@QuarkusTest
@TestProfile(ShutdownDrainTest.Draining.class)
class ShutdownDrainTest {
    public static class Draining implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("masync.sync.shutdown-grace", "5s");
        }
    }

    @Inject
    RunCoordinator coordinator;

    @Inject
    RunLeases leases;

    @AfterEach
    void release() {
        CountDownLatch hold = FaultConnector.hold;
        if (hold != null) {
            hold.countDown();
        }
        FaultConnector.reset();
    }

    @Test
    void aRunStillPushingIsCancelledItsLeaseFreedAndNoRunStartsAfterwards() throws Exception {
        FaultConnector.reset();
        new SyncApiTest().segment();
        post("/api/v1/destinations", """
                {"key": "faulty", "name": "Faulty", "type": "faults", "settings": {}}""").then().statusCode(201);
        for (String key : new String[] {"drain_stuck", "drain_later"}) {
            post("/api/v1/syncs", SyncApiTest.sync(key, "").replace("\"outbox\"", "\"faulty\""))
                    .then()
                    .statusCode(201);
        }
        FaultConnector.hold = new CountDownLatch(1);
        long id = SyncApiTest.startRun("drain_stuck", "{}");
        assertThat(FaultConnector.entered.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(coordinator.drain(Duration.ofMillis(200))).isEqualTo(1);

        JsonPath run = given().header("Authorization", ADMIN)
                .get("/api/v1/runs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(run.getString("status")).isEqualTo("cancelled");
        assertThat(run.getString("reason")).contains("shut down", "next run");
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> SyncEntity.<SyncEntity>findById("drain_stuck").leaseOwner))
                .isNull();
        assertThat(coordinator.accepting()).isFalse();

        // the worker ends later: its outcome does not overwrite the cancellation
        FaultConnector.hold.countDown();
        for (int i = 0; i < 100 && leases.isActive("drain_stuck"); i++) {
            Thread.sleep(20); // waits for the interrupted worker thread, not for a clock
        }
        given().header("Authorization", ADMIN)
                .get("/api/v1/runs/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("cancelled"));

        // no new run, from the API or the schedule
        post("/api/v1/syncs/drain_later/runs", "{}").then().statusCode(503).body("code", equalTo("shutting_down"));
    }
}
