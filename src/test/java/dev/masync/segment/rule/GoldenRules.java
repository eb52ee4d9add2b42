package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules with golden SQL files and, for the demo warehouse at {@link DemoFixture#AS_OF} (21:00 on 2026-02-28 in
 * Tokyo), an independently hand-written DuckDB count.
 */
final class GoldenRules {
    static final ObjectMapper JSON = new ObjectMapper();

    record Golden(String name, String rule, String oracle) {
        JsonNode json() {
            return GoldenRules.json(rule);
        }
    }

    /** Saved segments that rules refer to. */
    static final Map<String, String> SAVED = Map.of(
            "math_fans", "{\"attribute\": \"tags\", \"op\": \"contains\", \"value\": \"math\"}",
            "lapsed", "{\"attribute\": \"plan_status\", \"op\": \"eq\", \"value\": \"lapsed\"}");

    static final SegmentLookup LOOKUP =
            key -> Optional.ofNullable(SAVED.get(key)).map(GoldenRules::json);

    static final List<Golden> ALL = List.of(
            new Golden("grade_in", """
                    {"attribute": "grade", "op": "in", "values": ["hs3", "ronin"]}""", "SELECT count(*) FROM learners WHERE grade IN ('hs3', 'ronin')"),
            new Golden(
                    "low_watch_opted_in",
                    """
                    {"all": [{"attribute": "watch_minutes_7d", "op": "lt", "value": 30},
                             {"attribute": "email_opt_in", "op": "is_true"}]}""",
                    "SELECT count(*) FROM learners WHERE watch_minutes_7d < 30 AND email_opt_in"),
            new Golden(
                    "inactive_week",
                    """
                    {"attribute": "last_active_at", "op": "before_last", "duration": "P7D"}""",
                    "SELECT count(*) FROM learners WHERE last_active_at < TIMESTAMP '2026-02-21 21:00:00'"),
            new Golden(
                    "exam_within_60d",
                    """
                    {"attribute": "exam_date", "op": "within_next", "duration": "P60D"}""",
                    "SELECT count(*) FROM learners WHERE exam_date BETWEEN DATE '2026-02-28' AND DATE '2026-04-29'"),
            new Golden("math_binge_28d", """
                    {"event": "lecture_views", "where": {"attribute": "subject", "op": "eq", "value": "math"},
                     "within_last": "P28D", "aggregate": {"fn": "count"}, "op": "gte", "value": 5}""", """
                    SELECT count(*) FROM learners WHERE learner_id IN (
                      SELECT learner_id FROM lecture_views WHERE subject = 'math'
                        AND viewed_at BETWEEN TIMESTAMP '2026-01-31 21:00:00' AND TIMESTAMP '2026-02-28 21:00:00'
                      GROUP BY learner_id HAVING count(*) >= 5)"""),
            new Golden("no_quiz_14d", """
                    {"event": "quiz_attempts", "within_last": "P14D", "aggregate": {"fn": "count"},
                     "op": "eq", "value": 0}""", """
                    SELECT count(*) FROM learners WHERE learner_id NOT IN (
                      SELECT learner_id FROM quiz_attempts
                      WHERE answered_at BETWEEN TIMESTAMP '2026-02-14 21:00:00' AND TIMESTAMP '2026-02-28 21:00:00')"""),
            new Golden("paid_without_views_7d", """
                    {"all": [{"attribute": "plan", "op": "in", "values": ["basic", "exam_coach", "personal_coach"]},
                             {"event": "lecture_views", "within_last": "P7D", "aggregate": {"fn": "count"},
                              "op": "lt", "value": 1}]}""", """
                    SELECT count(*) FROM learners WHERE plan IN ('basic', 'exam_coach', 'personal_coach')
                      AND learner_id NOT IN (SELECT learner_id FROM lecture_views
                        WHERE viewed_at BETWEEN TIMESTAMP '2026-02-21 21:00:00' AND TIMESTAMP '2026-02-28 21:00:00')"""),
            new Golden("first_half_february_watch", """
                    {"event": "lecture_views", "between": {"from": "2026-02-01", "to": "2026-02-14"},
                     "aggregate": {"fn": "sum", "attribute": "watch_seconds"}, "op": "gt", "value": 3600}""", """
                    SELECT count(*) FROM learners WHERE learner_id IN (
                      SELECT learner_id FROM lecture_views
                      WHERE viewed_at >= TIMESTAMP '2026-02-01 00:00:00' AND viewed_at < TIMESTAMP '2026-02-15 00:00:00'
                      GROUP BY learner_id HAVING sum(watch_seconds) > 3600)"""),
            new Golden("coached_or_safe", """
                    {"any": [{"attribute": "plan", "op": "in", "values": ["exam_coach", "personal_coach"]},
                             {"not": {"attribute": "churn_risk_score", "op": "gte", "value": 0.5}}]}""", """
                    SELECT count(*) FROM learners
                    WHERE plan IN ('exam_coach', 'personal_coach') OR churn_risk_score IS NULL OR churn_risk_score < 0.5"""),
            new Golden("math_fans_not_lapsed", """
                    {"all": [{"segment": "math_fans"}, {"not": {"segment": "lapsed"}}]}""", """
                    SELECT count(*) FROM learners
                    WHERE list_contains(tags, 'math') AND plan_status IS DISTINCT FROM 'lapsed'"""),
            new Golden("shared_reference", """
                    {"any": [{"all": [{"segment": "math_fans"}, {"attribute": "grade", "op": "eq", "value": "hs3"}]},
                             {"all": [{"segment": "math_fans"}, {"not": {"segment": "lapsed"}}]}]}""", """
                    SELECT count(*) FROM learners
                    WHERE list_contains(tags, 'math') AND (grade = 'hs3' OR plan_status IS DISTINCT FROM 'lapsed')"""),
            new Golden("text_tz_and_arrays", """
                    {"all": [{"attribute": "prefecture", "op": "starts_with", "value": "to"},
                             {"attribute": "email", "op": "contains", "value": "1"},
                             {"attribute": "signup_tz", "op": "between", "from": "2025-01-01", "to": "2025-12-31"},
                             {"attribute": "tags", "op": "contains_any", "values": ["line", "science"]}]}""", """
                    SELECT count(*) FROM learners
                    WHERE prefecture LIKE 'to%' AND email LIKE '%1%'
                      AND signup_at >= TIMESTAMP '2025-01-01 00:00:00' AND signup_at < TIMESTAMP '2026-01-01 00:00:00'
                      AND (list_contains(tags, 'line') OR list_contains(tags, 'science'))"""),
            new Golden("broad_correct_quizzes_long_views", """
                    {"all": [{"event": "quiz_attempts", "where": {"attribute": "correct", "op": "is_true"},
                              "within_last": "P28D", "aggregate": {"fn": "count_distinct", "attribute": "subject"},
                              "op": "gte", "value": 3},
                             {"event": "lecture_views", "aggregate": {"fn": "avg", "attribute": "watch_seconds"},
                              "op": "gte", "value": 600}]}""", """
                    SELECT count(*) FROM learners
                    WHERE learner_id IN (SELECT learner_id FROM quiz_attempts WHERE correct
                            AND answered_at BETWEEN TIMESTAMP '2026-01-31 21:00:00' AND TIMESTAMP '2026-02-28 21:00:00'
                            GROUP BY 1 HAVING count(DISTINCT subject) >= 3)
                      AND learner_id IN (SELECT learner_id FROM lecture_views GROUP BY 1 HAVING avg(watch_seconds) >= 600)"""),
            new Golden("last_view_before_february", """
                    {"event": "lecture_views", "aggregate": {"fn": "max", "attribute": "viewed_at"},
                     "op": "lt", "value": "2026-02-01T00:00:00"}""", """
                    SELECT count(*) FROM learners WHERE learner_id IN (
                      SELECT learner_id FROM lecture_views GROUP BY 1
                      HAVING max(viewed_at) < TIMESTAMP '2026-02-01 00:00:00')"""));

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Rule parse(String json) {
        Parsed p = RuleParser.parse(json(json), "/rule");
        if (!p.ok()) {
            throw new AssertionError(p.errors());
        }
        return p.rule();
    }

    private GoldenRules() {}
}
