package dev.masync.warehouse;

import dev.masync.testing.DuckDbFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Pointed at another DuckDB file with other tables and columns, the catalog shows those; a configured event table
 * that does not exist is a warning, not an outage.
 */
@QuarkusTest
@TestProfile(OtherWarehouseTest.Profile.class)
class OtherWarehouseTest {
    static final Path FILE = Path.of("target/test-data/other/crm.duckdb");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            createWarehouse();
            return Map.of(
                    "masync.demo.enabled",
                    "false",
                    "masync.warehouse.duckdb.path",
                    "./" + FILE,
                    "masync.warehouse.learners-table",
                    "members",
                    "masync.warehouse.learner-key",
                    "member_no",
                    "masync.warehouse.event-tables",
                    "logins,purchases");
        }
    }

    static void createWarehouse() {
        DuckDbFiles.create(
                FILE,
                "CREATE TABLE members (member_no BIGINT, tier VARCHAR, renewal DATE, score DECIMAL(6,2))",
                "INSERT INTO members SELECT i, CASE WHEN i % 2 = 0 THEN 'gold' ELSE 'silver' END,"
                        + " DATE '2027-01-01', i FROM range(20) t(i)",
                "CREATE TABLE logins (member_no BIGINT, logged_in_at TIMESTAMPTZ, channel VARCHAR)");
    }

    @Test
    void catalogShowsTheOtherColumns() {
        given().header("Authorization", "Bearer test-admin-key")
                .when()
                .get("/api/v1/catalog")
                .then()
                .statusCode(200)
                .body("learnersTable", equalTo("members"))
                .body("learnerKey", equalTo("member_no"))
                .body("attributes.name", contains("member_no", "tier", "renewal", "score"))
                .body("attributes.find { it.name == 'tier' }.knownValues", contains("gold", "silver"))
                .body("attributes.find { it.name == 'score' }.type", equalTo("number"))
                .body("eventTables.name", contains("logins"))
                .body("eventTables[0].timestampColumn", equalTo("logged_in_at"))
                .body("warnings[0]", containsString("purchases"));
    }

    @Test
    void readyDespiteTheWarning() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'warehouse' }.data.warnings", containsString("purchases"));
    }
}
