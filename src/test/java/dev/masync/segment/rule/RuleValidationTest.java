package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.catalog.EventTable;
import dev.masync.platform.problem.ProblemError;
import dev.masync.warehouse.ColumnType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** Parser and validator: every error with its pointer and a message that says how to fix it. */
class RuleValidationTest {
    static final Catalog CATALOG = new Catalog(
            "duckdb",
            new CatalogTable(
                    "learners",
                    List.of(
                            col("learner_id", ColumnType.STRING),
                            col("grade", ColumnType.STRING),
                            col("watch_minutes_7d", ColumnType.INTEGER),
                            col("churn_risk", ColumnType.NUMBER),
                            col("email_opt_in", ColumnType.BOOLEAN),
                            col("exam_date", ColumnType.DATE),
                            col("last_active_at", ColumnType.TIMESTAMP),
                            col("signup_tz", ColumnType.TIMESTAMP_TZ),
                            new CatalogColumn("tags", ColumnType.ARRAY, ColumnType.STRING, "VARCHAR[]", null),
                            new CatalogColumn("profile", ColumnType.OTHER, null, "STRUCT(a INTEGER)", null),
                            col("weird \"name'; DROP TABLE x; --", ColumnType.STRING))),
            "learner_id",
            List.of(
                    new EventTable(
                            new CatalogTable(
                                    "lecture_views",
                                    List.of(
                                            col("learner_id", ColumnType.STRING),
                                            col("subject", ColumnType.STRING),
                                            col("viewed_at", ColumnType.TIMESTAMP),
                                            col("watch_seconds", ColumnType.INTEGER))),
                            "learner_id",
                            "viewed_at"),
                    new EventTable(
                            new CatalogTable(
                                    "quiz_attempts",
                                    List.of(
                                            col("learner_id", ColumnType.STRING),
                                            col("answered_at", ColumnType.TIMESTAMP))),
                            "learner_id",
                            "answered_at")),
            List.of(),
            Instant.EPOCH);

    static CatalogColumn col(String name, ColumnType type) {
        return new CatalogColumn(name, type, null, type.name(), null);
    }

    static List<ProblemError> errors(String json) {
        return errors(json, SegmentLookup.none(), null);
    }

    static List<ProblemError> errors(String json, SegmentLookup lookup, String self) {
        Parsed p = RuleParser.parse(GoldenRules.json(json), "/rule");
        if (!p.ok()) {
            return p.errors();
        }
        return RuleValidator.validate(p.rule(), "/rule", CATALOG, lookup, self);
    }

    @Test
    void validRuleHasNoErrors() {
        assertThat(errors(
                        """
                {"all": [{"attribute": "grade", "op": "in", "values": ["hs3", "ronin"]},
                         {"attribute": "watch_minutes_7d", "op": "between", "from": 1, "to": 30},
                         {"attribute": "last_active_at", "op": "before_last", "duration": "PT12H"},
                         {"attribute": "signup_tz", "op": "after", "value": "2026-01-15T10:00:00+09:00"},
                         {"attribute": "tags", "op": "contains_all", "values": ["math"]},
                         {"attribute": "email_opt_in", "op": "is_false"},
                         {"any": [{"attribute": "exam_date", "op": "is_null"}, {"not": {"segment": "s"}}]},
                         {"event": "lecture_views", "where": {"attribute": "subject", "op": "eq", "value": "math"},
                          "between": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-31"},
                          "aggregate": {"fn": "sum", "attribute": "watch_seconds"}, "op": "between",
                          "from": 60, "to": 6000}]}""",
                        key -> key.equals("s")
                                ? Optional.of(GoldenRules.json(
                                        "{\"attribute\": \"grade\", \"op\": \"eq\"," + " \"value\": \"hs1\"}"))
                                : Optional.empty(),
                        "self"))
                .isEmpty();
    }

