package dev.masync.segment.rule;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.bigquery.BigQueryDialect;
import dev.masync.warehouse.duckdb.DuckDbDialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The count SQL of every golden rule, per dialect, equals src/test/resources/golden/&lt;name&gt;.&lt;dialect&gt;.sql
 * (SQL, then one comment line per parameter). Run with {@code -Dgolden.update=true} (or GOLDEN_UPDATE=true) to
 * rewrite the files after an intended change, and review the diff.
 */
class GoldenSqlTest {
    static final Path DIR = Path.of("src", "test", "resources", "golden");
    static final boolean UPDATE =
            Boolean.getBoolean("golden.update") || "true".equalsIgnoreCase(System.getenv("GOLDEN_UPDATE"));

    static Stream<Arguments> cases() {
        return GoldenRules.ALL.stream()
                .flatMap(g -> Stream.of(
                        Arguments.of(g.name(), "duckdb", new DuckDbDialect()),
                        Arguments.of(g.name(), "bigquery", new BigQueryDialect("test-project", "learning"))));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("cases")
    void countSqlMatchesTheGoldenFile(String name, String dialectName, SqlDialect dialect) throws IOException {
        GoldenRules.Golden golden = GoldenRules.ALL.stream()
                .filter(g -> g.name().equals(name))
                .findFirst()
                .orElseThrow();
        SegmentCompiler compiler =
                new SegmentCompiler(dialect, DemoFixture.catalog(), DemoFixture.ZONE, GoldenRules.LOOKUP);
        String actual = render(compiler.count(GoldenRules.parse(golden.rule()), DemoFixture.AS_OF));
        Path file = DIR.resolve(name + "." + dialectName + ".sql");
        if (UPDATE || !Files.exists(file)) {
            Files.createDirectories(DIR);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            assertThat(UPDATE)
                    .as("golden file " + file + " was missing and has been written; review and commit it")
                    .isTrue();
        }
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    static String render(BoundQuery q) {
        StringBuilder out = new StringBuilder(q.sql()).append("\n");
        for (QueryParam p : q.params()) {
            out.append("-- ")
                    .append(p.name())
                    .append(' ')
                    .append(p.type())
                    .append(p.elementType() == null ? "" : "<" + p.elementType() + ">")
                    .append(" = ")
                    .append(p.value())
                    .append("\n");
        }
        return out.toString();
    }
}
