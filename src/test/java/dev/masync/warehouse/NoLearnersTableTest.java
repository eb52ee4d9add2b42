package dev.masync.warehouse;

import dev.masync.testing.DuckDbFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** A warehouse without the configured learners table: not ready, and the message names the setting to fix. */
@QuarkusTest
@TestProfile(NoLearnersTableTest.Profile.class)
class NoLearnersTableTest {
    static final Path FILE = Path.of("target/test-data/nolearners/w.duckdb");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            DuckDbFiles.create(FILE, "CREATE TABLE unrelated (id INTEGER)");
            return Map.of("masync.demo.enabled", "false", "masync.warehouse.duckdb.path", "./" + FILE);
        }
    }

    @Test
    void notReadyNamingTheTableAndTheSetting() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body(
                        "checks.find { it.name == 'warehouse' }.data.error",
                        containsString("learners table 'learner_status' not found"))
                .body(
                        "checks.find { it.name == 'warehouse' }.data.error",
                        containsString("masync.warehouse.learners-table"));
        given().header("Authorization", "Bearer test-admin-key")
                .get("/api/v1/catalog")
                .then()
                .statusCode(503)
                .body("code", equalTo("warehouse_unavailable"));
    }
}
