package dev.masync.platform;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
class OperationsTest {

    @Test
    void readyWhenControlDbAndWarehouseAnswer() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("warehouse", "Database connections health check"))
                .body("checks.find { it.name == 'warehouse' }.data.learnersTable", equalTo("learner_status"));
    }

    @Test
    void alive() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsIncludeOurs() {
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("masync_catalog_ready 1.0"))
                .body(containsString("http_server_requests"));
    }

    @Test
    void openApiDescribesTheApiWithBearerAuth() {
        given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body(containsString("/api/v1/catalog"))
                .body(containsString("/api/v1/demo/advance"))
                .body(containsString("bearer"));
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
