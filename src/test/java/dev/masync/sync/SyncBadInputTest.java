package dev.masync.sync;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static dev.masync.sync.SyncApiTest.ADMIN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Broken and hostile sync definitions and run requests: always a 4xx problem with a code, never a 500, nothing stored. */
@QuarkusTest
class SyncBadInputTest {
    static final String OK_MAPPING = "[{\"source\": \"plan\", \"target\": \"plan\"}]";

    static String sync(String override) {
        return "{\"key\": \"corpus_sync\", \"segment\": \"sync_test_paid\", \"destination\": \"outbox\", " + override
                + "}";
    }

    static List<String> bodies() {
        List<String> b = new ArrayList<>(List.of(
                "",
                "{",
                "nul",
                "[]",
                "\"sync\"",
                "123",
                "{\"key\": }",
                "{\"key\": 1}",
                "{\"key\": \"corpus_sync\"}",
                "{\"key\": \"Corpus Sync\", \"segment\": \"x\"}",
                "{\"key\": \"" + "k".repeat(300)
                        + "\", \"segment\": \"sync_test_paid\", \"destination\": \"outbox\"}"));
        for (String o : List.of(
                "\"mapping\": \"plan\"",
                "\"mapping\": [1]",
                "\"mapping\": [{\"source\": 1}]",
                "\"mapping\": [{\"source\": \"plan; DROP TABLE syncs; --\", \"target\": \"x\"}]",
                "\"mapping\": [{\"source\": \"plan\", \"target\": \"a b\"}]",
                "\"mapping\": [{\"source\": \"plan\", \"target\": \"x\", \"format\": \"date\"}]",
                "\"mapping\": [{\"source\": \"plan\", \"target\": \"x\", \"format\": \"yaml\"}]",
                "\"mapping\": [{\"source\": \"plan\", \"target\": \"x\"}, {\"source\": \"grade\", \"target\": \"x\"}]",
                "\"mapping\": " + OK_MAPPING + ", \"identity\": {\"attribute\": \"quiz_accuracy_28d\"}",
                "\"identity\": \"email\"",
                "\"identity\": {\"attribute\": \"email\", \"extra\": 1}",
                "\"membership\": {\"style\": \"list\", \"field\": \"l\"}",
                "\"membership\": {\"style\": \"value\", \"field\": \"f\"}",
                "\"membership\": {\"style\": \"boolean\", \"field\": \"plan\"}, \"mapping\": " + OK_MAPPING,
                "\"mode\": \"delete_everything\"",
                "\"mode\": 1",
                "\"schedule\": {\"cron\": \"* * *\"}",
                "\"schedule\": {\"cron\": \"0 0 31 2 *\"}",
                "\"schedule\": {\"every\": \"PT1S\"}",
                "\"schedule\": {\"every\": \"P1M\"}",
                "\"schedule\": {\"every\": \"PT1H\", \"cron\": \"0 * * * *\"}",
                "\"schedule\": {}",
                "\"paused\": \"no\"",
                "\"guard\": {\"maxLeavePercent\": -1}",
                "\"guard\": {\"maxChangePercent\": \"x\"}",
                "\"guard\": {\"minPreviousMembers\": 1.5}",
                "\"freshness\": {\"attribute\": \"plan\"}",
                "\"freshness\": {\"attribute\": \"updated_at\", \"maxAge\": \"yesterday\"}",
                "\"unknown\": true",
                // nothing to send besides the identity: refused rather than remembering members as held
                "\"mapping\": []",
                "\"mapping\": null, \"membership\": null",
                "\"identity\": {\"attribute\": \"email\"}",
                "\"membership\": {\"style\": \"list\", \"field\": \"paid\"}")) {
            b.add(sync(o));
        }
        b.add("{\"key\": \"corpus_sync\", \"segment\": \"does_not_exist\", \"destination\": \"outbox\"}");
        b.add("{\"key\": \"corpus_sync\", \"segment\": \"sync_test_paid\", \"destination\": \"nowhere\"}");
        return b;
    }

    @TestFactory
    List<DynamicTest> everyBrokenDefinitionIsRefusedWithAProblemAndNothingIsStored() {
        new SyncApiTest().segment();
        return bodies().stream()
                .map(body -> DynamicTest.dynamicTest(
                        body.isEmpty() ? "(empty)" : body.length() > 80 ? body.substring(0, 80) + "…" : body, () -> {
                            Response r = given().header("Authorization", ADMIN)
                                    .contentType("application/json")
                                    .body(body)
                                    .post("/api/v1/syncs");
                            assertThat(r.statusCode()).as(r.asString()).isBetween(400, 499);
                            assertThat(r.contentType()).startsWith("application/problem+json");
                            assertThat(r.jsonPath().getString("code")).isNotBlank();
                            given().header("Authorization", ADMIN)
                                    .get("/api/v1/syncs/corpus_sync")
                                    .then()
                                    .statusCode(404);
                        }))
                .toList();
    }

    @TestFactory
    List<DynamicTest> brokenRunRequestsAreRefused() {
        new SyncApiTest().segment();
        SyncApiTest.post("/api/v1/syncs", SyncApiTest.sync("corpus_runs", ""))
                .then()
                .statusCode(201);
        return List.of("{", "[]", "{\"dryRun\": \"yes\"}", "{\"force\": 1}", "{\"fullResync\": true, \"x\": 1}")
                .stream()
                .map(body -> DynamicTest.dynamicTest(body, () -> {
                    Response r = given().header("Authorization", ADMIN)
                            .contentType("application/json")
                            .body(body)
                            .post("/api/v1/syncs/corpus_runs/runs");
                    assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
                    assertThat(r.contentType()).startsWith("application/problem+json");
                    assertThat(given().header("Authorization", ADMIN)
                                    .get("/api/v1/syncs/corpus_runs/runs")
                                    .then()
                                    .extract()
                                    .jsonPath()
                                    .getList("items"))
                            .isEmpty();
                }))
                .toList();
    }
}
