package dev.masync.sync.state;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.util.ArrayList;
import java.util.List;

/**
 * State on DuckDB, in the sync-state file attached beside the source ({@code masync_state}). Per sync (per
 * {@link SyncPlan#stateKey()}): {@code state__<key>} (what the destination holds) and {@code changes__<key>} (the
 * columns of the current run's diff a fold needs: seq, op, keys, hashes, copied in bulk with the run's first journal
 * entry), plus the {@link DuckDbJournal} shared by all syncs. A batch costs one statement and one commit to the state
 * file: the previous batch's confirmation and its own sending entry.
 *
 * <p>The diff is two statements, each at about the cost of a scan of the segment: its changed keys
 * ({@code keys__<key>}), then the values of those keys only ({@code pending__<key>}, by {@link #load}). Both live in
 * the in-memory catalog {@code masync_scratch}: they are rebuilt by every run and never read after a crash, while
 * {@code changes__<key>} carries everything a fold needs.
 *
 * <p>Fencing of the fold: the journal and the owners are in the state file, so a fold's MERGEs and the clearing of
 * the journal run in one transaction, each conditional on ownership ({@link #commitFold}): a run that lost the key
 * folds nothing, however late, with no window.
 *
 * <p>State files written before the journal kept per-batch copies in {@code confirmed__<key>} and
 * {@code inflight__<key>}: {@link #recover} folds what such tables still hold (a crash before the upgrade), the way
 * those versions did, then drops them; the state table itself is unchanged, so nothing is sent again.
 */
public final class DuckDbStateStore extends JournaledStateStore {
    private static final String CATALOG = DuckDbWarehouse.STATE_CATALOG;
    private static final String SCRATCH = DuckDbWarehouse.SCRATCH_CATALOG;
    private static final String CHANGE_COLUMNS = "seq, op, k, dk, old_dk, h, fh, fp";

    /** The key whose pending rows were copied to {@code changes__<key>} by this run (one run per store instance). */
    private String copiedKey;

    public DuckDbStateStore(Warehouse warehouse) {
        super(warehouse, new DuckDbJournal(warehouse), Long.MAX_VALUE);
    }

    @Override
    String table(String kind, String stateKey) {
        return (kind.equals("pending") || kind.equals("keys") ? SCRATCH : CATALOG) + "."
                + warehouse.dialect().quoteIdentifier(kind + "__" + stateKey);
    }

    @Override
    String key(String stateKey) {
        if (stateKey == null || stateKey.isEmpty()) {
            throw new IllegalArgumentException("not a state key: '" + stateKey + "'");
        }
        return stateKey;
    }

    @Override
    void createTables(String key) {
        super.createTables(key);
        foldLegacy(key);
    }

    @Override
    String foldSource(String key) {
        return table("changes", key);
    }

    /** A scan returns the rows in insertion order: {@link DuckDbWarehouse} keeps {@code preserve_insertion_order}. */
    @Override
    boolean scanOrdered() {
        return true;
    }

    /** Creates {@code changes__<key>} empty: the pending rows are copied into it before they are journaled. */
    @Override
    void afterLoad(String key) {
        exec(sql.dialect().createOrReplaceTableAs(table("changes", key)) + "SELECT " + CHANGE_COLUMNS + " FROM "
                + table("pending", key) + " LIMIT 0");
        copiedKey = null;
    }

    /**
     * One statement, one commit per batch: the journal entries (the previous batch's confirmation, this batch's
     * sending entry), inserted only while {@code run} owns the key. The first write of a run also copies every
     * pending row to {@code changes__<key>} in the same transaction (one bulk copy instead of one per batch; the copy
     * is conditional on ownership too, and the statements see the same snapshot, so either all write or none does).
     */
    @Override
    void write(String key, long run, List<ConfirmationJournal.Entry> entries) {
        DuckDbJournal journal = (DuckDbJournal) this.journal;
        List<BoundQuery> statements = new ArrayList<>();
        boolean copy = !key.equals(copiedKey);
        if (copy) {
            loaded(key); // the copy needs the pending rows with their hashes
            SqlBuilder b = new SqlBuilder(warehouse.dialect())
                    .sql("INSERT INTO " + table("changes", key) + " SELECT " + CHANGE_COLUMNS + " FROM "
                            + table("pending", key) + " WHERE ");
            statements.add(journal.owns(b, key, run).build());
        }
        statements.add(journal.insert(key, run, entries));
        long[] counts = warehouse.executeAtomically(statements);
        if (counts[counts.length - 1] != entries.size()) {
            throw new StateFencedException(key, run, journal.owner(key));
        }
        copiedKey = key;
    }

