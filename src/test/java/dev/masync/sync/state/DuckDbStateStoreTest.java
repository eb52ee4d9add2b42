package dev.masync.sync.state;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.RowConsumer;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
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
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the DuckDB state store adds to the protocol ({@link DuckDbStateStoreContractTest}): where its tables live, a
 * read-only source, and state files written before the journal.
 */
class DuckDbStateStoreTest {
    static final Instant AS_OF = StateStoreContract.AS_OF;

    @TempDir
    Path dir;

    PeopleWarehouse people;
    DuckDbWarehouse warehouse;
    DuckDbStateStore store;
    SyncPlan plan;
    long runs;

    @BeforeEach
    void setUp() throws Exception {
        people = PeopleWarehouse.create(dir, 100, "DATE '2026-12-01' + (range % 3)::INTEGER");
        warehouse = people.warehouse();
        plan = SyncPlan.of(StateStoreContract.definition("mins"), "pid");
        store = new DuckDbStateStore(warehouse);
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    DuckDbWarehouse open(boolean readOnly) {
        return DuckDbWarehouse.open(new DuckDbWarehouse.Settings(
                dir.resolve("src.duckdb"), readOnly, null, null, null, dir.resolve("state.duckdb")));
    }

    static long count(Warehouse warehouse, String table) {
        long[] n = new long[1];
        warehouse.query(
                new SqlBuilder(warehouse.dialect())
                        .sql("SELECT count(*) FROM " + table)
                        .build(),
                r -> {
                    n[0] = ((Number) r.get(0)).longValue();
                    return true;
                });
        return n[0];
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

    List<ChangeRow> run(Set<String> reject) {
        long run = ++runs;
        store.recover(plan, run);
        store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        if (!rows.isEmpty()) {
            store.sending(
                    plan, run, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
            store.confirm(
                    plan, run, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), reject);
        }
        store.finish(plan, run);
        return rows;
    }

    @Test
    void thePendingDiffStaysInMemoryAndAWindowOfBatchesCostsOneWrite() throws Exception {
        Writes writes = new Writes(warehouse);
        store = new DuckDbStateStore(writes);
        long run = ++runs;
        store.recover(plan, run);
        store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false);
        store.load(plan, run);
        // written by one connection, read and confirmed through others: the scratch catalog is the database's
        assertThat(tables(DuckDbWarehouse.SCRATCH_CATALOG)).containsExactly("keys__s1", "pending__s1");
        assertThat(tables(DuckDbWarehouse.STATE_CATALOG))
                .containsExactly("changes__s1", "masync_journal", "masync_owners", "state__s1");
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        writes.count = 0;
        store.sending(plan, run, 1, 5, List.of()); // journals 1..20
        store.confirm(plan, run, 1, 5, List.of(rows.get(0).learnerKey()));
        store.sending(plan, run, 6, 20, List.of());
        store.confirm(plan, run, 6, 20, List.of());
        assertThat(writes.count).as("batches inside the window write nothing").isEqualTo(1);
        store.sending(plan, run, 21, 30, List.of()); // the next window, with both confirmations
        store.confirm(plan, run, 21, 30, List.of());
        assertThat(writes.count).isEqualTo(2);
        assertThat(count(warehouse, "masync_state.changes__s1"))
                .as("copied with the first entry")
                .isEqualTo(50);
        assertThat(count(warehouse, "masync_state.masync_journal"))
                .as("two windows and two confirmations; the last one waits for finish")
                .isEqualTo(4);
        store.finish(plan, run);
        assertThat(writes.journalWrites)
                .as("finish writes the last confirmation, then folds in one transaction")
                .isEqualTo(4);
        assertThat(count(warehouse, "masync_state.masync_journal")).isZero();
        assertThat(count(warehouse, "masync_state.state__s1")).isEqualTo(29);
        assertThat(tables(DuckDbWarehouse.SCRATCH_CATALOG)).isEmpty();
        assertThat(tables(DuckDbWarehouse.STATE_CATALOG))
                .containsExactly("masync_journal", "masync_owners", "state__s1");
    }

    /** 300 batches of one row: the windows grow 4, 8, 16, 32, then 64 batches (8 writes); then finish. */
    @Test
    void aRunOf300BatchesCostsNineJournalWritesAndAFold() throws Exception {
        warehouse.close();
        people = PeopleWarehouse.create(
                java.nio.file.Files.createDirectories(dir.resolve("big")), 600, "DATE '2026-12-01'");
        warehouse = people.warehouse();
        Writes writes = new Writes(warehouse);
        store = new DuckDbStateStore(writes);
        long run = ++runs;
        store.recover(plan, run);
        store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).hasSize(300);
        writes.count = 0;
        for (ChangeRow r : rows) {
            store.sending(plan, run, r.seq(), r.seq(), List.of());
            store.confirm(plan, run, r.seq(), r.seq(), List.of());
        }
        store.finish(plan, run);
        System.out.printf("transactions for 300 batches: %d (journal writes and the fold)%n", writes.journalWrites);
        assertThat(writes.journalWrites)
                .as("8 windows, finish's write of the last confirmations, the fold")
                .isEqualTo(10);
        assertThat(count(warehouse, "masync_state.state__s1")).isEqualTo(300);
    }

