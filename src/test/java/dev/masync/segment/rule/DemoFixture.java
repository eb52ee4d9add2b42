package dev.masync.segment.rule;

import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.demo.DemoSpec;
import dev.masync.demo.DemoWarehouse;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A generated demo warehouse (3,000 learners, fixed seed and anchor) shared by the tests of one JVM, with a view
 * {@code learners} that adds an array ({@code tags}) and an absolute timestamp ({@code signup_tz}) to
 * {@code learner_status}.
 */
final class DemoFixture {
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    static final LocalDate ANCHOR = LocalDate.of(2026, 3, 1);
    /** The evening before the anchor, Tokyo time. */
    static final Instant AS_OF = Instant.parse("2026-02-28T12:00:00Z");

    private static final Path FILE = Path.of("target", "test-data", "segment-rules", "demo.duckdb");
    private static DuckDbWarehouse warehouse;
    private static Catalog catalog;

    private DemoFixture() {}

    static synchronized DuckDbWarehouse warehouse() {
        if (warehouse == null) {
            DuckDbWarehouse.Settings settings = new DuckDbWarehouse.Settings(FILE, false, null, null, null);
            try {
                Files.createDirectories(FILE.getParent());
                Files.deleteIfExists(FILE);
                try (Connection c = DuckDbWarehouse.openForWrite(settings);
                        Statement s = c.createStatement()) {
                    DemoWarehouse.generate(c, new DemoSpec(42, 3000, ANCHOR, ZONE));
                    s.execute("""
                            CREATE VIEW learners AS SELECT *,
                              list_filter([favorite_subject, CASE WHEN line_linked THEN 'line' END], x -> x IS NOT NULL)
                                AS tags,
                              timezone('Asia/Tokyo', signup_at) AS signup_tz
                            FROM learner_status""");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            warehouse = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(FILE, true, null, null, null));
        }
        return warehouse;
    }

    static synchronized Catalog catalog() {
        if (catalog == null) {
            CatalogSpec spec = new CatalogSpec(
                    "learners",
                    "learner_id",
                    List.of("lecture_views", "quiz_attempts"),
                    Map.of(),
                    Map.of(),
                    50,
                    Duration.ofHours(1));
            catalog = new CatalogReader(spec, Clock.systemUTC()).read(warehouse());
        }
        return catalog;
    }

    static List<Row> rows(BoundQuery q) {
        List<Row> rows = new ArrayList<>();
        warehouse().query(q, rows::add);
        return rows;
    }

    static long single(BoundQuery q) {
        return ((Number) rows(q).get(0).get(0)).longValue();
    }
}
