package dev.masync.segment.rule;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.duckdb.DuckDbDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static dev.masync.segment.rule.DemoFixture.AS_OF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Compiled rules run on the generated demo warehouse and agree with hand-written SQL. */
class SegmentCompilerDuckDbTest {

    static SegmentCompiler compiler() {
        return new SegmentCompiler(new DuckDbDialect(), DemoFixture.catalog(), DemoFixture.ZONE, GoldenRules.LOOKUP);
    }

    static List<GoldenRules.Golden> goldens() {
        return GoldenRules.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void countEqualsHandWrittenSql(GoldenRules.Golden golden) {
        Rule rule = GoldenRules.parse(golden.rule());
        assertThat(RuleValidator.validate(rule, "/rule", DemoFixture.catalog(), GoldenRules.LOOKUP, null))
                .isEmpty();

        long count = DemoFixture.single(compiler().count(rule, AS_OF));

        assertThat(count).isEqualTo(DemoFixture.single(BoundQuery.of(golden.oracle())));
        assertThat(count)
                .as("a rule that selects nobody or everybody proves little")
                .isBetween(1L, 2999L);
    }

    @Test
    void learnersWithoutAnyEventsCountAsZero() {
        Rule noQuiz = GoldenRules.parse(GoldenRules.ALL.stream()
                .filter(g -> g.name().equals("no_quiz_14d"))
                .findFirst()
                .orElseThrow()
                .rule());
        long neverQuizzed = DemoFixture.single(BoundQuery.of(
                "SELECT count(*) FROM learners WHERE learner_id NOT IN (SELECT learner_id FROM quiz_attempts)"));
        assertThat(neverQuizzed).isPositive();

        List<String> members = new ArrayList<>();
        DemoFixture.warehouse()
                .query(compiler().members(noQuiz, AS_OF, List.of(), null, 3000), r -> members.add((String) r.get(0)));

        List<String> never = new ArrayList<>();
        DemoFixture.warehouse()
                .query(
                        BoundQuery.of(
                                "SELECT learner_id FROM learners WHERE learner_id NOT IN (SELECT learner_id FROM quiz_attempts)"),
                        r -> never.add((String) r.get(0)));
        assertThat(members).containsAll(never);
    }

    @Test
    void membersPageByKeyWithAttributes() {
        Rule rule = GoldenRules.parse("{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"ronin\"}");
        List<Row> first = DemoFixture.rows(compiler().members(rule, AS_OF, List.of("grade", "exam_date"), null, 100));
        List<Row> second = DemoFixture.rows(compiler()
                .members(
                        rule,
                        AS_OF,
                        List.of("grade", "exam_date"),
                        (String) first.get(99).get(0),
                        1000));

        assertThat(first).hasSize(100);
        assertThat(first.get(0).columns()).containsExactly("learner_id", "grade", "exam_date");
        assertThat(first.size() + second.size()).isEqualTo(284);
        List<String> keys = new ArrayList<>();
        first.forEach(r -> keys.add((String) r.get(0)));
        second.forEach(r -> keys.add((String) r.get(0)));
        assertThat(keys).isSorted().doesNotHaveDuplicates();
        assertThat(second).allSatisfy(r -> assertThat(r.get("grade")).isEqualTo("ronin"));
    }

    @Test
    void learnersOfListedKeysComeWithTheirAttributesWithoutARule() {
        Rule rule = GoldenRules.parse("{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"ronin\"}");
        List<Row> two = DemoFixture.rows(compiler().members(rule, AS_OF, List.of("grade"), null, 2));
        String a = (String) two.get(0).get(0);
        String b = (String) two.get(1).get(0);
        SqlBuilder q = new SqlBuilder(new DuckDbDialect())
                .sql("WITH listed AS (SELECT k FROM (VALUES (")
                .param(QueryParam.of("a", ColumnType.STRING, a))
                .sql("), (")
                .param(QueryParam.of("b", ColumnType.STRING, b))
                .sql("), ('nobody')) AS t(k))\n");
        compiler().appendLearners(q, "listed", List.of("grade", "exam_date"));

        List<Row> rows = DemoFixture.rows(q.build());
        assertThat(rows).extracting(r -> (String) r.get(0)).containsExactlyInAnyOrder(a, b);
        assertThat(rows.get(0).columns()).containsExactly("learner_id", "grade", "exam_date");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("grade")).isEqualTo("ronin"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> compiler().appendLearners(q, "listed", List.of("no_such_column")));
    }

