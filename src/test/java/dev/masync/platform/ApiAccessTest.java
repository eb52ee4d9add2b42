package dev.masync.platform;

import dev.masync.security.ApiKeys;
import dev.masync.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

/** Every /api/v1 call needs a valid key; failures are problem+json. */
@QuarkusTest
class ApiAccessTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    ApiKeys keys;

    @Test
    void catalogListsTheDemoColumnsAndTypes() {
        given().header("Authorization", ADMIN)
                .when()
                .get("/api/v1/catalog")
                .then()
                .statusCode(200)
                .body("warehouse", equalTo("duckdb"))
                .body("learnersTable", equalTo("learner_status"))
                .body("learnerKey", equalTo("learner_id"))
                .body(
                        "attributes.name",
                        hasItems(
                                "learner_id",
                                "grade",
                                "plan",
                                "watch_minutes_7d",
                                "exam_date",
                                "quiz_accuracy_28d",
                                "updated_at"))
                .body("attributes.find { it.name == 'watch_minutes_7d' }.type", equalTo("integer"))
                .body("attributes.find { it.name == 'exam_date' }.type", equalTo("date"))
                .body("attributes.find { it.name == 'last_active_at' }.type", equalTo("timestamp"))
                .body("attributes.find { it.name == 'email_opt_in' }.type", equalTo("boolean"))
                .body("attributes.find { it.name == 'quiz_accuracy_28d' }.type", equalTo("number"))
                .body("attributes.find { it.name == 'plan' }.knownValues", hasItems("free", "basic"))
                .body("attributes.find { it.name == 'plan' }.operators", hasItem("in"))
                .body("eventTables.name", hasItems("lecture_views", "quiz_attempts"))
                .body("eventTables.find { it.name == 'lecture_views' }.timestampColumn", equalTo("viewed_at"))
                .body(
                        "eventTables.find { it.name == 'lecture_views' }.columns.find { it.name == 'subject' }.knownValues",
                        hasItems("math", "english"));
    }

    @Test
    void withoutAKeyAnswers401Problem() {
        given().when()
                .get("/api/v1/catalog")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("unauthorized"))
                .body("status", equalTo(401));
    }

    @Test
    void wrongOrMalformedKeysAnswer401() {
        for (String header : new String[] {
            "Bearer nope",
            "Bearer ",
            "Basic dGVzdDp0ZXN0",
            "test-admin-key",
            "Bearer " + "x".repeat(5000),
            "Bearer test-admin-key'--"
        }) {
            given().header("Authorization", header)
                    .when()
                    .get("/api/v1/catalog")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .body("code", equalTo("unauthorized"));
        }
    }

    @Test
    void roleThatMayNotAnswers403() {
        String viewerKey = QuarkusTransaction.requiringNew()
                .call(() -> keys.create("viewer-for-test", Role.VIEWER, "test").key());
        given().header("Authorization", "Bearer " + viewerKey)
                .when()
                .get("/api/v1/catalog")
                .then()
                .statusCode(200);
        given().header("Authorization", "Bearer " + viewerKey)
                .contentType("application/json")
                .body("{\"days\":1}")
                .when()
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("forbidden"))
                .body("detail", containsString("needs the admin role"))
                .body("detail", containsString("this API key's role is viewer"));
    }

    /** The 403 names the lowest role the call allows (from its @RolesAllowed) and the caller's own role. */
    @Test
    void aForbiddenAnswerNamesTheRoleNeededAndTheCallersRole() {
        String viewer = "Bearer "
                + QuarkusTransaction.requiringNew()
                        .call(() ->
                                keys.create("viewer-403", Role.VIEWER, "test").key());
        String editor = "Bearer "
                + QuarkusTransaction.requiringNew()
                        .call(() ->
                                keys.create("editor-403", Role.EDITOR, "test").key());
        given().header("Authorization", viewer)
                .contentType("application/json")
                .body("{\"key\": \"forbidden_seg\", \"name\": \"x\", \"rule\": {}}")
                .post("/api/v1/segments")
                .then()
                .statusCode(403)
                .body("detail", containsString("needs the editor role"))
                .body("detail", containsString("role is viewer"));
        // a class-level @RolesAllowed: API keys are for admins
        given().header("Authorization", editor)
                .get("/api/v1/api-keys")
                .then()
                .statusCode(403)
                .body("detail", containsString("needs the admin role"))
                .body("detail", containsString("role is editor"));
        given().header("Authorization", editor)
                .get("/api/v1/audit")
                .then()
                .statusCode(403)
                .body("detail", containsString("needs the admin role"))
                .body("detail", containsString("role is editor"));
    }

    @Test
    void unknownPathsAreProblems() {
        given().header("Authorization", ADMIN)
                .when()
                .get("/api/v1/no-such-thing")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("not_found"))
                .body("type", startsWith("https://"));
    }
}
