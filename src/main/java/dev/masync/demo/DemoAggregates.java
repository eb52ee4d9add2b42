package dev.masync.demo;

import static dev.masync.demo.DemoSql.date;
import static dev.masync.demo.DemoSql.exec;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;

/** The daily job: rebuilds {@code learner_status} from the profiles and the event tables in one statement. */
final class DemoAggregates {

    private DemoAggregates() {
    }

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
        String aTs = "CAST(" + a + " AS TIMESTAMP)";
        exec(c, LEARNER_STATUS_DDL);
        exec(c, """
                INSERT INTO learner_status
                WITH v AS (
                  SELECT learner_id, lecture_id, subject, viewed_at, watch_seconds, completed
                  FROM lecture_views WHERE viewed_at < %2$s
                ), q AS (
                  SELECT learner_id, answered_at, correct FROM quiz_attempts WHERE answered_at < %2$s
                ), va AS (
                  SELECT learner_id,
                    count(*) FILTER (WHERE completed AND viewed_at >= %2$s - INTERVAL 7 DAY) AS lc7,
                    count(*) FILTER (WHERE completed AND viewed_at >= %2$s - INTERVAL 28 DAY) AS lc28,
                    coalesce(sum(watch_seconds) FILTER (WHERE viewed_at >= %2$s - INTERVAL 7 DAY), 0) AS ws7,
                    coalesce(sum(watch_seconds) FILTER (WHERE viewed_at >= %2$s - INTERVAL 28 DAY), 0) AS ws28,
                    max(viewed_at) AS last_view
                  FROM v GROUP BY learner_id
                ), qa AS (
                  SELECT learner_id,
                    count(*) FILTER (WHERE answered_at >= %2$s - INTERVAL 7 DAY) AS qn7,
                    count(*) FILTER (WHERE answered_at >= %2$s - INTERVAL 28 DAY) AS qn28,
                    count(*) FILTER (WHERE answered_at >= %2$s - INTERVAL 28 DAY AND correct) AS qc28,
                    max(answered_at) AS last_quiz
                  FROM q GROUP BY learner_id
                ), days AS (
                  SELECT learner_id, CAST(viewed_at AS DATE) AS day FROM v
                  UNION
                  SELECT learner_id, CAST(answered_at AS DATE) FROM q
                ), ranked AS (
                  SELECT learner_id, day, row_number() OVER (PARTITION BY learner_id ORDER BY day DESC) AS rn
                  FROM days
                ), da AS (
                  SELECT learner_id,
                    count(*) FILTER (WHERE day >= %1$s - 7) AS ad7,
                    count(*) FILTER (WHERE day >= %1$s - 28) AS ad28,
                    count(*) AS ad90,
                    count(*) FILTER (WHERE day = %1$s - rn::INTEGER) AS streak
                  FROM ranked GROUP BY learner_id
                ), fav AS (
                  SELECT learner_id, first(subject ORDER BY secs DESC, subject) AS favorite_subject
                  FROM (SELECT learner_id, subject, sum(watch_seconds) AS secs
                        FROM v WHERE viewed_at >= %2$s - INTERVAL 28 DAY GROUP BY ALL)
                  GROUP BY learner_id
                ), done AS (
                  SELECT learner_id, subject, max(n) AS n FROM (
                    SELECT learner_id, subject, completed_before AS n FROM demo_progress_base
                    UNION ALL
                    SELECT v.learner_id, v.subject, max(l.seq)
                    FROM v JOIN demo_lectures l USING (lecture_id) WHERE v.completed GROUP BY ALL
                  ) GROUP BY ALL
                ), prog AS (
                  SELECT learner_id,
                    max(n) FILTER (WHERE subject = 'math') AS d_math,
                    max(n) FILTER (WHERE subject = 'english') AS d_english,
                    max(n) FILTER (WHERE subject = 'japanese') AS d_japanese,
                    max(n) FILTER (WHERE subject = 'science') AS d_science,
                    max(n) FILTER (WHERE subject = 'social') AS d_social
                  FROM done GROUP BY learner_id
                ), tot AS (
                  SELECT stage,
                    count(*) FILTER (WHERE subject = 'math') AS t_math,
                    count(*) FILTER (WHERE subject = 'english') AS t_english,
                    count(*) FILTER (WHERE subject = 'japanese') AS t_japanese,
                    count(*) FILTER (WHERE subject = 'science') AS t_science,
                    count(*) FILTER (WHERE subject = 'social') AS t_social
                  FROM demo_lectures GROUP BY stage
                ), j AS (
                  SELECT p.*,
                    greatest(va.last_view, qa.last_quiz, p.last_active_before) AS last_active,
                    coalesce(da.ad7, 0) AS ad7, coalesce(da.ad28, 0) AS ad28, coalesce(da.ad90, 0) AS ad90,
                    coalesce(da.streak, 0) AS streak,
                    coalesce(va.lc7, 0) AS lc7, coalesce(va.lc28, 0) AS lc28,
                    coalesce(va.ws7, 0) AS ws7, coalesce(va.ws28, 0) AS ws28,
                    coalesce(qa.qn7, 0) AS qn7, coalesce(qa.qn28, 0) AS qn28, coalesce(qa.qc28, 0) AS qc28,
                    fav.favorite_subject,
                    round(100.0 * coalesce(prog.d_math, 0) / tot.t_math, 1) AS pg_math,
                    round(100.0 * coalesce(prog.d_english, 0) / tot.t_english, 1) AS pg_english,
                    round(100.0 * coalesce(prog.d_japanese, 0) / tot.t_japanese, 1) AS pg_japanese,
                    round(100.0 * coalesce(prog.d_science, 0) / tot.t_science, 1) AS pg_science,
                    round(100.0 * coalesce(prog.d_social, 0) / tot.t_social, 1) AS pg_social
                  FROM demo_profile p
                  JOIN tot ON tot.stage = p.stage
                  LEFT JOIN va ON va.learner_id = p.learner_id
                  LEFT JOIN qa ON qa.learner_id = p.learner_id
                  LEFT JOIN da ON da.learner_id = p.learner_id
                  LEFT JOIN fav ON fav.learner_id = p.learner_id
                  LEFT JOIN prog ON prog.learner_id = p.learner_id
                )
                SELECT learner_id, email, grade, prefecture, plan, plan_status, signup_at,
                  CASE WHEN plan_status = 'trial' THEN trial_ends_at END,
                  target_exam, exam_date, email_opt_in, push_opt_in, line_linked,
                  last_active,
                  ad7::INTEGER, ad28::INTEGER, streak::INTEGER, lc7::INTEGER, lc28::INTEGER,
                  (ws7::BIGINT // 60)::INTEGER, (ws28::BIGINT // 60)::INTEGER, qn7::INTEGER,
                  CASE WHEN qn28 > 0 THEN round(qc28::DOUBLE / qn28, 3) END,
                  favorite_subject,
                  pg_math::DOUBLE, pg_english::DOUBLE, pg_japanese::DOUBLE, pg_science::DOUBLE, pg_social::DOUBLE,
                  %3$s,
                  %2$s + INTERVAL 4 HOUR
                FROM j
                ORDER BY learner_idx""".formatted(a, aTs, churnScore("ad7", "ad28", "ad90", "last_active")));
    }

    /**
     * The churn-risk model over one row's aggregates; shared with nothing else on purpose so the formula is in one
     * place. Recency r: active in 7 days 0, in 28 days 0.35, in 90 days 0.6, earlier 0.8, never 0.9. Frequency f:
     * 1 - min(active_days_28d, 20) / 20. Plan: a current paid plan lowers the risk (basic 0.05, exam_coach 0.08,
     * personal_coach 0.1); a trial adds 0.05, a scheduled cancel 0.15, a lapsed plan 0.1.
     * score = clamp(0.05 + 0.6 r + 0.35 f + plan, 0, 1), rounded to 3 decimals.
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
                         WHEN plan = 'exam_coach' THEN 0.08 WHEN plan = 'basic' THEN 0.05 ELSE 0.0 END)), 3)"""
                .formatted(ad7, ad28, ad90, lastActive);
    }
}
