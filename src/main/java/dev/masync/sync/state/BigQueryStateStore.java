package dev.masync.sync.state;

import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * State on BigQuery, in the state dataset: per sync {@code state__<sync>} (what the destination held at the last
 * compaction), {@code statelog__<sync>} (what folds appended since: per changed key a row with the fold's version and a
 * deletion flag) and {@code pending__<sync>} (the current run's diff, written by one {@code CREATE OR REPLACE TABLE
 * ... AS} statement). The state is the base table overlaid with each key's latest log row ({@link #stateRelation});
 * the diff reads it so. What happens per batch (sending, confirmed, uncertain) goes to a {@link ConfirmationJournal}
 * in the control DB, since a DML statement per batch would be slow and count against BigQuery's DML quotas; the
 * journal is folded when the run ends or, after a crash, when the next run starts, by one {@code INSERT} into the log
 * (two when some rows are uncertain) that reads only the run's pending rows: a fold never scans or rewrites the state
 * table. A run that changed nothing journals nothing and folds nothing.
 *
 * <p>Compaction: after a fold, when the log holds more rows than {@code compactFraction} of the base table (default
 * {@value #COMPACT_FRACTION}), one {@code MERGE} applies each key's latest log row to the base table and a
 * {@code DELETE} forgets the log rows it applied, so the cost of rewriting the state is paid once per that many
 * changes rather than every run. Each step can be repeated after a crash (the log applied again on the compacted base
 * gives the same state). State tables of earlier versions stay as they are: the log is created beside them, empty.
 *
 * <p>Fencing of the fold: the owner lives in the control DB, so no BigQuery statement can check it. Instead a fold
 * reads only its own run's rows: the run's first journal write copies the fold columns of its diff to
 * {@code changes__<sync>__<run>} (one job per run with changes), and a fold of that run's journal reads that table,
 * never {@code pending__<sync>}, which a later run's diff replaces. The fold checks the owner right before its
 * statements and clears the journal with a check under the owner row's lock. What remains: a run that passed the
 * check and then stalled until another run took over appends its own confirmed rows late. Until the new owner folds,
 * they are the same rows it folds from the old run's journal (its {@link #recover} folds them, then drops
 * {@code changes__<sync>__<run>}, so a later attempt finds nothing to read); only if the stall outlasts the new
 * owner's whole run do they land after its rows, as the newer version of those keys: the next diff then sends such a
 * key again if the warehouse differs from the old run's values, and misses it only if the warehouse went back to
 * exactly them meanwhile. The clearing is refused and the late run fails.
 *
 * <p>Hashes are {@code FARM_FINGERPRINT} over JSON text (see {@link dev.masync.warehouse.bigquery.BigQueryDialect}):
 * per field of the salt and the value, overall of the definition's fingerprint, the destination key and the field
 * hashes. NULL values hash as {@code null}, so a field hash is never NULL (BigQuery arrays cannot hold NULL).
 */
public final class BigQueryStateStore extends JournaledStateStore {
    private static final Pattern SYNC_KEY =
            Pattern.compile("[a-z][a-z0-9_]{0,139}"); // a state key: sync key, "__", generation
    /**
     * Most parameter bytes one fold statement carries; BigQuery refuses requests over 10 MB. Normal runs stay far
     * below (16 B per confirmed range after merging, about 90 B per unconfirmed learner); beyond it the fold is split.
     */
    static final long PARAMETER_BUDGET = 4_000_000;

    /** Default share of the base table's rows the log may hold before a fold compacts it. */
    static final double COMPACT_FRACTION = 0.25;

    private static final Logger LOG = Logger.getLogger(BigQueryStateStore.class);

    private final SqlDialect stateTables;
    private final double compactFraction;

    /** Runs ({@code key/run}) being folded from {@code pending__<sync>} (see {@link #foldSource(String, long)}). */
    private final Set<String> legacy = ConcurrentHashMap.newKeySet();

    /** Per state key, the run whose pending rows this store copied ({@link #write}). */
    private final Map<String, Long> copied = new HashMap<>();

    /**
     * @param stateTables the BigQuery dialect of the state dataset: names the store's tables through
     *                    {@link SqlDialect#table}; everything else uses the warehouse's dialect
     */
    public BigQueryStateStore(Warehouse warehouse, SqlDialect stateTables, ConfirmationJournal journal) {
        this(warehouse, stateTables, journal, PARAMETER_BUDGET, COMPACT_FRACTION);
    }

    BigQueryStateStore(Warehouse warehouse, SqlDialect stateTables, ConfirmationJournal journal, long parameterBudget) {
        this(warehouse, stateTables, journal, parameterBudget, COMPACT_FRACTION);
    }

    BigQueryStateStore(
            Warehouse warehouse,
            SqlDialect stateTables,
            ConfirmationJournal journal,
            long parameterBudget,
            double compactFraction) {
        super(warehouse, journal, parameterBudget);
        this.stateTables = Objects.requireNonNull(stateTables, "stateTables");
        if (!(compactFraction >= 0)) {
            throw new IllegalArgumentException("compactFraction must be >= 0: " + compactFraction);
        }
        this.compactFraction = compactFraction;
    }

    /** A second pass would bill the mapped columns again: the values go through the diff's join with the state. */
    @Override
    boolean valuesInDiff() {
        return true;
    }

    @Override
    String table(String kind, String key) {
        return stateTables.table(kind + "__" + key);
    }

    @Override
    String key(String stateKey) {
        if (stateKey == null || !SYNC_KEY.matcher(stateKey).matches()) {
            throw new IllegalArgumentException("not a sync key: '" + stateKey + "'");
        }
        return stateKey;
    }

    @Override
    void createTables(String key) {
        try {
            super.createTables(key);
            warehouse.execute(sql.createLog(table("statelog", key)).build());
        } catch (WarehouseException e) {
            if (e.kind() == WarehouseException.Kind.NOT_FOUND) {
                throw new WarehouseException(
                        e.kind(),
                        "cannot create " + table("state", key) + ": " + e.getMessage()
                                + "; create the state dataset in the location of the source dataset",
                        e);
            }
            throw e;
        }
    }

    @Override
    String stateRelation(String key) {
        return sql.stateWithLog(table("state", key), table("statelog", key));
    }

    @Override
    String stateKeys(String key) {
        return sql.stateKeysWithLog(table("state", key), table("statelog", key));
    }

    /**
     * {@code changes__<sync>__<run>}: the fold columns of the run's diff, copied at its first journal write; for a
     * journal written before such copies existed (an upgrade right after a crash), {@code pending__<sync>}, which no
     * later run can have replaced yet (each run folds its predecessor's journal before it diffs).
     */
    @Override
    String foldSource(String key, long run) {
        return legacy.contains(key + "/" + run) ? table("pending", key) : changes(key, run);
    }

    private String changes(String key, long run) {
        return table("changes", key + "__" + run);
    }

    /** At {@link #recover}, notes whether the crashed run's journal predates the per-run copies. */
    @Override
    void fold(String key, long owner, long run, boolean crashed) {
        String legacyRun = key + "/" + run;
        if (owner != run && !journal.entries(key).isEmpty() && missing(changes(key, run))) {
            legacy.add(legacyRun);
        }
        try {
            super.fold(key, owner, run, crashed);
        } finally {
            legacy.remove(legacyRun);
        }
    }

    private boolean missing(String table) {
        try {
            warehouse.query(
                    sql.sql().sql("SELECT seq FROM " + table + " WHERE FALSE").build(), row -> true);
            return false;
        } catch (WarehouseException e) {
            if (e.kind() == WarehouseException.Kind.NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    /**
     * The first write of a run first copies the fold columns of its pending diff to a table of the run's own
     * ({@link #foldSource(String, long)}), so that a fold of the run's journal reads the rows the run diffed and never
     * those of a later run's diff that replaced {@code pending__<sync>}. The copy precedes the journal append: if
     * another run took the sync over before (and maybe diffed already), the append is fenced and nothing refers to
     * the copy, which is dropped.
     */
    @Override
    void write(String key, long run, List<ConfirmationJournal.Entry> entries) {
        boolean copy;
        synchronized (copied) {
            copy = !Long.valueOf(run).equals(copied.get(key));
        }
        if (copy) {
            warehouse.execute(sql.sql()
                    .sql(sql.dialect().createOrReplaceTableAs(changes(key, run))
                            + "SELECT seq, op, k, dk, old_dk, h, fh, fp FROM " + table("pending", key))
                    .build());
            synchronized (copied) {
                copied.put(key, run);
            }
        }
        try {
            super.write(key, run, entries);
        } catch (StateFencedException e) {
            if (copy) {
                dropChanges(key, run);
            }
            throw e;
        }
    }

    @Override
    SqlBuilder foldConfirmed(String key, long owner, long run, ConfirmedRanges.Part part) {
        return sql.logConfirmed(table("statelog", key), foldSource(key, run), part, run);
    }

    @Override
    SqlBuilder foldUncertain(String key, long owner, long run, ConfirmedRanges.Part part) {
        return sql.logUncertain(table("statelog", key), foldSource(key, run), part, run);
    }

    /**
     * A deletion row per learner in the state log (never a rewrite of the base table), after the owner check of
     * {@link JournaledStateStore#commitFold}; the same window remains as for a fold (see the class comment).
     */
    @Override
    void forgetStatement(String key, long run, LearnerScope scope) {
        long owner = journal.owner(key);
        if (owner != run) {
            throw new StateFencedException(key, run, owner);
        }
        warehouse.execute(sql.logForget(table("statelog", key), scope, run).build());
    }

    private void dropChanges(String key, long run) {
        warehouse.execute(sql.sql()
                .sql(sql.dialect().dropTableIfExists(changes(key, run)))
                .build());
    }

    /**
     * Compacts when the log outgrew its share of the base table. A failure is logged, not thrown: the state is
     * complete without it, and the next fold tries again.
     */
    @Override
    void afterFold(String key, long run) {
        try {
            dropChanges(key, run);
            long[] size = new long[3];
            warehouse.query(
                    sql.logSize(table("state", key), table("statelog", key)).build(), row -> {
                        for (int i = 0; i < size.length; i++) {
                            size[i] = ((Number) row.values().get(i)).longValue();
                        }
                        return true;
                    });
            if (size[0] == 0 || size[0] <= compactFraction * size[1]) {
                return;
            }
            warehouse.execute(
                    sql.compact(table("state", key), table("statelog", key)).build());
            warehouse.execute(sql.clearLog(table("statelog", key), size[2]).build());
        } catch (WarehouseException e) {
            LOG.warnf("sync %s: the state log was not compacted (%s); the next fold tries again", key, e.getMessage());
        }
    }

    @Override
    public void drop(String stateKey) {
        warehouse.execute(sql.sql()
                .sql(sql.dialect().dropTableIfExists(table("statelog", key(stateKey))))
                .build());
        super.drop(stateKey);
    }

    /** The fold statement of a part of the journal's confirmations (for tests of the statement). */
    SqlBuilder merge(String key, ConfirmedRanges.Part part) {
        return foldConfirmed(key, 1, 1, part);
    }
}
