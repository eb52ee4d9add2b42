package dev.masync.segment;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken input, thrown at every endpoint that takes a definition: always a 4xx problem with a stable
 * code, never a 500, and nothing stored.
 */
@QuarkusTest
class BadInputCorpusTest {
    static final String ADMIN = "Bearer test-admin-key";

    static List<String> rules() {
        List<String> r = new ArrayList<>(List.of(
                "\"all\"",
                "[]",
                "1",
                "null",
                "{}",
                "{\"all\": \"x\"}",
                "{\"all\": [1]}",
                "{\"all\": [null]}",
                "{\"all\": [], \"any\": []}",
                "{\"all\": [], \"extra\": 1}",
                "{\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"x\", \"foo\": 1}",
                "{\"attribute\": \"plan; DROP TABLE learner_status; --\", \"op\": \"eq\", \"value\": \"x\"}",
                "{\"attribute\": \"pl\\\"an\", \"op\": \"eq\", \"value\": \"x\"}",
                "{\"attribute\": \"pl`an\", \"op\": \"eq\", \"value\": \"x\"}",
                "{\"attribute\": \"プラン\", \"op\": \"eq\", \"value\": \"x\"}",
                "{\"attribute\": \"plan\", \"op\": \"eq); DROP TABLE x; --\", \"value\": \"x\"}",
                "{\"attribute\": \"plan\", \"op\": \"eq\"}",
                "{\"attribute\": \"plan\", \"op\": \"in\", \"values\": []}",
                "{\"attribute\": \"plan\", \"op\": \"in\", \"values\": \"free\"}",
                "{\"attribute\": \"watch_minutes_7d\", \"op\": \"gt\", \"value\": \"lots\"}",
                "{\"attribute\": \"watch_minutes_7d\", \"op\": \"gt\", \"value\": 1e400}",
                "{\"attribute\": \"quiz_accuracy_28d\", \"op\": \"between\", \"from\": -1e400, \"to\": 1e400}",
                "{\"event\": \"lecture_views\", \"within_last\": \"P7D\", \"aggregate\": {\"fn\": \"count\"},"
                        + " \"op\": \"gte\", \"value\": 1e400}",
                "{\"attribute\": \"exam_date\", \"op\": \"within_next\", \"duration\": \"P999999999Y\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"before\", \"value\": \"+999999999-12-31\"}",
                "{\"attribute\": \"watch_minutes_7d\", \"op\": \"starts_with\", \"value\": \"1\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"after\", \"value\": \"2026-13-45\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"within_next\", \"duration\": \"P7X\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"within_next\", \"duration\": \"7 days\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"within_next\", \"duration\": \"-P7D\"}",
                "{\"attribute\": \"email_opt_in\", \"op\": \"eq\", \"value\": true}",
                "{\"event\": \"lecture_views_x\", \"within_last\": \"P7D\", \"aggregate\": {\"fn\": \"count\"},"
                        + " \"op\": \"gte\", \"value\": 1}",
                "{\"event\": \"lecture_views\", \"within_last\": \"P7D\", \"aggregate\": {\"fn\": \"median\"},"
                        + " \"op\": \"gte\", \"value\": 1}",
                "{\"event\": \"lecture_views\", \"within_last\": \"P7D\", \"aggregate\": {\"fn\": \"sum\","
                        + " \"attribute\": \"subject\"}, \"op\": \"gte\", \"value\": 1}",
                "{\"event\": \"lecture_views\", \"where\": {\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"hs1\"},"
                        + " \"within_last\": \"P7D\", \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": 1}",
                "{\"segment\": \"does_not_exist\"}",
                "{\"segment\": \"x'; DROP TABLE segments; --\"}",
                "{\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\":"
                        + " {\"not\": {\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"free\"}}}}}}}}}}}}"));
        r.add("{\"not\": ".repeat(1000) + "{\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"free\"}"
                + "}".repeat(1000));
        StringBuilder many = new StringBuilder("{\"any\": [");
        for (int i = 0; i < 201; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("{\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"v")
                    .append(i)
                    .append("\"}");
        }
        r.add(many.append("]}").toString());
        return r;
    }