    @Test
    void unknownAttributeSuggestsTheNearestColumns() {
        assertThat(errors("{\"attribute\": \"grde\", \"op\": \"eq\", \"value\": \"hs3\"}"))
                .containsExactly(new ProblemError(
                        "/rule/attribute", "unknown attribute 'grde' in the learners table; did you mean 'grade'?"));
    }

    @Test
    void unknownEventTableSuggestsTheNearestTables() {
        assertThat(errors("{\"event\": \"lecture_view\", \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gt\","
                        + " \"value\": 1}"))
                .containsExactly(new ProblemError(
                        "/rule/event", "unknown event table 'lecture_view'; did you mean 'lecture_views'?"));
    }

    @Test
    void unknownNamesFarFromAnyListTheKnownOnes() {
        assertThat(errors(
                        "{\"event\": \"payments\", \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gt\", \"value\": 1}"))
                .extracting(ProblemError::message)
                .containsExactly("unknown event table 'payments'; known event tables: lecture_views, quiz_attempts");
    }

    @Test
    void operatorNotValidForTheColumnTypeListsTheValidOnes() {
        assertThat(errors("{\"attribute\": \"grade\", \"op\": \"lt\", \"value\": \"hs3\"}"))
                .containsExactly(new ProblemError(
                        "/rule/op",
                        "operator 'lt' does not apply to string column"
                                + " 'grade'; use one of eq, neq, in, not_in, contains, starts_with, ends_with, is_null,"
                                + " is_not_null"));
    }

    @Test
    void valuesOfTheWrongTypeAreReportedAtTheValue() {
        assertThat(errors("""
                {"all": [{"attribute": "watch_minutes_7d", "op": "lt", "value": "30"},
                         {"attribute": "watch_minutes_7d", "op": "in", "values": [1, 2.5]},
                         {"attribute": "grade", "op": "eq", "value": 3},
                         {"attribute": "exam_date", "op": "before", "value": "2026-13-01"},
                         {"attribute": "last_active_at", "op": "after", "value": "yesterday"},
                         {"attribute": "tags", "op": "contains", "value": 7}]}"""))
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(
                        tuple("/rule/all/0/value", "expected an integer, e.g. 5, got \"30\""),
                        tuple("/rule/all/1/values/1", "expected an integer, e.g. 5, got 2.5"),
                        tuple("/rule/all/2/value", "expected a string, e.g. \"math\", got 3"),
                        tuple(
                                "/rule/all/3/value",
                                "expected an ISO-8601 date, e.g. \"2026-01-15\", got \"2026-13-01\""),
                        tuple(
                                "/rule/all/4/value",
                                "expected an ISO-8601 date or time, e.g. \"2026-01-15\","
                                        + " \"2026-01-15T10:00:00\" (in the configured time zone) or \"2026-01-15T10:00:00Z\","
                                        + " got \"yesterday\""),
                        tuple("/rule/all/5/value", "expected a string, e.g. \"math\", got 7"));
    }

    @Test
    void unparsableDurationsAndEmptyInListsAreShapeErrors() {
        assertThat(errors("""
                {"all": [{"attribute": "last_active_at", "op": "within_last", "duration": "7 days"},
                         {"attribute": "last_active_at", "op": "within_last", "duration": "-P7D"},
                         {"attribute": "grade", "op": "in", "values": []},
                         {"event": "quiz_attempts", "within_last": "P0D", "aggregate": {"fn": "count"},
                          "op": "eq", "value": 0}]}"""))
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(
                        tuple(
                                "/rule/all/0/duration",
                                "'duration' must be a positive ISO-8601 duration of at most 100"
                                        + " years, such as P7D, PT12H or P1M, was \"7 days\""),
                        tuple(
                                "/rule/all/1/duration",
                                "'duration' must be a positive ISO-8601 duration of at most 100"
                                        + " years, such as P7D, PT12H or P1M, was \"-P7D\""),
                        tuple("/rule/all/2/values", "'values' is empty; give at least one value"),
                        tuple(
                                "/rule/all/3/within_last",
                                "'within_last' must be a positive ISO-8601 duration of at"
                                        + " most 100 years, such as P7D, PT12H or P1M, was \"P0D\""));
    }

