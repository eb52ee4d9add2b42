package dev.masync.sync.run;

import dev.masync.sync.SyncService;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Remembered record ids in the control DB (H2, migrated like the daemon's). */
class JdbcRecordIdsTest {
    static final String S1 = "s1__gen1";

    @TempDir
    Path dir;

    JdbcDataSource db;
    JdbcRecordIds ids;

    @BeforeEach
    void setUp() throws SQLException {
        db = new JdbcDataSource();
        db.setURL("jdbc:h2:file:" + dir.resolve("control").toAbsolutePath());
        db.setUser("sa");
        Flyway.configure()
                .dataSource(db)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        ids = JdbcRecordIds.over(db, Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC));
        execute("INSERT INTO syncs (sync_key, name, segment_key, destination_key, definition_json, paused, version,"
                + " source, state_id, created_at, created_by, updated_at, updated_by) VALUES ('s1', 's1', 'seg', 'd',"
                + " '{}', FALSE, 1, 'api', 'gen1', CURRENT_TIMESTAMP, 't', CURRENT_TIMESTAMP, 't'), ('s2', 's2', 'seg',"
                + " 'd', '{}', FALSE, 1, 'api', 'gen1', CURRENT_TIMESTAMP, 't', CURRENT_TIMESTAMP, 't')");
    }

    void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long rows() throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM destination_record_ids")) {
            r.next();
            return r.getLong(1);
        }
    }

    static RecordIds.Entry e(String learner, String id) {
        return new RecordIds.Entry(learner, learner + "@x.test", id);
    }

    @Test
    void aLearnersNewIdReplacesItsOldOneAndAnIdGoesToTheLearnerLastNamed() throws SQLException {
        ids.remember("s1", S1, List.of(e("1", "101"), e("2", "102"), e("3", "103")));
        ids.remember("s2", "s2__gen1", List.of(e("1", "101")));
        assertThat(ids.learnersOf("s1", S1, Set.of("101", "102", "999")))
                .containsOnly(Map.entry("101", Set.of("1")), Map.entry("102", Set.of("2")));

        // 1 was re-created at the destination (new id); 3's id now answers for 4 (merged, say)
        ids.remember("s1", S1, List.of(e("1", "201"), e("4", "103")));
        assertThat(ids.learnersOf("s1", S1, Set.of("101", "201", "103")))
                .containsOnly(Map.entry("201", Set.of("1")), Map.entry("103", Set.of("4")));
        assertThat(ids.learnersOf("s2", "s2__gen1", Set.of("101")))
                .as("another sync keeps its own")
                .containsOnly(Map.entry("101", Set.of("1")));
        // within one batch, the last named wins too; 5's last id went to 6, so 5 keeps none (not even its old one)
        ids.remember("s1", S1, List.of(e("5", "100")));
        ids.remember("s1", S1, List.of(e("5", "105"), e("5", "106"), e("6", "106")));
        assertThat(ids.learnersOf("s1", S1, Set.of("100", "105", "106"))).containsOnly(Map.entry("106", Set.of("6")));
        assertThat(rows()).isEqualTo(5); // s1: 1, 2, 4, 6; s2: 1
    }

    @Test
    void idsMatchExactlyAndOnlyUnderTheirStateGeneration() {
        ids.remember("s1", S1, List.of(e("1", "a0Q5g00000AbCdE")));
        assertThat(ids.learnersOf("s1", S1, Set.of("a0Q5g00000AbCdE"))).containsKey("a0Q5g00000AbCdE");
        assertThat(ids.learnersOf("s1", S1, Set.of("a0q5g00000abcde")))
                .as("ids are case-sensitive")
                .isEmpty();
        assertThat(ids.learnersOf("s1", "s1__gen2", Set.of("a0Q5g00000AbCdE")))
                .as("another destination")
                .isEmpty();
        assertThat(ids.learnersOf("s1", S1, Set.of())).isEmpty();
    }

    @Test
    void forgettingLearnersDropsTheirIdsAndNothingIsWrittenForNoEntries() throws SQLException {
        ids.remember("s1", S1, List.of(e("1", "101"), e("2", "102")));
        ids.remember("s2", "s2__gen1", List.of(e("1", "101")));
        ids.forget("s1", Set.of("1", "nobody"));
        assertThat(ids.learnersOf("s1", S1, Set.of("101", "102"))).containsOnlyKeys("102");
        assertThat(ids.learnersOf("s2", "s2__gen1", Set.of("101"))).containsOnlyKeys("101");
        ids.remember("s1", S1, List.of());
        ids.forget("s1", Set.of());
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void idsGoWithTheirSyncAndWithARetiredStateGeneration() throws SQLException {
        ids.remember("s1", S1, List.of(e("1", "101")));
        ids.remember("s2", "s2__gen1", List.of(e("1", "101")));
        ids.onRetired(new SyncService.StateRetired("s2__gen1"));
        assertThat(ids.learnersOf("s2", "s2__gen1", Set.of("101"))).isEmpty();
        execute("DELETE FROM syncs WHERE sync_key = 's1'");
        assertThat(rows()).isZero();
    }

    @Test
    void idsTooLongForTheColumnAreNotRemembered() throws SQLException {
        String longId = "x".repeat(JdbcRecordIds.MAX_RECORD_ID + 1);
        ids.remember("s1", S1, List.of(e("1", longId), e("2", "102")));
        assertThat(rows()).isEqualTo(1);
        assertThat(ids.learnersOf("s1", S1, Set.of(longId))).isEmpty();
    }
}
