package dev.masync.sync;

import dev.masync.testing.receiver.PacedReceiver;
import dev.masync.testing.receiver.ReceiverConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.masync.sync.SyncApiTest.ADMIN;
import static dev.masync.sync.SyncApiTest.awaitRun;
import static dev.masync.sync.SyncApiTest.post;
import static dev.masync.sync.SyncApiTest.startRun;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A sync to a signed webhook receiver that refuses some records: rejections are recorded per run and per record,
 * retried by later runs, quarantined after repeated failures, and released by retry or set aside by skip.
 */
@QuarkusTest
class WebhookSyncTest {
    static PacedReceiver receiver;
    static PacedReceiver flaky;
    static Path secretFile;

    @BeforeAll
    static void startReceiver() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        secretFile = Files.createTempFile("masync-webhook", ".secret");
        Files.writeString(secretFile, secret + "\n");
        // learner keys ending in 7 are refused, like malformed e-mail addresses at a CRM
        receiver = PacedReceiver.start(ReceiverConfig.builder()
                .unlimited()
                .signingSecret(secret)
                .rejectKeys(Pattern.compile(".*7"), "invalid_email")
                .build());
        flaky = PacedReceiver.start(ReceiverConfig.builder()
                .unlimited()
                .signingSecret(secret)
                .fault5xx(0.25)
                .faultDrop(0.05)
                .faultDropAfterApply(0.05)
                .seed(7)
                .build());
    }

    @AfterAll
    static void stopReceiver() throws Exception {
        receiver.close();
        flaky.close();
        Files.deleteIfExists(secretFile);
    }

    @Test
    void rejectedRecordsAreRetriedThenQuarantinedThenRetriedOrSkippedByAnOperator() throws Exception {
        new SyncApiTest().segment();
        post("/api/v1/destinations", """
                {"key": "crm_hook", "name": "CRM hook", "type": "webhook", "batchSize": 100,
                 "settings": {"url": "%s", "secret": "file:%s"}}""".formatted(receiver.url("/hook"), secretFile))
                .then()
                .statusCode(201);
        post("/api/v1/syncs", """
                {"key": "paid_hook", "segment": "sync_test_paid", "destination": "crm_hook",
                 "identity": {"attribute": "learner_id", "field": "external_id"},
                 "mapping": [{"source": "plan", "target": "plan"}], "mode": "mirror"}""").then().statusCode(201);

        JsonPath first = awaitRun(startRun("paid_hook", "{}"));
        long rejected = first.getLong("counts.rejected");
        assertThat(first.getString("status")).isEqualTo("partially_failed");
        assertThat(rejected).isPositive();
        assertThat(first.getLong("counts.confirmed") + rejected).isEqualTo(first.getLong("counts.entered"));
        assertThat(first.getLong("counts.requests")).isEqualTo((first.getLong("counts.entered") + 99) / 100);
        assertThat(first.getString("reason")).contains("rejected");
        assertThat(receiver.stats().unauthorized()).isZero();

        List<Map<String, Object>> runRejections = given().header("Authorization", ADMIN)
                .get("/api/v1/runs/" + first.getLong("id") + "/rejections?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(runRejections)
                .hasSize((int) rejected)
                .allSatisfy(r -> assertThat(r).containsEntry("code", "invalid_email"));

        // every later run retries exactly the rejected records, until they are quarantined (5 attempts)
        for (int attempt = 2; attempt <= 5; attempt++) {
            JsonPath again = awaitRun(startRun("paid_hook", "{}"));
            assertThat(again.getLong("counts.sent")).isEqualTo(rejected);
            assertThat(again.getLong("counts.rejected")).isEqualTo(rejected);
        }
        List<Map<String, Object>> errors = given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/paid_hook/record-errors")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(errors).hasSize((int) rejected).allSatisfy(e -> {
            assertThat(e).containsEntry("status", "quarantined").containsEntry("attempts", 5);
            assertThat(e).containsEntry("code", "invalid_email");
        });

        JsonPath quiet = awaitRun(startRun("paid_hook", "{}"));
        assertThat(quiet.getString("status")).isEqualTo("succeeded");
        assertThat(quiet.getLong("counts.sent")).isZero();
        assertThat(quiet.getLong("counts.skipped")).isEqualTo(rejected);

        String one = (String) errors.get(0).get("learnerKey");
        String two = (String) errors.get(1).get("learnerKey");
        post("/api/v1/syncs/paid_hook/record-errors/" + one + "/retry", "")
                .then()
                .statusCode(200)
                .body("status", equalTo("retrying"))
                .body("attempts", equalTo(0));
        post("/api/v1/syncs/paid_hook/record-errors/" + two + "/skip", "")
                .then()
                .statusCode(200)
                .body("status", equalTo("skipped"));
        post("/api/v1/syncs/paid_hook/record-errors/nobody/skip", "")
                .then()
                .statusCode(404)
                .body("code", equalTo("record_error_not_found"));

        // the receiver now accepts everyone: the retried record goes through, the skipped one stays aside
        receiver.reconfigure(c -> c.toBuilder().acceptAll().build());
        JsonPath released = awaitRun(startRun("paid_hook", "{}"));
        assertThat(released.getLong("counts.confirmed")).isEqualTo(1);
        assertThat(receiver.state()).containsKey(one).doesNotContainKey(two);
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/paid_hook/record-errors?status=skipped")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].learnerKey", equalTo(two));
    }

    @Test
    void destinationFaultsAreRetriedAnOutageFailsTheRunAndTheNextRunConverges() throws Exception {
        new SyncApiTest().segment();
        post("/api/v1/destinations", """
                {"key": "flaky_hook", "name": "Flaky hook", "type": "webhook", "batchSize": 50,
                 "settings": {"url": "%s", "secret": "file:%s"}}""".formatted(flaky.url("/hook"), secretFile))
                .then()
                .statusCode(201);
        post("/api/v1/syncs", """
                {"key": "paid_flaky", "segment": "sync_test_paid", "destination": "flaky_hook",
                 "mapping": [{"source": "plan", "target": "plan"}], "mode": "mirror",
                 "membership": {"style": "boolean", "field": "paid"}}""").then().statusCode(201);

        // 5xx, dropped connections and lost acknowledgements: retried with the same batch id until confirmed
        JsonPath first = awaitRun(startRun("paid_flaky", "{}"));
        long members = first.getLong("counts.entered");
        assertThat(first.getLong("counts.retried")).isPositive();
        assertThat(first.getLong("counts.requests")).isGreaterThan((members + 49) / 50);
        for (int i = 0; i < 3 && !"succeeded".equals(first.getString("status")); i++) {
            first = awaitRun(startRun("paid_flaky", "{}"));
        }
        assertThat(first.getString("status")).isEqualTo("succeeded");
        assertThat(flaky.state())
                .hasSize((int) members)
                .allSatisfy((key, fields) -> assertThat(fields).containsEntry("paid", true));

        // an outage: every batch fails after its retries, the run stops with the reason, nothing is remembered
        flaky.reconfigure(c ->
                c.toBuilder().fault5xx(1.0).faultDrop(0).faultDropAfterApply(0).build());
        JsonPath full = awaitRun(startRun("paid_flaky", "{\"fullResync\": true}"));
        assertThat(full.getString("status")).isEqualTo("failed");
        assertThat(full.getString("reason")).containsAnyOf("in a row", "circuit open");
        assertThat(full.getLong("counts.confirmed")).isZero();

        // back up: the next run converges. The batches that failed with a 5xx after all attempts may have been
        // applied, so they are uncertain and sent again in full; nothing else is (no full resync needed)
        flaky.reconfigure(c -> c.toBuilder().fault5xx(0).build());
        JsonPath after = awaitRun(startRun("paid_flaky", "{}"));
        assertThat(after.getString("status")).isEqualTo("succeeded");
        assertThat(after.getLong("counts.sent")).isLessThanOrEqualTo(full.getLong("counts.failed"));
        assertThat(after.getLong("counts.entered")).isZero();
        assertThat(awaitRun(startRun("paid_flaky", "{}")).getLong("counts.sent"))
                .isZero();
    }
}
