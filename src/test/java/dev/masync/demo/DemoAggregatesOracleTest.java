package dev.masync.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recomputes every column of learner_status from the events with plain, row-by-row-minded SQL written apart from the
 * generator's (distinct counts, a day calendar, window ranking), and expects no differing row.
 */
class DemoAggregatesOracleTest {

    private Connection c;

    @BeforeEach
    void generate() throws SQLException {
        c = DemoDb.generated(99, 4_000);
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void aggregatesEqualTheirDefinitionAfterGeneration() throws SQLException {
        assertNoMismatch(DemoDb.ANCHOR);
    }

    @Test
    void aggregatesEqualTheirDefinitionAfterAdvancing() throws SQLException {
        // 95 days: every event of the generation window has been dropped and rolled into the baselines by then.
        DemoWarehouse.advance(c, 3);
        assertNoMismatch(DemoDb.ANCHOR.plusDays(3));
        DemoWarehouse.advance(c, 92);
        assertNoMismatch(DemoDb.ANCHOR.plusDays(95));
    }

    private void assertNoMismatch(LocalDate anchor) throws SQLException {
        DemoDb.exec(c, "CREATE OR REPLACE TEMP TABLE oracle AS " + oracleSql(anchor));
        assertThat(DemoSql.queryLong(c, "SELECT count(*) FROM oracle"))
                .isEqualTo(DemoSql.queryLong(c, "SELECT count(*) FROM learner_status"))
                .isEqualTo(DemoSql.queryLong(c, "SELECT count(*) FROM demo_profile"));
        List<String> columns = DemoDb.rows(
                c,
                "SELECT column_name FROM duckdb_columns() WHERE table_name = 'oracle'"
                        + " AND column_name <> 'learner_id' ORDER BY column_index");
        assertThat(columns).hasSize(30);
        for (String col : columns) {
            String differs = col.endsWith("_pct") || col.equals("quiz_accuracy_28d") || col.equals("churn_risk_score")
                    ? "(o.%1$s IS NULL) <> (s.%1$s IS NULL) OR abs(o.%1$s - s.%1$s) > 1e-9"
                    : "o.%1$s IS DISTINCT FROM s.%1$s";
            String where = differs.formatted(col);
            List<String> bad = DemoDb.rows(
                    c,
                    "SELECT o.learner_id, o." + col + ", s." + col
                            + " FROM oracle o FULL JOIN learner_status s USING (learner_id) WHERE " + where
                            + " LIMIT 5");
            assertThat(bad)
                    .as("%s at %s (learner | oracle | learner_status)", col, anchor)
                    .isEmpty();
        }
        // Enough happens for the comparison to mean something.
        assertThat(DemoSql.queryLong(c, "SELECT count(*) FROM learner_status WHERE streak_days >= 2"))
                .isPositive();
        assertThat(DemoSql.queryLong(c, "SELECT count(*) FROM learner_status WHERE active_days_7d > 0"))
                .isPositive();
    }

    private static String oracleSql(LocalDate anchor) {
        String a = "DATE '" + anchor + "'";
        return """
                WITH ev AS (
                  SELECT learner_id, viewed_at AS t FROM lecture_views WHERE viewed_at < %1$s
                  UNION ALL
                  SELECT learner_id, answered_at FROM quiz_attempts WHERE answered_at < %1$s
                ), active_day AS (
                  SELECT DISTINCT learner_id, t::DATE AS d FROM ev
                ), calendar AS (
                  SELECT p.learner_id, (%1$s - g.i::INTEGER)::DATE AS d
                  FROM demo_profile p CROSS JOIN generate_series(1, 91) g(i)
                ), last_gap AS (
                  SELECT c.learner_id, max(c.d) AS d
                  FROM calendar c LEFT JOIN active_day a ON a.learner_id = c.learner_id AND a.d = c.d
                  WHERE a.learner_id IS NULL GROUP BY c.learner_id
                ), subject_secs AS (
                  SELECT learner_id, subject, sum(watch_seconds) AS secs,
                    row_number() OVER (PARTITION BY learner_id ORDER BY sum(watch_seconds) DESC, subject) AS rk
                  FROM lecture_views WHERE viewed_at >= %1$s - 28 AND viewed_at < %1$s GROUP BY learner_id, subject
                ), completed_ever AS (
                  -- distinct lectures completed: the baseline's first n, plus distinct later ones in the events
                  SELECT p.learner_id, l.subject,
                    count(DISTINCT l.seq) FILTER (WHERE v.completed AND v.viewed_at < %1$s AND l.seq > CASE l.subject
                      WHEN 'math' THEN g.before_math WHEN 'english' THEN g.before_english
                      WHEN 'japanese' THEN g.before_japanese WHEN 'science' THEN g.before_science
                      ELSE g.before_social END) AS later
                  FROM demo_profile p JOIN demo_progress g USING (learner_id)
                  JOIN lecture_views v USING (learner_id) JOIN demo_lectures l USING (lecture_id)
                  GROUP BY p.learner_id, l.subject
                ), progress AS (
                  SELECT p.learner_id, s.subject,
                    100.0 * ((CASE s.subject WHEN 'math' THEN g.before_math WHEN 'english' THEN g.before_english
                      WHEN 'japanese' THEN g.before_japanese WHEN 'science' THEN g.before_science
                      ELSE g.before_social END) + coalesce(ce.later, 0))
                      / (SELECT count(*) FROM demo_lectures l WHERE l.stage = p.stage AND l.subject = s.subject) AS pct
                  FROM demo_profile p JOIN demo_progress g USING (learner_id)
                  CROSS JOIN (SELECT unnest(['math', 'english', 'japanese', 'science', 'social']) AS subject) s
                  LEFT JOIN completed_ever ce ON ce.learner_id = p.learner_id AND ce.subject = s.subject
                ), base AS (
                  SELECT p.learner_id, p.email, p.grade, p.prefecture, p.plan, p.plan_status, p.signup_at,
                    CASE WHEN p.plan_status = 'trial' THEN p.trial_ends_at END AS trial_ends_at,
                    p.target_exam, p.exam_date, p.email_opt_in, p.push_opt_in, p.line_linked,
                    coalesce((SELECT max(t) FROM ev WHERE ev.learner_id = p.learner_id), p.last_active_before)
                      AS last_active_at,
                    (SELECT count(*) FROM active_day a WHERE a.learner_id = p.learner_id AND a.d >= %1$s - 7)::INTEGER
                      AS active_days_7d,
                    (SELECT count(*) FROM active_day a WHERE a.learner_id = p.learner_id AND a.d >= %1$s - 28)::INTEGER
                      AS active_days_28d,
                    (SELECT count(*) FROM active_day a WHERE a.learner_id = p.learner_id AND a.d >= %1$s - 90)
                      AS active_days_90d,
                    ((%1$s - 1) - (SELECT d FROM last_gap lg WHERE lg.learner_id = p.learner_id))::INTEGER
                      AS streak_days,
                    (SELECT count(*) FROM lecture_views v WHERE v.learner_id = p.learner_id AND v.completed
                       AND v.viewed_at >= %1$s - 7 AND v.viewed_at < %1$s)::INTEGER AS lectures_completed_7d,
                    (SELECT count(*) FROM lecture_views v WHERE v.learner_id = p.learner_id AND v.completed
                       AND v.viewed_at >= %1$s - 28 AND v.viewed_at < %1$s)::INTEGER AS lectures_completed_28d,
                    floor(coalesce((SELECT sum(watch_seconds) FROM lecture_views v WHERE v.learner_id = p.learner_id
                       AND v.viewed_at >= %1$s - 7 AND v.viewed_at < %1$s), 0) / 60)::INTEGER AS watch_minutes_7d,
                    floor(coalesce((SELECT sum(watch_seconds) FROM lecture_views v WHERE v.learner_id = p.learner_id
                       AND v.viewed_at >= %1$s - 28 AND v.viewed_at < %1$s), 0) / 60)::INTEGER AS watch_minutes_28d,
                    (SELECT count(*) FROM quiz_attempts q WHERE q.learner_id = p.learner_id
                       AND q.answered_at >= %1$s - 7 AND q.answered_at < %1$s)::INTEGER AS quizzes_answered_7d,
                    (SELECT round(avg(CASE WHEN correct THEN 1 ELSE 0 END), 3) FROM quiz_attempts q
                       WHERE q.learner_id = p.learner_id AND q.answered_at >= %1$s - 28 AND q.answered_at < %1$s)
                      AS quiz_accuracy_28d,
                    (SELECT subject FROM subject_secs ss WHERE ss.learner_id = p.learner_id AND ss.rk = 1)
                      AS favorite_subject,
                    (SELECT round(pct, 1) FROM progress pr
                       WHERE pr.learner_id = p.learner_id AND pr.subject = 'math')
                      AS progress_math_pct,
                    (SELECT round(pct, 1) FROM progress pr
                       WHERE pr.learner_id = p.learner_id AND pr.subject = 'english')
                      AS progress_english_pct,
                    (SELECT round(pct, 1) FROM progress pr
                       WHERE pr.learner_id = p.learner_id AND pr.subject = 'japanese')
                      AS progress_japanese_pct,
                    (SELECT round(pct, 1) FROM progress pr
                       WHERE pr.learner_id = p.learner_id AND pr.subject = 'science')
                      AS progress_science_pct,
                    (SELECT round(pct, 1) FROM progress pr
                       WHERE pr.learner_id = p.learner_id AND pr.subject = 'social')
                      AS progress_social_pct
                  FROM demo_profile p
                )
                SELECT * EXCLUDE (active_days_90d),
                  -- churn: recency r, frequency f, plan p; clamp(0.05 + 0.6 r + 0.35 f + p) to [0, 1], 3 decimals
                  round(least(1.0, greatest(0.0,
                    0.05
                    + 0.6 * (CASE WHEN active_days_7d > 0 THEN 0.0 WHEN active_days_28d > 0 THEN 0.35
                                  WHEN active_days_90d > 0 THEN 0.6 WHEN last_active_at IS NULL THEN 0.9 ELSE 0.8 END)
                    + 0.35 * (1.0 - least(active_days_28d, 20) / 20.0)
                    + (CASE plan_status WHEN 'trial' THEN 0.05 WHEN 'cancel_scheduled' THEN 0.15
                                        WHEN 'lapsed' THEN 0.1 ELSE 0.0 END)
                    - (CASE WHEN plan_status = 'lapsed' THEN 0.0
                            ELSE CASE plan WHEN 'basic' THEN 0.05 WHEN 'exam_coach' THEN 0.08
                                           WHEN 'personal_coach' THEN 0.1 ELSE 0.0 END END))), 3) AS churn_risk_score,
                  %1$s + INTERVAL 4 HOUR AS updated_at
                FROM base""".formatted(a);
    }
}
