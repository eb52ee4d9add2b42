package dev.masync.platform;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same migrations apply cleanly on H2 and PostgreSQL, and the resulting schema enforces its constraints on
 * both. PostgreSQL comes from MASYNC_TEST_POSTGRES_URL (default 127.0.0.1:5432/test); without a server the
 * PostgreSQL case is skipped unless MASYNC_TEST_REQUIRE_POSTGRES=true (as in CI).
 */
class MigrationTest {
    static final String SCHEMA = "masync_migration_test";

    @Test
    void migratesH2(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws SQLException {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("control");
        migrateAndCheck(url, "sa", "");
    }

    @Test
    void migratesPostgres() throws SQLException {
        String url = System.getenv().getOrDefault("MASYNC_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String password = System.getenv().getOrDefault("MASYNC_TEST_POSTGRES_PASSWORD", "");
        boolean required = Boolean.parseBoolean(System.getenv("MASYNC_TEST_REQUIRE_POSTGRES"));
        try (Connection ignored = DriverManager.getConnection(url, "postgres", password)) {
            // reachable
        } catch (SQLException e) {
            if (required) {
                throw e;
            }
            Assumptions.abort("PostgreSQL not reachable at " + url + ": " + e.getMessage());
        }
        migrateAndCheck(url, "postgres", password);
    }

    private static void migrateAndCheck(String url, String user, String password) throws SQLException {
        Flyway flyway = Flyway.configure()
                .dataSource(url, user, password)
                .schemas(SCHEMA)
                .createSchemas(true)
                .cleanDisabled(false)
                .locations("classpath:db/migration")
                .load();
        flyway.clean();
        MigrateResult result = flyway.migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isGreaterThan(0);
        assertThat(flyway.migrate().migrationsExecuted).as("idempotent").isZero();

        try (Connection c = DriverManager.getConnection(url, user, password);
                var s = c.createStatement()) {
            s.execute(url.startsWith("jdbc:h2") ? "SET SCHEMA \"" + SCHEMA + "\"" : "SET search_path TO " + SCHEMA);
            s.execute("INSERT INTO api_keys (name, access_role, key_hash, key_prefix, created_at, created_by)"
                    + " VALUES ('k', 'ADMIN', 'h1', 'msk_1', CURRENT_TIMESTAMP, 'test')");
            assertThat(failsWithConstraint(
                            s,
                            "INSERT INTO api_keys (name, access_role, key_hash, key_prefix, created_at,"
                                    + " created_by) VALUES ('k2', 'ADMIN', 'h1', 'msk_1', CURRENT_TIMESTAMP, 'test')"))
                    .as("key hashes are unique")
                    .isTrue();
            assertThat(failsWithConstraint(
                            s,
                            "INSERT INTO api_keys (name, access_role, key_hash, key_prefix, created_at,"
                                    + " created_by) VALUES ('k3', 'ROOT', 'h3', 'msk_3', CURRENT_TIMESTAMP, 'test')"))
                    .as("roles are checked")
                    .isTrue();

            String big = "{\"v\":\"" + "x".repeat(300_000) + "\"}";
            try (var ps =
                    c.prepareStatement("INSERT INTO audit_log (occurred_at, actor, actor_role, action, entity_type,"
                            + " entity_key, before_json, after_json) VALUES (CURRENT_TIMESTAMP, 'admin', 'admin',"
                            + " 'api_key.create', 'api_key', '1', NULL, ?)")) {
                ps.setString(1, big);
                ps.executeUpdate();
            }
            try (var rs = s.executeQuery("SELECT id, after_json FROM audit_log WHERE entity_key = '1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("identity").isPositive();
                assertThat(rs.getString(2))
                        .as("large JSON round-trips as a string")
                        .isEqualTo(big);
            }
            assertThat(failsWithConstraint(
                            s,
                            "INSERT INTO audit_log (occurred_at, action, entity_type, entity_key)"
                                    + " VALUES (CURRENT_TIMESTAMP, 'a.b', 't', 'k')"))
                    .as("an entry has an actor")
                    .isTrue();

            String event = "INSERT INTO webhook_events (source, dedup_key, kind, object_type, identities_json,"
                    + " occurred_at, received_at, payload, status, attempts, next_attempt_at) VALUES (%s, 'k1',"
                    + " 'changed', 'contact', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '{}', %s, 0,"
                    + " CURRENT_TIMESTAMP)";
            s.execute(event.formatted("'hubspot'", "'pending'"));
            assertThat(failsWithConstraint(s, event.formatted("'hubspot'", "'pending'")))
                    .as("a webhook event is stored once per source and dedup key")
                    .isTrue();
            s.execute(event.formatted("'salesforce'", "'pending'"));
            assertThat(failsWithConstraint(s, event.formatted("'generic:x'", "'done'")))
                    .as("webhook event statuses are checked")
                    .isTrue();
        }
        flyway.clean();
    }

    private static boolean failsWithConstraint(java.sql.Statement s, String sql) {
        try {
            s.execute(sql);
            return false;
        } catch (SQLException e) {
            return true;
        }
    }
}
