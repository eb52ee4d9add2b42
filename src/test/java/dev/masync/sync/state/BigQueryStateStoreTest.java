package dev.masync.sync.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.SyncDefinition;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.bigquery.BigQueryDialect;
import dev.masync.warehouse.bigquery.BigQuerySettings;
import dev.masync.warehouse.bigquery.BigQueryWarehouse;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import dev.masync.warehouse.bigquery.fake.FakeField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The BigQuery state store through the real client against the REST fake: the scenarios of
 * {@link DuckDbStateStoreTest}, plus what the journal adds (confirmations cost no BigQuery statement, a fold
 * repeated after a crash changes nothing, a journal whose pending table is gone is dropped, long exclusion lists).
 */
class BigQueryStateStoreTest {
    static final Instant AS_OF = DuckDbStateStoreTest.AS_OF;
    static final RetrySettings FAST = RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(1))
            .setRetryDelayMultiplier(1.0)
            .setMaxRetryDelayDuration(Duration.ofMillis(1))
            .setTotalTimeoutDuration(Duration.ofSeconds(5))
            .setMaxAttempts(3)
            .build();

    static BigQueryFakeServer fake;
    BigQueryWarehouse warehouse;
    final InMemoryConfirmationJournal journal = new InMemoryConfirmationJournal();
    BigQueryStateStore store;
    SegmentCompiler compiler;
    Rule rule;
    SyncPlan plan;

    @BeforeAll
    static void startFake() {
        fake = BigQueryFakeServer.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        fake.reset().execute("DROP SCHEMA IF EXISTS src CASCADE", "DROP SCHEMA IF EXISTS masync_state CASCADE");
        fake.createTable(
                "src",
                "people",
                FakeField.of("pid", "INT64"),
                FakeField.of("mail", "STRING"),
                FakeField.of("minutes", "INT64"),
                FakeField.of("exam", "DATE"));
        fake.execute("INSERT INTO src.people SELECT range, 'p' || range || '@x.test', range % 10,"
                + " DATE '2026-12-01' + (range % 3)::INTEGER FROM range(100)");
        fake.createDataset("masync_state");
        warehouse = new BigQueryWarehouse(new BigQuerySettings(
                "test-project", "src", null, fake.url(), null, true, 1000, Duration.ofMinutes(2), null, FAST, FAST));
        Catalog catalog = new CatalogReader(
                        new CatalogSpec("people", "pid", List.of(), Map.of(), Map.of(), 50, Duration.ofHours(1)),
                        Clock.systemUTC())
                .read(warehouse);
        compiler = new SegmentCompiler(warehouse.dialect(), catalog, ZoneId.of("UTC"), key -> Optional.empty());
        rule = RuleParser.parse(
                        new ObjectMapper().readTree("{\"attribute\":\"minutes\",\"op\":\"gte\",\"value\":5}"), "")
                .rule();
        plan = SyncPlan.of(
                DuckDbStateStoreTest.definition(List.of(
                        new SyncDefinition.FieldMapping("minutes", "mins", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam", "exam_date", SyncDefinition.Format.DATE))),
                "pid");
        store = store(journal);
    }

    BigQueryStateStore store(ConfirmationJournal j) {
        return new BigQueryStateStore(warehouse, new BigQueryDialect("test-project", "masync_state"), j);
    }

    List<ChangeRow> run(SyncPlan p, boolean full, Set<String> reject) {
        store.recover(p);
        store.diff(p, compiler, rule, AS_OF, full);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(p, rows::add);
        if (!rows.isEmpty()) {
            store.confirm(p, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), reject);
        }
        store.finish(p);
        return rows;
    }

    long count(String table) {
        long[] n = new long[1];
        warehouse.query(
                new SqlBuilder(warehouse.dialect())
                        .sql("SELECT COUNT(*) FROM `test-project.masync_state." + table + "`")
                        .build(),
                r -> {
                    n[0] = (Long) r.get(0);
                    return true;
                });
        return n[0];
    }

    long jobs(String statementStart) {
        return fake.requests("jobs.insert").stream()
                .filter(r -> r.json().at("/configuration/query/query").asText().startsWith(statementStart))
                .count();
    }

    @Test
    void firstRunEntersEveryMemberThenARerunFindsNothing() {
        store.recover(plan);
        fake.clearRequests();
        DiffCounts counts = store.diff(plan, compiler, rule, AS_OF, false);
        assertThat(counts).isEqualTo(new DiffCounts(0, 50, 0, 0, 0, 0));
        assertThat(fake.requestCount("jobs.insert"))
                .as("one diff statement and one count")
                .isEqualTo(2);
        assertThat(jobs("CREATE OR REPLACE TABLE")).isEqualTo(1);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).hasSize(50).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo('E');
            assertThat(r.allFields()).isTrue();
            assertThat(r.changed()).containsExactly(true, true);
            assertThat(r.destinationKey()).isEqualTo("p" + r.learnerKey() + "@x.test");
            assertThat(r.rowHash()).matches("-?[0-9]+");
        });
        assertThat(rows)
                .extracting(ChangeRow::seq)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 50).mapToObj(i -> (long) i).toList());

        fake.clearRequests();
        store.confirm(plan, rows.get(0).seq(), rows.get(24).seq(), List.of());
        store.confirm(plan, rows.get(25).seq(), rows.get(49).seq(), List.of());
        assertThat(fake.requests())
                .as("confirmations are journaled, not written to BigQuery")
                .isEmpty();
        store.finish(plan);
        assertThat(jobs("MERGE")).as("one fold for the whole run").isEqualTo(1);
        assertThat(journal.entries("s1")).isEmpty();
        assertThat(count("state__s1")).isEqualTo(50);

        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void changedFieldsEnteredAndLeftAreFoundInOnePass() {
        run(plan, false, Set.of());
        fake.execute(
                "UPDATE src.people SET minutes = 9 WHERE pid = 5", // changed: only mins
                "UPDATE src.people SET exam = DATE '2027-01-01' WHERE pid = 6", // changed: only exam
                "UPDATE src.people SET minutes = 1 WHERE pid = 7", // left
                "UPDATE src.people SET minutes = 8 WHERE pid = 10"); // entered
        store.recover(plan);
        DiffCounts counts = store.diff(plan, compiler, rule, AS_OF, false);
        assertThat(counts).isEqualTo(new DiffCounts(50, 1, 2, 2, 1, 0));
        assertThat(counts.evaluated()).isEqualTo(50);
        assertThat(counts.unchanged()).isEqualTo(47);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows)
                .extracting(r -> r.learnerKey() + ":" + r.op())
                .containsExactlyInAnyOrder("5:C", "6:C", "7:L", "10:E");
        ChangeRow five = rows.stream()
                .filter(r -> r.learnerKey().equals("5"))
                .findFirst()
                .orElseThrow();
        assertThat(five.allFields()).isFalse();
        assertThat(five.changed()).containsExactly(true, false);
        assertThat(five.values().get(0)).isEqualTo(9L);
        assertThat(five.previousKey()).isEqualTo("p5@x.test");
        ChangeRow six = rows.stream()
                .filter(r -> r.learnerKey().equals("6"))
                .findFirst()
                .orElseThrow();
        assertThat(six.changed()).containsExactly(false, true);
        ChangeRow seven = rows.stream()
                .filter(r -> r.learnerKey().equals("7"))
                .findFirst()
                .orElseThrow();
        assertThat(seven.destinationKey()).isNull();
        assertThat(seven.previousKey()).isEqualTo("p7@x.test");

        // confirming the leaver deletes its state, the others replace theirs
        store.confirm(plan, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
        store.finish(plan);
        assertThat(count("state__s1")).isEqualTo(50);
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void unconfirmedRecordsAreFoundAgainAndACrashBeforeFoldingLosesNothing() {
        List<ChangeRow> first = run(plan, false, Set.of("5", "6"));
        assertThat(first).hasSize(50);
        // the two rejected ones come back, nothing else
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).extracting(ChangeRow::learnerKey).containsExactlyInAnyOrder("5", "6");
        // confirmed, then the process dies before finish(): a new process folds the journal first
        store.confirm(plan, rows.get(0).seq(), rows.get(1).seq(), List.of());
        store = store(journal);
        assertThat(run(plan, false, Set.of())).isEmpty();
        assertThat(count("state__s1")).isEqualTo(50);
    }

    @Test
    void changingTheDefinitionResendsAllFieldsAndFullResyncResendsEveryone() {
        run(plan, false, Set.of());
        SyncPlan renamed = SyncPlan.of(
                DuckDbStateStoreTest.definition(List.of(
                        new SyncDefinition.FieldMapping("minutes", "minutes_total", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam", "exam_date", SyncDefinition.Format.DATE))),
                "pid");
        store.recover(renamed);
        DiffCounts counts = store.diff(renamed, compiler, rule, AS_OF, false);
        assertThat(counts.changed()).isEqualTo(50);
        assertThat(counts.changedByValues()).isZero();
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(renamed, rows::add);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.allFields()).isTrue();
            assertThat(r.changed()).containsExactly(true, false); // only the renamed field's salt changed
        });
        store.confirm(renamed, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
        store.finish(renamed);

        List<ChangeRow> full = run(renamed, true, Set.of());
        assertThat(full).hasSize(50).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo('U');
            assertThat(r.allFields()).isTrue();
        });
        assertThat(run(renamed, false, Set.of())).isEmpty();
    }

    @Test
    void aFoldRepeatedAfterACrashBeforeTheJournalIsClearedChangesNothing() {
        ConfirmationJournal crashing = new ConfirmationJournal() {
            boolean crashed;

            @Override
            public void append(String syncKey, long fromSeq, long toSeq, Collection<String> excluded) {
                journal.append(syncKey, fromSeq, toSeq, excluded);
            }

            @Override
            public List<Entry> entries(String syncKey) {
                return journal.entries(syncKey);
            }

            @Override
            public void clear(String syncKey) {
                if (!crashed) {
                    crashed = true;
                    throw new IllegalStateException("process killed after the MERGE");
                }
                journal.clear(syncKey);
            }
        };
        store = store(crashing);
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        store.confirm(plan, 1, 50, List.of("5"));
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.finish(plan));
        assertThat(count("state__s1")).isEqualTo(49);
        assertThat(journal.entries("s1")).hasSize(1);

        store.recover(plan); // the same MERGE again: same values, leavers already gone
        assertThat(journal.entries("s1")).isEmpty();
        assertThat(count("state__s1")).isEqualTo(49);
        assertThat(run(plan, false, Set.of())).extracting(ChangeRow::learnerKey).containsExactly("5");
    }

    @Test
    void aJournalWhosePendingTableIsGoneIsDroppedAndItsRecordsAreSentAgain() {
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        store.confirm(plan, 1, 50, List.of());
        fake.execute("DROP TABLE masync_state.pending__s1"); // e.g. a default table expiration on the dataset

        store.recover(plan);
        assertThat(journal.entries("s1")).isEmpty();
        assertThat(count("state__s1")).isZero();
        assertThat(run(plan, false, Set.of())).hasSize(50);
    }

    @Test
    void longExclusionListsAreFoldedInSeveralStatementsWithinTheBudget() {
        store = new BigQueryStateStore(warehouse, new BigQueryDialect("test-project", "masync_state"), journal, 1_000);
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        Set<String> rejected = rows.stream()
                .map(ChangeRow::learnerKey)
                .filter(k -> Long.parseLong(k) % 3 == 0)
                .collect(Collectors.toSet());
        for (int i = 0; i < rows.size(); i += 10) {
            List<String> excluded = rows.subList(i, i + 10).stream()
                    .map(ChangeRow::learnerKey)
                    .filter(rejected::contains)
                    .toList();
            store.confirm(plan, rows.get(i).seq(), rows.get(i + 9).seq(), excluded);
        }
        fake.clearRequests();
        store.finish(plan);

        assertThat(jobs("MERGE")).isGreaterThan(1);
        assertThat(fake.requests("jobs.insert"))
                .allSatisfy(r -> assertThat(r.json()
                                .at("/configuration/query/queryParameters")
                                .toString()
                                .length())
                        .isLessThan(2_500));
        assertThat(count("state__s1")).isEqualTo(50 - rejected.size());
        assertThat(run(plan, false, Set.of()))
                .extracting(ChangeRow::learnerKey)
                .containsExactlyInAnyOrderElementsOf(rejected);
    }

    @Test
    void stateTablesHaveTheDocumentedColumnsAndPendingIsDroppedAtTheEnd() {
        run(plan, false, Set.of());
        BigQuery client = BigQueryOptions.newBuilder()
                .setHost(fake.url())
                .setProjectId("test-project")
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService();
        Table state = client.getTable(TableId.of("masync_state", "state__s1"));
        assertThat(state.getDefinition().getSchema().getFields())
                .extracting(
                        f -> f.getName() + " " + f.getType().name() + (f.getMode() == Field.Mode.REPEATED ? "[]" : ""))
                .containsExactly("k STRING", "dk STRING", "h INTEGER", "fh INTEGER[]", "fp INTEGER");
        assertThat(client.getTable(TableId.of("masync_state", "pending__s1"))).isNull();
    }

    @Test
    void discardFoldsWhatWasConfirmedAndDropForgetsTheSync() {
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        store.confirm(plan, 1, 10, List.of());
        store.discard(plan);
        assertThat(count("state__s1")).isEqualTo(10);

        store.confirm(plan, 1, 1, List.of()); // journaled, then the sync is deleted
        store.drop("s1");
        assertThat(journal.entries("s1")).isEmpty();
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> count("state__s1"))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.NOT_FOUND));
    }

    @Test
    void aDiffBeforeRecoverIsRefusedWhileTheJournalHoldsConfirmations() {
        run(plan, false, Set.of());
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, true);
        store.confirm(plan, 1, 5, List.of());
        assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> store.diff(plan, compiler, rule, AS_OF, false))
                .withMessageContaining("recover");
    }

    @Test
    void aMissingStateDatasetIsNamed() {
        fake.execute("DROP SCHEMA masync_state CASCADE");
        assertThatExceptionOfType(WarehouseException.class)
                .isThrownBy(() -> store.recover(plan))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.NOT_FOUND))
                .withMessageContaining("masync_state")
                .withMessageContaining("create the state dataset");
    }

    @Test
    void syncKeysAreCheckedBeforeTheyBecomeTableNames() {
        SyncPlan bad = new SyncPlan(
                "S1; DROP",
                "S1; DROP",
                "pid",
                plan.columns(),
                plan.identity(),
                plan.fields(),
                plan.salts(),
                plan.fingerprint());
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> store.recover(bad));
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> store.drop("a".repeat(141)));
    }
}
