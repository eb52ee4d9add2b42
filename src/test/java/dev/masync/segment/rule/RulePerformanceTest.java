package dev.masync.segment.rule;

import dev.masync.platform.problem.ProblemError;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.duckdb.DuckDbDialect;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Measures (does not assert) parsing, validation, compilation and a DuckDB run of a 200-condition rule. */
class RulePerformanceTest {

    static String bigRule() {
        StringBuilder sb = new StringBuilder("{\"any\": [");
        String[] subjects = {"math", "english", "science", "social", "japanese"};
        for (int i = 0; i < 20; i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"all\": [");
            for (int j = 0; j < 8; j++) {
                sb.append(j == 0 ? "" : ", ")
                        .append(
                                switch (j % 3) {
                                    case 0 ->
                                        "{\"attribute\": \"watch_minutes_7d\", \"op\": \"gte\", \"value\": " + (i + j)
                                                + "}";
                                    case 1 ->
                                        "{\"attribute\": \"grade\", \"op\": \"in\", \"values\": [\"hs3\", \"ronin\", \"jh3\"]}";
                                    default ->
                                        "{\"attribute\": \"last_active_at\", \"op\": \"within_last\", \"duration\": \"P"
                                                + (j + 1) + "D\"}";
                                });
            }
            sb.append(", {\"event\": \"lecture_views\", \"where\": {\"attribute\": \"subject\", \"op\": \"eq\","
                    + " \"value\": \"" + subjects[i % 5] + "\"}, \"within_last\": \"P" + (7 + i) + "D\","
                    + " \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": 2}]}");
        }
        return sb.append("]}").toString();
    }

    @Test
    void twoHundredConditionsValidateAndCompileQuickly() {
        var json = GoldenRules.json(bigRule());
        var catalog = DemoFixture.catalog();
        SegmentCompiler compiler =
                new SegmentCompiler(new DuckDbDialect(), catalog, DemoFixture.ZONE, GoldenRules.LOOKUP);
        long best = Long.MAX_VALUE;
        BoundQuery q = null;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            Parsed parsed = RuleParser.parse(json, "/rule");
            List<ProblemError> errors =
                    RuleValidator.validate(parsed.rule(), "/rule", catalog, GoldenRules.LOOKUP, null);
            q = compiler.count(parsed.rule(), DemoFixture.AS_OF);
            best = Math.min(best, System.nanoTime() - t0);
            assertThat(parsed.errors()).isEmpty();
            assertThat(errors).isEmpty();
        }
        long t0 = System.nanoTime();
        long count = DemoFixture.single(q);
        long run = System.nanoTime() - t0;
        System.out.printf(
                "200 conditions (20 event CTEs): parse+validate+compile best of 20 %.2f ms; SQL %d chars,"
                        + " %d params; DuckDB count %d on 3,000 learners in %.1f ms%n",
                best / 1e6, q.sql().length(), q.params().size(), count, run / 1e6);
    }
}