    @Test
    void unknownFieldsInAnyNodeAreReported() {
        assertThat(errors("""
                {"all": [{"attribute": "grade", "op": "eq", "value": "hs3", "values": ["x"]},
                         {"event": "quiz_attempts", "aggregate": {"fn": "count", "distinct": true},
                          "op": "eq", "value": 0, "windw": "P7D"}],
                 "comment": "x"}"""))
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(
                        tuple("/rule/comment", "unknown field 'comment'; expected all"),
                        tuple(
                                "/rule/all/0/values",
                                "unknown field 'values' for operator 'eq'; expected attribute," + " op, value"),
                        tuple(
                                "/rule/all/1/aggregate/distinct",
                                "unknown field 'distinct' in an aggregate;" + " expected fn, attribute"),
                        tuple(
                                "/rule/all/1/windw",
                                "unknown field 'windw' in an event condition; expected event,"
                                        + " where, within_last, between, aggregate, op, value"));
    }

    @Test
    void columnsOfTypeOtherAreUnusable() {
        assertThat(errors("{\"attribute\": \"profile\", \"op\": \"is_null\"}"))
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(tuple(
                        "/rule/attribute",
                        "column 'profile' has type STRUCT(a INTEGER), which rules"
                                + " cannot filter on; expose it as a string, number, boolean, date, timestamp or array column"
                                + " in the warehouse"));
    }

    @Test
    void aggregateShapeErrorsPointAtTheAggregate() {
        assertThat(errors("""
                {"all": [{"event": "lecture_views", "aggregate": {"fn": "median", "attribute": "watch_seconds"},
                          "op": "gt", "value": 1},
                         {"event": "lecture_views", "aggregate": {"fn": "count", "attribute": "subject"},
                          "op": "gt", "value": 1},
                         {"event": "lecture_views", "aggregate": {"fn": "count"}, "op": "contains", "value": 1}]}"""))
                .extracting(ProblemError::pointer)
                .containsExactly("/rule/all/0/aggregate/fn", "/rule/all/1/aggregate/attribute", "/rule/all/2/op");
    }

    @Test
    void aggregatesMustFitTheirColumnAndValue() {
        assertThat(errors("""
                {"all": [{"event": "lecture_views", "aggregate": {"fn": "sum", "attribute": "subject"},
                          "op": "gt", "value": 1},
                         {"event": "lecture_views", "aggregate": {"fn": "count"}, "op": "gt", "value": 1.5},
                         {"event": "lecture_views", "aggregate": {"fn": "max", "attribute": "viewed_at"},
                          "op": "lt", "value": 5}]}"""))
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(
                        tuple(
                                "/rule/all/0/aggregate/fn",
                                "sum does not apply to string column 'subject'; sum and"
                                        + " avg take numbers, min and max numbers, dates or timestamps, count_distinct"
                                        + " anything but arrays"),
                        tuple("/rule/all/1/value", "expected an integer, e.g. 5, got 1.5"),
                        tuple(
                                "/rule/all/2/value",
                                "expected an ISO-8601 date or time, e.g. \"2026-01-15\","
                                        + " \"2026-01-15T10:00:00\" (in the configured time zone) or"
                                        + " \"2026-01-15T10:00:00Z\", got 5"));
    }

