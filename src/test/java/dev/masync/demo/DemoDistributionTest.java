package dev.masync.demo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoDistributionTest {

    private Connection c;

    @BeforeAll
    void generate() throws SQLException {
        c = DemoDb.generated(2024, 5_000);
    }

    @AfterAll
    void close() throws SQLException {
        c.close();
    }

    private double share(String table, String condition) throws SQLException {
        return DemoDb.doubleValue(c, "SELECT avg(CASE WHEN " + condition + " THEN 1.0 ELSE 0.0 END) FROM " + table);
    }

    @Test
    void plansAreRoughlySixtyThirtySevenThree() throws SQLException {
        assertThat(share("learner_status", "plan = 'free'")).isCloseTo(0.60, within(0.05));
        assertThat(share("learner_status", "plan = 'basic'")).isCloseTo(0.30, within(0.05));
        assertThat(share("learner_status", "plan = 'exam_coach'")).isCloseTo(0.07, within(0.05));
        assertThat(share("learner_status", "plan = 'personal_coach'")).isCloseTo(0.03, within(0.05));
        assertThat(DemoDb.rows(c, "SELECT DISTINCT plan_status FROM learner_status ORDER BY 1"))
                .containsExactly("active", "cancel_scheduled", "lapsed", "trial");
        assertThat(DemoSql.queryLong(
                        c,
                        "SELECT count(*) FROM learner_status WHERE (plan_status = 'trial')"
                                + " <> (trial_ends_at IS NOT NULL) OR (plan = 'free' AND plan_status = 'trial')"))
                .isZero();
    }

    @Test
    void engagementIsMostlyDormantWithALongTail() throws SQLException {
        assertThat(share("demo_profile", "level = 0")).isCloseTo(0.50, within(0.05));
        assertThat(share("demo_profile", "level = 1")).isCloseTo(0.25, within(0.05));
        assertThat(share("demo_profile", "level = 2")).isCloseTo(0.20, within(0.05));
        assertThat(share("demo_profile", "level = 3")).isCloseTo(0.05, within(0.03));
        assertThat(share("learner_status", "active_days_7d = 0")).isGreaterThan(0.6);
        double median = DemoDb.doubleValue(
                c, "SELECT median(watch_minutes_28d) FROM learner_status WHERE watch_minutes_28d > 0");
        long max = DemoSql.queryLong(c, "SELECT max(watch_minutes_28d) FROM learner_status");
        assertThat((double) max).isGreaterThan(10 * median);
        // Paid learners study more than free ones.
        assertThat(share("learner_status WHERE plan <> 'free' AND plan_status <> 'lapsed'", "active_days_28d > 0"))
                .isGreaterThan(share("learner_status WHERE plan = 'free'", "active_days_28d > 0") + 0.05);
    }

    @Test
    void eveningsAndWeekendsAreBusier() throws SQLException {
        assertThat(share("lecture_views", "isodow(viewed_at) >= 6")).isGreaterThan(2.0 / 7 + 0.05);
        assertThat(share("lecture_views", "hour(viewed_at) BETWEEN 18 AND 23")).isGreaterThan(6.0 / 24 + 0.15);
        assertThat(share("lecture_views", "hour(viewed_at) BETWEEN 2 AND 5")).isLessThan(4.0 / 24);
    }

    @Test
    void finalYearLearnersRampUpBeforeTheirExamAndDropAfter() throws SQLException {
        // hs3/ronin sitting the January common test: the last weeks before it are busier than a late-summer month.
        try (Connection winter = DemoDb.memory()) {
            DemoWarehouse.generate(winter, new DemoSpec(2024, 5_000, LocalDate.of(2026, 1, 17), DemoDb.TOKYO));
            String perDay = """
                    SELECT count(*) / 28.0 FROM lecture_views v JOIN demo_profile p USING (learner_id)
                    WHERE p.grade IN ('hs3', 'ronin') AND p.target_exam = 'common_test'
                      AND v.viewed_at >= DATE '%s' AND v.viewed_at < DATE '%s'""";
            double before = DemoDb.doubleValue(winter, perDay.formatted("2025-12-20", "2026-01-17"));
            double earlier = DemoDb.doubleValue(winter, perDay.formatted("2025-10-19", "2025-11-16"));
            assertThat(before).isGreaterThan(1.3 * earlier);
        }
        // In late March their exams are over.
        try (Connection spring = DemoDb.memory()) {
            DemoWarehouse.generate(spring, new DemoSpec(2024, 5_000, LocalDate.of(2026, 3, 25), DemoDb.TOKYO));
            double hs3 = DemoDb.doubleValue(
                    spring,
                    "SELECT avg(active_days_28d) FROM learner_status"
                            + " WHERE grade = 'hs3' AND exam_date < DATE '2026-02-25'");
            double hs2 =
                    DemoDb.doubleValue(spring, "SELECT avg(active_days_28d) FROM learner_status WHERE grade = 'hs2'");
            assertThat(hs3).isLessThan(hs2);
        }
    }

    @Test
    void emailsAreUniqueLowerCaseAndAFewAreMalformed() throws SQLException {
        assertThat(DemoSql.queryLong(c, "SELECT count(DISTINCT email) FROM learner_status"))
                .isEqualTo(5_000);
        assertThat(DemoSql.queryLong(c, "SELECT count(*) FROM learner_status WHERE email <> lower(email)"))
                .isZero();
        double malformed = share(
                "learner_status", "NOT regexp_full_match(email, '[a-z0-9._]+[a-z0-9]@[a-z0-9-]+(\\.[a-z0-9-]+)+')");
        assertThat(malformed).isBetween(0.0005, 0.012);
    }

    @Test
    void profileColumnsUseTheirVocabularies() throws SQLException {
        assertThat(DemoSql.queryLong(c, "SELECT count(DISTINCT prefecture) FROM learner_status"))
                .isEqualTo(47);
        assertThat(DemoDb.stringValue(
                        c, "SELECT prefecture FROM learner_status GROUP BY 1 ORDER BY count(*) DESC," + " 1 LIMIT 1"))
                .isEqualTo("tokyo");
        assertThat(DemoDb.rows(c, "SELECT DISTINCT grade FROM learner_status ORDER BY 1"))
                .containsExactly("es4", "es5", "es6", "hs1", "hs2", "hs3", "jh1", "jh2", "jh3", "ronin");
        assertThat(DemoSql.queryLong(
                        c,
                        "SELECT count(*) FROM learner_status WHERE (target_exam = 'none')" + " <> (exam_date IS NULL)"))
                .isZero();
        assertThat(
                        DemoSql.queryLong(
                                c,
                                "SELECT count(*) FROM learner_status WHERE target_exam = 'common_test'"
                                        + " AND (month(exam_date) <> 1 OR day(exam_date) NOT BETWEEN 13 AND 19 OR isodow(exam_date) <> 6)"))
                .isZero();
        assertThat(DemoSql.queryLong(
                        c,
                        "SELECT count(*) FROM learner_status WHERE target_exam = 'hs_entrance'"
                                + " AND grade NOT LIKE 'jh%'"))
                .isZero();
        assertThat(DemoDb.rows(c, "SELECT DISTINCT subject FROM lecture_views ORDER BY 1"))
                .containsExactly("english", "japanese", "math", "science", "social");
        assertThat(DemoSql.queryLong(
                        c,
                        "SELECT count(*) FROM lecture_views WHERE watch_seconds <= 0"
                                + " OR viewed_at >= DATE '" + DemoDb.ANCHOR + "' OR viewed_at < DATE '"
                                + DemoDb.ANCHOR.minusDays(90) + "'"))
                .isZero();
        assertThat(DemoSql.queryLong(
                        c, "SELECT count(*) FROM learner_status WHERE learner_id NOT SIMILAR TO" + " 'L[0-9]{7}'"))
                .isZero();
    }
}
