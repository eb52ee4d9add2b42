package dev.masync.sync.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.RowConsumer;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.bigquery.BigQueryDialect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL the BigQuery state store sends, against golden files in src/test/resources/golden/ (SQL, then one comment
 * line per parameter): the diff, the fold MERGE, and the statements of a whole run, where confirmations appear as
 * journal appends without SQL. Run with {@code -Dgolden.update=true} (or GOLDEN_UPDATE=true) to rewrite the files
 * after an intended change, and review the diff.
 */
class BigQueryStateStoreSqlTest {
    static final Path DIR = Path.of("src", "test", "resources", "golden");
    static final boolean UPDATE =
            Boolean.getBoolean("golden.update") || "true".equalsIgnoreCase(System.getenv("GOLDEN_UPDATE"));
    static final Instant AS_OF = Instant.parse("2026-11-02T00:00:00Z");

    /** Records statements; answers queries from a queue of canned results. */
    static final class RecordingWarehouse implements Warehouse {
        final SqlDialect dialect = new BigQueryDialect("test-project", "learning");
        final StringBuilder transcript = new StringBuilder();
        final Deque<List<Row>> answers = new ArrayDeque<>();
        int calls;

        @Override
        public String kind() {
            return "bigquery";
        }

        @Override
        public SqlDialect dialect() {
            return dialect;
        }

