package dev.masync.sync.state;

import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * State on BigQuery, in the state dataset: per sync {@code state__<sync>} (what the destination holds) and
 * {@code pending__<sync>} (the current run's diff, written by one {@code CREATE OR REPLACE TABLE ... AS} statement).
 * What happens per batch (sending, confirmed, uncertain) goes to a {@link ConfirmationJournal} in the control DB,
 * since a DML statement per batch would be slow and count against BigQuery's DML quotas; the journal is folded into
 * the state with one {@code MERGE} (two when some rows are uncertain) when the run ends or, after a crash, when the
 * next run starts. A run that changed nothing journals nothing and folds nothing.
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

    private final SqlDialect stateTables;

    /**
     * @param stateTables the BigQuery dialect of the state dataset: names the store's tables through
     *                    {@link SqlDialect#table}; everything else uses the warehouse's dialect
     */
    public BigQueryStateStore(Warehouse warehouse, SqlDialect stateTables, ConfirmationJournal journal) {
        this(warehouse, stateTables, journal, PARAMETER_BUDGET);
    }

    BigQueryStateStore(Warehouse warehouse, SqlDialect stateTables, ConfirmationJournal journal, long parameterBudget) {
        super(warehouse, journal, parameterBudget);
        this.stateTables = Objects.requireNonNull(stateTables, "stateTables");
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

    /** The fold MERGE of a part of the journal's confirmations (for tests of the statement). */
    SqlBuilder merge(String key, ConfirmedRanges.Part part) {
        return foldConfirmed(key, part);
    }
}
