package dev.masync.segment.rule;

import dev.masync.platform.problem.ProblemError;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.bigquery.BigQueryDialect;
import dev.masync.warehouse.duckdb.DuckDbDialect;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Segments that refer to segments that refer to segments: every referenced segment is compiled once, so the SQL grows
 * with the definitions' size and not with the number of paths through them; and the limits on depth, on distinct
 * segments reached and on conditions in all are refused with a pointer.
 */
class ReferenceFanOutTest {

    /**
     * Three levels of n segments each: {@code top} refers to every {@code l2_i}, each {@code l2_i} to every
     * {@code l1_j}, each {@code l1_j} to every {@code l0_k}; the {@code l0_k} are attribute or event conditions.
     */
    static Map<String, String> levels(int n) {
        Map<String, String> saved = new HashMap<>();
        for (int k = 0; k < n; k++) {
            saved.put(
                    "l0_" + k,
                    k % 2 == 0
                            ? "{\"attribute\": \"watch_minutes_7d\", \"op\": \"gte\", \"value\": " + (1000 + k) + "}"
                            : "{\"event\": \"lecture_views\", \"within_last\": \"P" + k + "D\","
                                    + " \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": " + (50 + k)
                                    + "}");
        }
        for (int level = 1; level <= 2; level++) {
            for (int i = 0; i < n; i++) {
                saved.put(
                        "l" + level + "_" + i,
                        "{\"all\": [{\"attribute\": \"watch_minutes_28d\", \"op\": \"gte\", \"value\": " + i + "},"
                                + " {\"any\": [" + refs("l" + (level - 1) + "_", n) + "]}]}");
            }
        }
        saved.put("top", "{\"any\": [" + refs("l2_", n) + "]}");
        return saved;
    }