        @Override
        public List<ColumnInfo> describe(String table) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long query(BoundQuery query, RowConsumer consumer) {
            calls++;
            transcript.append("-- query\n").append(render(query)).append('\n');
            long n = 0;
            for (Row r : answers.isEmpty() ? List.<Row>of() : answers.poll()) {
                n++;
                try {
                    if (!consumer.accept(r)) {
                        break;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return n;
        }

        @Override
        public long execute(BoundQuery statement) {
            calls++;
            transcript.append("-- execute\n").append(render(statement)).append('\n');
            return -1;
        }

        @Override
        public void ping() {}

        @Override
        public void close() {}
    }

    RecordingWarehouse warehouse;
    InMemoryConfirmationJournal journal;
    BigQueryStateStore store;
    SegmentCompiler compiler;
    Rule rule;
    SyncPlan plan;

    @BeforeEach
    void setUp() throws Exception {
        warehouse = new RecordingWarehouse();
        journal = new InMemoryConfirmationJournal();
        store = new BigQueryStateStore(warehouse, new BigQueryDialect("test-project", "masync_state"), journal);
        Catalog catalog = new Catalog(
                "bigquery",
                new CatalogTable(
                        "people",
                        List.of(
                                new CatalogColumn("pid", ColumnType.INTEGER, null, "INT64", List.of()),
                                new CatalogColumn("mail", ColumnType.STRING, null, "STRING", List.of()),
                                new CatalogColumn("minutes", ColumnType.INTEGER, null, "INT64", List.of()),
                                new CatalogColumn("exam", ColumnType.DATE, null, "DATE", List.of()))),
                "pid",
                List.of(),
                List.of(),
                AS_OF);
        compiler = new SegmentCompiler(warehouse.dialect(), catalog, ZoneId.of("Asia/Tokyo"), key -> Optional.empty());
        rule = RuleParser.parse(
                        new ObjectMapper()
                                .readTree(
                                        "{\"all\": ["
                                                + "{\"attribute\": \"minutes\", \"op\": \"gte\", \"value\": 5},"
                                                + "{\"attribute\": \"exam\", \"op\": \"within_next\", \"duration\": \"P60D\"}]}"),
                        "")
                .rule();
        plan = SyncPlan.of(StateStoreContract.definition("mins"), "pid");
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

    static void assertGolden(String name, String actual) throws IOException {
        Path file = DIR.resolve(name + ".bigquery.sql");
        if (UPDATE || !Files.exists(file)) {
            Files.createDirectories(DIR);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            assertThat(UPDATE)
                    .as("golden file " + file + " was missing and has been written; review and commit it")
                    .isTrue();
        }
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void diffIsOneStatementMatchingTheGoldenFile() throws IOException {
        assertGolden(
                "state_diff",
                render(new StateSql(warehouse.dialect)
                        .diff(
                                plan,
                                "`test-project.masync_state.state__s1`",
                                "`test-project.masync_state.pending__s1`",
                                compiler,
                                rule,
                                AS_OF,
                                false,
                                LearnerScope.ALL)
                        .build()));
    }

    /** The learners' keys are one bound array, used for the members, their identities and the state alike. */
    @Test
    void aScopedDiffIsOneStatementMatchingTheGoldenFile() throws IOException {
        assertGolden(
                "state_diff_scoped",
                render(new StateSql(warehouse.dialect)
                        .diff(
                                plan,
                                "`test-project.masync_state.state__s1`",
                                "`test-project.masync_state.pending__s1`",
                                compiler,
                                rule,
                                AS_OF,
                                false,
                                LearnerScope.only(java.util.Set.of("7", "x'; DROP TABLE t; --")))
                        .build()));
    }

    @Test
    void foldIsOneMergeMatchingTheGoldenFile() throws IOException {
        journal.claim("s1", 1);
        journal.append("s1", 1, ConfirmationJournal.Kind.CONFIRMED, 1, 100, List.of("5", "6"));
        journal.append("s1", 1, ConfirmationJournal.Kind.CONFIRMED, 101, 150, List.of());
        journal.append("s1", 1, ConfirmationJournal.Kind.CONFIRMED, 160, 170, List.of("x"));
        assertGolden(
                "state_fold",
                render(store.merge("s1", ConfirmedRanges.of(journal.entries("s1")))
                        .build()));
    }

    @Test
    void aRunSendsTheseStatementsAndConfirmationsSendNone() throws IOException {
        Row.Factory counts = Row.factory(List.of(
                "previous",
                "entered",
                "changed",
                "changed_by_values",
                "leaving",
                "resent",
                "identity_null",
                "identity_duplicate",
                "identity_not_held"));
        Row.Factory changes =
                Row.factory(List.of("seq", "op", "k", "dk", "old_dk", "all_fields", "h", "ch0", "ch1", "v0", "v1"));
        warehouse.answers.add(List.of(counts.row(new Object[] {0L, 3L, 0L, 0L, 0L, 0L, 0L, 0L, 0L})));
        warehouse.answers.add(List.of(
                changes.row(new Object[] {
                    1L, "E", "5", "p5@x.test", null, true, "-12", true, true, 5L, LocalDate.parse("2026-12-01")
                }),
                changes.row(new Object[] {
                    2L, "E", "6", "p6@x.test", null, true, "34", true, true, 6L, LocalDate.parse("2026-12-02")
                }),
                changes.row(new Object[] {
                    3L, "E", "7", "p7@x.test", null, true, "56", true, true, 7L, LocalDate.parse("2026-12-03")
                })));

        store.recover(plan, 1);
        assertThat(store.diff(plan, 1, compiler, rule, AS_OF, false)).isEqualTo(new DiffCounts(0, 3, 0, 0, 0, 0));
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).extracting(ChangeRow::learnerKey).containsExactly("5", "6", "7");
        int before = warehouse.calls;
        store.sending(plan, 1, 1, 2, List.of());
        store.confirm(plan, 1, 1, 2, List.of("6"));
        warehouse.transcript.append("-- sending(1, 2, []), confirm(1, 2, [6]): journaled\n\n");
        store.sending(plan, 1, 3, 3, List.of());
        store.confirm(plan, 1, 3, 3, List.of());
        warehouse.transcript.append("-- sending(3, 3, []), confirm(3, 3, []): journaled\n\n");
        assertThat(warehouse.calls)
                .as("batches send nothing to BigQuery; the first write copies the run's fold columns")
                .isEqualTo(before + 1);
        store.finish(plan, 1);

        assertThat(journal.entries("s1")).isEmpty();
        assertGolden("state_run", warehouse.transcript.toString());
    }
}
