package dev.masync.segment.rule;

import com.google.api.gax.retrying.RetrySettings;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.testing.DuckDbFiles;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.bigquery.BigQuerySettings;
import dev.masync.warehouse.bigquery.BigQueryWarehouse;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import dev.masync.warehouse.bigquery.fake.FakeField;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** BigQuery SQL through the real client against the REST fake returns the same members as DuckDB on equal data. */
class SegmentCompilerBigQueryTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    static final Instant AS_OF = Instant.parse("2026-02-28T12:00:00Z");
    static final RetrySettings FAST = RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(1))
            .setRetryDelayMultiplier(1.0)
            .setMaxRetryDelayDuration(Duration.ofMillis(1))
            .setTotalTimeoutDuration(Duration.ofSeconds(5))
            .setMaxAttempts(3)
            .build();
    static final String LEARNERS = " learners VALUES"
            + " ('L1', 'hs3', 'active', DATE '2026-03-15', TIMESTAMP '2026-02-27 10:00:00',"
            + "  TIMESTAMPTZ '2025-05-01 00:00:00+00', ['math', 'line'], 10, 0.2, true),"
            + " ('L2', 'ronin', 'lapsed', DATE '2026-06-01', TIMESTAMP '2026-02-10 10:00:00',"
            + "  TIMESTAMPTZ '2024-12-31 16:00:00+00', ['english'], 40, 0.7, false),"
            + " ('L3', 'jh1', 'trial', NULL, NULL, TIMESTAMPTZ '2025-12-31 14:59:59+00', [], 0, NULL, NULL),"
            + " ('L4', 'hs1', 'active', DATE '2026-02-28', TIMESTAMP '2026-02-28 20:59:00',"
            + "  TIMESTAMPTZ '2026-01-01 00:00:00+00', ['line', 'science'], 25, 0.5, true),"
            + " ('L5', 'hs3', 'active', DATE '2026-04-29', TIMESTAMP '2026-02-21 21:00:00',"
            + "  TIMESTAMPTZ '2025-07-07 07:00:00+00', NULL, 5, 0.1, true)";
    static final String VIEWS = " lecture_views VALUES"
            + " ('L1', 'math', TIMESTAMP '2026-02-27 09:00:00', 600),"
            + " ('L1', 'math', TIMESTAMP '2026-02-20 09:00:00', 900),"
            + " ('L1', 'english', TIMESTAMP '2026-01-02 09:00:00', 300),"
            + " ('L2', 'math', TIMESTAMP '2026-02-28 21:00:00', 1200),"
            + " ('L2', 'math', TIMESTAMP '2026-02-28 21:00:01', 1200),"
            + " ('L4', 'science', TIMESTAMP '2026-01-31 21:00:00', 100)";
    static final Map<String, String> SAVED = Map.of(
            "math_tag", "{\"attribute\": \"tags\", \"op\": \"contains\", \"value\": \"math\"}",
            "math_viewer",
                    "{\"event\": \"lecture_views\", \"where\": {\"attribute\": \"subject\", \"op\": \"eq\","
                            + " \"value\": \"math\"}, \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": 1}",
            "math_either", "{\"any\": [{\"segment\": \"math_tag\"}, {\"segment\": \"math_viewer\"}]}",
            "math_tag_only", "{\"all\": [{\"segment\": \"math_either\"}, {\"not\": {\"segment\": \"math_viewer\"}}]}");
    static final SegmentLookup LOOKUP =
            key -> Optional.ofNullable(SAVED.get(key)).map(GoldenRules::json);

    static BigQueryFakeServer fake;
    static BigQueryWarehouse bigQuery;
    static DuckDbWarehouse duckDb;

    @BeforeAll
    static void seed() {
        fake = BigQueryFakeServer.start("test-project");
        fake.createDataset("learning");
        fake.createTable(
                "learning",
                "learners",
                FakeField.of("learner_id", "STRING"),
                FakeField.of("grade", "STRING"),
                FakeField.of("plan_status", "STRING"),
                FakeField.of("exam_date", "DATE"),
                FakeField.of("last_active_at", "DATETIME"),
                FakeField.of("signup_tz", "TIMESTAMP"),
                FakeField.repeated("tags", "STRING"),
                FakeField.of("watch_minutes", "INT64"),
                FakeField.of("churn", "FLOAT64"),
                FakeField.of("email_opt_in", "BOOL"));
        fake.createTable(
                "learning",
                "lecture_views",
                FakeField.of("learner_id", "STRING"),
                FakeField.of("subject", "STRING"),
                FakeField.of("viewed_at", "DATETIME"),
                FakeField.of("watch_seconds", "INT64"));
        fake.execute("INSERT INTO learning." + LEARNERS.strip(), "INSERT INTO learning." + VIEWS.strip());
        bigQuery = new BigQueryWarehouse(new BigQuerySettings(
                "test-project",
                "learning",
                null,
                fake.url(),
                null,
                true,
                1000,
                Duration.ofMinutes(2),
                null,
                FAST,
                FAST));
        Path file = DuckDbFiles.create(
                Path.of("target", "test-data", "segment-rules", "bigquery-twin.duckdb"),
                "SET TimeZone = 'UTC'",
                "CREATE TABLE learners (learner_id VARCHAR, grade VARCHAR, plan_status VARCHAR, exam_date DATE,"
                        + " last_active_at TIMESTAMP, signup_tz TIMESTAMPTZ, tags VARCHAR[], watch_minutes BIGINT,"
                        + " churn DOUBLE, email_opt_in BOOLEAN)",
                "CREATE TABLE lecture_views (learner_id VARCHAR, subject VARCHAR, viewed_at TIMESTAMP,"
                        + " watch_seconds BIGINT)",
                "INSERT INTO" + LEARNERS,
                "INSERT INTO" + VIEWS);
        duckDb = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(file, true, null, null, null));
    }

    @AfterAll
    static void stop() {
        if (bigQuery != null) {
            bigQuery.close();
        }
        if (duckDb != null) {
            duckDb.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    static Catalog catalog(Warehouse w) {
        return new CatalogReader(
                        new CatalogSpec(
                                "learners",
                                "learner_id",
                                List.of("lecture_views"),
                                Map.of(),
                                Map.of(),
                                50,
                                Duration.ofHours(1)),
                        Clock.systemUTC())
                .read(w);
    }

    static List<String> members(Warehouse w, String json) {
        Catalog catalog = catalog(w);
        Rule rule = GoldenRules.parse(json);
        assertThat(RuleValidator.validate(rule, "/rule", catalog, LOOKUP, null)).isEmpty();
        List<String> keys = new ArrayList<>();
        w.query(
                new SegmentCompiler(w.dialect(), catalog, ZONE, LOOKUP)
                        .members(rule, AS_OF, List.of("grade"), null, 100),
                r -> keys.add((String) r.get(0)));
        return keys;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"attribute\": \"grade\", \"op\": \"in\", \"values\": [\"hs3\", \"ronin\"]}",
                "{\"attribute\": \"grade\", \"op\": \"starts_with\", \"value\": \"h\"}",
                "{\"any\": [{\"attribute\": \"grade\", \"op\": \"ends_with\", \"value\": \"1\"},"
                        + " {\"attribute\": \"plan_status\", \"op\": \"contains\", \"value\": \"aps\"}]}",
                "{\"attribute\": \"last_active_at\", \"op\": \"within_last\", \"duration\": \"P7D\"}",
                "{\"not\": {\"attribute\": \"last_active_at\", \"op\": \"before_last\", \"duration\": \"P7D\"}}",
                "{\"attribute\": \"exam_date\", \"op\": \"within_next\", \"duration\": \"P60D\"}",
                "{\"attribute\": \"signup_tz\", \"op\": \"between\", \"from\": \"2025-01-01\", \"to\": \"2025-12-31\"}",
                "{\"attribute\": \"tags\", \"op\": \"contains_all\", \"values\": [\"math\", \"line\"]}",
                "{\"attribute\": \"tags\", \"op\": \"contains_any\", \"values\": [\"science\", \"english\"]}",
                "{\"all\": [{\"segment\": \"math_tag\"}, {\"attribute\": \"email_opt_in\", \"op\": \"is_true\"}]}",
                "{\"attribute\": \"churn\", \"op\": \"between\", \"from\": 0.1, \"to\": 0.5}",
                "{\"event\": \"lecture_views\", \"where\": {\"attribute\": \"subject\", \"op\": \"eq\", \"value\": \"math\"},"
                        + " \"within_last\": \"P28D\", \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": 1}",
                "{\"event\": \"lecture_views\", \"within_last\": \"P14D\", \"aggregate\": {\"fn\": \"count\"},"
                        + " \"op\": \"eq\", \"value\": 0}",
                "{\"event\": \"lecture_views\", \"aggregate\": {\"fn\": \"sum\", \"attribute\": \"watch_seconds\"},"
                        + " \"op\": \"lt\", \"value\": 1000}",
                "{\"event\": \"lecture_views\", \"aggregate\": {\"fn\": \"max\", \"attribute\": \"viewed_at\"},"
                        + " \"op\": \"lt\", \"value\": \"2026-02-28\"}"
            })
    void bigQueryReturnsTheSameMembersAsDuckDb(String rule) {
        List<String> expected = members(duckDb, rule);

        assertThat(members(bigQuery, rule)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"any\": [{\"segment\": \"math_tag_only\"}, {\"all\": [{\"segment\": \"math_viewer\"},"
                        + " {\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"ronin\"}]}]}",
                "{\"all\": [{\"segment\": \"math_either\"}, {\"not\": {\"segment\": \"math_tag\"}}]}",
                "{\"not\": {\"any\": [{\"segment\": \"math_tag_only\"}, {\"segment\": \"math_either\"}]}}"
            })
    void segmentsReferencedSeveralTimesAreSharedCtesThatBothWarehousesRun(String rule) {
        List<String> expected = members(duckDb, rule);

        assertThat(members(bigQuery, rule)).isEqualTo(expected);
        String sql = new SegmentCompiler(bigQuery.dialect(), catalog(bigQuery), ZONE, LOOKUP)
                .count(GoldenRules.parse(rule), AS_OF)
                .sql();
        assertThat(sql).contains("seg0 AS (").contains("ref0 AS (");
    }

    @Test
    void sharedSegmentsMatchTheirInlinedMeaning() {
        // math_tag_only = (math_tag or math_viewer) and not math_viewer; L1 tags math and views math, L2 views math
        assertThat(members(duckDb, "{\"segment\": \"math_tag_only\"}")).isEmpty();
        assertThat(members(bigQuery, "{\"any\": [{\"segment\": \"math_tag_only\"}, {\"segment\": \"math_viewer\"}]}"))
                .containsExactly("L1", "L2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1900-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "9999-06-30T00:00:00Z"})
    void windowsReachingPastTheSupportedRangeAreHeldToItOnBothWarehouses(String asOf) {
        Instant at = Instant.parse(asOf);
        List<String> rules = List.of(
                "{\"attribute\": \"exam_date\", \"op\": \"within_next\", \"duration\": \"P98Y\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"within_last\", \"duration\": \"P36600D\"}",
                "{\"attribute\": \"last_active_at\", \"op\": \"after_next\", \"duration\": \"P1180M\"}",
                "{\"attribute\": \"last_active_at\", \"op\": \"before_last\", \"duration\": \"P98Y\"}",
                "{\"attribute\": \"signup_tz\", \"op\": \"within_next\", \"duration\": \"PT878400H\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"after\", \"value\": \"9999-12-31\"}",
                "{\"attribute\": \"last_active_at\", \"op\": \"between\", \"from\": \"1900-01-01\","
                        + " \"to\": \"9999-12-31\"}",
                "{\"event\": \"lecture_views\", \"within_last\": \"P98Y\", \"aggregate\": {\"fn\": \"count\"},"
                        + " \"op\": \"gte\", \"value\": 0}");
        for (String json : rules) {
            List<List<String>> results = new ArrayList<>();
            for (Warehouse w : List.of(duckDb, bigQuery)) {
                Catalog catalog = catalog(w);
                Rule rule = GoldenRules.parse(json);
                assertThat(RuleValidator.validate(rule, "/rule", catalog, LOOKUP, null))
                        .isEmpty();
                List<String> keys = new ArrayList<>();
                w.query(
                        new SegmentCompiler(w.dialect(), catalog, ZONE, LOOKUP).members(rule, at, List.of(), null, 100),
                        r -> keys.add((String) r.get(0)));
                results.add(keys);
            }
            assertThat(results.get(1)).as(asOf + " " + json).isEqualTo(results.get(0));
        }
    }

    @Test
    void changeRunsOnBigQueryWithTheSameCountsAsDuckDb() {
        Rule saved = GoldenRules.parse("{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"hs3\"}");
        Rule proposed = GoldenRules.parse("{\"attribute\": \"tags\", \"op\": \"contains\", \"value\": \"line\"}");
        List<List<Object>> rows = new ArrayList<>();
        for (Warehouse w : List.of(duckDb, bigQuery)) {
            SegmentCompiler c = new SegmentCompiler(w.dialect(), catalog(w), ZONE, LOOKUP);
            w.query(c.change(saved, proposed, AS_OF, 2), r -> rows.add(normalized(r)));
        }
        assertThat(rows.get(1)).isEqualTo(rows.get(0));
        assertThat(rows.get(0)).containsExactly(1L, 1L, 1L, List.of("L4"), List.of("L5"), List.of("L1"));
    }

    private static List<Object> normalized(Row r) {
        List<Object> out = new ArrayList<>();
        for (Object v : r.values()) {
            out.add(v instanceof Number n && !(v instanceof Double) ? (Object) n.longValue() : v);
        }
        return out;
    }
}