    @Test
    void aConfirmationWhoseWriteFailedIsWrittenAtFinish() {
        Writes writes = new Writes(warehouse);
        store = new DuckDbStateStore(writes);
        long run = ++runs;
        store.recover(plan, run);
        store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false);
        store.sending(plan, run, 1, 5, List.of());
        store.confirm(plan, run, 1, 5, List.of());
        writes.failNext = true;
        assertThatThrownBy(() -> store.sending(plan, run, 21, 25, List.of())).isInstanceOf(WarehouseException.class);
        store.finish(plan, run);
        assertThat(count(warehouse, "masync_state.state__s1"))
                .as("the confirmation carried by the failed write")
                .isEqualTo(5);
    }

    /**
     * Counts the calls that write (each one commit) and, of them, the journal's transactions; fails the next
     * transaction on demand.
     */
    static final class Writes implements Warehouse {
        final Warehouse delegate;
        int count;
        int journalWrites;
        boolean failNext;

        Writes(Warehouse delegate) {
            this.delegate = delegate;
        }

        @Override
        public String kind() {
            return delegate.kind();
        }

        @Override
        public SqlDialect dialect() {
            return delegate.dialect();
        }

        @Override
        public List<ColumnInfo> describe(String table) {
            return delegate.describe(table);
        }

        @Override
        public long query(BoundQuery query, RowConsumer consumer) {
            return delegate.query(query, consumer);
        }

        @Override
        public long execute(BoundQuery statement) {
            count++;
            return delegate.execute(statement);
        }

        @Override
        public long[] executeAtomically(List<BoundQuery> statements) {
            count++;
            journalWrites++;
            if (failNext) {
                failNext = false;
                throw new WarehouseException(WarehouseException.Kind.TRANSIENT, "injected");
            }
            return delegate.executeAtomically(statements);
        }

        @Override
        public void ping() {
            delegate.ping();
        }

        @Override
        public void close() {}
    }

    @Test
    void aCrashLosesThePendingDiffButNothingTheFoldNeeds() throws Exception {
        long run = ++runs;
        store.recover(plan, run);
        store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false);
        store.sending(plan, run, 1, 5, List.of()); // window 1..20
        store.confirm(plan, run, 1, 5, List.of());
        store.sending(plan, run, 21, 25, List.of()); // window 21..60, writes the confirmation of 1..5

        warehouse.close(); // the process dies before finish()
        warehouse = open(false);
        people = new PeopleWarehouse(warehouse, people.compiler(), people.rule());
        store = new DuckDbStateStore(warehouse);
        assertThat(tables(DuckDbWarehouse.SCRATCH_CATALOG)).isEmpty();
        assertThat(run(Set.of())).as("all but the 5 confirmed: uncertain").hasSize(45);
        assertThat(run(Set.of())).isEmpty();
    }

    @Test
    void aReadOnlySourceIsDiffedWithTheStateAndScratchBesideIt() {
        warehouse.close();
        warehouse = open(true);
        people = new PeopleWarehouse(warehouse, people.compiler(), people.rule());
        store = new DuckDbStateStore(warehouse);
        assertThat(run(Set.of())).hasSize(50);
        assertThat(run(Set.of())).isEmpty();
    }

    /**
     * A state file of the version before the journal, whose process died with confirmations and a batch in flight
     * left in {@code confirmed__} and {@code inflight__}: the state is carried over as it is (nothing is sent again),
     * the leftovers are folded as that version did, and their tables dropped.
     */
    @Test
    void stateWrittenBeforeTheJournalIsCarriedOverAndItsLeftoversFolded() throws Exception {
        assertThat(run(Set.of())).hasSize(50);
        // what the old version left: 20 confirmed (one a leaver), 5 more in flight (two of them also confirmed)
        people.update("CREATE TABLE masync_state.confirmed__s1 AS SELECT 1::BIGINT AS seq, 'C' AS op, k, dk, h, fh, fp"
                + " FROM masync_state.state__s1 WHERE k::INTEGER < 40");
        people.update("UPDATE masync_state.confirmed__s1 SET op = 'L' WHERE k = '5'");
        people.update("CREATE TABLE masync_state.inflight__s1 AS SELECT 2::BIGINT AS b, k, dk"
                + " FROM masync_state.state__s1 WHERE k IN ('35', '39', '45', '49')");
        long run = ++runs;
        store.recover(plan, run);
        assertThat(tables(DuckDbWarehouse.STATE_CATALOG)).doesNotContain("confirmed__s1", "inflight__s1");
        assertThat(count(warehouse, "masync_state.state__s1"))
                .as("5 confirmed as gone")
                .isEqualTo(49);
        store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        store.finish(plan, run);
        assertThat(rows)
                .extracting(r -> r.learnerKey() + ":" + r.op())
                .as("5 is entered again; 45 and 49 were in flight and not confirmed: uncertain")
                .containsExactlyInAnyOrder("5:ENTERED", "45:CHANGED", "49:CHANGED");
    }

    @Test
    void theWarehouseScansTablesInInsertionOrder() {
        Object[] setting = new Object[1];
        warehouse.query(
                new SqlBuilder(warehouse.dialect())
                        .sql("SELECT current_setting('preserve_insertion_order')")
                        .build(),
                r -> {
                    setting[0] = r.get(0);
                    return true;
                });
        assertThat(setting[0])
                .as("the stream reads the pending rows without ORDER BY")
                .isEqualTo(true);
    }

    @Test
    void pendingRowsOutOfOrderFailTheStreamInsteadOfMisjournalingIt() throws Exception {
        long run = ++runs;
        store.recover(plan, run);
        store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false);
        store.load(plan, run);
        people.update("CREATE OR REPLACE TABLE masync_scratch.pending__s1 AS SELECT * FROM masync_scratch.pending__s1"
                + " ORDER BY seq DESC");
        List<ChangeRow> rows = new ArrayList<>();
        assertThatThrownBy(() -> store.stream(plan, rows::add))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("out of order");
        assertThat(rows).extracting(ChangeRow::seq).containsExactly(50L);
    }

    @Test
    void aChangeWhoseValuesWentBackBeforeTheLoadIsNotSent() throws Exception {
        assertThat(run(Set.of())).hasSize(50);
        people.update("UPDATE people SET minutes = 9 WHERE pid IN (5, 15)");
        long run = ++runs;
        store.recover(plan, run);
        assertThat(store.diff(plan, run, people.compiler(), people.rule(), AS_OF, false)
                        .changed())
                .isEqualTo(2);
        people.update("UPDATE people SET minutes = 5 WHERE pid = 5"); // back to what the destination holds
        store.load(plan, run);
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        assertThat(rows).extracting(ChangeRow::learnerKey).containsExactly("15");
        store.finish(plan, run);
    }
}
