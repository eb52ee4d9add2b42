package dev.masync.sync.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small warehouse that is not the demo's: {@code people(pid BIGINT, mail VARCHAR, minutes INTEGER, exam DATE)}
 * with {@code n} rows ({@code minutes = pid % 10}, {@code exam} from {@code examSql}), the sync-state file attached,
 * and the rule {@code minutes >= 5} (half of them) compiled against it.
 */
public record PeopleWarehouse(DuckDbWarehouse warehouse, SegmentCompiler compiler, Rule rule) implements AutoCloseable {

    public static PeopleWarehouse create(Path dir, int n, String examSql) throws Exception {
        Path source = dir.resolve("src.duckdb");
        try (Connection c =
                        DuckDbWarehouse.openForWrite(new DuckDbWarehouse.Settings(source, false, null, null, null));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (pid BIGINT, mail VARCHAR, minutes INTEGER, exam DATE)");
            s.execute("INSERT INTO people SELECT range, 'p' || range || '@x.test', (range % 10)::INTEGER, " + examSql
                    + " FROM range(" + n + ")");
        }
        DuckDbWarehouse warehouse = DuckDbWarehouse.open(
                new DuckDbWarehouse.Settings(source, false, null, null, null, dir.resolve("state.duckdb")));
        Catalog catalog = new CatalogReader(
                        new CatalogSpec("people", "pid", List.of(), Map.of(), Map.of(), 50, Duration.ofHours(1)),
                        Clock.systemUTC())
                .read(warehouse);
        SegmentCompiler compiler =
                new SegmentCompiler(warehouse.dialect(), catalog, ZoneId.of("UTC"), key -> Optional.empty());
        Rule rule = RuleParser.parse(
                        new ObjectMapper().readTree("{\"attribute\":\"minutes\",\"op\":\"gte\",\"value\":5}"), "")
                .rule();
        return new PeopleWarehouse(warehouse, compiler, rule);
    }

    /** Changes the source as the warehouse's own jobs would. */
    public void update(String sql) throws Exception {
        try (Connection c = warehouse.connection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        warehouse.close();
    }
}
