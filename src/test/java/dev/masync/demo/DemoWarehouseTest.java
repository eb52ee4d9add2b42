package dev.masync.demo;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;

import static dev.masync.demo.DemoDb.ANCHOR;
import static dev.masync.demo.DemoDb.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoWarehouseTest {

    @Test
    void sameSeedAndAnchorGiveIdenticalTablesWhateverTheThreadCount() throws SQLException {
        // 20,000 learners give event tables of several row groups, so the parallel paths really run.
        List<String> one;
        List<String> four;
        try (Connection c = DemoDb.memory()) {
            DemoDb.exec(c, "SET threads = 1");
            DemoWarehouse.generate(c, new DemoSpec(7, 20_000, ANCHOR, TOKYO));
            one = DemoDb.checksums(c);
        }
        try (Connection c = DemoDb.memory()) {
            DemoDb.exec(c, "SET threads = 4");
            DemoWarehouse.generate(c, new DemoSpec(7, 20_000, ANCHOR, TOKYO));
            four = DemoDb.checksums(c);
            assertThat(DemoSql.queryLong(c, "SELECT count(*) FROM lecture_views"))
                    .isGreaterThan(250_000);
        }
        assertThat(four).isEqualTo(one);
    }

    @Test
    void aDifferentSeedGivesDifferentData() throws SQLException {
        try (Connection a = DemoDb.generated(1, 2_000);
                Connection b = DemoDb.generated(2, 2_000)) {
            for (String table : List.of("learner_status", "lecture_views", "quiz_attempts", "demo_profile")) {
                assertThat(DemoDb.checksum(b, table)).as(table).isNotEqualTo(DemoDb.checksum(a, table));
            }
            // The catalogue is the service's, not the seed's.
            assertThat(DemoDb.checksum(b, "demo_lectures")).isEqualTo(DemoDb.checksum(a, "demo_lectures"));
        }
    }

    @Test
    void advancingIsDeterministicToo() throws SQLException {
        List<String> first;
        try (Connection c = DemoDb.generated(11, 3_000)) {
            DemoWarehouse.advance(c, 1);
            DemoWarehouse.advance(c, 2);
            first = DemoDb.checksums(c);
        }
        try (Connection c = DemoDb.generated(11, 3_000)) {
            DemoWarehouse.advance(c, 1);
            DemoWarehouse.advance(c, 2);
            assertThat(DemoDb.checksums(c)).isEqualTo(first);
        }
    }

    @Test
    void advanceMovesTheAnchorAddsLearnersAndChangesSomeRows() throws SQLException {
        try (Connection c = DemoDb.generated(42, 4_000)) {
            DemoDb.exec(
                    c,
                    "CREATE TEMP TABLE before AS SELECT learner_id, hash(*COLUMNS(* EXCLUDE (updated_at))) AS h"
                            + " FROM learner_status");
            long maxIdBefore =
                    DemoSql.queryLong(c, "SELECT max(CAST(substr(learner_id, 2) AS BIGINT)) FROM learner_status");

            DemoSummary summary = DemoWarehouse.advance(c, 1);

            LocalDate anchor = ANCHOR.plusDays(1);
            assertThat(summary.anchor()).isEqualTo(anchor);
            assertThat(DemoWarehouse.state(c)).hasValueSatisfying(s -> {
                assertThat(s.anchor()).isEqualTo(anchor);
                assertThat(s.advancedDays()).isEqualTo(1);
                assertThat(s.learners()).isEqualTo(summary.learners());
                assertThat(s.seed()).isEqualTo(42);
                assertThat(s.zone()).isEqualTo(TOKYO);
            });
            long added = summary.learners() - 4_000;
            assertThat(added).as("0.2-0.5 %% sign up a day").isBetween(8L, 20L);
            // New ids continue the sequence without gaps.
            assertThat(DemoSql.queryLong(
                            c,
                            "SELECT count(*) FROM learner_status l ANTI JOIN before b USING (learner_id)"
                                    + " WHERE CAST(substr(l.learner_id, 2) AS BIGINT) BETWEEN " + (maxIdBefore + 1)
                                    + " AND "
                                    + (maxIdBefore + added)))
                    .isEqualTo(added);

            long changed = DemoSql.queryLong(
                    c,
                    "SELECT count(*) FROM learner_status l JOIN before b USING (learner_id)"
                            + " WHERE hash(*COLUMNS(l.* EXCLUDE (updated_at))) <> b.h");
            assertThat(changed).as("rows changed by one day").isBetween(40L, 1_200L);

            assertThat(DemoSql.queryLong(
                            c,
                            "SELECT count(*) FROM learner_status WHERE updated_at <> TIMESTAMP '" + anchor
                                    + " 04:00:00'"))
                    .isZero();
            for (String sql : List.of(
                    "SELECT min(viewed_at), max(viewed_at) FROM lecture_views",
                    "SELECT min(answered_at), max(answered_at) FROM quiz_attempts")) {
                List<String> range = DemoDb.rows(c, sql);
                assertThat(range.get(0))
                        .startsWith(anchor.minusDays(90).toString())
                        .contains(" | " + anchor.minusDays(1));
            }
        }
    }

    @Test
    void aLongAdvanceDropsOldEventsButKeepsWhatTheyMeant() throws SQLException {
        try (Connection c = DemoDb.generated(5, 2_000)) {
            DemoWarehouse.advance(c, 40);
            LocalDate anchor = ANCHOR.plusDays(40);
            assertThat(DemoDb.stringValue(c, "SELECT min(viewed_at)::DATE FROM lecture_views"))
                    .isEqualTo(anchor.minusDays(90).toString());
            assertThat(DemoDb.stringValue(c, "SELECT max(answered_at)::DATE FROM quiz_attempts"))
                    .isEqualTo(anchor.minusDays(1).toString());
            // The generator's course cursor agrees with the progress the daily job derives.
            assertThat(DemoSql.queryLong(c, """
                    SELECT count(*) FROM demo_progress g JOIN learner_status s USING (learner_id)
                    JOIN demo_profile p USING (learner_id)
                    JOIN (SELECT stage, count(*) FILTER (WHERE subject = 'math') AS t FROM demo_lectures GROUP BY stage)
                      t ON t.stage = p.stage
                    WHERE round(100.0 * g.pos_math / t.t, 1) <> s.progress_math_pct""")).isZero();
        }
    }

    @Test
    void generateRefusesADatabaseThatAlreadyHasLearnerStatus() throws SQLException {
        try (Connection c = DemoDb.memory()) {
            DemoDb.exec(c, "CREATE TABLE learner_status (learner_id VARCHAR)");
            assertThatThrownBy(() -> DemoWarehouse.generate(c, new DemoSpec(1, 10, ANCHOR, TOKYO)))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("learner_status");
            assertThat(DemoWarehouse.state(c)).isEmpty();
        }
    }

    @Test
    void advanceNeedsADemoAndASensibleNumberOfDays() throws SQLException {
        try (Connection c = DemoDb.memory()) {
            assertThatThrownBy(() -> DemoWarehouse.advance(c, 1))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("demo");
        }
        try (Connection c = DemoDb.generated(3, 50)) {
            assertThatThrownBy(() -> DemoWarehouse.advance(c, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> DemoWarehouse.advance(c, 366)).isInstanceOf(IllegalArgumentException.class);
            assertThat(DemoWarehouse.state(c))
                    .hasValueSatisfying(s -> assertThat(s.anchor()).isEqualTo(ANCHOR));
        }
    }

    @Test
    void specRejectsImpossibleSizes() {
        assertThatThrownBy(() -> new DemoSpec(1, 0, ANCHOR, TOKYO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DemoSpec(1, 10_000_000, ANCHOR, TOKYO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
