package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * State on BigQuery, in the state dataset: per sync {@code state__<sync>} (what the destination holds) and
 * {@code pending__<sync>} (the current run's diff, written by one {@code CREATE OR REPLACE TABLE ... AS} statement).
 * Confirmations go to a {@link ConfirmationJournal} in the control DB, since a DML statement per batch would be slow
 * and count against BigQuery's DML quotas, and are folded into the state with one {@code MERGE} when the run ends
 * or, after a crash, when the next run starts. The journal is cleared only after the MERGE succeeded and a repeated
 * MERGE changes nothing, so a crash at any step is repaired by doing it again.
 *
 * <p>Hashes are {@code FARM_FINGERPRINT} over JSON text: per field of the salt and the value, overall of the
 * definition's fingerprint, the destination key and the field hashes. NULL values hash as {@code null}, so a field
 * hash is never NULL (BigQuery arrays cannot hold NULL).
 */
public final class BigQueryStateStore implements StateStore {
    private static final Logger LOG = Logger.getLogger(BigQueryStateStore.class);
    private static final Pattern SYNC_KEY =
            Pattern.compile("[a-z][a-z0-9_]{0,139}"); // a state key: sync key, "__", generation
    /**
     * Most parameter bytes one fold statement carries; BigQuery refuses requests over 10 MB. Normal runs stay far
     * below (16 B per confirmed range after merging, about 90 B per unconfirmed learner); beyond it the fold is split.
     */
    static final long PARAMETER_BUDGET = 4_000_000;

    private final Warehouse warehouse;
    private final SqlDialect stateTables;
    private final ConfirmationJournal journal;
    private final long parameterBudget;

    /**
     * @param stateTables the BigQuery dialect of the state dataset: names the store's tables through
     *                    {@link SqlDialect#table}; everything else uses the warehouse's dialect
     */
    public BigQueryStateStore(Warehouse warehouse, SqlDialect stateTables, ConfirmationJournal journal) {
        this(warehouse, stateTables, journal, PARAMETER_BUDGET);
    }

    BigQueryStateStore(Warehouse warehouse, SqlDialect stateTables, ConfirmationJournal journal, long parameterBudget) {
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
        this.stateTables = Objects.requireNonNull(stateTables, "stateTables");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.parameterBudget = parameterBudget;
    }

    @Override
    public void recover(SyncPlan plan) {
        String key = key(plan.stateKey());
        try {
            warehouse.execute(sql().sql("CREATE TABLE IF NOT EXISTS ")
                    .sql(table("state", key))
                    .sql(" (k STRING, dk STRING, h INT64, fh ARRAY<INT64>, fp INT64)")
                    .build());
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
        fold(key);
    }

    /** Folds the journal into the state, then clears it; nothing happens for an empty journal. */
    private void fold(String key) {
        List<ConfirmationJournal.Entry> entries = journal.entries(key);
        if (entries.isEmpty()) {
            return;
        }
        try {
            for (ConfirmedRanges.Part part : ConfirmedRanges.split(ConfirmedRanges.of(entries), parameterBudget)) {
                warehouse.execute(merge(key, part).build());
            }
        } catch (WarehouseException e) {
            if (e.kind() != WarehouseException.Kind.NOT_FOUND) {
                throw e;
            }
            // The state table exists (recover creates it), so the pending table is gone while the journal is not:
            // dropped by hand or by a default table expiration on the dataset. The entries point at rows that no
            // longer exist, so there is nothing to fold; the records they confirmed keep their old state and the
            // next diff finds them again.
            LOG.warnf(
                    "sync %s: %d confirmation(s) refer to a pending diff that no longer exists (%s); they are"
                            + " dropped and the next run sends those records again",
                    key, entries.size(), e.getMessage());
        }
        journal.clear(key);
    }

    /**
     * One MERGE: the pending rows in a confirmed range whose learner is not excluded there; leavers are deleted,
     * the others upserted. Ranges are found with {@code RANGE_BUCKET} (a binary search over the sorted range starts)
     * and exclusions with an equi-join on the learner, so the statement stays linear in the pending rows.
     */
    SqlBuilder merge(String key, ConfirmedRanges.Part part) {
        List<Long> lo = new ArrayList<>();
        List<Long> hi = new ArrayList<>();
        for (ConfirmedRanges.Interval i : part.covered()) {
            lo.add(i.lo());
            hi.add(i.hi());
        }
        SqlBuilder b = sql().sql("MERGE ")
                .sql(table("state", key))
                .sql(" AS s\nUSING (SELECT p.op, p.k, p.dk, p.h," + " p.fh, p.fp FROM ")
                .sql(table("pending", key))
                .sql(" AS p");
        boolean exclusions = !part.excluded().isEmpty();
        if (exclusions) {
            List<String> xk = new ArrayList<>();
            List<Long> xlo = new ArrayList<>();
            List<Long> xhi = new ArrayList<>();
            for (ConfirmedRanges.Exclusion x : part.excluded()) {
                xk.add(x.key());
                xlo.add(x.lo());
                xhi.add(x.hi());
            }
            b.sql("\n  LEFT JOIN (SELECT xk, ")
                    .param(array(ColumnType.INTEGER, xlo))
                    .sql("[OFFSET(o)] AS xlo, ")
                    .param(array(ColumnType.INTEGER, xhi))
                    .sql("[OFFSET(o)] AS xhi FROM UNNEST(")
                    .param(array(ColumnType.STRING, xk))
                    .sql(") AS xk WITH OFFSET AS o) AS x" + "\n  ON x.xk = p.k AND p.seq BETWEEN x.xlo AND x.xhi");
        }
        b.sql("\n  WHERE p.seq <= ")
                .param(array(ColumnType.INTEGER, hi))
                .sql("[SAFE_OFFSET(RANGE_BUCKET(p.seq, ")
                .param(array(ColumnType.INTEGER, lo))
                .sql(") - 1)]");
        if (exclusions) {
            b.sql(" AND x.xk IS NULL");
        }
        return b.sql(") AS c\nON s.k = c.k\n"
                + "WHEN MATCHED AND c.op = 'L' THEN DELETE\n"
                + "WHEN MATCHED THEN UPDATE SET dk = c.dk, h = c.h, fh = c.fh, fp = c.fp\n"
                + "WHEN NOT MATCHED AND c.op <> 'L' THEN INSERT (k, dk, h, fh, fp) VALUES (c.k, c.dk, c.h, c.fh,"
                + " c.fp)");
    }

    @Override
    public DiffCounts diff(SyncPlan plan, SegmentCompiler compiler, Rule rule, Instant asOf, boolean fullResync) {
        String key = key(plan.stateKey());
        if (!journal.entries(key).isEmpty()) {
            // the journal refers to the pending rows by number; replacing them would fold the wrong rows
            throw new IllegalStateException("sync " + key + " has confirmations that are not folded into its state"
                    + " yet; call recover() before diff()");
        }
        warehouse.execute(diffStatement(plan, compiler, rule, asOf, fullResync).build());

        long[] counts = new long[6];
        warehouse.query(
                sql().sql("SELECT (SELECT COUNT(*) FROM ")
                        .sql(table("state", key))
                        .sql(") AS previous,"
                                + " COUNTIF(op = 'E') AS entered, COUNTIF(op = 'C') AS changed,"
                                + " COUNTIF(op = 'C' AND NOT redefined) AS changed_by_values, COUNTIF(op = 'L') AS leaving,"
                                + " COUNTIF(op = 'U') AS resent FROM ")
                        .sql(table("pending", key))
                        .build(),
                row -> {
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] = ((Number) row.values().get(i)).longValue();
                    }
                    return true;
                });
        return new DiffCounts(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    /**
     * The diff: members with their per-field and overall hashes, FULL OUTER JOIN the state on the learner key, rows
     * whose hash differs (plus, on a full resync, every member), numbered in no particular order.
     */
    SqlBuilder diffStatement(SyncPlan plan, SegmentCompiler compiler, Rule rule, Instant asOf, boolean fullResync) {
        String key = key(plan.stateKey());
        int n = plan.fields().size();
        SqlBuilder b =
                sql().sql("CREATE OR REPLACE TABLE ").sql(table("pending", key)).sql(" AS\nWITH m AS (");
        compiler.appendMembers(b, rule, asOf, plan.columns());
        b.sql("),\nc AS (SELECT CAST(m.")
                .ident(plan.keyColumn())
                .sql(" AS STRING) AS k, CAST(m.")
                .ident(plan.identity())
                .sql(" AS STRING) AS dk");
        for (int i = 0; i < n; i++) {
            b.sql(", m.").ident(plan.fields().get(i)).sql(" AS v" + i);
        }
        if (n == 0) {
            b.sql(", ARRAY<INT64>[]");
        } else {
            b.sql(",\n  [");
            for (int i = 0; i < n; i++) {
                b.sql(i == 0 ? "" : ",\n   ")
                        .sql("FARM_FINGERPRINT(CONCAT(")
                        .param(ColumnType.STRING, plan.salts().get(i))
                        .sql(", TO_JSON_STRING(m.")
                        .ident(plan.fields().get(i))
                        .sql(")))");
            }
            b.sql("]");
        }
        b.sql(" AS fh FROM m),\nd AS (SELECT *, FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(")
                .param(ColumnType.INTEGER, plan.fingerprint())
                .sql(" AS fp, dk, fh))) AS h FROM c)\n");
        b.sql("SELECT ROW_NUMBER() OVER () AS seq, CASE WHEN s.k IS NULL THEN 'E' WHEN d.k IS NULL THEN 'L'"
                        + " WHEN d.h IS DISTINCT FROM s.h THEN 'C' ELSE 'U' END AS op, COALESCE(d.k, s.k) AS k, d.dk,"
                        + " s.dk AS old_dk, d.h, d.fh, ")
                .param(ColumnType.INTEGER, plan.fingerprint())
                .sql(" AS fp, (s.fp IS DISTINCT FROM ")
                .param(ColumnType.INTEGER, plan.fingerprint())
                .sql(") AS redefined");
        for (int i = 0; i < n; i++) {
            b.sql(",\n  (d.fh[SAFE_OFFSET(" + i + ")] IS DISTINCT FROM s.fh[SAFE_OFFSET(" + i + ")]) AS ch" + i);
        }
        for (int i = 0; i < n; i++) {
            b.sql(", d.v" + i);
        }
        return b.sql("\nFROM d FULL OUTER JOIN ")
                .sql(table("state", key))
                .sql(" AS s ON d.k = s.k\n" + "WHERE d.h IS DISTINCT FROM s.h OR (")
                .param(ColumnType.BOOLEAN, fullResync)
                .sql(" AND d.k IS NOT NULL)");
    }

    @Override
    public long stream(SyncPlan plan, Predicate<ChangeRow> consumer) {
        int n = plan.fields().size();
        SqlBuilder b = sql().sql("SELECT seq, op, k, dk, old_dk, (op IN ('E', 'U') OR redefined) AS all_fields,"
                + " CAST(h AS STRING) AS h");
        for (int i = 0; i < n; i++) {
            b.sql(", ch" + i);
        }
        for (int i = 0; i < n; i++) {
            b.sql(", v" + i);
        }
        b.sql(" FROM ").sql(table("pending", key(plan.stateKey()))).sql(" ORDER BY seq");
        return warehouse.query(b.build(), row -> consumer.test(decode(row, n)));
    }

    private static ChangeRow decode(Row row, int n) {
        List<Object> v = row.values();
        boolean[] changed = new boolean[n];
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            changed[i] = Boolean.TRUE.equals(v.get(7 + i));
            values.add(v.get(7 + n + i));
        }
        return new ChangeRow(
                ((Number) v.get(0)).longValue(),
                ((String) v.get(1)).charAt(0),
                (String) v.get(2),
                (String) v.get(3),
                (String) v.get(4),
                Boolean.TRUE.equals(v.get(5)),
                changed,
                Collections.unmodifiableList(values),
                (String) v.get(6));
    }

    /** Journals the confirmation; no warehouse statement. */
    @Override
    public void confirm(SyncPlan plan, long fromSeq, long toSeq, Collection<String> notConfirmed) {
        journal.append(key(plan.stateKey()), fromSeq, toSeq, notConfirmed);
    }

    @Override
    public void finish(SyncPlan plan) {
        String key = key(plan.stateKey());
        fold(key);
        dropPending(key);
    }

    /**
     * Drops the pending changes. Confirmations journaled against them (the engine discards only before sending)
     * are folded first: once {@link #confirm} returned they must not be lost.
     */
    @Override
    public void discard(SyncPlan plan) {
        String key = key(plan.stateKey());
        fold(key);
        dropPending(key);
    }

    @Override
    public void drop(String syncKey) {
        String key = key(syncKey);
        dropPending(key);
        warehouse.execute(
                sql().sql("DROP TABLE IF EXISTS ").sql(table("state", key)).build());
        journal.clear(key);
    }

    private void dropPending(String key) {
        warehouse.execute(
                sql().sql("DROP TABLE IF EXISTS ").sql(table("pending", key)).build());
    }

    private SqlBuilder sql() {
        return new SqlBuilder(warehouse.dialect());
    }

    private String table(String kind, String key) {
        return stateTables.table(kind + "__" + key);
    }

    private static QueryParam array(ColumnType element, List<?> values) {
        return new QueryParam("x", ColumnType.ARRAY, element, values);
    }

    private static String key(String syncKey) {
        if (syncKey == null || !SYNC_KEY.matcher(syncKey).matches()) {
            throw new IllegalArgumentException("not a sync key: '" + syncKey + "'");
        }
        return syncKey;
    }
}
