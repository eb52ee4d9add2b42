package dev.masync.sync.bench;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The synthetic table of the heap scenario: its segments and its advance, on a small in-memory DuckDB. */
class SyntheticTableTest {

    @Test
    void thirtyPercentUpToTenMillionLearnersThenAboutThreeMillionMembers() {
        SyntheticTable.Segment small = SyntheticTable.Segment.forSize(1_000_000);
        assertThat(small).isEqualTo(new SyntheticTable.Segment(0, 30));
        assertThat(small.ruleJson()).isEqualTo("{\"attribute\": \"activity_pct\", \"op\": \"lt\", \"value\": 30}");
        assertThat(SyntheticTable.Segment.forSize(10_000_000)).isEqualTo(small);

        SyntheticTable.Segment large = SyntheticTable.Segment.forSize(50_000_000);
        assertThat(large.percent()).isEqualTo(6);
        assertThat(large.ruleJson()).isEqualTo("{\"attribute\": \"activity_pct\", \"op\": \"gte\", \"value\": 94}");
        assertThat(large.outside()).isZero();
        assertThat(SyntheticTable.Segment.forSize(20_000_000).percent()).isEqualTo(15);
        assertThat(small.outside()).isEqualTo(30);
    }

    @Test
    void enteringShareOfNonMembersMatchesOnePercentOfTheMembers() {
        assertThat(SyntheticTable.enterPpm(300_000, 1_000_000)).isEqualTo(4286);
        assertThat(SyntheticTable.enterPpm(3_000_000, 50_000_000)).isEqualTo(638);
        assertThat(SyntheticTable.enterPpm(10, 10)).isZero();
    }

    @Test
    void advanceCountsWhatTheUpdateFormulaPredictsAndChangesOnlyThoseLearners() throws SQLException {
        SyntheticTable.Segment segment = new SyntheticTable.Segment(0, 30);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            SyntheticTable.generate(c, 200_000);
            long members = count(s, "SELECT count(*) FROM learners WHERE activity_pct < 30");
            int enter = SyntheticTable.enterPpm(members, 200_000);
            String u = "(hash(learner_id, 'advance') % 1000000)";
            // predicted from the formula, on the table before the advance
            long changed = count(s, "SELECT count(*) FROM learners WHERE activity_pct < 30 AND " + u + " < 50000");
            long left = count(
                    s, "SELECT count(*) FROM learners WHERE activity_pct < 30 AND " + u + " BETWEEN 50000 AND 59999");
            long entered = count(
                    s,
                    "SELECT count(*) FROM learners WHERE activity_pct >= 30 AND " + u + " >= 50000 AND " + u + " < "
                            + (50_000 + enter));
            long untouchedHash = count(
                    s, "SELECT sum(" + SyntheticTable.MAPPED_HASH + " % 1000) FROM learners WHERE " + u + " >= 50000");

            SyntheticTable.Advance a = SyntheticTable.advance(c, segment);

            assertThat(a.learners()).isEqualTo(200_000);
            assertThat(a.membersBefore()).isEqualTo(members);
            assertThat(a.changed()).isEqualTo(changed);
            assertThat(a.left()).isEqualTo(left);
            assertThat(a.entered()).isEqualTo(entered);
            assertThat(a.records()).isEqualTo(changed + left + entered);
            assertThat(a.membersAfter()).isEqualTo(members + entered - left);
            // about 5 % of members changed, 1 % left, about as many entered
            assertThat((double) a.changed() / members).isCloseTo(0.05, within(0.005));
            assertThat((double) a.left() / members).isCloseTo(0.01, within(0.002));
            assertThat((double) a.entered() / members).isCloseTo(0.01, within(0.002));
            assertThat(count(s, "SELECT count(*) FROM learners WHERE activity_pct < 30"))
                    .isEqualTo(a.membersAfter());
            // learners outside the value band keep their mapped values
            assertThat(count(
                            s,
                            "SELECT sum(" + SyntheticTable.MAPPED_HASH + " % 1000) FROM learners WHERE " + u
                                    + " >= 50000"))
                    .isEqualTo(untouchedHash);
        }
    }

    @Test
    void advanceOfTheUpperSegmentMovesLearnersAcrossItsLowerBound() throws SQLException {
        SyntheticTable.Segment segment = new SyntheticTable.Segment(94, 100);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            SyntheticTable.generate(c, 200_000);
            SyntheticTable.Advance a = SyntheticTable.advance(c, segment);
            assertThat(a.entered()).isPositive();
            assertThat(a.left()).isPositive();
            assertThat(a.changed()).isPositive();
            assertThat((double) a.entered() / a.membersBefore()).isCloseTo(0.01, within(0.004));
            assertThat(count(s, "SELECT count(*) FROM learners WHERE activity_pct >= 94"))
                    .isEqualTo(a.membersAfter());
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
