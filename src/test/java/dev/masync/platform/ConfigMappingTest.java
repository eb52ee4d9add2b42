package dev.masync.platform;

import dev.masync.demo.DemoConfig;
import dev.masync.security.SecurityConfig;
import dev.masync.warehouse.WarehouseConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pins every default and the full property mapping of each config interface. */
class ConfigMappingTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(MasyncConfig.class)
                .withMapping(WarehouseConfig.class)
                .withMapping(DemoConfig.class)
                .withMapping(SecurityConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
    }

    @Test
    void defaults() {
        SmallRyeConfig c = config(Map.of("masync.warehouse.duckdb.path", "./data/warehouse.duckdb"));
        MasyncConfig m = c.getConfigMapping(MasyncConfig.class);
        assertThat(m.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(m.timeZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));

        WarehouseConfig w = c.getConfigMapping(WarehouseConfig.class);
        assertThat(w.kind()).isEqualTo(WarehouseConfig.Kind.DUCKDB);
        assertThat(w.learnersTable()).isEqualTo("learner_status");
        assertThat(w.learnerKey()).isEqualTo("learner_id");
        assertThat(w.eventTables()).containsExactly("lecture_views", "quiz_attempts");
        assertThat(w.eventTable()).isEmpty();
        assertThat(w.knownValuesLimit()).isEqualTo(50);
        assertThat(w.knownValuesRefresh()).isEqualTo(Duration.ofHours(1));
        assertThat(w.catalogRefresh()).isEqualTo(Duration.ofMinutes(5));
        assertThat(w.duckdb().memoryLimit()).isEqualTo("1GB");
        assertThat(w.duckdb().threads()).isEmpty();
        assertThat(w.duckdb().statePath()).isEmpty();
        assertThat(w.bigquery().project()).isEmpty();
        assertThat(w.bigquery().anonymous()).isFalse();
        assertThat(w.bigquery().pageSize()).isEqualTo(10_000);
        assertThat(w.bigquery().queryTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(w.bigquery().maximumBytesBilled()).isEmpty();
        assertThat(w.bigquery().stateLogFraction()).isEqualTo(0.25);

        DemoConfig d = c.getConfigMapping(DemoConfig.class);
        assertThat(d.enabled())
                .as("unset: on only with the embedded DuckDB default")
                .isEmpty();
        assertThat(d.learners()).isEqualTo(100_000);
        assertThat(d.seed()).isEqualTo(42);
        assertThat(d.anchor()).isEmpty();

        SecurityConfig s = c.getConfigMapping(SecurityConfig.class);
        assertThat(s.adminApiKey()).isEmpty();
        assertThat(s.generateAdminKey()).isTrue();
    }

    @Test
    void fullMapping() {
        SmallRyeConfig c = config(Map.ofEntries(
                Map.entry("masync.data-dir", "/var/lib/ma-sync"),
                Map.entry("masync.time-zone", "Europe/Paris"),
                Map.entry("masync.warehouse.kind", "bigquery"),
                Map.entry("masync.warehouse.learners-table", "members"),
                Map.entry("masync.warehouse.learner-key", "member_no"),
                Map.entry("masync.warehouse.event-tables", "logins,orders"),
                Map.entry("masync.warehouse.event-table.\"logins\".learner-key", "member"),
                Map.entry("masync.warehouse.event-table.\"logins\".timestamp-column", "at"),
                Map.entry("masync.warehouse.known-values-limit", "20"),
                Map.entry("masync.warehouse.known-values-refresh", "30m"),
                Map.entry("masync.warehouse.catalog-refresh", "1m"),
                Map.entry("masync.warehouse.duckdb.path", "/w.duckdb"),
                Map.entry("masync.warehouse.duckdb.memory-limit", "2GB"),
                Map.entry("masync.warehouse.duckdb.threads", "2"),
                Map.entry("masync.warehouse.duckdb.state-path", "/s.duckdb"),
                Map.entry("masync.warehouse.bigquery.project", "p"),
                Map.entry("masync.warehouse.bigquery.dataset", "d"),
                Map.entry("masync.warehouse.bigquery.location", "asia-northeast1"),
                Map.entry("masync.warehouse.bigquery.state-dataset", "s"),
                Map.entry("masync.warehouse.bigquery.host", "http://127.0.0.1:9050"),
                Map.entry("masync.warehouse.bigquery.credentials-file", "/k.json"),
                Map.entry("masync.warehouse.bigquery.anonymous", "true"),
                Map.entry("masync.warehouse.bigquery.page-size", "500"),
                Map.entry("masync.warehouse.bigquery.query-timeout", "30s"),
                Map.entry("masync.warehouse.bigquery.maximum-bytes-billed", "1000000"),
                Map.entry("masync.warehouse.bigquery.state-log-fraction", "0.5"),
                Map.entry("masync.demo.enabled", "false"),
                Map.entry("masync.demo.learners", "1000000"),
                Map.entry("masync.demo.seed", "7"),
                Map.entry("masync.demo.anchor", "2026-01-15"),
                Map.entry("masync.security.admin-api-key", "k"),
                Map.entry("masync.security.generate-admin-key", "false")));
        MasyncConfig m = c.getConfigMapping(MasyncConfig.class);
        assertThat(m.dataDir()).isEqualTo(Path.of("/var/lib/ma-sync"));
        assertThat(m.timeZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        WarehouseConfig w = c.getConfigMapping(WarehouseConfig.class);
        assertThat(w.kind()).isEqualTo(WarehouseConfig.Kind.BIGQUERY);
        assertThat(w.learnersTable()).isEqualTo("members");
        assertThat(w.learnerKey()).isEqualTo("member_no");
        assertThat(w.eventTables()).isEqualTo(List.of("logins", "orders"));
        assertThat(w.eventTable().get("logins").learnerKey()).contains("member");
        assertThat(w.eventTable().get("logins").timestampColumn()).contains("at");
        assertThat(w.knownValuesLimit()).isEqualTo(20);
        assertThat(w.knownValuesRefresh()).isEqualTo(Duration.ofMinutes(30));
        assertThat(w.catalogRefresh()).isEqualTo(Duration.ofMinutes(1));
        assertThat(w.duckdb().path()).isEqualTo(Path.of("/w.duckdb"));
        assertThat(w.duckdb().memoryLimit()).isEqualTo("2GB");
        assertThat(w.duckdb().threads()).hasValue(2);
        assertThat(w.duckdb().statePath()).contains(Path.of("/s.duckdb"));
        assertThat(w.bigquery().project()).contains("p");
        assertThat(w.bigquery().dataset()).contains("d");
        assertThat(w.bigquery().location()).contains("asia-northeast1");
        assertThat(w.bigquery().stateDataset()).contains("s");
        assertThat(w.bigquery().host()).contains("http://127.0.0.1:9050");
        assertThat(w.bigquery().credentialsFile()).contains(Path.of("/k.json"));
        assertThat(w.bigquery().anonymous()).isTrue();
        assertThat(w.bigquery().pageSize()).isEqualTo(500);
        assertThat(w.bigquery().queryTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(w.bigquery().maximumBytesBilled()).hasValue(1_000_000L);
        assertThat(w.bigquery().stateLogFraction()).isEqualTo(0.5);
        DemoConfig d = c.getConfigMapping(DemoConfig.class);
        assertThat(d.enabled()).contains(false);
        assertThat(d.learners()).isEqualTo(1_000_000);
        assertThat(d.seed()).isEqualTo(7);
        assertThat(d.anchor()).contains(LocalDate.of(2026, 1, 15));
        SecurityConfig s = c.getConfigMapping(SecurityConfig.class);
        assertThat(s.adminApiKey()).contains("k");
        assertThat(s.generateAdminKey()).isFalse();
    }

    @Test
    void unknownWarehouseKindAndBadZoneFailFast() {
        assertThatThrownBy(
                        () -> config(Map.of("masync.warehouse.kind", "snowflake", "masync.warehouse.duckdb.path", "x")))
                .hasMessageContaining("snowflake");
        assertThatThrownBy(
                        () -> config(Map.of("masync.time-zone", "Mars/Olympus", "masync.warehouse.duckdb.path", "x")))
                .hasMessageContaining("Mars/Olympus");
    }
}