    static List<String> bodies() {
        List<String> b = new ArrayList<>(List.of(
                "",
                "{",
                "nul",
                "[]",
                "\"segment\"",
                "123",
                "{\"key\": }",
                "{\"key\": 1, \"name\": [], \"rule\": {}}",
                "{\"key\": \"k\", \"name\": \"n\", \"rule\": {\"all\": []}, \"unknown\": true}",
                "{\"key\": \"sëgment\", \"name\": \"n\", \"rule\": {\"all\": []}}",
                "{\"key\": \"" + "k".repeat(300) + "\", \"name\": \"n\", \"rule\": {\"all\": []}}",
                "{\"key\": \"ok_key\", \"name\": \"" + "n".repeat(500) + "\", \"rule\": {\"all\": []}}",
                "{\"key\": \"ok_key\", \"name\": \"\\u0000\", \"rule\": {\"attribute\": \"plan\", \"op\": \"eq\","
                        + " \"value\": 1}}"));
        for (String rule : rules()) {
            b.add("{\"key\": \"corpus_case\", \"name\": \"Corpus\", \"rule\": " + rule + "}");
        }
        return b;
    }

    static int segmentCount() {
        return given().header("Authorization", ADMIN)
                .get("/api/v1/segments?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .path("items.size()");
    }

    static void assertProblem(Response r, String what) {
        assertThat(r.statusCode()).as(what + " → " + r.asString()).isBetween(400, 499);
        assertThat(r.contentType()).as(what).startsWith("application/problem+json");
        assertThat((String) r.path("code")).as(what).isNotBlank();
    }

    @Test
    void createRefusesEveryBadBodyAndStoresNothing() {
        int before = segmentCount();
        for (String body : bodies()) {
            Response r = given().header("Authorization", ADMIN)
                    .contentType("application/json")
                    .body(body)
                    .post("/api/v1/segments");
            assertProblem(r, abbreviate(body));
        }
        assertThat(segmentCount()).isEqualTo(before);
    }

    @Test
    void previewRefusesEveryBadRule() {
        for (String rule : rules()) {
            Response r = given().header("Authorization", ADMIN)
                    .contentType("application/json")
                    .body("{\"rule\": " + rule + "}")
                    .post("/api/v1/segments/preview");
            assertProblem(r, abbreviate(rule));
        }
    }

    @Test
    void hostileValuesAreJustValues() {
        for (String value :
                List.of("x' OR '1'='1", "\\\"; DROP TABLE learner_status; --", "\\u0000", "🎓", "%_%", "\\\\")) {
            given().header("Authorization", ADMIN)
                    .contentType("application/json")
                    .body("{\"rule\": {\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"" + value + "\"}}")
                    .post("/api/v1/segments/preview")
                    .then()
                    .statusCode(200)
                    .body("count", org.hamcrest.Matchers.equalTo(0));
        }
    }

    @Test
    void hugeBodiesAreRefusedBeforeParsing() {
        String huge = "{\"key\": \"big\", \"name\": \"" + "x".repeat(10 * 1024 * 1024) + "\", \"rule\": {}}";
        Response r = given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(huge)
                .post("/api/v1/segments");
        assertProblem(r, "10 MB body");
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void cyclesThroughUpdatesAreRefused() {
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"key\": \"cycle_a\", \"name\": \"A\", \"rule\": {\"attribute\": \"plan\", \"op\": \"eq\","
                        + " \"value\": \"free\"}}")
                .post("/api/v1/segments")
                .then()
                .statusCode(201);
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"key\": \"cycle_b\", \"name\": \"B\", \"rule\": {\"segment\": \"cycle_a\"}}")
                .post("/api/v1/segments")
                .then()
                .statusCode(201);
        Response r = given().header("Authorization", ADMIN)
                .header("If-Match", "1")
                .contentType("application/json")
                .body("{\"name\": \"A\", \"rule\": {\"segment\": \"cycle_b\"}}")
                .put("/api/v1/segments/cycle_a");
        assertProblem(r, "cycle");
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/cycle_a")
                .then()
                .body("version", org.hamcrest.Matchers.equalTo(1));
    }

    static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