    @Test
    void changeCountsEnteringLeavingAndStayingWithSamples() {
        Rule saved = GoldenRules.parse("{\"attribute\": \"grade\", \"op\": \"in\", \"values\": [\"hs2\", \"hs3\"]}");
        Rule proposed =
                GoldenRules.parse("{\"attribute\": \"grade\", \"op\": \"in\", \"values\": [\"hs3\", \"ronin\"]}");

        Row row = DemoFixture.rows(compiler().change(saved, proposed, AS_OF, 5)).get(0);

        assertThat(row.columns())
                .containsExactly(
                        "entering", "leaving", "staying", "entering_sample", "leaving_sample", "staying_sample");
        assertThat(row.values().subList(0, 3)).containsExactly(284L, 386L, 740L);
        List<String> firstRonin = new ArrayList<>();
        DemoFixture.warehouse()
                .query(
                        BoundQuery.of("SELECT learner_id FROM learners WHERE grade = 'ronin' ORDER BY 1 LIMIT 5"),
                        r -> firstRonin.add((String) r.get(0)));
        assertThat((List<?>) row.get("entering_sample")).isEqualTo(firstRonin);
        assertThat((List<?>) row.get("leaving_sample")).hasSize(5);
    }

    @Test
    void explainShowsEachConditionValueAndAggregateForOneLearner() {
        Rule rule = GoldenRules.parse("""
                {"all": [{"attribute": "grade", "op": "eq", "value": "hs3"},
                         {"not": {"event": "quiz_attempts", "within_last": "P14D", "aggregate": {"fn": "count"},
                                  "op": "eq", "value": 0}}]}""");
        String learner = (String) DemoFixture.rows(BoundQuery.of("""
                SELECT learner_id FROM learners WHERE grade = 'hs3' AND learner_id IN (SELECT learner_id FROM
                quiz_attempts WHERE answered_at BETWEEN TIMESTAMP '2026-02-14 21:00:00'
                AND TIMESTAMP '2026-02-28 21:00:00') ORDER BY 1 LIMIT 1""")).get(0).get(0);
        long quizzes = DemoFixture.single(BoundQuery.of("SELECT count(*) FROM quiz_attempts WHERE learner_id = '"
                + learner + "' AND answered_at BETWEEN TIMESTAMP '2026-02-14 21:00:00'"
                + " AND TIMESTAMP '2026-02-28 21:00:00'"));

        Explanation e = compiler().explain(rule, AS_OF, learner);
        Row row = DemoFixture.rows(e.query()).get(0);

        assertThat(e.columns())
                .extracting(Explanation.Column::name, Explanation.Column::pointer)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("in_segment", "/rule"),
                        org.assertj.core.groups.Tuple.tuple("c1", "/rule"),
                        org.assertj.core.groups.Tuple.tuple("c2", "/rule/all/0"),
                        org.assertj.core.groups.Tuple.tuple("a2", "/rule/all/0"),
                        org.assertj.core.groups.Tuple.tuple("c3", "/rule/all/1"),
                        org.assertj.core.groups.Tuple.tuple("c4", "/rule/all/1/not"),
                        org.assertj.core.groups.Tuple.tuple("v4", "/rule/all/1/not"));
        assertThat(row.values()).containsExactly(true, true, true, "hs3", true, false, quizzes);
        assertThat(DemoFixture.rows(compiler().explain(rule, AS_OF, "nobody").query()))
                .isEmpty();
    }
}
