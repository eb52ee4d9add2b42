package dev.masync.segment;

import dev.masync.testing.DuckDbFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits of evaluating segments on request, through REST: times outside the supported range (400), degenerate
 * rules (422 with a pointer), and a preview time limit (here 1 ns, injected by configuration) that turns every
 * evaluation into a clean 422 {@code preview_timeout} instead of a hang.
 */
@QuarkusTest
@TestProfile(SegmentLimitsTest.Profile.class)
class SegmentLimitsTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final Path FILE = Path.of("target/test-data/segment-limits/learners.duckdb");
    static final String RULE = "{\"event\": \"lecture_views\", \"within_last\": \"P28D\","
            + " \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": 3}";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            DuckDbFiles.create(
                    FILE,
                    "CREATE TABLE learners AS SELECT 'L' || i AS learner_id,"
                            + " CASE WHEN i % 3 = 0 THEN 'hs3' ELSE 'hs1' END AS grade FROM range(20000) t(i)",
                    "CREATE TABLE lecture_views AS SELECT 'L' || (i % 20000) AS learner_id,"
                            + " TIMESTAMP '2026-11-01 00:00:00' - INTERVAL (i % 60) DAY AS viewed_at,"
                            + " 'math' AS subject FROM range(400000) t(i)");
            return Map.of(
                    "masync.demo.enabled", "false",
                    "masync.warehouse.duckdb.path", "./" + FILE,
                    "masync.warehouse.learners-table", "learners",
                    "masync.warehouse.event-tables", "lecture_views",
                    "masync.segments.preview-timeout", "PT0.000000001S");
        }
    }

    static Response post(String path, String body) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(body)
                .when()
                .post(path);
    }

    static Response get(String path) {
        return given().header("Authorization", ADMIN).when().get(path);
    }

    static void saved(String key) {
        Response r = post("/api/v1/segments", "{\"key\": \"" + key + "\", \"name\": \"n\", \"rule\": " + RULE + "}");
        assertThat(r.statusCode()).as(r.asString()).isIn(201, 409);
    }

    @Test
    void instantsOutsideTheSupportedRangeAre400WithTheRangeOnEveryEndpoint() {
        saved("limits_in_range");
        for (String asOf : List.of(
                "+1000000000-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z",
                "1899-12-31T23:59:59Z",
                "-000001-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z")) {
            List<Response> responses = List.of(
                    post("/api/v1/segments/preview", "{\"rule\": " + RULE + ", \"asOf\": \"" + asOf + "\"}"),
                    post(
                            "/api/v1/segments/limits_in_range/preview-change",
                            "{\"rule\": " + RULE + ", \"asOf\": \"" + asOf + "\"}"),
                    given().header("Authorization", ADMIN)
                            .queryParam("asOf", asOf)
                            .get("/api/v1/segments/limits_in_range/members"),
                    given().header("Authorization", ADMIN)
                            .queryParam("asOf", asOf)
                            .get("/api/v1/segments/limits_in_range/explain/L1"));
            for (Response r : responses) {
                assertThat(r.statusCode()).as(asOf + ": " + r.asString()).isEqualTo(400);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.jsonPath().getString("code")).isEqualTo("validation_failed");
                assertThat(r.jsonPath().getString("errors[0].pointer")).isEqualTo("/asOf");
                assertThat(r.jsonPath().getString("errors[0].message"))
                        .contains("1900-01-01")
                        .contains("9999-12-31");
            }
        }
        Response malformed = post("/api/v1/segments/preview", "{\"rule\": " + RULE + ", \"asOf\": \"yesterday\"}");
        assertThat(malformed.statusCode()).isEqualTo(400);
    }

    @Test
    void degenerateRulesAndDatesInRulesAre422WithPointers() {
        Map<String, String> cases = Map.of(
                "{\"all\": []}",
                "/rule/all",
                "{\"any\": [{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"hs3\"}, {\"all\": []}]}",
                "/rule/any/1/all",
                "{\"not\": {}}",
                "/rule/not",
                "{\"event\": \"lecture_views\", \"between\": {\"from\": \"0999-01-01\", \"to\": \"2026-01-01\"},"
                        + " \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": 1}",
                "/rule/between/from");
        cases.forEach((rule, pointer) -> {
            for (Response r : List.of(
                    post("/api/v1/segments/preview", "{\"rule\": " + rule + "}"),
                    post("/api/v1/segments", "{\"key\": \"degenerate\", \"name\": \"n\", \"rule\": " + rule + "}"))) {
                assertThat(r.statusCode()).as(rule + ": " + r.asString()).isEqualTo(422);
                assertThat(r.jsonPath().getList("errors.pointer", String.class))
                        .as(rule)
                        .contains(pointer);
            }
        });
        assertThat(get("/api/v1/segments/degenerate").statusCode()).isEqualTo(404);
    }

    @Test
    void everyEvaluationPastThePreviewTimeoutIsACleanProblem() {
        saved("limits_slow");
        List<Response> responses = List.of(
                post("/api/v1/segments/preview", "{\"rule\": " + RULE + "}"),
                post(
                        "/api/v1/segments/limits_slow/preview-change",
                        "{\"rule\": {\"attribute\": \"grade\", \"op\":" + " \"eq\", \"value\": \"hs3\"}}"),
                get("/api/v1/segments/limits_slow/members"),
                get("/api/v1/segments/limits_slow/explain/L1"));
        for (Response r : responses) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("code")).isEqualTo("preview_timeout");
            assertThat(r.jsonPath().getString("detail")).contains("masync.segments.preview-timeout");
        }
    }
}
