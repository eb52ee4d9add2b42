package dev.masync.segment.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.platform.problem.ProblemError;
import dev.masync.segment.rule.Parsed;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.RuleValidator;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.segment.rule.SegmentLookup;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times segment previews on a demo warehouse: {@code <duckdb-file> [asOf-instant]}. For a few realistic rules it runs
 * the compiled count and an equivalent hand-written count alternately through the same warehouse (1 warm-up, then 7
 * runs each), checks that both counts agree and prints min/median and the ratio of medians. Then it times parsing,
 * validation and compilation of a generated 200-condition rule (warm-up, then 50 runs). The file is opened
 * read-only. {@code asOf} defaults to 12:00 Asia/Tokyo on the demo anchor day (table demo_meta), else now.
 */
public final class SegmentBenchmark {
    private static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RUNS = 7;
    private static final int COMPILE_RUNS = 50;

    private SegmentBenchmark() {}

    /** A rule and a hand-written count of the same learners. */
    private record Case(String name, String ruleJson, BoundQuery handWritten) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SegmentBenchmark <duckdb-file> [asOf-instant]");
            System.exit(2);
        }
        try (DuckDbWarehouse wh =
                DuckDbWarehouse.open(new DuckDbWarehouse.Settings(Path.of(args[0]), true, null, null, null))) {
            Instant asOf = args.length > 1 ? Instant.parse(args[1]) : defaultAsOf(wh);
            CatalogSpec spec = new CatalogSpec(
                    "learner_status",
                    "learner_id",
                    List.of("lecture_views", "quiz_attempts"),
                    Map.of(),
                    Map.of(),
                    50,
                    Duration.ofHours(1));
            Catalog catalog = new CatalogReader(spec, Clock.systemUTC()).read(wh);
            SegmentCompiler compiler = new SegmentCompiler(wh.dialect(), catalog, ZONE, SegmentLookup.none());
            System.out.printf(
                    Locale.ROOT,
                    "asOf=%s (%s) learners=%d%n",
                    asOf,
                    asOf.atZone(ZONE).toLocalDateTime(),
                    count(wh, BoundQuery.of("SELECT COUNT(*) FROM learner_status")));

            for (Case c : cases(asOf)) {
                Rule rule = compile(c.ruleJson(), catalog);
                BoundQuery compiled = compiler.count(rule, asOf);
                long a = count(wh, compiled);
                long b = count(wh, c.handWritten());
                if (a != b) {
                    throw new IllegalStateException(c.name() + ": compiled count " + a + " != hand-written " + b + "\n"
                            + compiled.sql() + "\n" + compiled.params());
                }
                long[] ta = new long[RUNS];
                long[] tb = new long[RUNS];
                for (int i = 0; i < RUNS; i++) {
                    ta[i] = time(wh, compiled, a);
                    tb[i] = time(wh, c.handWritten(), b);
                }
                Arrays.sort(ta);
                Arrays.sort(tb);
                System.out.printf(
                        Locale.ROOT,
                        "%-16s count=%d compiled min=%.0fms median=%.0fms | hand-written min=%.0fms median=%.0fms"
                                + " | ratio=%.2f%n",
                        c.name(),
                        a,
                        ms(ta[0]),
                        ms(ta[RUNS / 2]),
                        ms(tb[0]),
                        ms(tb[RUNS / 2]),
                        (double) ta[RUNS / 2] / tb[RUNS / 2]);
            }

            String big = bigRule();
            long[] t = new long[COMPILE_RUNS];
            int sqlLength = 0;
            for (int i = -COMPILE_RUNS; i < COMPILE_RUNS; i++) {
                long start = System.nanoTime();
                BoundQuery q = compiler.count(compile(big, catalog), asOf);
                long elapsed = System.nanoTime() - start;
                sqlLength = q.sql().length();
                if (i >= 0) {
                    t[i] = elapsed;
                }
            }
            Arrays.sort(t);
            System.out.printf(
                    Locale.ROOT,
                    "200-condition parse+validate+compile (%d runs after %d warm-up, sql %d chars)"
                            + " min=%.2fms median=%.2fms max=%.2fms%n",
                    COMPILE_RUNS,
                    COMPILE_RUNS,
                    sqlLength,
                    ms(t[0]),
                    ms(t[COMPILE_RUNS / 2]),
                    ms(t[COMPILE_RUNS - 1]));
        }
    }

    private static Rule compile(String json, Catalog catalog) throws Exception {
        JsonNode node = JSON.readTree(json);
        Parsed parsed = RuleParser.parse(node, "/rule");
        if (!parsed.ok()) {
            throw new IllegalStateException("rule does not parse: " + parsed.errors());
        }
        List<ProblemError> errors = RuleValidator.validate(parsed.rule(), "/rule", catalog, SegmentLookup.none(), null);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("rule is invalid: " + errors);
        }
        return parsed.rule();
    }

    private static Instant defaultAsOf(DuckDbWarehouse wh) throws Exception {
        try (Connection c = wh.connection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM information_schema.tables" + " WHERE table_name = 'demo_meta'")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return Instant.now();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT anchor FROM demo_meta")) {
                if (rs.next() && rs.getObject(1) != null) {
                    LocalDate anchor = rs.getObject(1, LocalDate.class);
                    return anchor.atTime(LocalTime.NOON).atZone(ZONE).toInstant();
                }
            }
        }
        return Instant.now();
    }

    private static List<Case> cases(Instant asOf) {
        ZonedDateTime now = asOf.atZone(ZONE);
        LocalDateTime nowLocal = now.toLocalDateTime();
        LocalDateTime d7 = now.minusDays(7).toLocalDateTime();
        LocalDateTime d28 = now.minusDays(28).toLocalDateTime();
        LocalDateTime d30 = now.minusDays(30).toLocalDateTime();
        List<Case> cases = new ArrayList<>();

        cases.add(new Case(
                "math_slipping",
                """
                {"all": [
                  {"attribute": "grade", "op": "in", "values": ["hs3", "ronin"]},
                  {"attribute": "watch_minutes_7d", "op": "lt", "value": 30},
                  {"attribute": "last_active_at", "op": "before_last", "duration": "P7D"},
                  {"attribute": "exam_date", "op": "within_next", "duration": "P60D"},
                  {"event": "lecture_views", "where": {"attribute": "subject", "op": "eq", "value": "math"},
                   "within_last": "P28D", "aggregate": {"fn": "count"}, "op": "gte", "value": 5}
                ]}""",
                new BoundQuery(
                        """
                SELECT count(*) FROM learner_status l
                WHERE l.grade IN ('hs3', 'ronin') AND l.watch_minutes_7d < 30 AND l.last_active_at < ?
                  AND l.exam_date BETWEEN ? AND ?
                  AND l.learner_id IN (SELECT learner_id FROM lecture_views
                                       WHERE subject = 'math' AND viewed_at BETWEEN ? AND ?
                                       GROUP BY learner_id HAVING count(*) >= 5)""",
                        List.of(
                                ts(d7),
                                date(now.toLocalDate()),
                                date(now.plusDays(60).toLocalDate()),
                                ts(d28),
                                ts(nowLocal)))));

        cases.add(new Case("paid_math_active", """
                {"all": [
                  {"attribute": "plan", "op": "in", "values": ["basic", "exam_coach"]},
                  {"event": "lecture_views", "where": {"attribute": "subject", "op": "eq", "value": "math"},
                   "within_last": "P28D", "aggregate": {"fn": "count"}, "op": "gte", "value": 5}
                ]}""", new BoundQuery("""
                SELECT count(*) FROM learner_status l
                WHERE l.plan IN ('basic', 'exam_coach')
                  AND l.learner_id IN (SELECT learner_id FROM lecture_views
                                       WHERE subject = 'math' AND viewed_at BETWEEN ? AND ?
                                       GROUP BY learner_id HAVING count(*) >= 5)""", List.of(ts(d28), ts(nowLocal)))));

        cases.add(new Case(
                "new_not_watching", """
                {"all": [
                  {"attribute": "signup_at", "op": "within_last", "duration": "P30D"},
                  {"event": "lecture_views", "within_last": "P30D", "aggregate": {"fn": "count"}, "op": "eq",
                   "value": 0}
                ]}""", new BoundQuery("""
                SELECT count(*) FROM learner_status l
                WHERE l.signup_at BETWEEN ? AND ?
                  AND NOT EXISTS (SELECT 1 FROM lecture_views v
                                  WHERE v.learner_id = l.learner_id AND v.viewed_at BETWEEN ? AND ?)""", List.of(ts(d30), ts(nowLocal), ts(d30), ts(nowLocal)))));
        return cases;
    }

    /**
     * 200 conditions: 17 {@code any} groups of 10 attribute conditions over several column types, and 20 event
     * conditions over both event tables, 10 of them with a one-condition {@code where}.
     */
    private static String bigRule() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode all = root.putArray("all");
        String[] grades = {"es5", "es6", "jh1", "jh2", "jh3", "hs1", "hs2", "hs3", "ronin"};
        String[] subjects = {"math", "english", "japanese", "science", "social"};
        for (int g = 0; g < 17; g++) {
            ArrayNode any = all.addObject().putArray("any");
            for (int i = 0; i < 10; i++) {
                int n = g * 10 + i;
                ObjectNode c = any.addObject();
                switch (n % 6) {
                    case 0 ->
                        c.put("attribute", "grade")
                                .put("op", "in")
                                .putArray("values")
                                .add(grades[n % grades.length])
                                .add(grades[(n + 3) % grades.length]);
                    case 1 ->
                        c.put("attribute", "watch_minutes_28d").put("op", "gte").put("value", n);
                    case 2 ->
                        c.put("attribute", "last_active_at")
                                .put("op", "within_last")
                                .put("duration", "P" + (1 + n % 30) + "D");
                    case 3 ->
                        c.put("attribute", "churn_risk_score").put("op", "lt").put("value", (n % 10) / 10.0);
                    case 4 -> c.put("attribute", "email_opt_in").put("op", "is_true");
                    default ->
                        c.put("attribute", "exam_date")
                                .put("op", "within_next")
                                .put("duration", "P" + (30 + n % 90) + "D");
                }
            }
        }
        for (int e = 0; e < 20; e++) {
            ObjectNode c = all.addObject();
            boolean views = e % 2 == 0;
            c.put("event", views ? "lecture_views" : "quiz_attempts");
            if (e % 4 < 2) {
                c.putObject("where")
                        .put("attribute", "subject")
                        .put("op", "eq")
                        .put("value", subjects[e % subjects.length]);
            }
            c.put("within_last", "P" + (7 + e) + "D");
            c.putObject("aggregate").put("fn", "count");
            c.put("op", "gte").put("value", e % 3);
        }
        return root.toString();
    }

    private static QueryParam ts(LocalDateTime t) {
        return QueryParam.of("t", ColumnType.TIMESTAMP, t);
    }

    private static QueryParam date(LocalDate d) {
        return QueryParam.of("d", ColumnType.DATE, d);
    }

    private static long count(DuckDbWarehouse wh, BoundQuery q) {
        long[] out = {-1};
        wh.query(q, row -> {
            out[0] = ((Number) row.get(0)).longValue();
            return true;
        });
        return out[0];
    }

    private static long time(DuckDbWarehouse wh, BoundQuery q, long expected) {
        long start = System.nanoTime();
        long n = count(wh, q);
        long elapsed = System.nanoTime() - start;
        if (n != expected) {
            throw new IllegalStateException("count changed between runs: " + n + " != " + expected);
        }
        return elapsed;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
