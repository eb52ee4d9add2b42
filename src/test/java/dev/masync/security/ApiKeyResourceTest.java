package dev.masync.security;

import dev.masync.audit.AuditEntry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** Admins create, list and revoke keys; each role may do exactly what it should. */
@QuarkusTest
class ApiKeyResourceTest {
    static final String ADMIN = "Bearer test-admin-key";

    static ExtractableResponse<Response> create(String name, String role) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}")
                .when()
                .post("/api/v1/api-keys")
                .then()
                .statusCode(201)
                .extract();
    }

    static long count(Class<?> entity) {
        return QuarkusTransaction.requiringNew()
                .call(() -> entity == ApiKey.class ? ApiKey.count() : AuditEntry.count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"viewer", "editor", "admin"})
    void createdKeyIsShownOnceAndWorksForItsRole(String role) {
        ExtractableResponse<Response> created = create("  " + role + " key  ", role);
        String key = created.path("key");
        long id = created.<Number>path("id").longValue();
        assertThat(key)
                .startsWith("msk_")
                .startsWith(created.<String>path("prefix"))
                .hasSizeGreaterThan(40);
        assertThat(created.<String>path("name")).isEqualTo(role + " key");
        assertThat(created.<String>path("role")).isEqualTo(role);
        assertThat(created.<String>path("createdBy")).isEqualTo("configured-admin");
        assertThat(created.<String>path("createdAt")).isNotBlank();
        assertThat(created.header("Location")).endsWith("/api/v1/api-keys/" + id);

        given().header("Authorization", ADMIN)
                .get("/api/v1/api-keys/" + id)
                .then()
                .statusCode(200)
                .body("role", equalTo(role))
                .body("active", equalTo(true))
                .body("revokedAt", nullValue())
                .body("key", nullValue())
                .body("keyHash", nullValue());
        String listed = given().header("Authorization", ADMIN)
                .get("/api/v1/api-keys")
                .then()
                .statusCode(200)
                .body("items.id", hasItem((int) id))
                .extract()
                .asString();
        assertThat(listed).doesNotContain(key).doesNotContain(ApiKeys.hash(key)).doesNotContain("\"key\"");

        given().header("Authorization", "Bearer " + key)
                .get("/api/v1/catalog")
                .then()
                .statusCode(200);
        int expected = role.equals("admin") ? 200 : 403;
        given().header("Authorization", "Bearer " + key)
                .get("/api/v1/api-keys")
                .then()
                .statusCode(expected);
        given().header("Authorization", "Bearer " + key)
                .get("/api/v1/audit")
                .then()
                .statusCode(expected);
    }

    @Test
    void viewerAndEditorGet403ProblemsOnKeysAndAudit() {
        for (String role : List.of("viewer", "editor")) {
            String key = "Bearer " + create(role + "-denied", role).path("key");
            given().header("Authorization", key)
                    .contentType("application/json")
                    .body("{\"name\": \"x\", \"role\": \"admin\"}")
                    .when()
                    .post("/api/v1/api-keys")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", equalTo("forbidden"));
            given().header("Authorization", key)
                    .delete("/api/v1/api-keys/1")
                    .then()
                    .statusCode(403)
                    .body("code", equalTo("forbidden"));
            given().header("Authorization", key)
                    .get("/api/v1/audit")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", equalTo("forbidden"));
        }
    }

    @Test
    void withoutAKeyOrWithARevokedKeyAnswers401() {
        given().get("/api/v1/api-keys").then().statusCode(401).body("code", equalTo("unauthorized"));
        given().contentType("application/json")
                .body("{\"name\": \"x\", \"role\": \"admin\"}")
                .post("/api/v1/api-keys")
                .then()
                .statusCode(401)
                .body("code", equalTo("unauthorized"));

        ExtractableResponse<Response> created = create("soon revoked", "admin");
        String key = "Bearer " + created.path("key");
        given().header("Authorization", key).get("/api/v1/api-keys").then().statusCode(200);

        given().header("Authorization", ADMIN)
                .delete("/api/v1/api-keys/" + created.path("id"))
                .then()
                .statusCode(204);

        given().header("Authorization", key)
                .get("/api/v1/catalog")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
        given().header("Authorization", ADMIN)
                .get("/api/v1/api-keys/" + created.path("id"))
                .then()
                .statusCode(200)
                .body("active", equalTo(false))
                .body("revokedAt", notNullValue());
    }

    @Test
    void revokingTwiceSucceedsAndChangesNothing() {
        Object id = create("twice", "viewer").path("id");
        given().header("Authorization", ADMIN)
                .delete("/api/v1/api-keys/" + id)
                .then()
                .statusCode(204);
        String revokedAt = given().header("Authorization", ADMIN)
                .get("/api/v1/api-keys/" + id)
                .path("revokedAt");
        long audited = count(AuditEntry.class);

        given().header("Authorization", ADMIN)
                .delete("/api/v1/api-keys/" + id)
                .then()
                .statusCode(204);

        given().header("Authorization", ADMIN)
                .get("/api/v1/api-keys/" + id)
                .then()
                .body("revokedAt", equalTo(revokedAt));
        assertThat(count(AuditEntry.class)).as("no change, no entry").isEqualTo(audited);
    }

    @Test
    void unknownKeysAre404Problems() {
        given().header("Authorization", ADMIN)
                .delete("/api/v1/api-keys/999999")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("api_key_not_found"));
        given().header("Authorization", ADMIN)
                .get("/api/v1/api-keys/999999")
                .then()
                .statusCode(404)
                .body("code", equalTo("api_key_not_found"));
    }

    @Test
    void revokingTheLastStoredAdminIsAllowedWhileAnAdminKeyIsConfigured() {
        QuarkusTransaction.requiringNew()
                .run(() -> ApiKey.update(
                        "revokedAt = ?1 where role = ?2 and revokedAt is null", java.time.Instant.now(), Role.ADMIN));
        Object id = create("only stored admin", "admin").path("id");

        given().header("Authorization", ADMIN)
                .delete("/api/v1/api-keys/" + id)
                .then()
                .statusCode(204);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"role\": \"viewer\"}                       | validation_failed | /name",
                "{\"name\": \"   \", \"role\": \"viewer\"}    | validation_failed | /name",
                "{\"name\": \"LONG\", \"role\": \"viewer\"}   | validation_failed | /name",
                "{\"name\": \"ci\"}                           | validation_failed | /role",
                "{\"name\": \"ci\", \"role\": \"root\"}       | validation_failed | /role",
                "{\"name\": \"ci\", \"role\": \"Admin\"}      | validation_failed | /role",
                "{\"name\": 5, \"role\": \"viewer\"}          | invalid_type      | /name",
                "{\"name\": \"ci\", \"role\": true}           | invalid_type      | /role",
                "{\"name\": [\"ci\"], \"role\": \"viewer\"}   | invalid_type      | /name",
                "{\"name\": \"ci\", \"role\": \"viewer\", \"x\": 1} | unknown_field | /x",
            })
    void invalidBodiesAnswer400ProblemsWithAPointerAndStoreNothing(String body, String code, String pointer) {
        long keys = count(ApiKey.class);
        long audited = count(AuditEntry.class);

        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(body.replace("LONG", "n".repeat(101)))
                .when()
                .post("/api/v1/api-keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo(code))
                .body("errors.pointer", hasItem(pointer))
                .body("detail", notNullValue());

        assertThat(count(ApiKey.class)).isEqualTo(keys);
        assertThat(count(AuditEntry.class)).isEqualTo(audited);
    }

    @Test
    void malformedOrMissingBodiesAnswer400Problems() {
        long keys = count(ApiKey.class);
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\": \"ci\", ")
                .post("/api/v1/api-keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("malformed_json"));
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .post("/api/v1/api-keys")
                .then()
                .statusCode(400)
                .body("code", equalTo("validation_failed"));
        assertThat(count(ApiKey.class)).isEqualTo(keys);
    }

    @Test
    void aNameOfExactly100CharactersAfterTrimmingIsAccepted() {
        String name = "n".repeat(100);
        ExtractableResponse<Response> created = create("  " + name + "  ", "viewer");
        assertThat(created.<String>path("name")).isEqualTo(name);
    }

    @Test
    void openApiDocumentsTheKeyCalls() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths.'/api/v1/api-keys'.post.tags", hasItem("api-keys"))
                .body("paths.'/api/v1/api-keys/{id}'.delete.summary", startsWith("Revoke"))
                .body("paths.'/api/v1/audit'.get.tags", hasItem("audit"))
                .body("paths.'/api/v1/audit'.get.summary", not(endsWith(".")));
    }
}
