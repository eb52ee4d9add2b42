package dev.masync.segment.rule;

import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.catalog.EventTable;
import dev.masync.warehouse.ColumnType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** Warnings for string values outside a column's known values: where, when, and what they suggest. */
class UnknownValuesTest {
    static final List<String> GRADES = List.of("es4", "hs1", "hs2", "hs3", "jh3", "ronin");
    static final List<String> MANY =
            IntStream.range(0, 20).mapToObj(i -> "city" + i).sorted().toList();

    static final Catalog CATALOG = new Catalog(
            "duckdb",
            new CatalogTable(
                    "learners",
                    List.of(
                            col("learner_id", ColumnType.STRING, List.of()),
                            col("grade", ColumnType.STRING, GRADES),
                            col("city", ColumnType.STRING, MANY),
                            col("email", ColumnType.STRING, List.of()), // high cardinality: no known values
                            col("streak_days", ColumnType.INTEGER, List.of()))),
            "learner_id",
            List.of(new EventTable(
                    new CatalogTable(
                            "lecture_views",
                            List.of(
                                    col("learner_id", ColumnType.STRING, List.of()),
                                    col("subject", ColumnType.STRING, List.of("english", "math", "science")),
                                    col("viewed_at", ColumnType.TIMESTAMP, List.of()))),
                    "learner_id",
                    "viewed_at")),
            List.of(),
            Instant.EPOCH);

    static CatalogColumn col(String name, ColumnType type, List<String> known) {
        return new CatalogColumn(name, type, null, type.name(), known);
    }

    static List<RuleWarning> warnings(String json) {
        Parsed p = RuleParser.parse(GoldenRules.json(json), "/rule");
        assertThat(p.errors()).isEmpty();
        assertThat(RuleValidator.validate(p.rule(), "/rule", CATALOG, SegmentLookup.none(), null))
                .isEmpty();
        return UnknownValues.of(p.rule(), CATALOG);
    }

    @Test
    void wrongCaseSuggestsTheKnownValueAtItsPointer() {
        List<RuleWarning> w = warnings("""
                {"all": [{"attribute": "streak_days", "op": "gte", "value": 3},
                         {"attribute": "grade", "op": "in", "values": ["hs2", "HS3"]}]}""");
        assertThat(w)
                .extracting(RuleWarning::pointer, RuleWarning::code, RuleWarning::suggestion)
                .containsExactly(tuple("/rule/all/1/values/1", "unknown_value", "hs3"));
        assertThat(w.get(0).message())
                .contains("'grade' = 'HS3'", "selects nobody", "did you mean 'hs3'?", "es4, hs1, hs2, hs3, jh3, ronin");
    }

    @Test
    void misspeltValueSuggestsTheNearestByEditDistance() {
        assertThat(warnings("{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"ronn\"}"))
                .extracting(RuleWarning::pointer, RuleWarning::suggestion)
                .containsExactly(tuple("/rule/value", "ronin"));
    }

    @Test
    void valueFarFromEveryKnownOneHasNoSuggestion() {
        List<RuleWarning> w = warnings("{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"university\"}");
        assertThat(w).extracting(RuleWarning::suggestion).containsExactly((String) null);
        assertThat(w.get(0).message()).doesNotContain("did you mean");
    }

    @Test
    void excludingOperatorsWarnThatTheyExcludeNobody() {
        List<RuleWarning> w = warnings("""
                {"any": [{"attribute": "grade", "op": "neq", "value": "Ronin"},
                         {"not": {"attribute": "grade", "op": "not_in", "values": ["hs3", "hs9"]}}]}""");
        assertThat(w)
                .extracting(RuleWarning::pointer, RuleWarning::suggestion)
                .containsExactly(tuple("/rule/any/0/value", "ronin"), tuple("/rule/any/1/not/values/1", "hs1"));
        assertThat(w).allSatisfy(x -> assertThat(x.message()).contains("excludes nobody"));
    }

    @Test
    void eventWhereValuesAreCheckedAgainstTheEventTable() {
        List<RuleWarning> w = warnings("""
                {"event": "lecture_views", "where": {"attribute": "subject", "op": "eq", "value": "Math"},
                 "aggregate": {"fn": "count"}, "op": "gte", "value": 1}""");
        assertThat(w)
                .extracting(RuleWarning::pointer, RuleWarning::suggestion)
                .containsExactly(tuple("/rule/where/value", "math"));
        assertThat(w.get(0).message()).contains("no 'lecture_views' event has 'subject' = 'Math'");
    }

    @Test
    void knownValuesAndOtherOperatorsAndHighCardinalityColumnsNeverWarn() {
        assertThat(warnings("""
                {"all": [{"attribute": "grade", "op": "in", "values": ["hs3", "ronin"]},
                         {"attribute": "grade", "op": "starts_with", "value": "HS"},
                         {"attribute": "grade", "op": "contains", "value": "zz"},
                         {"attribute": "email", "op": "eq", "value": "nobody@example.com"},
                         {"attribute": "learner_id", "op": "in", "values": ["L1", "L2"]}]}""")).isEmpty();
    }

    @Test
    void longListsOfKnownValuesPointToTheCatalog() {
        List<RuleWarning> w = warnings("{\"attribute\": \"city\", \"op\": \"eq\", \"value\": \"Osaka\"}");
        assertThat(w.get(0).message()).contains("and 8 more: see GET /api/v1/catalog");
    }

    @Test
    void aColumnWithoutKnownValuesIsNotComplete() {
        assertThat(col("email", ColumnType.STRING, List.of()).knownValuesComplete())
                .isFalse();
        assertThat(col("grade", ColumnType.STRING, GRADES).knownValuesComplete())
                .isTrue();
    }

    @Test
    void caseInsensitiveMatchBeatsACloserSpelling() {
        // "HS1" is one edit from "hs2" and "hs3" too, ignoring case; only "hs1" equals it but for case
        assertThat(UnknownValues.nearest("HS1", List.of("hs2", "hs3", "hs1"))).isEqualTo("hs1");
        assertThat(UnknownValues.nearest("Ab", List.of("ab", "AB"))).isEqualTo("ab");
    }
}
