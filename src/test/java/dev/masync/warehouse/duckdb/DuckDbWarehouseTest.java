package dev.masync.warehouse.duckdb;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.WarehouseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DuckDbWarehouseTest {
    @TempDir
    Path dir;

    DuckDbWarehouse warehouse;

    @BeforeEach
    void createWarehouse() throws Exception {
        Path file = dir.resolve("w.duckdb");
        var settings = new DuckDbWarehouse.Settings(file, false, "256MB", 2, dir.resolve("tmp"));
        try (Connection c = DuckDbWarehouse.openForWrite(settings);
                var s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE people (id VARCHAR, age INTEGER, big BIGINT, score DOUBLE, amount DECIMAL(10,2),
                      active BOOLEAN, born DATE, seen TIMESTAMP, seen_tz TIMESTAMPTZ, tags VARCHAR[], blob BLOB)""");
            s.execute("""
                    INSERT INTO people VALUES ('a', 30, 5000000000, 0.5, 12.34, true, DATE '2000-01-02',
                      TIMESTAMP '2026-11-01 20:15:00', TIMESTAMPTZ '2026-11-01 11:15:00+00', ['x','y'], 'AB'::BLOB),
                      ('b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""");
        }
        warehouse = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(file, true, "256MB", 2, dir.resolve("tmp")));
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    @Test
    void describesColumnsInTableOrderWithLogicalTypes() {
        Map<String, ColumnInfo> cols = warehouse.describe("people").stream()
                .collect(Collectors.toMap(ColumnInfo::name, c -> c, (a, b) -> a, java.util.LinkedHashMap::new));
        assertThat(cols.keySet())
                .containsExactly(
                        "id", "age", "big", "score", "amount", "active", "born", "seen", "seen_tz", "tags", "blob");
        assertThat(cols.get("id").type()).isEqualTo(ColumnType.STRING);
        assertThat(cols.get("age").type()).isEqualTo(ColumnType.INTEGER);
        assertThat(cols.get("big").type()).isEqualTo(ColumnType.INTEGER);
        assertThat(cols.get("score").type()).isEqualTo(ColumnType.NUMBER);
        assertThat(cols.get("amount").type()).isEqualTo(ColumnType.NUMBER);
        assertThat(cols.get("active").type()).isEqualTo(ColumnType.BOOLEAN);
        assertThat(cols.get("born").type()).isEqualTo(ColumnType.DATE);
        assertThat(cols.get("seen").type()).isEqualTo(ColumnType.TIMESTAMP);
        assertThat(cols.get("seen_tz").type()).isEqualTo(ColumnType.TIMESTAMP_TZ);
        assertThat(cols.get("tags").type()).isEqualTo(ColumnType.ARRAY);
        assertThat(cols.get("tags").elementType()).isEqualTo(ColumnType.STRING);
        assertThat(cols.get("blob").type()).isEqualTo(ColumnType.OTHER);
    }

    @Test
    void readsValuesAsDocumentedJavaTypes() {
        List<Row> rows = new ArrayList<>();
        warehouse.query(BoundQuery.of("SELECT * FROM people ORDER BY id"), rows::add);
        Row a = rows.get(0);
        assertThat(a.get("age")).isEqualTo(30L);
        assertThat(a.get("big")).isEqualTo(5_000_000_000L);
        assertThat(a.get("score")).isEqualTo(0.5);
        assertThat(a.get("amount")).isEqualTo(new BigDecimal("12.34"));
        assertThat(a.get("active")).isEqualTo(true);
        assertThat(a.get("born")).isEqualTo(LocalDate.of(2000, 1, 2));
        assertThat(a.get("seen")).isEqualTo(LocalDateTime.of(2026, 11, 1, 20, 15));
        assertThat(a.get("seen_tz")).isEqualTo(Instant.parse("2026-11-01T11:15:00Z"));
        assertThat(a.get("tags")).isEqualTo(List.of("x", "y"));
        assertThat(rows.get(1).values()).containsOnly("b", null);
    }

    @Test
    void bindsParametersOfEveryType() {
        SqlBuilder sql = new SqlBuilder(warehouse.dialect())
                .sql("SELECT ")
                .ident("id")
                .sql(" FROM ")
                .table("people")
                .sql(" WHERE ")
                .ident("age")
                .sql(" = ")
                .param(ColumnType.INTEGER, 30L)
                .sql(" AND ")
                .ident("born")
                .sql(" < ")
                .param(ColumnType.DATE, LocalDate.of(2001, 1, 1))
                .sql(" AND ")
                .ident("seen")
                .sql(" <= ")
                .param(ColumnType.TIMESTAMP, LocalDateTime.of(2026, 11, 1, 20, 15))
                .sql(" AND ")
                .ident("seen_tz")
                .sql(" >= ")
                .param(ColumnType.TIMESTAMP_TZ, Instant.parse("2026-11-01T11:00:00Z"))
                .sql(" AND ")
                .ident("id")
                .sql(" = ")
                .param(ColumnType.STRING, "a")
                .sql(" AND ")
                .ident("active")
                .sql(" = ")
                .param(ColumnType.BOOLEAN, true)
                .sql(" AND list_has_any(")
                .ident("tags")
                .sql(", ")
                .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, List.of("y", "z")))
                .sql(")");
        List<Object> ids = new ArrayList<>();
        warehouse.query(sql.build(), r -> ids.add(r.get(0)));
        assertThat(ids).containsExactly("a");
    }

    @Test
    void valuesNeverBecomeSql() {
        SqlBuilder sql = new SqlBuilder(warehouse.dialect())
                .sql("SELECT count(*) FROM ")
                .table("people")
                .sql(" WHERE ")
                .ident("id")
                .sql(" = ")
                .param(ColumnType.STRING, "a' OR '1'='1");
        List<Object> counts = new ArrayList<>();
        warehouse.query(sql.build(), r -> counts.add(r.get(0)));
        assertThat(counts).containsExactly(0L);
    }

    @Test
    void quotedIdentifiersCannotBreakOut() {
        assertThat(warehouse.dialect().quoteIdentifier("a\"; DROP TABLE people; --"))
                .isEqualTo("\"a\"\"; DROP TABLE people; --\"");
        assertThatThrownBy(() -> warehouse.describe("people\"; --")).isInstanceOf(WarehouseException.class);
        assertThat(warehouse.describe("people")).isNotEmpty();
    }

    @Test
    void streamsLargeResultsAndStopsEarly() {
        long[] seen = {0};
        long delivered = warehouse.query(BoundQuery.of("SELECT i FROM range(50000000) t(i)"), r -> ++seen[0] < 10);
        assertThat(delivered).isEqualTo(10);
    }

    @Test
    void missingTableIsNotFound() {
        assertThatThrownBy(() -> warehouse.describe("nope"))
                .isInstanceOfSatisfying(
                        WarehouseException.class,
                        e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> warehouse.query(BoundQuery.of("SELECT * FROM nope"), r -> true))
                .isInstanceOfSatisfying(
                        WarehouseException.class,
                        e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.NOT_FOUND));
    }

    @Test
    void badSqlIsInvalidQuery() {
        assertThatThrownBy(() -> warehouse.query(BoundQuery.of("SELEC 1"), r -> true))
                .isInstanceOfSatisfying(
                        WarehouseException.class,
                        e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.INVALID_QUERY));
    }

    @Test
    void statementsRunAtomicallyAllTakeEffectOrNone() {
        warehouse.close();
        warehouse = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(
                dir.resolve("w.duckdb"), true, null, null, null, dir.resolve("state.duckdb")));
        String t = DuckDbWarehouse.STATE_CATALOG + ".t";
        warehouse.execute(sql("CREATE TABLE " + t + " (x INTEGER PRIMARY KEY)"));

        long[] counts = warehouse.executeAtomically(List.of(
                sql("INSERT INTO " + t + " VALUES (1), (2)"), sql("INSERT INTO " + t + " SELECT 3 WHERE false")));
        assertThat(counts).containsExactly(2, 0);
        assertThatThrownBy(() -> warehouse.executeAtomically(
                        List.of(sql("INSERT INTO " + t + " VALUES (4)"), sql("INSERT INTO " + t + " VALUES (1)"))))
                .isInstanceOf(WarehouseException.class);
        List<Object> rows = new ArrayList<>();
        warehouse.query(sql("SELECT x FROM " + t + " ORDER BY x"), r -> rows.add(r.get(0)));
        assertThat(rows).as("the failed transaction left nothing").containsExactly(1L, 2L);
    }

    private BoundQuery sql(String trusted) {
        return new SqlBuilder(warehouse.dialect()).sql(trusted).build();
    }

    @Test
    void readOnlyWarehouseRefusesWrites() {
        assertThatThrownBy(() -> warehouse.query(BoundQuery.of("CREATE TABLE x (i INTEGER)"), r -> true))
                .isInstanceOf(WarehouseException.class);
    }

    @Test
    void missingFileIsUnavailableWithAHint() {
        assertThatThrownBy(() -> DuckDbWarehouse.open(
                        new DuckDbWarehouse.Settings(dir.resolve("missing.duckdb"), true, null, null, null)))
                .isInstanceOfSatisfying(WarehouseException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WarehouseException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("missing.duckdb").contains("masync.warehouse.duckdb.path");
                });
    }

    @Test
    void unreadableFileIsUnavailable() throws Exception {
        Path junk = dir.resolve("junk.duckdb");
        java.nio.file.Files.writeString(junk, "this is not a database");
        assertThatThrownBy(() -> DuckDbWarehouse.open(new DuckDbWarehouse.Settings(junk, true, null, null, null)))
                .isInstanceOfSatisfying(
                        WarehouseException.class,
                        e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.UNAVAILABLE));
    }
}