    static String refs(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("{\"segment\": \"" + prefix + i + "\"}");
        }
        return String.join(", ", out);
    }

    static SegmentLookup lookup(Map<String, String> saved) {
        return key -> Optional.ofNullable(saved.get(key)).map(GoldenRules::json);
    }

    static int occurrences(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Conditions of the top rule and every segment, each once: the size of the definitions. */
    static int definitionsSize(Map<String, String> saved) {
        return saved.values().stream()
                .mapToInt(json -> RuleValidator.conditions(GoldenRules.parse(json)))
                .sum();
    }

    @Test
    void threeLevelsOfSixtyReferencesCompileEachSegmentOnceAndRun() {
        Map<String, String> saved = levels(60);
        SegmentLookup lookup = lookup(saved);
        Rule top = GoldenRules.parse(saved.get("top"));
        assertThat(RuleValidator.validate(top, "/rule", DemoFixture.catalog(), lookup, null))
                .isEmpty();

        for (SqlDialect dialect : List.of(new DuckDbDialect(), new BigQueryDialect("test-project", "learning"))) {
            BoundQuery q = new SegmentCompiler(dialect, DemoFixture.catalog(), DemoFixture.ZONE, lookup)
                    .count(top, DemoFixture.AS_OF);
            // l1 and l0 segments are referenced 60 times each: one CTE apiece; the l2 ones once each: inlined
            assertThat(occurrences(q.sql(), "\\bseg\\d+ AS (MATERIALIZED )?\\("))
                    .isEqualTo(120);
            // each event-based l0 segment aggregates its events in exactly one event CTE
            assertThat(occurrences(q.sql(), "\\be\\d+ AS \\(")).isEqualTo(30);
            // every condition of every definition is bound once: the l2 and l1 thresholds, one value per attribute l0,
            // a window (two bounds) and a value per event l0
            assertThat(q.params()).hasSize(60 + 60 + 30 + 30 * 3);
            assertThat(q.sql().length()).isLessThan(100 * definitionsSize(saved));
        }

        BoundQuery count = new SegmentCompiler(new DuckDbDialect(), DemoFixture.catalog(), DemoFixture.ZONE, lookup)
                .count(top, DemoFixture.AS_OF);
        BoundQuery members = new SegmentCompiler(new DuckDbDialect(), DemoFixture.catalog(), DemoFixture.ZONE, lookup)
                .members(top, DemoFixture.AS_OF, List.of("grade"), null, 10);
        long n = DemoFixture.single(count);
        assertThat(n).isGreaterThanOrEqualTo(0);
        assertThat(DemoFixture.rows(members)).hasSizeLessThanOrEqualTo((int) Math.min(n, 10));
    }

    @Test
    void compiledSqlGrowsLinearlyWithTheDefinitions() {
        double[] perCondition = new double[3];
        int[] sizes = {10, 30, 60};
        for (int i = 0; i < sizes.length; i++) {
            Map<String, String> saved = levels(sizes[i]);
            BoundQuery q = new SegmentCompiler(
                            new DuckDbDialect(), DemoFixture.catalog(), DemoFixture.ZONE, lookup(saved))
                    .count(GoldenRules.parse(saved.get("top")), DemoFixture.AS_OF);
            perCondition[i] = (double) q.sql().length() / definitionsSize(saved);
        }
        // 36 times the definitions (10 → 60 per level) give about 36 times the SQL, not 216 times
        assertThat(perCondition[2]).isLessThan(perCondition[0] * 1.5);
        assertThat(perCondition[1]).isLessThan(perCondition[0] * 1.5);
    }

    @Test
    void referencesDeeperThanTheLimitAreRefusedAtTheReference() {
        for (int depth : new int[] {RuleValidator.MAX_REFERENCE_DEPTH + 1, 20, 500}) {
            Map<String, String> saved = new HashMap<>();
            saved.put("c0", "{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"hs3\"}");
            for (int i = 1; i < depth; i++) {
                saved.put("c" + i, "{\"segment\": \"c" + (i - 1) + "\"}");
            }
            Rule rule = GoldenRules.parse(
                    "{\"all\": [{\"attribute\": \"grade\", \"op\": \"is_not_null\"}, {\"segment\": \"c" + (depth - 1)
                            + "\"}]}");
            List<ProblemError> errors =
                    RuleValidator.validate(rule, "/rule", DemoFixture.catalog(), lookup(saved), null);
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.pointer()).isEqualTo("/rule/all/1/segment");
                assertThat(e.message()).contains("more than " + RuleValidator.MAX_REFERENCE_DEPTH + " levels deep");
            });
        }
        // exactly the limit is fine, also when a shallower path reached the segments first
        Map<String, String> saved = new HashMap<>();
        saved.put("c0", "{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"hs3\"}");
        for (int i = 1; i < RuleValidator.MAX_REFERENCE_DEPTH; i++) {
            saved.put("c" + i, "{\"segment\": \"c" + (i - 1) + "\"}");
        }
        Rule atLimit = GoldenRules.parse("{\"any\": [{\"segment\": \"c0\"}, {\"segment\": \"c"
                + (RuleValidator.MAX_REFERENCE_DEPTH - 1) + "\"}]}");
        assertThat(RuleValidator.validate(atLimit, "/rule", DemoFixture.catalog(), lookup(saved), null))
                .isEmpty();
        // a short path first caches c3; reaching it again from deeper down still counts its own depth
        saved.put("wrap", "{\"segment\": \"c" + (RuleValidator.MAX_REFERENCE_DEPTH - 1) + "\"}");
        Rule over = GoldenRules.parse("{\"any\": [{\"segment\": \"c3\"}, {\"segment\": \"wrap\"}]}");
        assertThat(RuleValidator.validate(over, "/rule", DemoFixture.catalog(), lookup(saved), null))
                .extracting(ProblemError::pointer)
                .containsExactly("/rule/any/1/segment");
    }

    @Test
    void tooManyDistinctSegmentsOrConditionsInAllAreRefusedAtTheRule() {
        // 3 groups of 70 leaves: 213 distinct segments
        Map<String, String> wide = new HashMap<>();
        for (int g = 0; g < 3; g++) {
            wide.put("g" + g, "{\"any\": [" + refs("g" + g + "_", 70) + "]}");
            for (int i = 0; i < 70; i++) {
                wide.put(
                        "g" + g + "_" + i,
                        "{\"attribute\": \"watch_minutes_7d\", \"op\": \"gte\", \"value\": " + i + "}");
            }
        }
        Rule reachesMany = GoldenRules.parse("{\"any\": [" + refs("g", 3) + "]}");
        assertThat(RuleValidator.validate(reachesMany, "/rule", DemoFixture.catalog(), lookup(wide), null))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.pointer()).isEqualTo("/rule");
                    assertThat(e.message())
                            .contains("reaches 213 saved segments")
                            .contains("at most 200");
                });

        // 60 segments of 190 conditions each: 11,400 conditions through 61 segments
        Map<String, String> heavy = new HashMap<>();
        heavy.put("leaf", "{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"hs3\"}");
        StringBuilder body = new StringBuilder("{\"any\": [{\"segment\": \"leaf\"}");
        for (int i = 0; i < 189; i++) {
            body.append(", {\"attribute\": \"watch_minutes_7d\", \"op\": \"eq\", \"value\": ")
                    .append(i)
                    .append("}");
        }
        String heavyBody = body.append("]}").toString();
        for (int i = 0; i < 60; i++) {
            heavy.put("h" + i, heavyBody);
        }
        Rule heavyRule = GoldenRules.parse("{\"any\": [" + refs("h", 60) + "]}");
        assertThat(RuleValidator.validate(heavyRule, "/rule", DemoFixture.catalog(), lookup(heavy), null))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.pointer()).isEqualTo("/rule");
                    assertThat(e.message()).contains("11461 conditions in all").contains("at most 10000");
                });
    }

    @Test
    void explainAndMembersAgreeWhenSegmentsAreShared() {
        Map<String, String> saved = levels(20);
        SegmentLookup lookup = lookup(saved);
        Rule top = GoldenRules.parse(saved.get("top"));
        SegmentCompiler compiler =
                new SegmentCompiler(new DuckDbDialect(), DemoFixture.catalog(), DemoFixture.ZONE, lookup);
        java.util.Set<String> members = new java.util.HashSet<>();
        DemoFixture.rows(compiler.members(top, DemoFixture.AS_OF, List.of(), null, 1000))
                .forEach(r -> members.add(String.valueOf(r.get(0))));
        assertThat(members).isNotEmpty();
        List<String> keys = new ArrayList<>();
        DemoFixture.rows(BoundQuery.of("SELECT learner_id FROM learners ORDER BY learner_id LIMIT 40"))
                .forEach(r -> keys.add(String.valueOf(r.get(0))));
        keys.addAll(members.stream().sorted().limit(10).toList());
        for (String key : keys) {
            Explanation e = compiler.explain(top, DemoFixture.AS_OF, key);
            Object in = DemoFixture.rows(e.query()).get(0).get("in_segment");
            assertThat(in).as(key).isEqualTo(members.contains(key));
        }
    }
}
