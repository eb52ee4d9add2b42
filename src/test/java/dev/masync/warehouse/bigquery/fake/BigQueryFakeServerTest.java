package dev.masync.warehouse.bigquery.fake;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The fake through the client's other paths than the warehouse's: the {@code jobs.query} fast path, int64
 * timestamps, the SQL translation, and what the client itself retries.
 */
class BigQueryFakeServerTest {
    static BigQueryFakeServer fake;

    @BeforeAll
    static void startFake() {
        fake = BigQueryFakeServer.start();
        fake.createDataset("learning");
        BigQueryFakeResource.seedDemo(fake, "learning");
        fake.execute("CREATE TABLE learning.numbers AS SELECT range AS n FROM range(25)");
    }

    @AfterAll
    static void stopFake() {
        if (fake != null) {
            fake.close();
        }
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    static BigQuery client(boolean int64Timestamps) {
        BigQueryOptions.Builder b = BigQueryOptions.newBuilder()
                .setHost(fake.url())
                .setProjectId(fake.project())
                .setCredentials(NoCredentials.getInstance());
        b.setUseInt64Timestamps(int64Timestamps);
        return b.build().getService();
    }

    static QueryJobConfiguration.Builder sql(String sql) {
        return QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false);
    }

    @Test
    void fastPathQueryPagesThroughJobsGetAndTabledataList() throws Exception {
        TableResult result = client(false)
                .query(sql("SELECT n FROM learning.numbers ORDER BY n")
                        .setMaxResults(10L)
                        .build());
        List<Long> seen = new ArrayList<>();
        for (FieldValueList row : result.iterateAll()) {
            seen.add(row.get("n").getLongValue());
        }

        assertThat(seen).hasSize(25).startsWith(0L, 1L).endsWith(24L);
        assertThat(fake.requests())
                .extracting(BigQueryFakeServer.Request::operation)
                .containsExactly("jobs.query", "jobs.get", "tabledata.list");
        assertThat(fake.requests("jobs.query")
                        .get(0)
                        .json()
                        .at("/formatOptions/useInt64Timestamp")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void answersTimestampsInTheFormatTheClientAsksFor() throws Exception {
        String sql = "SELECT last_active_at FROM learning.learner_status WHERE learner_id = 'L0001'";
        for (boolean int64 : new boolean[] {false, true}) {
            TableResult result = client(int64).query(sql(sql).build());

            FieldValueList row = result.getValues().iterator().next();
            assertThat(row.get(0).getTimestampInstant()).isEqualTo(Instant.parse("2025-03-30T11:15:00Z"));
        }
    }

    @Test
    void incompleteFastPathQueryFallsBackToPolling() throws Exception {
        fake.completeJobsAfterPolls(1);

        TableResult result = client(false)
                .query(sql("SELECT count(*) AS c FROM learning.numbers").build());

        assertThat(result.getValues().iterator().next().get("c").getLongValue()).isEqualTo(25L);
        assertThat(fake.requests().get(0).operation()).isEqualTo("jobs.query");
        assertThat(fake.requestCount("jobs.getQueryResults")).isPositive();
    }

    @Test
    void translatesBigQueryOnlySyntax() throws Exception {
        QueryJobConfiguration q = sql("""
                SELECT COUNTIF(plan = "premium") AS premium,  # a BigQuery comment
                       ARRAY_AGG(DISTINCT plan IGNORE NULLS LIMIT 2) AS plans,
                       SAFE_CAST('x' AS INT64) AS nothing,
                       CURRENT_TIMESTAMP() IS NOT NULL AS now_known,
                       TIMESTAMP '2025-01-01 00:00:00+00' < @at AS before
                FROM `test-project.learning.learner_status`
                WHERE learner_id IN UNNEST(@ids)""")
                .addNamedParameter(
                        "ids", QueryParameterValue.array(new String[] {"L0001", "L0003", "L0005"}, String.class))
                .addNamedParameter("at", QueryParameterValue.timestamp("2025-06-01 00:00:00+00:00"))
                .build();

        FieldValueList row = client(false).query(q).getValues().iterator().next();

        assertThat(row.get("premium").getLongValue()).isEqualTo(2);
        assertThat(row.get("plans").getRepeatedValue()).hasSize(2);
        assertThat(row.get("nothing").isNull()).isTrue();
        assertThat(row.get("now_known").getBooleanValue()).isTrue();
        assertThat(row.get("before").getBooleanValue()).isTrue();
    }

    @Test
    void translatesUnnestAliasesAndDateArithmetic() throws Exception {
        QueryJobConfiguration q = sql("""
                SELECT learner_id,
                       TIMESTAMP_DIFF(@now, last_active_at, HOUR) AS idle_hours,
                       DATE_DIFF(DATE '2025-04-07', DATE_SUB(DATE '2025-04-07', INTERVAL 3 DAY), DAY) AS three,
                       TIMESTAMP_TRUNC(last_active_at, DAY) AS day_start
                FROM learning.learner_status
                WHERE last_active_at >= TIMESTAMP_SUB(@now, INTERVAL 2 DAY)
                  AND EXISTS (SELECT 1 FROM UNNEST(subjects) AS s WHERE s IN UNNEST(@wanted))
                ORDER BY learner_id""")
                .addNamedParameter("now", QueryParameterValue.timestamp("2025-03-31 00:00:00+00:00"))
                .addNamedParameter(
                        "wanted", QueryParameterValue.array(new String[] {"english", "japanese"}, String.class))
                .build();

        List<FieldValueList> rows = new ArrayList<>();
        client(false).query(q).iterateAll().forEach(rows::add);

        assertThat(rows).extracting(r -> r.get("learner_id").getStringValue()).containsExactly("L0001", "L0005");
        assertThat(rows.get(0).get("idle_hours").getLongValue()).isEqualTo(12);
        assertThat(rows.get(0).get("three").getLongValue()).isEqualTo(3);
        assertThat(rows.get(0).get("day_start").getTimestampInstant()).isEqualTo(Instant.parse("2025-03-30T00:00:00Z"));
    }

    @Test
    void ordersNullsLikeBigQuery() throws Exception {
        TableResult asc = client(false)
                .query(sql("SELECT quiz_accuracy FROM learning.learner_status" + " ORDER BY quiz_accuracy")
                        .build());

        assertThat(asc.getValues().iterator().next().get(0).isNull())
                .as("NULLS FIRST for ASC")
                .isTrue();
    }

    @Test
    void undeclaredParameterIsAnInvalidQuery() {
        assertThatExceptionOfType(BigQueryException.class)
                .isThrownBy(() -> client(false).query(sql("SELECT @missing").build()))
                .satisfies(e -> assertThat(e.getReason()).isEqualTo("invalidQuery"))
                .withMessageContaining("missing");
    }

    @Test
    void legacySqlIsRefused() {
        assertThatExceptionOfType(BigQueryException.class)
                .isThrownBy(() -> client(false)
                        .query(QueryJobConfiguration.newBuilder("SELECT 1")
                                .setUseLegacySql(true)
                                .build()))
                .withMessageContaining("useLegacySql=false");
    }

    @Test
    void resourcePointsTheApplicationAtASeededFake() throws Exception {
        BigQueryFakeResource resource = new BigQueryFakeResource();
        resource.init(java.util.Map.of(BigQueryFakeResource.SEED, "demo"));
        java.util.Map<String, String> config = resource.start();
        try {
            assertThat(config)
                    .containsEntry("masync.warehouse.kind", "bigquery")
                    .containsEntry("masync.warehouse.bigquery.project", "test-project")
                    .containsEntry("masync.warehouse.bigquery.dataset", "learning")
                    .containsEntry("masync.warehouse.bigquery.anonymous", "true")
                    .containsEntry("masync.demo.enabled", "false")
                    .containsEntry(
                            "masync.warehouse.bigquery.host",
                            BigQueryFakeResource.server().url());
            BigQuery client = BigQueryOptions.newBuilder()
                    .setHost(config.get("masync.warehouse.bigquery.host"))
                    .setProjectId("test-project")
                    .setCredentials(NoCredentials.getInstance())
                    .build()
                    .getService();
            for (String table : List.of("learner_status", "lecture_views", "quiz_attempts")) {
                assertThat(client.getTable(TableId.of("learning", table)))
                        .as(table)
                        .isNotNull();
            }
        } finally {
            resource.stop();
        }
    }

    /** Premise of the warehouse's own server-error retry; fails once a client version retries 5xx itself. */
    @Test
    void clientDoesNotRetryServerErrorsOnItsOwn() {
        fake.failNext("tables.get", 1, 503, "backendError", null);

        assertThatExceptionOfType(BigQueryException.class)
                .isThrownBy(() -> client(false).getTable(TableId.of("learning", "numbers")))
                .satisfies(e -> assertThat(e.getCode()).isEqualTo(503));
        assertThat(fake.requestCount("tables.get")).isEqualTo(1);
    }

    @Test
    void clientRetriesRateLimitedQueriesByMessage() throws Exception {
        fake.failNext("jobs.query", 1, 403, "rateLimitExceeded", null);

        client(false).query(sql("SELECT 1 AS one").build());

        assertThat(fake.requestCount("jobs.query")).isEqualTo(2);
    }
}
