package dev.masync.sync;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeResource;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Syncs on BigQuery through the application's wiring: state in the state dataset, confirmations journaled in the
 * control DB and folded once per run, the real client against the REST fake.
 */
@QuarkusTest
@WithTestResource(
        value = BigQueryFakeResource.class,
        initArgs = @ResourceArg(name = BigQueryFakeResource.SEED, value = "demo"))
class BigQuerySyncRunTest {

    static long mergeJobs(BigQueryFakeServer fake) {
        return fake.requests("jobs.insert").stream()
                .filter(r -> r.json().at("/configuration/query/query").asText().startsWith("MERGE"))
                .count();
    }

    @Test
    void aRunKeepsItsStateInTheStateDatasetAndRerunsSendOnlyWhatChanged() throws Exception {
        SyncApiTest.post("/api/v1/segments", """
                {"key": "bq_premium", "name": "Premium learners",
                 "rule": {"attribute": "plan", "op": "eq", "value": "premium"}}""").then().statusCode(201);
        SyncApiTest.post("/api/v1/syncs", """
                {"key": "bq_premium_outbox", "segment": "bq_premium", "destination": "outbox",
                 "identity": {"attribute": "learner_id", "field": "external_id"},
                 "mapping": [{"source": "streak_days", "target": "streak"},
                             {"source": "last_active_at", "target": "last_active", "format": "datetime"}],
                 "membership": {"style": "boolean", "field": "is_premium"}, "mode": "mirror"}""").then().statusCode(201);
        BigQueryFakeServer fake = BigQueryFakeResource.server();

        JsonPath first = SyncApiTest.awaitRun(SyncApiTest.startRun("bq_premium_outbox", "{}"));
        assertThat(first.getString("status")).as(first.prettify()).isEqualTo("succeeded");
        assertThat(first.getLong("counts.entered")).isEqualTo(3);
        assertThat(first.getLong("counts.confirmed")).isEqualTo(3);
        // tables are named after the sync and its state generation
        String stateKey = QuarkusTransaction.requiringNew()
                .call(() -> "bq_premium_outbox__" + SyncEntity.<SyncEntity>findById("bq_premium_outbox").stateId);
        BigQuery client = BigQueryOptions.newBuilder()
                .setHost(fake.url())
                .setProjectId(BigQueryFakeResource.PROJECT)
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService();
        assertThat(client.query(QueryJobConfiguration.newBuilder("SELECT COUNT(*) FROM masync_state.state__" + stateKey)
                                .setUseLegacySql(false)
                                .build())
                        .getValues()
                        .iterator()
                        .next()
                        .get(0)
                        .getLongValue())
                .isEqualTo(3);
        assertThat(client.getTable(TableId.of(BigQueryFakeResource.STATE_DATASET, "pending__" + stateKey)))
                .isNull();
        assertThat(QuarkusTransaction.requiringNew().call(() -> SyncConfirmationEntity.count("syncKey", stateKey)))
                .isZero();

        fake.clearRequests();
        JsonPath second = SyncApiTest.awaitRun(SyncApiTest.startRun("bq_premium_outbox", "{}"));
        assertThat(second.getString("status")).isEqualTo("succeeded");
        assertThat(second.getLong("counts.sent")).isZero();
        assertThat(second.getLong("counts.unchanged")).isEqualTo(3);
        assertThat(mergeJobs(fake)).as("nothing confirmed, nothing to fold").isZero();

        fake.execute("UPDATE learning.learner_status SET streak_days = 99 WHERE learner_id = 'L0001'");
        fake.clearRequests();
        JsonPath third = SyncApiTest.awaitRun(SyncApiTest.startRun("bq_premium_outbox", "{}"));
        assertThat(third.getString("status")).isEqualTo("succeeded");
        assertThat(third.getLong("counts.changed")).isEqualTo(1);
        assertThat(third.getLong("counts.confirmed")).isEqualTo(1);
        assertThat(mergeJobs(fake)).isEqualTo(1);
    }
}
