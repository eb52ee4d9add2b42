package dev.masync.webhook.targeted;

import dev.masync.sync.SyncApiTest;
import dev.masync.sync.run.TargetedRuns;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeResource;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import dev.masync.webhook.InboundEvent;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The targeted sync on BigQuery, through the real client against the REST fake: a micro-batch of events naming
 * several learners looks them up in one query and evaluates them in one query (never one per event), pushes only
 * their changes, and reports the bytes the warehouse processed for it.
 */
@QuarkusTest
@WithTestResource(
        value = BigQueryFakeResource.class,
        initArgs = @ResourceArg(name = BigQueryFakeResource.SEED, value = "demo"))
class BigQueryTargetedSyncTest {
    static final String SYNC = "bq_targeted_outbox";
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    TargetedRuns runs;

    @Inject
    TargetedSyncConfig config;

    final InMemoryWebhookInbox inbox = new InMemoryWebhookInbox();
    final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    int events;

    long event(String learnerId) {
        events++;
        return inbox.add(
                new InboundEvent(
                        "generic:file",
                        Optional.empty(),
                        "bq-" + events,
                        InboundEvent.Kind.CHANGED,
                        "learner",
                        Optional.empty(),
                        Map.of("external_id", learnerId),
                        Optional.of("streak"),
                        Optional.of("whatever"),
                        clock.instant().plusMillis(events),
                        "{}"),
                clock.instant());
    }

    static long queryJobs(BigQueryFakeServer fake) {
        return fake.requests("jobs.insert").stream()
                .filter(r -> r.json().at("/configuration/query/query").isTextual())
                .count();
    }

    /**
     * Events of source {@code generic:file} concern every sync to a file destination; other test classes sharing this
     * application leave theirs behind, so those are paused for the test (paused syncs are never targeted).
     */
    static List<String> pauseOtherSyncs() {
        List<String> paused = new ArrayList<>();
        for (String key : given().header("Authorization", ADMIN)
                .get("/api/v1/syncs?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.findAll { !it.definition.paused }.key", String.class)) {
            if (!key.equals(SYNC)) {
                given().header("Authorization", ADMIN)
                        .post("/api/v1/syncs/" + key + "/pause")
                        .then()
                        .statusCode(200);
                paused.add(key);
            }
        }
        return paused;
    }

    @Test
    void oneMicroBatchIsOneLookupAndOneEvaluationAndReportsItsBytes() throws Exception {
        List<String> paused = pauseOtherSyncs();
        try {
            microBatch();
        } finally {
            for (String key : paused) {
                given().header("Authorization", ADMIN).post("/api/v1/syncs/" + key + "/resume");
            }
        }
    }

    void microBatch() throws Exception {
        SyncApiTest.post("/api/v1/segments", """
                        {"key": "bq_targeted_premium", "name": "Premium learners",
                         "rule": {"attribute": "plan", "op": "eq", "value": "premium"}}""").then().statusCode(201);
        SyncApiTest.post("/api/v1/syncs", """
                        {"key": "%s", "segment": "bq_targeted_premium", "destination": "outbox",
                         "identity": {"attribute": "learner_id", "field": "external_id"},
                         "mapping": [{"source": "streak_days", "target": "streak"}],
                         "mode": "mirror"}""".formatted(SYNC)).then().statusCode(201);
        JsonPath full = SyncApiTest.awaitRun(SyncApiTest.startRun(SYNC, "{}"));
        assertThat(full.getLong("counts.entered")).as(full.prettify()).isEqualTo(3);

        BigQueryFakeServer fake = BigQueryFakeResource.server();
        fake.execute("UPDATE learning.learner_status SET streak_days = streak_days + 100"
                + " WHERE learner_id IN ('L0001', 'L0004', 'L0005')");
        long first = event("L0001");
        long second = event("L0005");
        long stranger = event("L9999");
        fake.clearRequests();

        TargetedSyncProcessor.BatchReport report = new TargetedSyncProcessor(inbox, runs, config, clock).processDue();

        assertThat(report.claimed()).isEqualTo(3);
        assertThat(report.processed()).isEqualTo(3);
        assertThat(report.runs())
                .as("one run for the sync, for all its learners")
                .hasSize(1);
        JsonPath run = given().header("Authorization", ADMIN)
                .get("/api/v1/runs/" + report.runs().get(0))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(run.getString("trigger")).isEqualTo("webhook");
        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("succeeded");
        assertThat(run.getLong("counts.changed"))
                .as("L0004 changed too, but no event names it")
                .isEqualTo(2);
        assertThat(run.getLong("counts.confirmed")).isEqualTo(2);
        assertThat(run.getList("events.ids", Long.class)).containsExactlyInAnyOrder(first, second);
        assertThat(inbox.get(stranger).outcome).isEqualTo("no learner");

        // the lookup and the evaluation each read the learners table once for the three events
        long learnerReads = fake.requests("jobs.insert").stream()
                .map(r -> r.json().at("/configuration/query/query").asText())
                .filter(q -> q.contains("learner_status") && !q.startsWith("MERGE"))
                .count();
        assertThat(learnerReads).as("lookup + evaluation, not one per event").isEqualTo(2);
        assertThat(report.bytesProcessed())
                .as("BigQuery's bytes for the micro-batch")
                .isPositive();
        assertThat(report.bytesBilled()).isPositive();

        // the next scheduled run still finds L0004, which the targeted run did not touch
        JsonPath next = SyncApiTest.awaitRun(SyncApiTest.startRun(SYNC, "{}"));
        assertThat(next.getLong("counts.changed")).as(next.prettify()).isEqualTo(1);
    }
}
