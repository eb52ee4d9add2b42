package dev.masync.security;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** GET /me names the calling key and its role, so a client can offer only what the role may do. */
@QuarkusTest
class MeResourceTest {

    @ParameterizedTest
    @CsvSource({"viewer, viewer", "editor, viewer;editor", "admin, viewer;editor;admin"})
    void answersTheKeysNameRoleAndGrantedRoles(String role, String granted) {
        String key = ApiKeyResourceTest.create("me-" + role, role).path("key");
        given().header("Authorization", "Bearer " + key)
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("name", equalTo("me-" + role))
                .body("role", equalTo(role))
                .body("roles", contains((Object[]) granted.split(";")));
    }

    @org.junit.jupiter.api.Test
    void theConfiguredKeyIsAnAdmin() {
        given().header("Authorization", "Bearer test-admin-key")
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("name", equalTo("configured-admin"))
                .body("role", equalTo("admin"));
    }

    @org.junit.jupiter.api.Test
    void withoutAKeyIs401() {
        given().when().get("/api/v1/me").then().statusCode(401).body("code", equalTo("unauthorized"));
    }
}