    @Test
    void allErrorsAreReportedAtOnce() {
        List<ProblemError> errors = errors("""
                {"all": [{"attribute": "grde", "op": "eq", "value": "x"},
                         {"attribute": "grade", "op": "gt", "value": "x"},
                         {"attribute": "watch_minutes_7d", "op": "eq", "value": "x"},
                         {"event": "nope", "aggregate": {"fn": "count"}, "op": "eq", "value": 0},
                         {"segment": "missing"}]}""");
        assertThat(errors)
                .extracting(ProblemError::pointer)
                .containsExactly(
                        "/rule/all/0/attribute",
                        "/rule/all/1/op",
                        "/rule/all/2/value",
                        "/rule/all/3/event",
                        "/rule/all/4/segment");
        assertThat(errors.get(4).message())
                .isEqualTo("unknown segment 'missing'; save that segment first or fix" + " the key");
    }

    @Test
    void selfReferencesAndCyclesAreRefused() {
        Map<String, String> saved = Map.of(
                "a", "{\"segment\": \"b\"}",
                "b", "{\"all\": [{\"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"x\"}, {\"segment\": \"c\"}]}",
                "c", "{\"not\": {\"segment\": \"a\"}}");
        SegmentLookup lookup = key -> Optional.ofNullable(saved.get(key)).map(GoldenRules::json);

        assertThat(errors("{\"segment\": \"me\"}", lookup, "me"))
                .containsExactly(
                        new ProblemError("/rule/segment", "a segment cannot include itself; remove this reference"));
        assertThat(errors("{\"any\": [{\"segment\": \"b\"}]}", lookup, "a"))
                .containsExactly(new ProblemError(
                        "/rule/any/0/segment", "segment references form a cycle (a → b → c → a); remove one of them"));
        assertThat(errors("{\"segment\": \"a\"}", lookup, null))
                .extracting(ProblemError::message)
                .containsExactly("segment references form a cycle (this rule → a → b → c → a); remove one of them");
    }

    @Test
    void referencedSegmentsThatNoLongerFitTheCatalogAreReported() {
        SegmentLookup lookup = key -> Optional.of(GoldenRules.json("{\"attribute\": \"gone\", \"op\": \"is_null\"}"));
        assertThat(errors("{\"segment\": \"old\"}", lookup, null))
                .extracting(ProblemError::message)
                .singleElement()
                .asString()
                .startsWith("segment 'old' no longer fits the catalog (/attribute: unknown attribute 'gone' in the"
                        + " learners table; known columns: learner_id, grade,")
                .endsWith("); fix that segment first");
    }

    @Test
    void limitsOnConditionsAndDepthAreEnforced() {
        StringBuilder many = new StringBuilder("{\"all\": [");
        for (int i = 0; i < 201; i++) {
            many.append(i == 0 ? "" : ",").append("{\"attribute\": \"grade\", \"op\": \"is_null\"}");
        }
        assertThat(errors(many.append("]}").toString()))
                .containsExactly(
                        new ProblemError(
                                "/rule",
                                "the rule has more"
                                        + " than 200 conditions; split it into saved segments and refer to them with {\"segment\": \"key\"}"));

        String deep = "{\"attribute\": \"grade\", \"op\": \"is_null\"}";
        for (int i = 0; i < 10; i++) {
            deep = "{\"not\": " + deep + "}";
        }
        assertThat(errors(deep)).extracting(ProblemError::pointer).containsExactly("/rule" + "/not".repeat(10));
    }

    @Test
    void thousandDeepNestingIsRefusedWithoutStackOverflow() {
        JsonNode node =
                JsonNodeFactory.instance.objectNode().put("attribute", "grade").put("op", "is_null");
        for (int i = 0; i < 1000; i++) {
            ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
            wrapper.putArray("all").add(node);
            node = wrapper;
        }
        Parsed parsed = RuleParser.parse(node, "/rule");
        assertThat(parsed.ok()).isFalse();
        assertThat(parsed.errors()).hasSize(1);
        assertThat(parsed.errors().get(0).message()).startsWith("rules nest at most 10 levels deep");
        assertThat(parsed.errors().get(0).pointer()).isEqualTo("/rule" + "/all/0".repeat(10));
    }