    /**
     * The fold's statements and the journal's clearing in one transaction, each changing something only while
     * {@code owner} owns the key (the journal and the owners live in the same file): a run that lost the key folds
     * nothing, however late, and learns it from the clearing that deleted nothing.
     */
    @Override
    void commitFold(String key, long owner, List<BoundQuery> statements) {
        DuckDbJournal journal = (DuckDbJournal) this.journal;
        List<BoundQuery> all = new ArrayList<>(statements);
        all.add(journal.clearIfOwned(key, owner));
        long[] counts = warehouse.executeAtomically(all);
        if (counts[counts.length - 1] == 0) {
            throw new StateFencedException(key, owner, journal.owner(key));
        }
    }

    @Override
    SqlBuilder foldUncertain(String key, long owner, long run, ConfirmedRanges.Part part) {
        return sql.foldUncertain(
                table("state", key), foldSource(key, run), part, b -> ((DuckDbJournal) journal).owns(b, key, owner));
    }

    @Override
    SqlBuilder foldConfirmed(String key, long owner, long run, ConfirmedRanges.Part part) {
        return sql.foldConfirmed(
                table("state", key), foldSource(key, run), part, b -> ((DuckDbJournal) journal).owns(b, key, owner));
    }

    /** Conditional on ownership in the statement itself: a run that lost the key deletes nothing. */
    @Override
    void forgetStatement(String key, long run, LearnerScope scope) {
        DuckDbJournal journal = (DuckDbJournal) this.journal;
        warehouse.execute(sql.forget(table("state", key), scope, b -> journal.owns(b, key, run))
                .build());
        if (journal.owner(key) != run) {
            throw new StateFencedException(key, run, journal.owner(key));
        }
    }

    @Override
    void dropPending(String key) {
        super.dropPending(key);
        exec("DROP TABLE IF EXISTS " + table("changes", key));
    }

    /** Folds and drops the per-batch tables of state files written before the journal. */
    private void foldLegacy(String key) {
        long[] found = new long[1];
        warehouse.query(
                new SqlBuilder(warehouse.dialect())
                        .sql("SELECT count(*) FROM duckdb_tables() WHERE database_name = ")
                        .param(ColumnType.STRING, CATALOG)
                        .sql(" AND table_name IN (")
                        .param(ColumnType.STRING, "confirmed__" + key)
                        .sql(", ")
                        .param(ColumnType.STRING, "inflight__" + key)
                        .sql(")")
                        .build(),
                row -> {
                    found[0] = ((Number) row.values().get(0)).longValue();
                    return true;
                });
        if (found[0] < 2) {
            return;
        }
        String state = table("state", key);
        String confirmed = table("confirmed", key);
        String inflight = table("inflight", key);
        String sentinel = sql.dialect().sentinelHash();
        exec("DELETE FROM " + state + " WHERE k IN (SELECT k FROM " + confirmed + ")");
        exec("INSERT INTO " + state + " SELECT k, dk, h, fh, fp FROM " + confirmed + " WHERE op <> 'L'");
        String uncertain = "SELECT k, dk FROM " + inflight + " WHERE b = (SELECT max(b) FROM " + inflight
                + ") AND k NOT IN (SELECT k FROM " + confirmed + ")";
        exec("UPDATE " + state + " SET h = " + sentinel + ", fh = NULL, fp = NULL WHERE k IN (SELECT k FROM ("
                + uncertain + "))");
        exec("INSERT INTO " + state + " SELECT k, dk, " + sentinel + ", NULL, NULL FROM (" + uncertain
                + ") AS u WHERE dk IS NOT NULL AND k NOT IN (SELECT k FROM " + state + ")");
        for (String kind : List.of("inflight", "confirmed")) {
            exec("DROP TABLE " + table(kind, key));
        }
    }

    private void exec(String trustedSql) {
        warehouse.execute(new SqlBuilder(warehouse.dialect()).sql(trustedSql).build());
    }
}
