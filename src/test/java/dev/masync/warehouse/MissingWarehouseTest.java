package dev.masync.warehouse;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** A missing warehouse: the daemon runs, is not ready, says why, and answers 503 problems. */
@QuarkusTest
@TestProfile(MissingWarehouseTest.Profile.class)
class MissingWarehouseTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "masync.demo.enabled",
                    "false",
                    "masync.warehouse.duckdb.path",
                    "./target/test-data/absent/warehouse.duckdb");
        }
    }

    @Test
    void notReadyWithAMessageNamingTheProblem() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'warehouse' }.data.error", containsString("absent/warehouse.duckdb"));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void warehouseCallsAnswer503Problem() {
        given().header("Authorization", "Bearer test-admin-key")
                .when()
                .get("/api/v1/catalog")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("code", equalTo("warehouse_unavailable"))
                .body("detail", containsString("does not exist"));
    }

    @Test
    void demoCallsSayDemoIsOff() {
        given().header("Authorization", "Bearer test-admin-key")
                .when()
                .get("/api/v1/demo")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("demo_disabled"));
    }
}