    @Test
    void sqlFragmentsQuotesAndUnicodeInNamesAreUnknownAttributesNotSql() {
        List<ProblemError> errors = errors("""
                {"all": [{"attribute": "grade\\"; DROP TABLE learners; --", "op": "eq", "value": "x"},
                         {"attribute": "学年", "op": "eq", "value": "x"},
                         {"attribute": "a/b~c", "op": "eq", "value": "x"}]}""");
        assertThat(errors)
                .extracting(ProblemError::pointer)
                .containsExactly("/rule/all/0/attribute", "/rule/all/1/attribute", "/rule/all/2/attribute");
        assertThat(errors.get(0).message()).startsWith("unknown attribute 'grade\"; DROP TABLE learners; --'");
        assertThat(errors.get(1).message()).startsWith("unknown attribute '学年'");
    }

    @Test
    void fieldNamesWithSlashAndTildeAreEscapedInPointers() {
        assertThat(errors("{\"attribute\": \"grade\", \"op\": \"is_null\", \"a/b~c\": 1}"))
                .extracting(ProblemError::pointer)
                .containsExactly("/rule/a~1b~0c");
    }

    @Test
    void quotesAndUnicodeInValuesAndCatalogNamesStayOutOfTheSqlText() {
        Rule rule = GoldenRules.parse("""
                {"all": [{"attribute": "grade", "op": "eq", "value": "x'; DROP TABLE learners; --"},
                         {"attribute": "weird \\"name'; DROP TABLE x; --", "op": "starts_with", "value": "数学"}]}""");
        assertThat(RuleValidator.validate(rule, "/rule", CATALOG, SegmentLookup.none(), null))
                .isEmpty();
        var q = new SegmentCompiler(
                        new dev.masync.warehouse.duckdb.DuckDbDialect(),
                        CATALOG,
                        java.time.ZoneId.of("UTC"),
                        SegmentLookup.none())
                .count(rule, Instant.EPOCH);
        assertThat(q.sql())
                .doesNotContain("DROP TABLE learners")
                .doesNotContain("数学")
                .contains("\"weird \"\"name'; DROP TABLE x; --\"");
        assertThat(q.params())
                .extracting(dev.masync.warehouse.QueryParam::value)
                .containsExactly("x'; DROP TABLE learners; --", "数学");
    }

    @Test
    void nonObjectsAndMixedKindsAreShapeErrors() {
        assertThat(errors("{\"all\": [1, {\"attribute\": \"grade\", \"segment\": \"x\"}, {\"not\": []},"
                        + " {\"attribute\": \"grade\", \"op\": \"eq\", \"value\": null}, {\"any\": []}]}"))
                .extracting(ProblemError::pointer)
                .containsExactly(
                        "/rule/all/0", "/rule/all/1", "/rule/all/2/not", "/rule/all/3/value", "/rule/all/4/any");
    }

    @Test
    void eventsCannotNestInWhereNorReferToSegments() {
        assertThat(errors("""
                {"event": "lecture_views", "where": {"any": [{"segment": "x"},
                   {"event": "quiz_attempts", "aggregate": {"fn": "count"}, "op": "gt", "value": 0}]},
                 "aggregate": {"fn": "count"}, "op": "gt", "value": 0}"""))
                .extracting(ProblemError::pointer)
                .containsExactly("/rule/where/any/0", "/rule/where/any/1");
    }

    @Test
    void whereConditionsAreCheckedAgainstTheEventTable() {
        assertThat(errors("{\"event\": \"lecture_views\", \"where\": {\"attribute\": \"grade\", \"op\": \"eq\","
                        + " \"value\": \"x\"}, \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gt\", \"value\": 0}"))
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(tuple(
                        "/rule/where/attribute",
                        "unknown attribute 'grade' in event table"
                                + " 'lecture_views'; known columns: learner_id, subject, viewed_at, watch_seconds"));
    }

    @Test
    void reversedRangesAreReported() {
        assertThat(errors("{\"attribute\": \"watch_minutes_7d\", \"op\": \"between\", \"from\": 30, \"to\": 1}"))
                .containsExactly(new ProblemError("/rule/from", "'from' is after 'to'; swap them"));
    }

