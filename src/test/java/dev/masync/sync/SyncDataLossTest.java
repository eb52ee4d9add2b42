package dev.masync.sync;

import dev.masync.testing.receiver.PacedReceiver;
import dev.masync.testing.receiver.ReceiverConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

/**
 * Syncs that cannot silently lose data: a definition with nothing to send is refused (REST and files), members
 * whose identity is empty or shared are reported as record errors and never sent, a missing secret fails the run
 * before anything is sent, and rejected records are told apart from quarantined ones.
 */
@QuarkusTest
class SyncDataLossTest {
    static PacedReceiver receiver;
    static Path secretFile;

    @Inject
    SyncFiles syncFiles;

    @TempDir
    Path dir;

    @BeforeAll
    static void startReceiver() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        secretFile = Files.createTempFile("masync-dataloss", ".secret");
        Files.writeString(secretFile, secret + "\n");
        receiver = PacedReceiver.start(ReceiverConfig.builder()
                .unlimited()
                .signingSecret(secret)
                .rejectKeys(Pattern.compile(".*"), "invalid_email")
                .build());
    }

    @AfterAll
    static void stopReceiver() throws Exception {
        receiver.close();
        Files.deleteIfExists(secretFile);
    }

    static String syncBody(String key, String rest) {
        return "{\"key\": \"" + key + "\", \"segment\": \"sync_test_paid\", \"destination\": \"outbox\"" + rest + "}";
    }

    @Test
    void aSyncWithNothingToSendIsRefusedThroughTheApiWithAHint() {
        new SyncApiTest().segment();
        for (String rest : List.of(
                "",
                ", \"mapping\": []",
                ", \"mapping\": null, \"membership\": null",
                ", \"identity\": {\"attribute\": \"email\", \"field\": \"email\"}",
                ", \"membership\": {\"style\": \"list\", \"field\": \"paid_list\"}",
                ", \"mode\": \"mirror\", \"schedule\": {\"every\": \"PT1H\"}")) {
            Response r = post("/api/v1/syncs", syncBody("nothing_to_send", rest));
            assertThat(r.statusCode()).as(rest + ": " + r.asString()).isEqualTo(422);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getList("errors.message", String.class))
                    .as(rest)
                    .anySatisfy(m -> assertThat(m).contains("add a mapping", "or a membership"));
            given().header("Authorization", ADMIN)
                    .get("/api/v1/syncs/nothing_to_send")
                    .then()
                    .statusCode(404);
        }
        // a membership alone or a mapping alone is enough
        post(
                        "/api/v1/syncs",
                        syncBody("membership_only", ", \"membership\": {\"style\": \"boolean\", \"field\": \"p\"}"))
                .then()
                .statusCode(201);
        post("/api/v1/syncs", syncBody("mapping_only", ", \"mapping\": [{\"source\": \"plan\"}]"))
                .then()
                .statusCode(201);
        // and an update cannot take both away
        Response current = given().header("Authorization", ADMIN).get("/api/v1/syncs/mapping_only");
        Response put = given().header("Authorization", ADMIN)
                .header("If-Match", current.header("ETag"))
                .contentType("application/json")
                .body(syncBody("mapping_only", ", \"mapping\": []"))
                .put("/api/v1/syncs/mapping_only");
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(422);
        assertThat(given().header("Authorization", ADMIN)
                        .get("/api/v1/syncs/mapping_only")
                        .jsonPath()
                        .getList("definition.mapping"))
                .hasSize(1);
    }

    @Test
    void aSyncFileWithNothingToSendIsNotLoaded() throws Exception {
        new SyncApiTest().segment();
        syncFiles.load(dir); // the empty folder first: removes file syncs an earlier test of this app left, so the
        // count below is this test's alone
        Files.writeString(dir.resolve("bare.yaml"), """
                key: file_bare
                segment: sync_test_paid
                destination: outbox
                """);
        Files.writeString(dir.resolve("list_only.yaml"), """
                key: file_list_only
                segment: sync_test_paid
                destination: outbox
                membership: {style: list, field: paid}
                mapping: []
                """);
        Files.writeString(dir.resolve("good.yaml"), """
                key: file_good
                segment: sync_test_paid
                destination: outbox
                mapping: [{source: plan, target: plan}]
                """);
        assertThat(syncFiles.load(dir)).isEqualTo(1);
        for (String key : List.of("file_bare", "file_list_only")) {
            given().header("Authorization", ADMIN)
                    .get("/api/v1/syncs/" + key)
                    .then()
                    .statusCode(404);
        }
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/file_good")
                .then()
                .statusCode(200);
        Files.delete(dir.resolve("good.yaml"));
        syncFiles.load(dir);
    }

    @Test
    void aSyncKeyedOnASharedAttributeSendsNothingAndReportsEveryMember() throws Exception {
        new SyncApiTest().segment();
        // grade (a string) and streak_days (an integer): thousands of learners, a handful of values
        for (String attribute : List.of("grade", "streak_days")) {
            String key = "keyed_on_" + attribute;
            post(
                            "/api/v1/syncs",
                            syncBody(
                                    key,
                                    ", \"identity\": {\"attribute\": \"" + attribute + "\", \"field\": \"id\"},"
                                            + " \"mapping\": [{\"source\": \"plan\", \"target\": \"plan\"}]"))
                    .then()
                    .statusCode(201);
            JsonPath run = awaitRun(startRun(key, "{}"));
            long members = run.getLong("counts.evaluated");
            long invalid = run.getLong("counts.identityDuplicate") + run.getLong("counts.identityNull");
            long unique = run.getLong("counts.entered");
            assertThat(members).isGreaterThan(100);
            assertThat(run.getLong("counts.identityDuplicate")).isPositive();
            assertThat(invalid + unique).as(run.prettify()).isEqualTo(members);
            assertThat(run.getLong("counts.sent")).isEqualTo(unique);
            assertThat(run.getLong("counts.confirmed")).isEqualTo(unique);
            assertThat(run.getLong("counts.rejected")).isZero();
            assertThat(run.getString("status")).isEqualTo(unique == 0 ? "failed" : "partially_failed");
            assertThat(run.getString("reason")).contains(invalid + " members not sent", "'" + attribute + "'");
            if (attribute.equals("grade")) {
                assertThat(unique)
                        .as("a handful of grades for every paid learner")
                        .isZero();
            }

            List<Map<String, Object>> errors = given().header("Authorization", ADMIN)
                    .get("/api/v1/syncs/" + key + "/record-errors")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items");
            assertThat(errors)
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo((int) members)
                    .allSatisfy(e -> {
                        assertThat(e.get("code")).isIn("identity_duplicate", "identity_null");
                        assertThat(e).containsEntry("status", "retrying").containsEntry("errorClass", "identity");
                        assertThat((String) e.get("message")).contains(attribute);
                    });
            assertThat(given().header("Authorization", ADMIN)
                            .get("/api/v1/runs/" + run.getLong("id") + "/rejections?limit=5")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("items.code", String.class))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c).startsWith("identity_"));

            // an identity error no run reports any more (its learner left, or its partner did) is closed by the next
            // run that walks its whole diff
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                RecordErrorEntity ghost = new RecordErrorEntity();
                ghost.syncKey = key;
                ghost.learnerKey = "L_gone";
                ghost.destinationKey = "x";
                ghost.errorClass = "identity";
                ghost.code = "identity_duplicate";
                ghost.message = "shared";
                ghost.attempts = 1;
                ghost.status = RecordErrorEntity.RETRYING;
                ghost.firstSeen = java.time.Instant.now().minusSeconds(3600);
                ghost.lastSeen = ghost.firstSeen;
                ghost.persist();
            });
            // nothing was remembered as held, and the errors are never quarantined: every run reports them
            for (int i = 0; i < 6; i++) {
                run = awaitRun(startRun(key, "{}"));
            }
            assertThat(run.getLong("counts.identityDuplicate") + run.getLong("counts.identityNull"))
                    .isEqualTo(invalid);
            assertThat(run.getLong("counts.entered")).isZero();
            assertThat(run.getLong("counts.sent")).isZero();
            assertThat(run.getLong("counts.skipped")).isZero();
            assertThat(given().header("Authorization", ADMIN)
                            .get("/api/v1/syncs/" + key + "/record-errors")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("items.learnerKey", String.class))
                    .hasSize(errors.size())
                    .doesNotContain("L_gone");
        }
    }

    @Test
    void aRunWhoseSecretIsMissingSendsNothingAndSaysSo() throws Exception {
        new SyncApiTest().segment();
        for (String ref :
                List.of("env:MASYNC_TEST_DATALOSS_NOT_SET", "file:" + dir.resolve("no-such.secret"), "file:" + dir)) {
            String dest = "nosecret_" + Math.abs(ref.hashCode());
            post("/api/v1/destinations", """
                    {"key": "%s", "name": "No secret", "type": "webhook",
                     "settings": {"url": "%s", "secret": "%s"}}""".formatted(dest, receiver.url("/hook"), ref))
                    .then()
                    .statusCode(201);
            String key = "sync_" + dest;
            post("/api/v1/syncs", """
                    {"key": "%s", "segment": "sync_test_paid", "destination": "%s",
                     "mapping": [{"source": "plan", "target": "plan"}]}""".formatted(key, dest)).then().statusCode(201);
            long requestsBefore = receiver.stats().requests();
            JsonPath run = awaitRun(startRun(key, "{}"));
            assertThat(run.getString("status")).as(ref).isEqualTo("failed");
            assertThat(run.getString("reason")).startsWith("nothing was sent").contains("secret", dest);
            assertThat(run.getLong("counts.sent")).isZero();
            assertThat(run.getLong("counts.confirmed")).isZero();
            assertThat(receiver.stats().requests()).isEqualTo(requestsBefore);
            // nothing was remembered: once the secret is there, everyone is sent
            Response d = given().header("Authorization", ADMIN).get("/api/v1/destinations/" + dest);
            given().header("Authorization", ADMIN)
                    .header("If-Match", d.header("ETag"))
                    .contentType("application/json")
                    .body("""
                            {"key": "%s", "name": "No secret", "type": "webhook",
                             "settings": {"url": "%s", "secret": "file:%s"}}""".formatted(dest, receiver.url("/hook"), secretFile))
                    .put("/api/v1/destinations/" + dest)
                    .then()
                    .statusCode(200);
            JsonPath after = awaitRun(startRun(key, "{}"));
            assertThat(after.getLong("counts.sent"))
                    .isEqualTo(after.getLong("counts.entered"))
                    .isPositive();
        }
    }

    @Test
    void aRunWhoseRecordsAreAllRejectedSaysWhatHappensToThem() throws Exception {
        new SyncApiTest().segment();
        post("/api/v1/destinations", """
                {"key": "refuses_all", "name": "Refuses all", "type": "webhook", "batchSize": 500,
                 "settings": {"url": "%s", "secret": "file:%s"}}""".formatted(receiver.url("/hook"), secretFile))
                .then()
                .statusCode(201);
        post("/api/v1/syncs", """
                {"key": "all_rejected", "segment": "sync_test_paid", "destination": "refuses_all",
                 "mapping": [{"source": "plan", "target": "plan"}]}""").then().statusCode(201);
        JsonPath first = awaitRun(startRun("all_rejected", "{}"));
        long members = first.getLong("counts.entered");
        assertThat(first.getString("status")).isEqualTo("failed");
        assertThat(first.getLong("counts.rejected")).isEqualTo(members);
        assertThat(first.getLong("counts.quarantined")).isZero();
        assertThat(first.getString("reason"))
                .contains(members + " of " + members + " records sent were rejected", "sent again by the next run")
                .doesNotContain("quarantined");
        JsonPath run = first;
        for (int attempt = 2; attempt <= 5; attempt++) {
            run = awaitRun(startRun("all_rejected", "{}"));
        }
        // the fifth rejection quarantines them: the reason no longer promises a retry
        assertThat(run.getLong("counts.quarantined")).isEqualTo(members);
        assertThat(run.getString("reason"))
                .contains("quarantined", "record-errors/{learnerKey}/retry")
                .doesNotContain("sent again by the next run");
        JsonPath quiet = awaitRun(startRun("all_rejected", "{}"));
        assertThat(quiet.getLong("counts.sent")).isZero();
        assertThat(quiet.getLong("counts.skipped")).isEqualTo(members);
        assertThat(quiet.getString("reason")).contains(members + " records not sent", "quarantined");
    }
}
