package dev.masync.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;

import static dev.masync.demo.DemoSql.date;
import static dev.masync.demo.DemoSql.exec;

/**
 * The daily job: rebuilds {@code learner_status} from the profiles and the event tables in one statement (see
 * {@link DemoWarehouse#recomputeAggregates} for the definitions). Each event table is read once and grouped by
 * learner; the active days of the last 90 are a bit mask (bit i = active on anchor - 1 - i), from which the 7- and
 * 28-day counts and the streak (the trailing ones) follow.
 */
final class DemoAggregates {

    private DemoAggregates() {}

    static final String LEARNER_STATUS_DDL = """
            CREATE OR REPLACE TABLE learner_status (
              learner_id VARCHAR, email VARCHAR, grade VARCHAR, prefecture VARCHAR, plan VARCHAR,
              plan_status VARCHAR, signup_at TIMESTAMP, trial_ends_at TIMESTAMP, target_exam VARCHAR, exam_date DATE,
              email_opt_in BOOLEAN, push_opt_in BOOLEAN, line_linked BOOLEAN, last_active_at TIMESTAMP,
              active_days_7d INTEGER, active_days_28d INTEGER, streak_days INTEGER,
              lectures_completed_7d INTEGER, lectures_completed_28d INTEGER,
              watch_minutes_7d INTEGER, watch_minutes_28d INTEGER, quizzes_answered_7d INTEGER,
              quiz_accuracy_28d DOUBLE, favorite_subject VARCHAR,
              progress_math_pct DOUBLE, progress_english_pct DOUBLE, progress_japanese_pct DOUBLE,
              progress_science_pct DOUBLE, progress_social_pct DOUBLE,
              churn_risk_score DOUBLE, updated_at TIMESTAMP)""";

    static void recompute(Connection c, LocalDate anchor) throws SQLException {
        String a = date(anchor);
        String ts = "CAST(" + a + " AS TIMESTAMP)";
        exec(c, LEARNER_STATUS_DDL);
        exec(c, """
                INSERT INTO learner_status
                WITH va AS (
                  SELECT v.learner_id,
                    count(*) FILTER (WHERE v.completed AND v.viewed_at >= %2$s - INTERVAL 7 DAY) AS lc7,
                    count(*) FILTER (WHERE v.completed AND v.viewed_at >= %2$s - INTERVAL 28 DAY) AS lc28,
                    sum(v.watch_seconds) FILTER (WHERE v.viewed_at >= %2$s - INTERVAL 7 DAY) AS ws7,
                    sum(v.watch_seconds) FILTER (WHERE v.viewed_at >= %2$s - INTERVAL 28 DAY) AS ws28,
                    %3$s,
                    %4$s,
                    max(v.viewed_at) AS last_view,
                    bit_or(%5$s) AS vmask
                  FROM lecture_views v JOIN demo_lectures l USING (lecture_id)
                  WHERE v.viewed_at < %2$s
                  GROUP BY v.learner_id
                ), qa AS (
                  SELECT learner_id,
                    count(*) FILTER (WHERE answered_at >= %2$s - INTERVAL 7 DAY) AS qn7,
                    count(*) FILTER (WHERE answered_at >= %2$s - INTERVAL 28 DAY) AS qn28,
                    count(*) FILTER (WHERE answered_at >= %2$s - INTERVAL 28 DAY AND correct) AS qc28,
                    max(answered_at) AS last_quiz,
                    bit_or(%6$s) AS qmask
                  FROM quiz_attempts
                  WHERE answered_at < %2$s
                  GROUP BY learner_id
                ), tot AS (
                  SELECT stage, %7$s FROM demo_lectures GROUP BY stage
                ), j AS (
                  SELECT p.learner_idx, p.learner_id, p.email, p.grade, p.prefecture, p.plan, p.plan_status,
                    p.signup_at, p.trial_ends_at, p.target_exam, p.exam_date, p.email_opt_in, p.push_opt_in,
                    p.line_linked,
                    greatest(va.last_view, qa.last_quiz, p.last_active_before) AS last_active,
                    coalesce(va.vmask, 0::HUGEINT) | coalesce(qa.qmask, 0::HUGEINT) AS mask,
                    bit_count(mask & 127::HUGEINT) AS ad7,
                    bit_count(mask & 268435455::HUGEINT) AS ad28,
                    bit_count(mask) AS ad90,
                    bit_count(mask & ~(mask + 1::HUGEINT)) AS streak,
                    coalesce(va.lc7, 0) AS lc7, coalesce(va.lc28, 0) AS lc28,
                    coalesce(va.ws7, 0) AS ws7, coalesce(va.ws28, 0) AS ws28,
                    coalesce(qa.qn7, 0) AS qn7, coalesce(qa.qn28, 0) AS qn28, coalesce(qa.qc28, 0) AS qc28,
                    greatest(va.f_math, va.f_english, va.f_japanese, va.f_science, va.f_social) AS fmax,
                    CASE WHEN fmax IS NULL THEN NULL
                         WHEN va.f_english = fmax THEN 'english' WHEN va.f_japanese = fmax THEN 'japanese'
                         WHEN va.f_math = fmax THEN 'math' WHEN va.f_science = fmax THEN 'science'
                         ELSE 'social' END AS favorite_subject,
                    %8$s
                  FROM demo_profile p
                  JOIN tot ON tot.stage = p.stage
                  JOIN demo_progress g ON g.learner_idx = p.learner_idx
                  LEFT JOIN va ON va.learner_id = p.learner_id
                  LEFT JOIN qa ON qa.learner_id = p.learner_id
                )
                SELECT learner_id, email, grade, prefecture, plan, plan_status, signup_at,
                  CASE WHEN plan_status = 'trial' THEN trial_ends_at END,
                  target_exam, exam_date, email_opt_in, push_opt_in, line_linked,
                  last_active,
                  ad7::INTEGER, ad28::INTEGER, streak::INTEGER, lc7::INTEGER, lc28::INTEGER,
                  (ws7::BIGINT // 60)::INTEGER, (ws28::BIGINT // 60)::INTEGER, qn7::INTEGER,
                  CASE WHEN qn28 > 0 THEN round(qc28::DOUBLE / qn28, 3) END,
                  favorite_subject,
                  pg_math, pg_english, pg_japanese, pg_science, pg_social,
                  %9$s,
                  %2$s + INTERVAL 4 HOUR
                FROM j
                ORDER BY learner_idx""".formatted(
                        a,
                        ts,
                        perSubject(
                                "sum(v.watch_seconds) FILTER (WHERE v.viewed_at >= %2$s - INTERVAL 28 DAY"
                                        + " AND l.subject = '%1$s') AS f_%1$s",
                                ts),
                        perSubject("max(l.seq) FILTER (WHERE v.completed AND l.subject = '%1$s') AS d_%1$s", ts),
                        dayBit("v.viewed_at", a),
                        dayBit("answered_at", a),
                        perSubject("count(*) FILTER (WHERE subject = '%1$s') AS t_%1$s", ts),
                        perSubject(
                                "round(100.0 * greatest(g.before_%1$s, coalesce(va.d_%1$s, 0)) / tot.t_%1$s, 1)::DOUBLE"
                                        + " AS pg_%1$s",
                                ts),
                        churnScore("ad7", "ad28", "ad90", "last_active")));
    }