    @Test
    void emptyCombinatorsAreRefusedWithAHintAtTheirPointer() {
        assertThat(errors("{\"all\": []}")).singleElement().satisfies(e -> {
            assertThat(e.pointer()).isEqualTo("/rule/all");
            assertThat(e.message()).contains("every learner").contains("is_not_null");
        });
        assertThat(errors("{\"any\": []}")).extracting(ProblemError::pointer).containsExactly("/rule/any");
        assertThat(errors("{\"all\": [{\"attribute\": \"grade\", \"op\": \"is_not_null\"}, {\"not\": {\"any\": []}}]}"))
                .extracting(ProblemError::pointer)
                .containsExactly("/rule/all/1/not/any");
        assertThat(errors("{\"any\": [{\"all\": [{\"all\": []}]}]}"))
                .extracting(ProblemError::pointer)
                .containsExactly("/rule/any/0/all/0/all");
        assertThat(errors("{\"event\": \"lecture_views\", \"where\": {\"all\": []}, \"aggregate\": {\"fn\": \"count\"},"
                        + " \"op\": \"gte\", \"value\": 1}"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.pointer()).isEqualTo("/rule/where/all");
                    assertThat(e.message()).contains("remove 'where'");
                });
        for (String notOfNothing :
                List.of("{\"not\": {}}", "{\"not\": null}", "{\"not\": []}", "{\"not\": {\"all\": []}}")) {
            assertThat(errors(notOfNothing)).extracting(ProblemError::pointer).allMatch(p -> p.startsWith("/rule/not"));
            assertThat(errors(notOfNothing)).isNotEmpty();
        }
    }

    @Test
    void datesAndTimesOutsideTheSupportedRangeAreRefusedWithTheRange() {
        List<String> rules = List.of(
                "{\"attribute\": \"exam_date\", \"op\": \"before\", \"value\": \"1899-12-31\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"after\", \"value\": \"+10000-01-01\"}",
                "{\"attribute\": \"exam_date\", \"op\": \"between\", \"from\": \"0001-01-01\", \"to\": \"2026-01-01\"}",
                "{\"attribute\": \"last_active_at\", \"op\": \"after\", \"value\": \"+999999999-12-31T00:00:00\"}",
                "{\"attribute\": \"last_active_at\", \"op\": \"before\", \"value\": \"1000-01-01T00:00:00\"}",
                "{\"attribute\": \"signup_tz\", \"op\": \"before\", \"value\": \"9999-12-31T23:00:00-05:00\"}",
                "{\"attribute\": \"signup_tz\", \"op\": \"after\", \"value\": \"1900-01-01T00:30:00+01:00\"}",
                "{\"event\": \"lecture_views\", \"between\": {\"from\": \"0500-01-01\", \"to\": \"2026-01-01\"},"
                        + " \"aggregate\": {\"fn\": \"count\"}, \"op\": \"gte\", \"value\": 1}",
                "{\"event\": \"lecture_views\", \"aggregate\": {\"fn\": \"max\", \"attribute\": \"viewed_at\"},"
                        + " \"op\": \"lt\", \"value\": \"+12026-01-01T00:00:00\"}");
        for (String rule : rules) {
            assertThat(errors(rule))
                    .as(rule)
                    .singleElement()
                    .satisfies(e -> assertThat(e.message())
                            .contains("supported range")
                            .contains("1900-01-01")
                            .contains("9999-12-31"));
        }
        for (String edge : List.of("1900-01-01", "9999-12-31", "9999-12-31T23:59:59", "1900-01-01T00:00:00Z")) {
            assertThat(errors("{\"attribute\": \"last_active_at\", \"op\": \"after\", \"value\": \"" + edge + "\"}"))
                    .as(edge)
                    .isEmpty();
        }
    }
}
