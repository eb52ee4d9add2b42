package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.SyncDefinition;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-engine diff against durable state, on a real DuckDB source with the state file attached. */
class DuckDbStateStoreTest {
    static final Instant AS_OF = Instant.parse("2026-11-02T00:00:00Z");

    @TempDir
    Path dir;

    PeopleWarehouse people;
    DuckDbWarehouse warehouse;
    DuckDbStateStore store;
    SegmentCompiler compiler;
    Rule rule;
    SyncPlan plan;

    @BeforeEach
    void setUp() throws Exception {
        people = PeopleWarehouse.create(dir, 100, "DATE '2026-12-01' + (range % 3)::INTEGER");
        warehouse = people.warehouse();
        compiler = people.compiler();
        rule = people.rule();
        plan = SyncPlan.of(
                definition(List.of(
                        new SyncDefinition.FieldMapping("minutes", "mins", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam", "exam_date", SyncDefinition.Format.DATE))),
                "pid");
        store = new DuckDbStateStore(warehouse);
    }

    DuckDbWarehouse open() {
        return DuckDbWarehouse.open(new DuckDbWarehouse.Settings(
                dir.resolve("src.duckdb"), false, null, null, null, dir.resolve("state.duckdb")));
    }

    List<String> tables(String catalog) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = warehouse.connection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM duckdb_tables() WHERE database_name = '" + catalog
                        + "' ORDER BY table_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    static SyncDefinition definition(List<SyncDefinition.FieldMapping> mapping) {
        return new SyncDefinition(
                "s1",
                "s1",
                "seg",
                "dest",
                new SyncDefinition.Identity("mail", "email"),
                mapping,
                Optional.empty(),
                SyncDefinition.Mode.MIRROR,
                Optional.empty(),
                false,
                SyncDefinition.Guard.DEFAULT,
                Optional.empty());
    }

    void update(String sql) throws Exception {
        people.update(sql);
    }

    List<ChangeRow> run(SyncPlan p, boolean full, Set<String> reject) {
        store.recover(p);
        store.diff(p, compiler, rule, AS_OF, full);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(p, rows::add);
        if (!rows.isEmpty()) {
            store.sending(p, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
            store.confirm(p, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), reject);
        }
        store.finish(p);
        return rows;
    }

    @Test
    void firstRunEntersEveryMemberThenARerunFindsNothing() {
        store.recover(plan);
        DiffCounts counts = store.diff(plan, compiler, rule, AS_OF, false);
        assertThat(counts).isEqualTo(new DiffCounts(0, 50, 0, 0, 0, 0));
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).hasSize(50).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo('E');
            assertThat(r.allFields()).isTrue();
            assertThat(r.destinationKey()).isEqualTo("p" + r.learnerKey() + "@x.test");
        });
        store.confirm(plan, rows.get(0).seq(), rows.get(49).seq(), List.of());
        store.finish(plan);

        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void changedFieldsEnteredAndLeftAreFoundInOnePass() throws Exception {
        run(plan, false, Set.of());
        update("UPDATE people SET minutes = 9 WHERE pid = 5"); // changed: only mins
        update("UPDATE people SET exam = DATE '2027-01-01' WHERE pid = 6"); // changed: only exam
        update("UPDATE people SET minutes = 1 WHERE pid = 7"); // left
        update("UPDATE people SET minutes = 8 WHERE pid = 10"); // entered
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
        ChangeRow six = rows.stream()
                .filter(r -> r.learnerKey().equals("6"))
                .findFirst()
                .orElseThrow();
        assertThat(six.changed()).containsExactly(false, true);
        store.discard(plan);
    }

