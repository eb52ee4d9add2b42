package dev.masync.warehouse;

import dev.masync.warehouse.bigquery.fake.BigQueryFakeResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The daemon on BigQuery: the real client against the REST fake, through the application's own wiring. */
@QuarkusTest
@WithTestResource(
        value = BigQueryFakeResource.class,
        initArgs = @ResourceArg(name = BigQueryFakeResource.SEED, value = "demo"))
class BigQueryAppTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Test
    void catalogComesFromBigQueryTableMetadata() {
        given().header("Authorization", ADMIN)
                .when()
                .get("/api/v1/catalog")
                .then()
                .statusCode(200)
                .body("warehouse", equalTo("bigquery"))
                .body("learnersTable", equalTo("learner_status"))
                .body("attributes.find { it.name == 'churn_risk' }.type", equalTo("number"))
                .body("attributes.find { it.name == 'churn_risk' }.nativeType", equalTo("NUMERIC"))
                .body("attributes.find { it.name == 'subjects' }.type", equalTo("array"))
                .body("attributes.find { it.name == 'subjects' }.elementType", equalTo("string"))
                .body("attributes.find { it.name == 'last_active_at' }.type", equalTo("timestamp_tz"))
                .body("attributes.find { it.name == 'updated_at' }.type", equalTo("timestamp"))
                .body("attributes.find { it.name == 'trial_ends_on' }.type", equalTo("date"))
                .body("attributes.find { it.name == 'plan' }.knownValues", contains("basic", "premium", "trial"))
                .body("eventTables.name", contains("lecture_views", "quiz_attempts"))
                .body("eventTables.find { it.name == 'quiz_attempts' }.timestampColumn", equalTo("attempted_at"))
                .body(
                        "eventTables.find { it.name == 'lecture_views' }.columns.find { it.name == 'subject' }.knownValues",
                        hasItems("math", "science"));
    }

    @Test
    void readyOnBigQuery() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'warehouse' }.data.warehouse",
                        equalTo("bigquery:test-project.learning"));
    }

    @Test
    void rateLimitAndBackendErrorsAreRetriedByTheClient() {
        var fake = BigQueryFakeResource.server();
        given().header("Authorization", ADMIN).get("/api/v1/catalog").then().statusCode(200);
        fake.clearRequests();
        fake.failNext("tables.get", 1, 403, "rateLimitExceeded", null);
        fake.failNext("tables.get", 1, 500, "backendError", null);
        given().header("Authorization", ADMIN)
                .when()
                .post("/api/v1/catalog/refresh")
                .then()
                .statusCode(200)
                .body("attributes.find { it.name == 'grade' }.knownValues", hasItems("jh2", "ronin"));
        // 3 tables, plus the two failed attempts the client retried.
        assertThat(fake.requestCount("tables.get")).isEqualTo(5);
    }

    @Test
    void previewRunsInBigQueryAndReportsTheBytesADryRunWouldScan() {
        var fake = BigQueryFakeResource.server();
        fake.clearRequests();
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("""
                        {"rule": {"all": [
                           {"attribute": "plan", "op": "eq", "value": "premium"},
                           {"event": "lecture_views", "where": {"attribute": "subject", "op": "eq", "value": "math"},
                            "between": {"from": "2025-03-01T00:00:00Z", "to": "2025-03-31T00:00:00Z"},
                            "aggregate": {"fn": "count"}, "op": "gte", "value": 1}]},
                         "attributes": ["plan", "streak_days"], "asOf": "2025-03-31T03:00:00Z"}""")
                .post("/api/v1/segments/preview")
                .then()
                .statusCode(200)
                .body("count", equalTo(3))
                .body("sample.key", contains("L0001", "L0004", "L0005"))
                .body("sample[2].attributes.streak_days", equalTo(45))
                .body("sql.dialect", equalTo("bigquery"))
                .body("sql.sql", org.hamcrest.Matchers.containsString("`test-project.learning.lecture_views`"))
                .body("bytesProcessed", org.hamcrest.Matchers.greaterThan(0));
        // the count and the sample jobs carry the preview's bytes-billed cap (masync.segments.preview-maximum-...)
        var jobs = new java.util.ArrayList<>(fake.requests("jobs.insert"));
        jobs.addAll(fake.requests("jobs.query"));
        var billed = jobs.stream()
                .map(r -> r.body().replace(" ", ""))
                .filter(b -> !b.contains("\"dryRun\":true"))
                .toList();
        org.assertj.core.api.Assertions.assertThat(billed)
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(b -> org.assertj.core.api.Assertions.assertThat(b)
                        .contains("\"maximumBytesBilled\":\"107374182400\""));
    }
}
