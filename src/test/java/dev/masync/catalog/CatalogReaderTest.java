package dev.masync.catalog;

import dev.masync.testing.DuckDbFiles;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog comes from whatever the warehouse holds, never from the demo's names. */
class CatalogReaderTest {
    @TempDir
    Path dir;

    DuckDbWarehouse warehouse;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-02T00:00:00Z"), ZoneOffset.UTC);

    @AfterEach
    void close() {
        if (warehouse != null) {
            warehouse.close();
        }
    }

    private void createWarehouse(String... ddl) throws Exception {
        Path file = DuckDbFiles.create(dir.resolve("other.duckdb"), ddl);
        warehouse = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(file, true, null, null, null));
    }

    private static CatalogSpec spec(String learners, String key, List<String> events, Map<String, String> timestamps) {
        return new CatalogSpec(learners, key, events, Map.of(), timestamps, 5, Duration.ofHours(1));
    }

    @Test
    void readsAnotherWarehouseWithOtherColumns() throws Exception {
        createWarehouse(
                "CREATE TABLE members (member_no BIGINT, tier VARCHAR, nickname VARCHAR, points DECIMAL(12,2),"
                        + " vip BOOLEAN, renewal DATE, interests VARCHAR[])",
                "INSERT INTO members SELECT i, ['gold','silver','bronze'][i % 3 + 1], 'nick' || i, i * 1.5,"
                        + " i % 2 = 0, DATE '2027-01-01' + i::INTEGER, ['golf'] FROM range(100) t(i)",
                "CREATE TABLE logins (member_no BIGINT, logged_at TIMESTAMPTZ, channel VARCHAR)",
                "INSERT INTO logins SELECT i % 100, TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_minutes(i),"
                        + " CASE WHEN i % 2 = 0 THEN 'app' ELSE 'web' END FROM range(500) t(i)");
        Catalog catalog =
                new CatalogReader(spec("members", "member_no", List.of("logins"), Map.of()), clock).read(warehouse);

        assertThat(catalog.learners().columnNames())
                .containsExactly("member_no", "tier", "nickname", "points", "vip", "renewal", "interests");
        assertThat(catalog.learnerKey()).isEqualTo("member_no");
        assertThat(catalog.learners().column("points").orElseThrow().type()).isEqualTo(ColumnType.NUMBER);
        assertThat(catalog.learners().column("renewal").orElseThrow().type()).isEqualTo(ColumnType.DATE);
        assertThat(catalog.learners().column("interests").orElseThrow().type()).isEqualTo(ColumnType.ARRAY);
        assertThat(catalog.learners().column("tier").orElseThrow().knownValues())
                .containsExactly("bronze", "gold", "silver");
        assertThat(catalog.learners().column("nickname").orElseThrow().knownValues())
                .isEmpty();

        EventTable logins = catalog.eventTable("logins").orElseThrow();
        assertThat(logins.learnerKey()).isEqualTo("member_no");
        assertThat(logins.timestampColumn()).isEqualTo("logged_at");
        assertThat(logins.table().column("channel").orElseThrow().knownValues()).containsExactly("app", "web");
        assertThat(catalog.warnings()).isEmpty();
        assertThat(catalog.readAt()).isEqualTo(clock.instant());
    }

    @Test
    void missingLearnersTableSaysWhichSettingToFix() throws Exception {
        createWarehouse("CREATE TABLE something_else (id INTEGER)");
        assertThatThrownBy(() -> new CatalogReader(spec("learner_status", "learner_id", List.of(), Map.of()), clock)
                        .read(warehouse))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("learner_status")
                .hasMessageContaining("masync.warehouse.learners-table");
    }

    @Test
    void missingKeyColumnListsTheColumnsThereAre() throws Exception {
        createWarehouse("CREATE TABLE learners (uid VARCHAR, plan VARCHAR)");
        assertThatThrownBy(() ->
                        new CatalogReader(spec("learners", "learner_id", List.of(), Map.of()), clock).read(warehouse))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("masync.warehouse.learner-key")
                .hasMessageContaining("uid");
    }

    @Test
    void eventTableProblemsAreWarningsNotFailures() throws Exception {
        createWarehouse(
                "CREATE TABLE learners (learner_id VARCHAR)",
                "CREATE TABLE two_times (learner_id VARCHAR, started TIMESTAMP, ended TIMESTAMP)",
                "CREATE TABLE no_key (user_ref VARCHAR, logged_at TIMESTAMP)");
        Catalog catalog = new CatalogReader(
                        spec("learners", "learner_id", List.of("missing_events", "two_times", "no_key"), Map.of()),
                        clock)
                .read(warehouse);
        assertThat(catalog.eventTables()).isEmpty();
        assertThat(catalog.warnings()).hasSize(3);
        assertThat(catalog.warnings().get(0)).contains("missing_events").contains("not found");
        assertThat(catalog.warnings().get(1)).contains("started").contains("timestamp-column");
        assertThat(catalog.warnings().get(2)).contains("learner-key");
    }

    @Test
    void timestampOverridePicksAmongSeveral() throws Exception {
        createWarehouse(
                "CREATE TABLE learners (learner_id VARCHAR)",
                "CREATE TABLE sessions (learner_id VARCHAR, started TIMESTAMP, ended TIMESTAMP)");
        Catalog catalog = new CatalogReader(
                        spec("learners", "learner_id", List.of("sessions"), Map.of("sessions", "ended")), clock)
                .read(warehouse);
        assertThat(catalog.eventTable("sessions").orElseThrow().timestampColumn())
                .isEqualTo("ended");
    }

    @Test
    void worksOnAnEmptyLearnersTable() throws Exception {
        createWarehouse("CREATE TABLE learners (learner_id VARCHAR, segment VARCHAR)");
        Catalog catalog = new CatalogReader(spec("learners", "learner_id", List.of(), Map.of()), clock).read(warehouse);
        assertThat(catalog.learners().column("segment").orElseThrow().knownValues())
                .isEmpty();
    }
}