    @Test
    void unconfirmedRecordsAreFoundAgainAndACrashBeforeFoldingLosesNothing() throws Exception {
        List<ChangeRow> first = run(plan, false, Set.of("5", "6"));
        assertThat(first).hasSize(50);
        // the two rejected ones come back, nothing else
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).extracting(ChangeRow::learnerKey).containsExactlyInAnyOrder("5", "6");
        // confirmed, then the process dies before finish(): the next run folds the confirmation first
        store.confirm(plan, rows.get(0).seq(), rows.get(1).seq(), List.of());
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void changingTheDefinitionResendsAllFieldsAndFullResyncResendsEveryone() {
        run(plan, false, Set.of());
        SyncPlan renamed = SyncPlan.of(
                definition(List.of(
                        new SyncDefinition.FieldMapping("minutes", "minutes_total", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam", "exam_date", SyncDefinition.Format.DATE))),
                "pid");
        store.recover(renamed);
        DiffCounts counts = store.diff(renamed, compiler, rule, AS_OF, false);
        assertThat(counts.changed()).isEqualTo(50);
        assertThat(counts.changedByValues()).isZero();
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(renamed, rows::add);
        assertThat(rows).allSatisfy(r -> assertThat(r.allFields()).isTrue());
        store.confirm(renamed, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
        store.finish(renamed);

        List<ChangeRow> full = run(renamed, true, Set.of());
        assertThat(full).hasSize(50).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo('U');
            assertThat(r.allFields()).isTrue();
        });
    }

    /**
     * A crash with a batch in flight: its rows may have reached the destination. Even when the warehouse goes back
     * to the state's values before the next run, the next diff finds them again (all fields; a leave for those not
     * members), while the batch confirmed before it and the rows never sent are diffed as usual.
     */
    @Test
    void theBatchInFlightAtACrashIsFoundAgainEvenIfItsValuesWentBack() throws Exception {
        run(plan, false, Set.of());
        update("UPDATE people SET minutes = 8 WHERE pid IN (10, 11, 12)"); // entering
        update("UPDATE people SET minutes = 9 WHERE pid IN (5, 15)"); // changing
        update("UPDATE people SET minutes = 1 WHERE pid IN (7, 17)"); // leaving
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).hasSize(7);
        // batch 1 (3 rows) confirmed, batch 2 (3 rows, one excluded) in flight, the last row never sent: SIGKILL
        store.sending(plan, rows.get(0).seq(), rows.get(2).seq(), List.of());
        store.confirm(plan, rows.get(0).seq(), rows.get(2).seq(), List.of());
        String excluded = rows.get(5).learnerKey();
        store.sending(plan, rows.get(3).seq(), rows.get(5).seq(), List.of(excluded));
        Set<String> inFlight = Set.of(rows.get(3).learnerKey(), rows.get(4).learnerKey());

        update("UPDATE people SET minutes = pid % 10"); // the outage: everything goes back
        store.recover(plan);
        store.recover(plan); // idempotent
        store.diff(plan, compiler, rule, AS_OF, false);
        List<ChangeRow> again = new ArrayList<>();
        store.stream(plan, again::add);
        Set<String> confirmed = Set.of(
                rows.get(0).learnerKey(), rows.get(1).learnerKey(), rows.get(2).learnerKey());
        java.util.Set<String> expected = new java.util.HashSet<>(confirmed);
        expected.addAll(inFlight);
        assertThat(again).extracting(ChangeRow::learnerKey).containsExactlyInAnyOrderElementsOf(expected);
        for (ChangeRow r : again) {
            if (!inFlight.contains(r.learnerKey())) {
                continue;
            }
            int minutes = Integer.parseInt(r.learnerKey()) % 10;
            if (minutes >= 5) {
                assertThat(r.op()).as("%s, uncertain member", r.learnerKey()).isEqualTo('C');
                assertThat(r.allFields()).isTrue();
                assertThat(r.previousKey()).isEqualTo(r.destinationKey());
            } else {
                assertThat(r.op())
                        .as("%s, uncertain non-member", r.learnerKey())
                        .isEqualTo('L');
                assertThat(r.previousKey()).isEqualTo("p" + r.learnerKey() + "@x.test");
            }
        }
        store.confirm(plan, again.get(0).seq(), again.get(again.size() - 1).seq(), List.of());
        store.finish(plan);
        assertThat(run(plan, false, Set.of())).as("settled").isEmpty();
    }

    @Test
    void thePendingDiffStaysInMemoryAndACrashLosesNothingTheStateNeeds() throws Exception {
        store.recover(plan);
        store.diff(plan, compiler, rule, AS_OF, false);
        // written by one connection, read and confirmed through others: the scratch catalog is the database's
        assertThat(tables(DuckDbWarehouse.SCRATCH_CATALOG)).containsExactly("pending__s1");
        assertThat(tables(DuckDbWarehouse.STATE_CATALOG)).containsExactly("confirmed__s1", "inflight__s1", "state__s1");
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).hasSize(50);
        store.confirm(plan, rows.get(0).seq(), rows.get(29).seq(), List.of());

        // the process dies before finish(): the pending diff is gone with it, the 30 confirmations are not
        warehouse.close();
        warehouse = open();
        store = new DuckDbStateStore(warehouse);
        assertThat(tables(DuckDbWarehouse.SCRATCH_CATALOG)).isEmpty();
        List<ChangeRow> rest = run(plan, false, Set.of());
        assertThat(rest).hasSize(20).allSatisfy(r -> assertThat(r.op()).isEqualTo('E'));
        assertThat(rest)
                .extracting(ChangeRow::learnerKey)
                .doesNotContainAnyElementsOf(
                        rows.subList(0, 30).stream().map(ChangeRow::learnerKey).toList());
        assertThat(run(plan, false, Set.of())).isEmpty();
        assertThat(tables(DuckDbWarehouse.SCRATCH_CATALOG)).isEmpty();
    }

    @Test
    void aReadOnlySourceIsDiffedWithTheStateAndScratchBesideIt() {
        warehouse.close();
        warehouse = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(
                dir.resolve("src.duckdb"), true, null, null, null, dir.resolve("state.duckdb")));
        store = new DuckDbStateStore(warehouse);
        assertThat(run(plan, false, Set.of())).hasSize(50);
        assertThat(run(plan, false, Set.of())).isEmpty();
    }
}
