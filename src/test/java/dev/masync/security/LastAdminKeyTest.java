package dev.masync.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Without a configured admin key, the last active admin key cannot be revoked, so nobody is locked out. */
@QuarkusTest
@TestProfile(AdminKeyBootstrapTest.Profile.class) // same profile: the application starts once for both
class LastAdminKeyTest {

    @Inject
    ApiKeys keys;

    @Test
    void theLastActiveAdminKeyCannotBeRevokedButAnyOtherCan() {
        QuarkusTransaction.requiringNew().run(() -> ApiKey.deleteAll());
        ApiKeys.Issued first = QuarkusTransaction.requiringNew().call(() -> keys.create("first", Role.ADMIN, "test"));
        String firstAuth = "Bearer " + first.key();

        given().header("Authorization", firstAuth)
                .delete("/api/v1/api-keys/" + first.stored().id())
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("last_admin_key"))
                .body("detail", containsString("Create another admin key first"));

        String viewer = given().header("Authorization", firstAuth)
                .contentType("application/json")
                .body("{\"name\": \"reader\", \"role\": \"viewer\"}")
                .post("/api/v1/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("id")
                .toString();
        given().header("Authorization", firstAuth)
                .delete("/api/v1/api-keys/" + viewer)
                .then()
                .statusCode(204);

        String second = given().header("Authorization", firstAuth)
                .contentType("application/json")
                .body("{\"name\": \"second\", \"role\": \"admin\"}")
                .post("/api/v1/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
        given().header("Authorization", "Bearer " + second)
                .delete("/api/v1/api-keys/" + first.stored().id())
                .then()
                .statusCode(204);
        given().header("Authorization", firstAuth)
                .get("/api/v1/api-keys")
                .then()
                .statusCode(401);

        String secondId = given().header("Authorization", "Bearer " + second)
                .get("/api/v1/api-keys")
                .then()
                .statusCode(200)
                .extract()
                .path("items.find { it.name == 'second' }.id")
                .toString();
        given().header("Authorization", "Bearer " + second)
                .delete("/api/v1/api-keys/" + secondId)
                .then()
                .statusCode(409)
                .body("code", equalTo("last_admin_key"));
    }
}
