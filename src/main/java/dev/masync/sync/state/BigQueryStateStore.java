package dev.masync.sync.state;

import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
import org.jboss.logging.Logger;

import java.util.Objects;
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
    SqlBuilder foldConfirmed(String key, long run, ConfirmedRanges.Part part) {
        return sql.logConfirmed(table("statelog", key), foldSource(key), part, run);
    }

    @Override
    SqlBuilder foldUncertain(String key, long run, ConfirmedRanges.Part part) {
        return sql.logUncertain(table("statelog", key), foldSource(key), part, run);
    }

    /**
     * Compacts when the log outgrew its share of the base table. A failure is logged, not thrown: the state is
     * complete without it, and the next fold tries again.
     */
    @Override
    void afterFold(String key) {
        try {
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
        return foldConfirmed(key, 1, part);
    }
}
