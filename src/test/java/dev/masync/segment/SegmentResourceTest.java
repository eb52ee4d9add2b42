package dev.masync.segment;

import dev.masync.security.ApiKeys;
import dev.masync.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

/** The segment API as a marketer uses it, status code by status code. */
@QuarkusTest
class SegmentResourceTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final String RULE = """
            {"all": [{"attribute": "plan", "op": "in", "values": ["basic", "exam_coach"]},
                     {"event": "lecture_views", "within_last": "P28D", "aggregate": {"fn": "count"},
                      "op": "gte", "value": 1}]}""";

    @Inject
    ApiKeys keys;

    static String body(String key, String rule) {
        return "{\"key\": \"" + key + "\", \"name\": \"Test " + key + "\", \"rule\": " + rule + "}";
    }

    static Response post(String json) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json)
                .post("/api/v1/segments");
    }

    @Test
    void createReadUpdateWithVersionsAndDelete() {
        post(body("crud_test", RULE))
                .then()
                .statusCode(201)
                .header("ETag", "\"1\"")
                .header("Location", containsString("/api/v1/segments/crud_test"))
                .body("version", equalTo(1))
                .body("source", equalTo("api"));
        post(body("crud_test", RULE)).then().statusCode(409).body("code", equalTo("segment_exists"));

        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/crud_test")
                .then()
                .statusCode(200)
                .header("ETag", "\"1\"")
                .body("rule.all[0].attribute", equalTo("plan"));

        String changed = body("crud_test", "{\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"free\"}");
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(changed)
                .put("/api/v1/segments/crud_test")
                .then()
                .statusCode(428)
                .contentType("application/problem+json")
                .body("code", equalTo("if_match_required"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"7\"")
                .contentType("application/json")
                .body(changed)
                .put("/api/v1/segments/crud_test")
                .then()
                .statusCode(412)
                .body("code", equalTo("version_mismatch"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"1\"")
                .contentType("application/json")
                .body(changed)
                .put("/api/v1/segments/crud_test")
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("version", equalTo(2));
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"1\"")
                .contentType("application/json")
                .body(changed)
                .put("/api/v1/segments/crud_test")
                .then()
                .statusCode(412);

        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/crud_test/versions")
                .then()
                .statusCode(200)
                .body("items.version", hasItems(2, 1))
                .body("items[0].changedBy", equalTo("configured-admin"))
                .body("items[1].rule.all[0].attribute", equalTo("plan"));

        given().header("Authorization", ADMIN)
                .header("If-Match", "2")
                .delete("/api/v1/segments/crud_test")
                .then()
                .statusCode(204);
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/crud_test")
                .then()
                .statusCode(404)
                .body("code", equalTo("segment_not_found"));
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/crud_test/versions")
                .then()
                .statusCode(200)
                .body("items.change", hasItems("create", "update", "delete"));
        String newest = given().header("Authorization", ADMIN)
                .get("/api/v1/segments/crud_test/versions?limit=1")
                .then()
                .statusCode(200)
                .body("items.change", org.hamcrest.Matchers.contains("delete"))
                .extract()
                .path("nextCursor");
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/crud_test/versions?limit=1&cursor=" + newest)
                .then()
                .statusCode(200)
                .body("items.change", org.hamcrest.Matchers.contains("update"));
    }

    @Test
    void invalidRulesAreRefusedWithPointersAndNothingIsStored() {
        String bad = """
                {"all": [{"attribute": "plann", "op": "eq", "value": "free"},
                         {"attribute": "watch_minutes_7d", "op": "contains", "value": "x"},
                         {"attribute": "grade", "op": "in", "values": []}]}""";
        post(body("invalid_test", bad))
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.pointer", hasItems("/rule/all/0/attribute", "/rule/all/1/op", "/rule/all/2/values"))
                .body("errors.message", hasItem(containsString("'plan'")));
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/invalid_test")
                .then()
                .statusCode(404);
        post("{\"key\": \"Bad Key\", \"name\": \"\", \"rule\": " + RULE + "}")
                .then()
                .statusCode(422)
                .body("errors.pointer", hasItems("/key", "/name"));
    }

    @Test
    void aSegmentInUseCannotBeDeleted() {
        post(body("used_base", RULE)).then().statusCode(201);
        post(body("uses_base", "{\"not\": {\"segment\": \"used_base\"}}"))
                .then()
                .statusCode(201);
        given().header("Authorization", ADMIN)
                .header("If-Match", "1")
                .delete("/api/v1/segments/used_base")
                .then()
                .statusCode(409)
                .body("code", equalTo("segment_in_use"))
                .body("detail", containsString("uses_base"));
        post(body("self_ref", "{\"segment\": \"self_ref\"}")).then().statusCode(422);
    }

    @Test
    void fileManagedSegmentsAreLoadedAndReadOnly() {
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments")
                .then()
                .statusCode(200)
                .body("items.key", hasItems("math_slipping", "paid_churned", "streak_champions"))
                .body("items.find { it.key == 'math_slipping' }.source", equalTo("file"))
                .body("items.find { it.key == 'math_slipping' }.sourceFile", equalTo("segments/math_slipping.yaml"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "1")
                .contentType("application/json")
                .body(body("math_slipping", RULE))
                .put("/api/v1/segments/math_slipping")
                .then()
                .statusCode(409)
                .body("code", equalTo("managed_by_file"))
                .body("detail", containsString("segments/math_slipping.yaml"));
    }

    @Test
    void previewCountsSamplesAndShowsTheSql() {
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"rule\": " + RULE + ", \"attributes\": [\"plan\", \"watch_minutes_28d\"], \"sampleSize\": 3,"
                        + " \"asOf\": \"2026-11-02T03:00:00Z\"}")
                .post("/api/v1/segments/preview")
                .then()
                .statusCode(200)
                .body("count", greaterThan(0))
                .body("sample.size()", equalTo(3))
                .body("sample[0].attributes.plan", notNullValue())
                .body("sql.sql", containsString("lecture_views"))
                .body("asOf", equalTo("2026-11-02T03:00:00Z"));
    }

    @Test
    void membersArePagedByKey() {
        Response first = given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/members?limit=2&attributes=plan,plan_status");
        first.then()
                .statusCode(200)
                .body("items.size()", equalTo(2))
                .body("items[0].attributes.plan_status", equalTo("lapsed"))
                .body("asOf", notNullValue());
        String last = first.path("items[1].key");
        String next = first.path("nextCursor");
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/members?limit=2&cursor=" + next)
                .then()
                .statusCode(200)
                .body("items[0].key", greaterThan(last));
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/members?limit=2&after=" + last)
                .then()
                .statusCode(200)
                .body("items[0].key", greaterThan(last));
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/members?attributes=nope")
                .then()
                .statusCode(422)
                .body("errors.pointer", hasItem("/attributes/0"));
    }

    @Test
    void viewersReadButMayNotWrite() {
        String viewer = QuarkusTransaction.requiringNew()
                .call(() -> keys.create("segment-viewer", Role.VIEWER, "test").key());
        given().header("Authorization", "Bearer " + viewer)
                .get("/api/v1/segments")
                .then()
                .statusCode(200);
        given().header("Authorization", "Bearer " + viewer)
                .contentType("application/json")
                .body(body("viewer_made", RULE))
                .post("/api/v1/segments")
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        given().contentType("application/json")
                .body(body("anon_made", RULE))
                .post("/api/v1/segments")
                .then()
                .statusCode(401);
        assertThat(given().header("Authorization", ADMIN)
                        .get("/api/v1/segments/viewer_made")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void explainsMembersAndNonMembersConditionByCondition() {
        String member = given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/members?limit=1")
                .path("items[0].key");
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/explain/" + member)
                .then()
                .statusCode(200)
                .body("member", equalTo(true))
                .body("conditions.find { it.pointer == '/rule/all/1' }.held", equalTo(true))
                .body("conditions.find { it.pointer == '/rule/all/1' }.value", equalTo("lapsed"))
                .body("conditions.find { it.pointer == '/rule/all/1' }.condition.attribute", equalTo("plan_status"));

        String active = given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"rule\": {\"attribute\": \"plan_status\", \"op\": \"eq\", \"value\": \"active\"},"
                        + " \"sampleSize\": 1}")
                .post("/api/v1/segments/preview")
                .path("sample[0].key");
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/explain/" + active)
                .then()
                .statusCode(200)
                .body("member", equalTo(false))
                .body("conditions.find { it.pointer == '/rule/all/1' }.held", equalTo(false))
                .body("conditions.find { it.pointer == '/rule/all/1' }.value", equalTo("active"));

        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/explain/NOBODY")
                .then()
                .statusCode(404)
                .body("code", equalTo("learner_not_found"));
    }

    @Test
    void previewChangeCountsWhoWouldEnterAndLeave() {
        int members = given().header("Authorization", ADMIN)
                .get("/api/v1/segments/paid_churned/members?limit=1000")
                .path("items.size()");
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"rule\": {\"attribute\": \"plan\", \"op\": \"in\", \"values\": [\"basic\","
                        + " \"exam_coach\", \"personal_coach\"]}, \"sampleSize\": 5}")
                .post("/api/v1/segments/paid_churned/preview-change")
                .then()
                .statusCode(200)
                .body("leaving", equalTo(0))
                .body("staying", equalTo(members))
                .body("entering", greaterThan(0))
                .body("enteringSample.size()", greaterThan(0));
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"rule\": {\"attribute\": \"nope\", \"op\": \"eq\", \"value\": 1}}")
                .post("/api/v1/segments/paid_churned/preview-change")
                .then()
                .statusCode(422)
                .body("errors.pointer", hasItem("/rule/attribute"));
    }
}
