package dev.masync.warehouse.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.retrying.RetrySettings;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryCost;
import dev.masync.warehouse.QueryMeter;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.WarehouseException.Kind;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeResource;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import dev.masync.warehouse.bigquery.fake.FakeField;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The real BigQuery client against {@link BigQueryFakeServer}: what goes over the wire and what comes back. */
class BigQueryWarehouseTest {
    static final String PROJECT = BigQueryFakeResource.PROJECT;
    static final String DATASET = BigQueryFakeResource.DATASET;
    /** Millisecond backoff so retries and polls cost no real time. */
    static final RetrySettings FAST = RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(1))
            .setRetryDelayMultiplier(1.0)
            .setMaxRetryDelayDuration(Duration.ofMillis(1))
            .setTotalTimeoutDuration(Duration.ofSeconds(5))
            .setMaxAttempts(3)
            .build();

    static BigQueryFakeServer fake;

    @BeforeAll
    static void startFake() {
        fake = BigQueryFakeServer.start(PROJECT);
        fake.createDataset(DATASET);
        BigQueryFakeResource.seedDemo(fake, DATASET);
        fake.createTable(
                DATASET,
                "all_types",
                FakeField.of("s", "STRING"),
                FakeField.of("i", "INTEGER"),
                FakeField.of("i64", "INT64"),
                FakeField.of("f", "FLOAT"),
                FakeField.of("n", "NUMERIC"),
                FakeField.of("bn", "BIGNUMERIC"),
                FakeField.of("b", "BOOLEAN"),
                FakeField.of("d", "DATE"),
                FakeField.of("dt", "DATETIME"),
                FakeField.of("ts", "TIMESTAMP"),
                FakeField.of("t", "TIME"),
                FakeField.of("by", "BYTES"),
                FakeField.of("g", "GEOGRAPHY"),
                FakeField.of("j", "JSON"),
                FakeField.of("iv", "INTERVAL"),
                FakeField.record("rec", FakeField.of("a", "INTEGER"), FakeField.of("b", "STRING")),
                FakeField.repeated("tags", "STRING"),
                FakeField.repeated("scores", "FLOAT"),
                FakeField.repeated("days", "DATE"));
        fake.execute("CREATE TABLE learning.numbers AS SELECT range AS n, 'row ' || range AS label FROM range(25)");
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

    static BigQuerySettings settings() {
        return new BigQuerySettings(
                PROJECT, DATASET, null, fake.url(), null, true, 1000, Duration.ofMinutes(2), null, FAST, FAST);
    }

    static BigQueryWarehouse warehouse(BigQuerySettings settings) {
        return new BigQueryWarehouse(settings);
    }

    static BigQueryWarehouse warehouse() {
        return warehouse(settings());
    }

    static List<Row> rows(BigQueryWarehouse w, BoundQuery q) {
        List<Row> rows = new ArrayList<>();
        w.query(q, rows::add);
        return rows;
    }

    // ---- describe ----

    @Test
    void describeMapsEveryBigQueryTypeInTableOrder() {
        List<ColumnInfo> columns = warehouse().describe("all_types");

        assertThat(columns)
                .containsExactly(
                        new ColumnInfo("s", ColumnType.STRING, null, "STRING"),
                        new ColumnInfo("i", ColumnType.INTEGER, null, "INT64"),
                        new ColumnInfo("i64", ColumnType.INTEGER, null, "INT64"),
                        new ColumnInfo("f", ColumnType.NUMBER, null, "FLOAT64"),
                        new ColumnInfo("n", ColumnType.NUMBER, null, "NUMERIC"),
                        new ColumnInfo("bn", ColumnType.NUMBER, null, "BIGNUMERIC"),
                        new ColumnInfo("b", ColumnType.BOOLEAN, null, "BOOL"),
                        new ColumnInfo("d", ColumnType.DATE, null, "DATE"),
                        new ColumnInfo("dt", ColumnType.TIMESTAMP, null, "DATETIME"),
                        new ColumnInfo("ts", ColumnType.TIMESTAMP_TZ, null, "TIMESTAMP"),
                        new ColumnInfo("t", ColumnType.OTHER, null, "TIME"),
                        new ColumnInfo("by", ColumnType.OTHER, null, "BYTES"),
                        new ColumnInfo("g", ColumnType.OTHER, null, "GEOGRAPHY"),
                        new ColumnInfo("j", ColumnType.OTHER, null, "JSON"),
                        new ColumnInfo("iv", ColumnType.OTHER, null, "INTERVAL"),
                        new ColumnInfo("rec", ColumnType.OTHER, null, "STRUCT"),
                        new ColumnInfo("tags", ColumnType.ARRAY, ColumnType.STRING, "ARRAY<STRING>"),
                        new ColumnInfo("scores", ColumnType.ARRAY, ColumnType.NUMBER, "ARRAY<FLOAT64>"),
                        new ColumnInfo("days", ColumnType.ARRAY, ColumnType.DATE, "ARRAY<DATE>"));
        assertThat(fake.requests("tables.get"))
                .singleElement()
                .hasToString("GET /bigquery/v2/projects/test-project"
                        + "/datasets/learning/tables/all_types?prettyPrint=false&view=STORAGE_STATS");
    }

    @Test
    void mapsStandardAndLegacyTypeNamesAlike() {
        assertThat(BigQueryTypes.logical("INT64")).isEqualTo(BigQueryTypes.logical("INTEGER"));
        assertThat(BigQueryTypes.logical("FLOAT64")).isEqualTo(ColumnType.NUMBER);
        assertThat(BigQueryTypes.logical("BOOL")).isEqualTo(ColumnType.BOOLEAN);
        assertThat(BigQueryTypes.logical("STRUCT")).isEqualTo(ColumnType.OTHER);
        assertThat(BigQueryTypes.logical("RANGE")).isEqualTo(ColumnType.OTHER);
    }

    @Test
    void describeOfMissingTableIsNotFoundNamingTheTable() {
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().describe("nope"))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .withMessageContaining("test-project.learning.nope");
    }

    // ---- queries ----

    @Test
    void bindsParametersOfEveryTypeAndReturnsDocumentedJavaValues() {
        Instant instant = Instant.parse("2025-03-30T11:15:00.123456Z");
        LocalDateTime local = LocalDateTime.parse("2025-03-31T03:00:00.5");
        BoundQuery q = new SqlBuilder(warehouse().dialect())
                .sql("SELECT ")
                .param(ColumnType.STRING, "it's a `quote`")
                .sql(" AS s, ")
                .param(ColumnType.INTEGER, 42L)
                .sql(" AS i, ")
                .param(ColumnType.NUMBER, 0.25)
                .sql(" AS f, ")
                .param(ColumnType.NUMBER, new BigDecimal("12.345"))
                .sql(" AS n, ")
                .param(ColumnType.BOOLEAN, true)
                .sql(" AS b, ")
                .param(ColumnType.DATE, LocalDate.of(2025, 4, 7))
                .sql(" AS d, ")
                .param(ColumnType.TIMESTAMP, local)
                .sql(" AS dt, ")
                .param(ColumnType.TIMESTAMP_TZ, instant)
                .sql(" AS ts, ")
                .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, List.of("math", "english")))
                .sql(" AS tags, ")
                .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.DATE, List.of(LocalDate.of(2025, 1, 1))))
                .sql(" AS days, ")
                .param(ColumnType.INTEGER, null)
                .sql(" AS nothing, ")
                .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, null))
                .sql(" AS no_tags")
                .build();

        Row row = rows(warehouse(), q).get(0);

        assertThat(row.columns())
                .containsExactly("s", "i", "f", "n", "b", "d", "dt", "ts", "tags", "days", "nothing", "no_tags");
        assertThat(row.values())
                .containsExactly(
                        "it's a `quote`",
                        42L,
                        0.25,
                        new BigDecimal("12.345"),
                        true,
                        LocalDate.of(2025, 4, 7),
                        local,
                        instant,
                        List.of("math", "english"),
                        List.of(LocalDate.of(2025, 1, 1)),
                        null,
                        List.of());
        JsonNode params = fake.requests("jobs.insert").get(0).json().at("/configuration/query/queryParameters");
        List<String> types = new ArrayList<>();
        params.forEach(p -> types.add(p.at("/parameterType/type").asText()
                + p.at("/parameterType/arrayType/type").asText("").replaceAll("(.+)", "<$1>")));
        assertThat(types)
                .containsExactly(
                        "STRING",
                        "INT64",
                        "FLOAT64",
                        "NUMERIC",
                        "BOOL",
                        "DATE",
                        "DATETIME",
                        "TIMESTAMP",
                        "ARRAY<STRING>",
                        "ARRAY<DATE>",
                        "INT64",
                        "ARRAY<STRING>");
        assertThat(params.get(7).at("/parameterValue/value").asText()).isEqualTo("2025-03-30 11:15:00.123456+00:00");
        assertThat(params.get(10).get("parameterValue").isEmpty())
                .as("a NULL is a typed parameter without value")
                .isTrue();
    }

    @Test
    void filtersTableRowsWithBoundParameters() {
        BigQueryWarehouse w = warehouse();
        SqlBuilder b = new SqlBuilder(w.dialect());
        b.sql("SELECT ")
                .ident("learner_id")
                .sql(", ")
                .ident("churn_risk")
                .sql(", ")
                .ident("subjects")
                .sql(", ")
                .ident("last_active_at")
                .sql(", ")
                .ident("updated_at")
                .sql(" FROM ")
                .table("learner_status")
                .sql(" WHERE ")
                .ident("plan")
                .sql(" IN UNNEST(")
                .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, List.of("premium", "trial")))
                .sql(") AND ")
                .ident("last_active_at")
                .sql(" >= ")
                .param(ColumnType.TIMESTAMP_TZ, Instant.parse("2025-03-29T00:00:00Z"))
                .sql(" ORDER BY ")
                .ident("learner_id");

        List<Row> rows = rows(w, b.build());

        assertThat(rows).extracting(r -> r.get("learner_id")).containsExactly("L0001", "L0002", "L0005");
        Row first = rows.get(0);
        assertThat(first.get("churn_risk")).isEqualTo(new BigDecimal("0.1"));
        assertThat(first.get("subjects")).isEqualTo(List.of("math", "english"));
        assertThat(first.get("last_active_at")).isEqualTo(Instant.parse("2025-03-30T11:15:00Z"));
        assertThat(first.get("updated_at")).isEqualTo(LocalDateTime.parse("2025-03-31T03:00:00"));
    }

    @Test
    void catalogAggregatesOfTheDialectRunInBigQuerySyntax() {
        BigQueryWarehouse w = warehouse();
        BigQueryDialect d = (BigQueryDialect) w.dialect();
        BoundQuery q = BoundQuery.of("SELECT " + d.approxCountDistinct(d.quoteIdentifier("plan")) + " AS n, "
                + d.distinctValuesArray(d.quoteIdentifier("plan"), 50) + " AS plans FROM " + d.table("learner_status"));

        Row row = rows(w, q).get(0);

        assertThat(row.get("n")).isEqualTo(3L);
        assertThat(row.get("plans"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder("premium", "trial", "basic");
    }

    @Test
    void sendsStandardSqlJobWithDefaultDatasetLocationTimeoutAndBytesCap() {
        BigQueryWarehouse w = warehouse(new BigQuerySettings(
                PROJECT,
                DATASET,
                "asia-northeast1",
                fake.url(),
                null,
                true,
                1000,
                Duration.ofSeconds(90),
                1_000_000L,
                FAST,
                FAST));

        rows(w, BoundQuery.of("SELECT 1 AS one"));

        JsonNode job = fake.requests("jobs.insert").get(0).json();
        assertThat(job.at("/jobReference/location").asText()).isEqualTo("asia-northeast1");
        assertThat(job.at("/configuration/jobTimeoutMs").asText()).isEqualTo("90000");
        assertThat(job.at("/configuration/query/useLegacySql").asBoolean(true)).isFalse();
        assertThat(job.at("/configuration/query/defaultDataset/datasetId").asText())
                .isEqualTo(DATASET);
        assertThat(job.at("/configuration/query/maximumBytesBilled").asText()).isEqualTo("1000000");
        assertThat(fake.requests("jobs.getQueryResults"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.param("location")).isEqualTo("asia-northeast1"));
    }

    @Test
    void streamsAResultLargerThanThePageSizeInSeveralPages() {
        BigQueryWarehouse w = warehouse(settings().withPageSize(10));
        List<Object> seen = new ArrayList<>();

        long delivered = w.query(BoundQuery.of("SELECT n, label FROM numbers ORDER BY n"), r -> seen.add(r.get("n")));

        assertThat(delivered).isEqualTo(25);
        assertThat(seen).containsExactlyElementsOf(range(25));
        assertThat(fake.requests("tabledata.list"))
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.param("maxResults")).isEqualTo("10"));
    }

    @Test
    void followsPageTokensWhenTheServerCapsPagesBelowThePageSize() {
        fake.setPageSizeCap(4);
        List<Object> seen = new ArrayList<>();

        warehouse().query(BoundQuery.of("SELECT n FROM numbers ORDER BY n"), r -> seen.add(r.get("n")));

        assertThat(seen).containsExactlyElementsOf(range(25));
        assertThat(fake.requestCount("tabledata.list")).isEqualTo(7);
    }

    @Test
    void stopsFetchingPagesWhenTheConsumerReturnsFalse() {
        BigQueryWarehouse w = warehouse(settings().withPageSize(10));
        List<Object> seen = new ArrayList<>();

        long delivered = w.query(BoundQuery.of("SELECT n FROM numbers ORDER BY n"), r -> {
            seen.add(r.get("n"));
            return seen.size() < 12;
        });

        assertThat(delivered).isEqualTo(12);
        assertThat(seen).containsExactlyElementsOf(range(12));
        assertThat(fake.requestCount("tabledata.list")).isEqualTo(2);
    }

    @Test
    void pollsAJobThatIsNotCompleteAtFirst() {
        fake.completeJobsAfterPolls(3);

        List<Row> rows = rows(warehouse(), BoundQuery.of("SELECT learner_id FROM learner_status ORDER BY 1"));

        assertThat(rows).hasSize(5);
        assertThat(fake.requestCount("jobs.insert")).isEqualTo(1);
        assertThat(fake.requestCount("jobs.getQueryResults") + fake.requestCount("jobs.get"))
                .as("three 'not done' answers, then done")
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void emptyResultReturnsNoRows() {
        long delivered = warehouse().query(BoundQuery.of("SELECT n FROM numbers WHERE n < 0"), r -> {
            throw new AssertionError("no rows expected");
        });

        assertThat(delivered).isZero();
    }

    // ---- failures ----

    @Test
    void invalidQueryIsReportedWithBigQuerysMessage() {
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().query(BoundQuery.of("SELECT nope FROM learner_status"), r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_QUERY))
                .withMessageContaining("nope");
    }

    @Test
    void queryOfMissingTableIsNotFound() {
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(
                        () -> warehouse().query(BoundQuery.of("SELECT * FROM `test-project.learning.nope`"), r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .withMessageContaining("learning.nope");
    }

    @Test
    void retriesRateLimitedQueryThenSucceeds() {
        fake.failNext("jobs.insert", 1, 403, "rateLimitExceeded", null);

        List<Row> rows = rows(warehouse(), BoundQuery.of("SELECT learner_id FROM learner_status"));

        assertThat(rows).hasSize(5);
        assertThat(fake.requestCount("jobs.insert"))
                .as("the client retried the throttled insert")
                .isEqualTo(2);
    }

    @Test
    void retriesBackendErrorWhilePollingThenSucceeds() {
        fake.failNext("jobs.getQueryResults", 1, 503, "backendError", null);

        assertThat(rows(warehouse(), BoundQuery.of("SELECT learner_id FROM learner_status")))
                .hasSize(5);
    }

    @Test
    void retriesServerErrorOnTableMetadata() {
        fake.failNext("tables.get", 2, 500, "internalError", null);

        assertThat(warehouse().describe("learner_status")).hasSize(14);
        assertThat(fake.requestCount("tables.get")).isEqualTo(3);
    }

    @Test
    void retriesServerErrorOnALaterPage() {
        fake.failNext("tabledata.list", 1, 503, "backendError", null);
        List<Object> seen = new ArrayList<>();

        warehouse(settings().withPageSize(10))
                .query(BoundQuery.of("SELECT n FROM numbers ORDER BY n"), r -> seen.add(r.get("n")));

        assertThat(seen).containsExactlyElementsOf(range(25));
    }

    @Test
    void repeatsAnInsertWhoseResponseWasLostWithoutRunningTheQueryTwice() {
        fake.loseResponsesOfNext("jobs.insert", 1, 503, "backendError");

        assertThat(rows(warehouse(), BoundQuery.of("SELECT n FROM numbers"))).hasSize(25);
        List<BigQueryFakeServer.Request> inserts = fake.requests("jobs.insert");
        assertThat(inserts).hasSize(2);
        assertThat(inserts.get(1).json().at("/jobReference/jobId"))
                .as("same job id, so BigQuery answers 'Already Exists' and the client fetches the job")
                .isEqualTo(inserts.get(0).json().at("/jobReference/jobId"));
    }

    @Test
    void retriesRateLimitedPageRead() {
        fake.failNext("tabledata.list", 1, 403, "rateLimitExceeded", null);

        assertThat(rows(warehouse(), BoundQuery.of("SELECT n FROM numbers"))).hasSize(25);
        assertThat(fake.requestCount("tabledata.list")).isEqualTo(2);
    }

    @Test
    void persistentBackendErrorBecomesTransientAfterRetries() {
        fake.failNext(null, Integer.MAX_VALUE, 500, "backendError", null);

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().query(BoundQuery.of("SELECT 1"), r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
        assertThat(fake.requestCount("jobs.insert")).isEqualTo(FAST.getMaxAttempts());
    }

    @Test
    void persistentRateLimitBecomesTransient() {
        fake.failNext("jobs.insert", Integer.MAX_VALUE, 403, "rateLimitExceeded", null);

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().query(BoundQuery.of("SELECT 1"), r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
    }

    @Test
    void accessDeniedIsNotRetried() {
        fake.failNext("jobs.insert", 1, 403, "accessDenied", null);

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().query(BoundQuery.of("SELECT 1"), r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED))
                .withMessageContaining("bigquery.jobs.create");
        assertThat(fake.requestCount("jobs.insert")).isEqualTo(1);
    }

    @Test
    void missingCredentialsAreAccessDenied() {
        fake.failNext("tables.get", 1, 401, "unauthorized", "Request is missing required authentication credential.");

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().describe("learner_status"))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED));
    }

    @Test
    void queryOverTheBytesCapIsRejected() {
        BigQueryWarehouse w = warehouse(settings().withMaximumBytesBilled(10L));

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> w.query(BoundQuery.of("SELECT learner_id FROM learner_status"), r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.BUDGET_EXCEEDED))
                .withMessageContaining("bytes billed");
    }

    @Test
    void reportsEachJobsBytesProcessedAndBilledToTheMeter() {
        List<QueryCost> costs = new ArrayList<>();
        QueryMeter meter = (call, cost) -> costs.add(cost);
        BoundQuery q = new SqlBuilder(warehouse().dialect())
                .sql("SELECT learner_id FROM ")
                .table("learner_status")
                .sql(" WHERE plan = ")
                .param(ColumnType.STRING, "premium")
                .build();
        long estimate = warehouse().dryRun(q);

        long rows = warehouse().query(q, r -> true, meter);

        assertThat(costs).containsExactly(new QueryCost(estimate, estimate, rows));
    }

    @Test
    void capsAJobsBytesBilledAtTheMetersRemainingBudget() {
        QueryMeter almostSpent = new QueryMeter() {
            @Override
            public void record(String call, QueryCost cost) {
                throw new AssertionError("nothing ran");
            }

            @Override
            public java.util.OptionalLong remainingBytesBilled() {
                return java.util.OptionalLong.of(10);
            }
        };

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse(settings().withMaximumBytesBilled(1_000_000L))
                        .query(BoundQuery.of("SELECT learner_id FROM learner_status"), r -> true, almostSpent))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.BUDGET_EXCEEDED));
        assertThat(fake.requests("jobs.insert")
                        .get(0)
                        .json()
                        .at("/configuration/query/maximumBytesBilled")
                        .asText())
                .isEqualTo("10");
    }

    @Test
    void aSpentBudgetStartsNoJob() {
        QueryMeter spent = new QueryMeter() {
            @Override
            public void record(String call, QueryCost cost) {}

            @Override
            public java.util.OptionalLong remainingBytesBilled() {
                return java.util.OptionalLong.of(0);
            }
        };

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().execute(BoundQuery.of("SELECT 1"), spent))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.BUDGET_EXCEEDED));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void unreachableApiIsUnavailable() {
        BigQuerySettings closedPort = new BigQuerySettings(
                PROJECT,
                DATASET,
                null,
                "http://127.0.0.1:1",
                null,
                true,
                1000,
                Duration.ofMinutes(1),
                null,
                FAST,
                FAST);

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse(closedPort).ping())
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void invalidParameterValueIsAnInvalidQueryBeforeAnyCall() {
        BoundQuery q = new BoundQuery("SELECT @p0", List.of(QueryParam.of("p0", ColumnType.INTEGER, "forty-two")));

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().query(q, r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_QUERY))
                .withMessageContaining("p0");
        assertThat(fake.requests()).isEmpty();
    }

    // ---- dry run, ping ----

    @Test
    void dryRunReturnsTheBytesTheQueryWouldProcess() {
        BoundQuery q = new SqlBuilder(warehouse().dialect())
                .sql("SELECT learner_id FROM ")
                .table("learner_status")
                .sql(" WHERE plan = ")
                .param(ColumnType.STRING, "premium")
                .build();

        long bytes = warehouse().dryRun(q);

        // learner_id and plan of 5 rows: (2 + 5) * 5 + (2 + 7) * 3 + (2 + 5) + (2 + 5)
        assertThat(bytes).isEqualTo(35 + 27 + 7 + 7);
        JsonNode job = fake.requests("jobs.insert").get(0).json();
        assertThat(job.at("/configuration/dryRun").asBoolean()).isTrue();
        assertThat(fake.requests())
                .extracting(BigQueryFakeServer.Request::operation)
                .containsExactly("jobs.insert");
    }

    @Test
    void dryRunOfInvalidQueryIsInvalidQuery() {
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse().dryRun(BoundQuery.of("SELEC 1")))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_QUERY))
                .withMessageContaining("syntax error");
    }

    @Test
    void pingReadsTheDatasetAndReportsAMissingOne() {
        assertThat(warehouse().kind()).isEqualTo("bigquery");
        warehouse().ping();
        assertThat(fake.requests())
                .extracting(BigQueryFakeServer.Request::operation)
                .containsExactly("datasets.get");

        BigQuerySettings other = new BigQuerySettings(
                PROJECT, "other", null, fake.url(), null, true, 1000, Duration.ofMinutes(1), null, FAST, FAST);
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse(other).ping())
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    // ---- identifiers ----

    @Test
    void quotesIdentifiersWithBackticksQuotesAndBackslashesSafely() {
        fake.createTable(
                DATASET,
                "odd names",
                FakeField.of("we`ird", "STRING"),
                FakeField.of("quo\"te", "INT64"),
                FakeField.of("back\\slash", "BOOL"));
        fake.execute("INSERT INTO learning.\"odd names\" VALUES ('x', 1, true)");
        BigQueryWarehouse w = warehouse();
        BoundQuery q = new SqlBuilder(w.dialect())
                .sql("SELECT ")
                .ident("we`ird")
                .sql(", ")
                .ident("quo\"te")
                .sql(", ")
                .ident("back\\slash")
                .sql(" FROM ")
                .table("odd names")
                .build();

        Row row = rows(w, q).get(0);

        assertThat(w.describe("odd names"))
                .extracting(ColumnInfo::name)
                .containsExactly("we`ird", "quo\"te", "back\\slash");
        assertThat(Map.of("w", row.get("we`ird"), "q", row.get("quo\"te"), "b", row.get("back\\slash")))
                .isEqualTo(Map.of("w", "x", "q", 1L, "b", true));
    }

    @Test
    void identifierCannotBreakOutOfItsQuotes() {
        BigQueryWarehouse w = warehouse();
        BoundQuery q = new SqlBuilder(w.dialect())
                .sql("SELECT ")
                .ident("n` FROM `numbers`; SELECT `label")
                .sql(" FROM ")
                .table("numbers")
                .build();

        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> w.query(q, r -> true))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_QUERY));
        assertThat(rows(w, BoundQuery.of("SELECT count(*) AS c FROM numbers"))
                        .get(0)
                        .get("c"))
                .isEqualTo(25L);
    }

    private static List<Object> range(int n) {
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