    /** A template (%1$s = subject, %2$s = the anchor timestamp) repeated for every subject, comma-separated. */
    private static String perSubject(String template, String anchorTs) {
        StringBuilder b = new StringBuilder();
        for (String s : DemoVocabulary.SUBJECTS) {
            b.append(b.length() == 0 ? "" : ",\n    ").append(template.formatted(s, anchorTs));
        }
        return b.toString();
    }

    /** The bit of a timestamp's day in the 90-day activity mask; 0 outside those days. */
    private static String dayBit(String ts, String anchor) {
        return ("CASE WHEN %1$s >= CAST(%2$s - 90 AS TIMESTAMP)"
                        + " THEN 1::HUGEINT << (%2$s - 1 - CAST(%1$s AS DATE))::INTEGER ELSE 0::HUGEINT END")
                .formatted(ts, anchor);
    }

    /**
     * The churn-risk model over one row's aggregates. Recency r: active in 7 days 0, in 28 days 0.35, in 90 days 0.6,
     * earlier 0.8, never 0.9. Frequency f: 1 - min(active_days_28d, 20) / 20. Plan: a paid plan that has not lapsed
     * lowers the risk (basic 0.05, exam_coach 0.08, personal_coach 0.1); a trial adds 0.05, a scheduled cancel 0.15,
     * a lapsed plan 0.1. score = clamp(0.05 + 0.6 r + 0.35 f + plan, 0, 1), rounded to 3 decimals.
     */
    static String churnScore(String ad7, String ad28, String ad90, String lastActive) {
        return """
                round(greatest(0.0, least(1.0, 0.05
                  + 0.6 * CASE WHEN %1$s > 0 THEN 0.0 WHEN %2$s > 0 THEN 0.35 WHEN %3$s > 0 THEN 0.6
                               WHEN %4$s IS NOT NULL THEN 0.8 ELSE 0.9 END
                  + 0.35 * (1.0 - least(%2$s, 20) / 20.0)
                  + CASE plan_status WHEN 'trial' THEN 0.05 WHEN 'cancel_scheduled' THEN 0.15
                                     WHEN 'lapsed' THEN 0.1 ELSE 0.0 END
                  - CASE WHEN plan_status = 'lapsed' THEN 0.0 WHEN plan = 'personal_coach' THEN 0.1
                         WHEN plan = 'exam_coach' THEN 0.08 WHEN plan = 'basic' THEN 0.05 ELSE 0.0 END)), 3)::DOUBLE""".formatted(ad7, ad28, ad90, lastActive);
    }
}
