package dev.masync.sync;

import dev.masync.warehouse.bigquery.fake.BigQueryFakeResource;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a run cost on BigQuery, and a sync's budget of bytes billed, through the application's wiring. */
@QuarkusTest
@WithTestResource(
        value = BigQueryFakeResource.class,
        initArgs = @ResourceArg(name = BigQueryFakeResource.SEED, value = "demo"))
class RunCostTest {

    static void segment(String key) {
        SyncApiTest.post("/api/v1/segments", """
                        {"key": "%s", "name": "Premium", "rule": {"attribute": "plan", "op": "eq", "value": "premium"}}""".formatted(key)).then().statusCode(201);
    }

    static void sync(String key, String segment, String extra) {
        SyncApiTest.post("/api/v1/syncs", """
                        {"key": "%s", "segment": "%s", "destination": "outbox",
                         "identity": {"attribute": "learner_id", "field": "external_id"},
                         "mapping": [{"source": "streak_days", "target": "streak"}],
                         "membership": {"style": "boolean", "field": "is_premium"}, "mode": "mirror"%s}""".formatted(key, segment, extra))
                .then()
                .statusCode(201);
    }

    static long billedByJobs(BigQueryFakeServer fake) {
        return fake.requests("jobs.insert").stream()
                .filter(r -> !r.json().at("/configuration/dryRun").asBoolean(false))
                .count();
    }

    @Test
    void aRunShowsTheWarehouseJobsItRanTheBytesTheyBilledAndWhatItSent() throws Exception {
        segment("cost_premium");
        sync("cost_premium_outbox", "cost_premium", "");
        BigQueryFakeServer fake = BigQueryFakeResource.server();
        fake.clearRequests();

        JsonPath run = SyncApiTest.awaitRun(SyncApiTest.startRun("cost_premium_outbox", "{}"));

        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("succeeded");
        assertThat(run.getLong("cost.warehouseQueries")).isEqualTo(billedByJobs(fake));
        assertThat(run.getLong("cost.bytesBilled")).isPositive();
        assertThat(run.getLong("cost.bytesProcessed")).isGreaterThanOrEqualTo(run.getLong("cost.bytesBilled"));
        assertThat(run.getLong("cost.requests")).isEqualTo(run.getLong("counts.requests"));
        assertThat(run.getLong("cost.records"))
                .isEqualTo(run.getLong("counts.sent"))
                .isEqualTo(3);
        assertThat(run.getString("cost.maxBytesBilled")).isNull();
        // three entered members, each with its streak and its membership flag
        assertThat(run.getLong("cost.dataPoints")).isEqualTo(6);
        // a full upload writes the same for every member now: nothing saved on a first run
        assertThat(run.getLong("cost.fullUploadDataPoints")).isEqualTo(run.getLong("counts.evaluated") * 2);
    }

    @Test
    void aRunThatWouldBillMoreThanItsBudgetStopsBeforeSendingAnything() throws Exception {
        segment("cost_budget");
        sync("cost_budget_outbox", "cost_budget", ", \"maxBytesBilled\": 1");
        BigQueryFakeServer fake = BigQueryFakeResource.server();
        fake.clearRequests();

        JsonPath run = SyncApiTest.awaitRun(SyncApiTest.startRun("cost_budget_outbox", "{}"));

        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("over_budget");
        assertThat(run.getString("reason")).contains("maxBytesBilled").contains("raise maxBytesBilled");
        assertThat(run.getLong("counts.sent")).isZero();
        assertThat(run.getLong("cost.bytesBilled")).isLessThanOrEqualTo(1);
        assertThat(run.getLong("cost.maxBytesBilled")).isEqualTo(1);
        assertThat(fake.requests("jobs.insert"))
                .allSatisfy(r -> assertThat(r.json()
                                .at("/configuration/query/maximumBytesBilled")
                                .asText())
                        .isEqualTo("1"));
    }

    @Test
    void aBudgetMustBeAWholePositiveNumberOfBytes() {
        segment("cost_bad");
        String body = """
                {"key": "cost_bad_outbox", "segment": "cost_bad", "destination": "outbox",
                 "mapping": [{"source": "streak_days", "target": "streak"}], "maxBytesBilled": %s}""";
        for (String bad : new String[] {"0", "-5", "1.5", "\"10GB\"", "true", "99999999999999999999999"}) {
            SyncApiTest.post("/api/v1/syncs", body.formatted(bad))
                    .then()
                    .statusCode(422)
                    .contentType("application/problem+json")
                    .body("errors.pointer", org.hamcrest.Matchers.contains("/maxBytesBilled"));
        }
        SyncApiTest.post("/api/v1/syncs", body.formatted("10000000000"))
                .then()
                .statusCode(201)
                .body("definition.maxBytesBilled", org.hamcrest.Matchers.equalTo(10_000_000_000L));
    }
}
