package dev.masync.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.demo.DemoSpec;
import dev.masync.demo.DemoWarehouse;
import dev.masync.segment.rule.Parsed;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.RuleValidator;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.segment.rule.SegmentLookup;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code segments/*.yaml}: valid against the demo warehouse's catalog, and on its own fixtures (loaded into a
 * DuckDB warehouse with the demo's schema) it selects exactly its expected members.
 */
class SegmentFilesTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");

    @TempDir
    static Path dir;

    static DuckDbWarehouse warehouse;
    static Catalog catalog;
    static List<SegmentFiles.FileSegment> files;

    @BeforeAll
    static void demoSchema() throws Exception {
        Path file = dir.resolve("fixtures.duckdb");
        try (Connection c = DuckDbWarehouse.openForWrite(new DuckDbWarehouse.Settings(file, false, null, null, null))) {
            DemoWarehouse.generate(c, new DemoSpec(1, 50, LocalDate.of(2026, 11, 28), ZONE));
        }
        warehouse = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(file, false, null, null, null));
        catalog = new CatalogReader(
                        new CatalogSpec(
                                "learner_status",
                                "learner_id",
                                List.of("lecture_views", "quiz_attempts"),
                                Map.of(),
                                Map.of(),
                                50,
                                Duration.ofHours(1)),
                        Clock.systemUTC())
                .read(warehouse);
        files = SegmentFiles.read(Path.of("segments"));
    }

    @AfterAll
    static void close() {
        warehouse.close();
    }

    static SegmentLookup lookup() {
        return key ->
                files.stream().filter(f -> f.key().equals(key)).findFirst().map(SegmentFiles.FileSegment::rule);
    }

    @TestFactory
    List<DynamicTest> everyExampleSelectsItsExpectedMembers() {
        assertThat(files).hasSizeBetween(5, 12);
        return files.stream()
                .map(f -> DynamicTest.dynamicTest(f.file().getFileName().toString(), () -> {
                    Parsed parsed = RuleParser.parse(f.rule(), "/rule");
                    assertThat(parsed.errors()).isEmpty();
                    assertThat(RuleValidator.validate(parsed.rule(), "/rule", catalog, lookup(), f.key()))
                            .isEmpty();
                    JsonNode fixtures = f.raw().get("fixtures");
                    assertThat(fixtures).as("fixtures of " + f.file()).isNotNull();
                    load(fixtures);
                    Instant asOf = Instant.parse(fixtures.get("asOf").asText());
                    var query = new SegmentCompiler(warehouse.dialect(), catalog, ZONE, lookup())
                            .members(parsed.rule(), asOf, List.of(), null, 1000);
                    List<String> members = new ArrayList<>();
                    warehouse.query(query, row -> members.add((String) row.get(0)));
                    List<String> expected = new ArrayList<>();
                    f.raw().get("expected").forEach(e -> expected.add(e.asText()));
                    assertThat(members).as(f.file().toString()).containsExactlyElementsOf(expected);
                }))
                .collect(Collectors.toList());
    }

    /** Replaces the demo rows with the fixture's; columns a fixture leaves out are NULL. */
    static void load(JsonNode fixtures) throws Exception {
        try (Connection c = warehouse.connection();
                var s = c.createStatement()) {
            for (String table : List.of("learner_status", "lecture_views", "quiz_attempts")) {
                s.execute("DELETE FROM " + table);
            }
            insert(c, "learner_status", fixtures.get("learners"));
            JsonNode events = fixtures.path("events");
            for (Iterator<String> it = events.fieldNames(); it.hasNext(); ) {
                String table = it.next();
                insert(c, table, events.get(table));
            }
        }
    }

    static void insert(Connection c, String table, JsonNode rows) throws Exception {
        for (JsonNode row : rows) {
            List<String> columns = new ArrayList<>();
            row.fieldNames().forEachRemaining(columns::add);
            String sql = "INSERT INTO " + table + " ("
                    + columns.stream().map(col -> '"' + col + '"').collect(Collectors.joining(", ")) + ") VALUES ("
                    + "?, ".repeat(columns.size() - 1) + "?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < columns.size(); i++) {
                    JsonNode v = row.get(columns.get(i));
                    if (v.isNull()) {
                        ps.setObject(i + 1, null);
                    } else if (v.isBoolean()) {
                        ps.setBoolean(i + 1, v.booleanValue());
                    } else if (v.isIntegralNumber()) {
                        ps.setLong(i + 1, v.longValue());
                    } else if (v.isNumber()) {
                        ps.setDouble(i + 1, v.doubleValue());
                    } else {
                        ps.setString(i + 1, v.asText());
                    }
                }
                ps.executeUpdate();
            }
        }
    }
}
