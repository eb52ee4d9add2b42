package dev.masync.warehouse.bigquery.fake;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableId;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.bigquery.BigQuerySettings;
import dev.masync.warehouse.bigquery.BigQueryWarehouse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * DDL, DML and the functions sync state needs, through the real client: what the fake translates, the job
 * statistics it reports (statement type, DDL operation, DML row counts) and what it refuses as BigQuery does.
 */
class BigQueryFakeStatementsTest {
    static BigQueryFakeServer fake;
    static BigQuery client;

    @BeforeAll
    static void startFake() {
        fake = BigQueryFakeServer.start();
        client = BigQueryOptions.newBuilder()
                .setHost(fake.url())
                .setProjectId(fake.project())
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void freshDataset() {
        fake.reset().execute("DROP SCHEMA IF EXISTS ds CASCADE").createDataset("ds");
    }

    static Job job(String sql, Map<String, QueryParameterValue> params) throws InterruptedException {
        QueryJobConfiguration config = QueryJobConfiguration.newBuilder(sql)
                .setUseLegacySql(false)
                .setDefaultDataset("ds")
                .setNamedParameters(params)
                .build();
        return client.create(JobInfo.of(config)).waitFor();
    }

    static JobStatistics.QueryStatistics ok(String sql) throws InterruptedException {
        return ok(sql, Map.of());
    }

    static JobStatistics.QueryStatistics ok(String sql, Map<String, QueryParameterValue> params)
            throws InterruptedException {
        Job done = job(sql, params);
        assertThat(done.getStatus().getError()).as(sql).isNull();
        return done.getStatistics();
    }

    static BigQueryError error(String sql) throws InterruptedException {
        return error(sql, Map.of());
    }

    /** The error of a job BigQuery refuses; the client's {@code waitFor} throws it for query jobs. */
    static BigQueryError error(String sql, Map<String, QueryParameterValue> params) throws InterruptedException {
        BigQueryError e;
        try {
            e = job(sql, params).getStatus().getError();
        } catch (BigQueryException thrown) {
            e = thrown.getError();
        }
        assertThat(e).as("BigQuery refuses: " + sql).isNotNull();
        return e;
    }

    static FieldValueList row(String sql, Map<String, QueryParameterValue> params) throws InterruptedException {
        QueryJobConfiguration config = QueryJobConfiguration.newBuilder(sql)
                .setUseLegacySql(false)
                .setDefaultDataset("ds")
                .setNamedParameters(params)
                .build();
        return client.query(config).getValues().iterator().next();
    }

    static FieldValueList row(String sql) throws InterruptedException {
        return row(sql, Map.of());
    }

    static List<String> columns(String table) {
        List<String> out = new ArrayList<>();
        for (Field f : client.getTable(TableId.of("ds", table))
                .getDefinition()
                .getSchema()
                .getFields()) {
            out.add(f.getName() + " " + f.getType().name() + (f.getMode() == Field.Mode.REPEATED ? "[]" : ""));
        }
        return out;
    }

    @Test
    void createTableTakesBigQueryTypesAndReportsTheDdlOperation() throws Exception {
        String ddl = "CREATE TABLE IF NOT EXISTS `test-project`.`ds`.`t` (k STRING NOT NULL, n INT64, ts TIMESTAMP,"
                + " dt DATETIME, a ARRAY<INT64>, s STRUCT<x INT64, y ARRAY<STRING>>, price NUMERIC(10, 2))";
        JobStatistics.QueryStatistics created = ok(ddl);
        assertThat(created.getStatementType().name()).isEqualTo("CREATE_TABLE");
        assertThat(created.getDdlOperationPerformed()).isEqualTo("CREATE");
        assertThat(created.getDdlTargetTable().getTable()).isEqualTo("t");
        assertThat(columns("t"))
                .containsExactly(
                        "k STRING",
                        "n INTEGER",
                        "ts TIMESTAMP",
                        "dt DATETIME",
                        "a INTEGER[]",
                        "s RECORD",
                        "price NUMERIC");
        assertThat(ok(ddl).getDdlOperationPerformed()).isEqualTo("SKIP");

        assertThat(error("CREATE TABLE ds.t (k STRING)").getReason()).isEqualTo("duplicate");
        assertThat(error("CREATE TABLE ds.u (k VARCHAR)").getMessage()).contains("Type not found: VARCHAR");
        assertThat(error("CREATE TABLE ds.u (a ARRAY<ARRAY<INT64>>)").getMessage())
                .contains("Arrays of arrays");
    }

    @Test
    void createOrReplaceTableAsSelectAndDropTableIfExists() throws Exception {
        JobStatistics.QueryStatistics first = ok("CREATE OR REPLACE TABLE ds.t AS SELECT 1 AS n");
        assertThat(first.getStatementType().name()).isEqualTo("CREATE_TABLE_AS_SELECT");
        assertThat(first.getDdlOperationPerformed()).isEqualTo("CREATE");
        assertThat(ok("CREATE OR REPLACE TABLE ds.t AS SELECT 2 AS n").getDdlOperationPerformed())
                .isEqualTo("REPLACE");
        assertThat(row("SELECT n FROM ds.t").get(0).getLongValue()).isEqualTo(2);

        JobStatistics.QueryStatistics dropped = ok("DROP TABLE IF EXISTS ds.t");
        assertThat(dropped.getStatementType().name()).isEqualTo("DROP_TABLE");
        assertThat(dropped.getDdlOperationPerformed()).isEqualTo("DROP");
        assertThat(ok("DROP TABLE IF EXISTS ds.t").getDdlOperationPerformed()).isEqualTo("SKIP");
        assertThat(error("DROP TABLE ds.t").getReason()).isEqualTo("notFound");
    }

    @Test
    void dmlReportsTheRowsItAffected() throws Exception {
        ok("CREATE TABLE ds.t (k STRING, v INT64)");
        JobStatistics.QueryStatistics inserted = ok("INSERT INTO ds.t (k, v) VALUES ('a', 1), ('b', 2), ('c', 3)");
        assertThat(inserted.getStatementType().name()).isEqualTo("INSERT");
        assertThat(inserted.getNumDmlAffectedRows()).isEqualTo(3);
        assertThat(inserted.getDmlStats().getInsertedRowCount()).isEqualTo(3);
        assertThat(ok("UPDATE ds.t SET v = v + 1 WHERE k <> 'a'").getNumDmlAffectedRows())
                .isEqualTo(2);
        assertThat(ok("DELETE FROM ds.t WHERE k = 'a'").getDmlStats().getDeletedRowCount())
                .isEqualTo(1);
    }

    @Test
    void mergeCountsWhatEachClauseDidAndRefusesSeveralSourceRowsForOneTargetRow() throws Exception {
        ok("CREATE TABLE ds.t (k STRING, v INT64)");
        ok("INSERT INTO ds.t (k, v) VALUES ('a', 1), ('b', 2)");
        String merge = """
                MERGE `test-project.ds.t` AS s
                USING (SELECT k, v, op FROM UNNEST(@keys) AS k WITH OFFSET AS o
                       JOIN (SELECT @v AS v, 'L' AS op) ON o = 0
                       UNION ALL SELECT 'b', 20, 'C' UNION ALL SELECT 'c', 30, 'E') AS c
                ON s.k = c.k
                WHEN MATCHED AND c.op = 'L' THEN DELETE
                WHEN MATCHED THEN UPDATE SET v = c.v
                WHEN NOT MATCHED AND c.op <> 'L' THEN INSERT (k, v) VALUES (c.k, c.v)""";
        JobStatistics.QueryStatistics stats = ok(
                merge,
                Map.of(
                        "keys", QueryParameterValue.array(new String[] {"a", "zz"}, String.class),
                        "v", QueryParameterValue.int64(0L)));
        assertThat(stats.getStatementType().name()).isEqualTo("MERGE");
        assertThat(stats.getNumDmlAffectedRows()).isEqualTo(3);
        assertThat(stats.getDmlStats().getInsertedRowCount()).isEqualTo(1);
        assertThat(stats.getDmlStats().getUpdatedRowCount()).isEqualTo(1);
        assertThat(stats.getDmlStats().getDeletedRowCount()).isEqualTo(1);
        assertThat(row("SELECT STRING_AGG(k || ':' || CAST(v AS STRING), ',' ORDER BY k) FROM ds.t")
                        .get(0)
                        .getStringValue())
                .isEqualTo("b:20,c:30");

        BigQueryError twice = error("MERGE ds.t USING (SELECT 'b' AS k UNION ALL SELECT 'b') AS c ON t.k = c.k"
                + " WHEN MATCHED THEN UPDATE SET v = 99");
        assertThat(twice.getMessage()).isEqualTo("UPDATE/MERGE must match at most one source row for each target row");
        assertThat(row("SELECT v FROM ds.t WHERE k = 'b'").get(0).getLongValue())
                .isEqualTo(20);
        // inserting only: several matches are no error
        ok("MERGE INTO ds.t USING (SELECT 'd' AS k UNION ALL SELECT 'e') AS c ON t.k = c.k"
                + " WHEN NOT MATCHED THEN INSERT (k, v) VALUES (c.k, 0)");
    }

    @Test
    void arraysFollowBigQuerysWriteRules() throws Exception {
        assertThat(error("CREATE TABLE ds.t AS SELECT [1, NULL] AS a").getMessage())
                .isEqualTo("Array cannot have a null element; error in writing field a");
        assertThat(fake.requests("jobs.insert")).hasSize(1);
        assertThat(client.getTable(TableId.of("ds", "t")))
                .as("the failed statement left nothing")
                .isNull();

        ok("CREATE TABLE ds.t AS SELECT CAST(NULL AS ARRAY<INT64>) AS a, ARRAY<STRING>[] AS b");
        FieldValueList stored = row("SELECT a, b, a IS NULL AS gone FROM ds.t");
        assertThat(stored.get("a").getRepeatedValue())
                .as("a NULL array is stored empty")
                .isEmpty();
        assertThat(stored.get("b").getRepeatedValue()).isEmpty();
        assertThat(stored.get("gone").getBooleanValue()).isFalse();
        assertThatExceptionOfType(BigQueryException.class)
                .isThrownBy(() -> row("SELECT [1, NULL] AS a"))
                .withMessageContaining("Array cannot have a null element");
    }

    @Test
    void subscriptsAreZeroOrOneBasedAndOutOfBoundsAsInBigQuery() throws Exception {
        FieldValueList r = row(
                "SELECT @a[OFFSET(1)] AS o, @a[ORDINAL(1)] AS n, @a[SAFE_OFFSET(5)] AS so,"
                        + " @a[SAFE_ORDINAL(0)] AS sn, t.x[SAFE_OFFSET(0)] AS col FROM (SELECT [7] AS x) AS t",
                Map.of("a", QueryParameterValue.array(new Long[] {10L, 20L, 30L}, Long.class)));
        assertThat(r.get("o").getLongValue()).isEqualTo(20);
        assertThat(r.get("n").getLongValue()).isEqualTo(10);
        assertThat(r.get("so").isNull()).isTrue();
        assertThat(r.get("sn").isNull()).isTrue();
        assertThat(r.get("col").getLongValue()).isEqualTo(7);

        assertThat(error("SELECT x[OFFSET(3)] FROM (SELECT [1] AS x)").getMessage())
                .contains("Array index 3 is out of bounds (overflow)");
        assertThat(error("SELECT x[1] FROM (SELECT [1] AS x)").getMessage()).contains("[OFFSET(i)]");
    }

    @Test
    void farmFingerprintIsBigQuerysAndToJsonStringSpellsNullAsNull() throws Exception {
        // the examples of BigQuery's FARM_FINGERPRINT documentation
        FieldValueList r = row("SELECT FARM_FINGERPRINT(CONCAT('1', 'foo', 'true')) AS a,"
                + " FARM_FINGERPRINT('2applefalse') AS b, FARM_FINGERPRINT('3true') AS c,"
                + " FARM_FINGERPRINT(CAST(NULL AS STRING)) AS d,"
                + " TO_JSON_STRING(STRUCT(1 AS a, 'x' AS b, [1, 2] AS c)) AS j, TO_JSON_STRING(NULL) AS n");
        assertThat(r.get("a").getLongValue()).isEqualTo(-1541654101129638711L);
        assertThat(r.get("b").getLongValue()).isEqualTo(2794438866806483259L);
        assertThat(r.get("c").getLongValue()).isEqualTo(-4880158226897771312L);
        assertThat(r.get("d").isNull()).isTrue();
        assertThat(r.get("j").getStringValue()).isEqualTo("{\"a\":1,\"b\":\"x\",\"c\":[1,2]}");
        assertThat(r.get("n").getStringValue()).isEqualTo("null");

        assertThat(error("SELECT FARM_FINGERPRINT(5)").getReason()).isEqualTo("invalidQuery");
        assertThat(error("SELECT TO_JSON_STRING(STRUCT(1 + 1))").getMessage()).contains("AS name");
    }

    @Test
    void rangeBucketUnnestWithOffsetCountifAndIsDistinctFrom() throws Exception {
        FieldValueList r = row("SELECT RANGE_BUCKET(20, [0, 10, 20, 30]) AS three, RANGE_BUCKET(-1, [0]) AS zero,"
                + " RANGE_BUCKET(NULL, [0]) AS none, NULL IS DISTINCT FROM 1 AS d1, 1 IS DISTINCT FROM 1 AS d2,"
                + " (SELECT COUNTIF(x > 0) FROM UNNEST(ARRAY<INT64>[]) AS x) AS no_rows");
        assertThat(r.get("three").getLongValue()).isEqualTo(3);
        assertThat(r.get("zero").getLongValue()).isZero();
        assertThat(r.get("none").isNull()).isTrue();
        assertThat(r.get("d1").getBooleanValue()).isTrue();
        assertThat(r.get("d2").getBooleanValue()).isFalse();
        assertThat(r.get("no_rows").getLongValue()).isZero();
        assertThat(error("SELECT RANGE_BUCKET(1, [3, 1])").getMessage()).contains("ascending order");

        QueryJobConfiguration q = QueryJobConfiguration.newBuilder(
                        "SELECT STRING_AGG(x || '@' || CAST(o AS STRING), ',' ORDER BY o) AS s"
                                + " FROM UNNEST(@a) AS x WITH OFFSET AS o")
                .setUseLegacySql(false)
                .addNamedParameter("a", QueryParameterValue.array(new String[] {"p", "q", "r"}, String.class))
                .build();
        assertThat(client.query(q).getValues().iterator().next().get(0).getStringValue())
                .isEqualTo("p@0,q@1,r@2");
    }

    @Test
    void theWarehouseExecutesStatementsAndReportsAffectedRows() {
        BigQueryWarehouse warehouse = new BigQueryWarehouse(new BigQuerySettings(
                fake.project(),
                "ds",
                null,
                fake.url(),
                null,
                true,
                100,
                Duration.ofMinutes(1),
                null,
                BigQuerySettings.DEFAULT_RETRY,
                BigQuerySettings.DEFAULT_POLLING));
        assertThat(warehouse.execute(BoundQuery.of("CREATE TABLE ds.t (k STRING)")))
                .isEqualTo(-1);
        assertThat(warehouse.execute(BoundQuery.of("INSERT INTO ds.t (k) VALUES ('a'), ('b')")))
                .isEqualTo(2);
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse.execute(BoundQuery.of("DROP TABLE ds.missing")))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.NOT_FOUND));
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> warehouse.execute(BoundQuery.of("CREATE TABLE ds.t (k STRING)")))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.INVALID_QUERY));
        // the client waits for a job with getQueryResults?maxResults=0; no result row is ever read
        assertThat(fake.requests("tabledata.list")).isEmpty();
        assertThat(fake.requests("jobs.getQueryResults"))
                .allSatisfy(r -> assertThat(r.param("maxResults")).isEqualTo("0"));
    }
}
