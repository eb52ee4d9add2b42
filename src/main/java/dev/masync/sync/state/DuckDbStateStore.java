package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * State on DuckDB, in the sync-state file attached beside the source ({@code masync_state}). Per sync (per
 * {@link SyncPlan#stateKey()}) four tables:
 * {@code state__<key>} (what the destination holds), {@code pending__<key>} (the current run's diff),
 * {@code confirmed__<key>} (rows confirmed by the destination, appended per batch, folded into the state when the
 * run ends or, after a crash, when the next run starts) and {@code inflight__<key>} (the rows of each batch, written
 * before it is pushed: after a crash, the last batch's unconfirmed rows are uncertain). Folding is idempotent, so a
 * crash at any step is repaired by doing it again.
 *
 * <p>The pending diff lives in the in-memory catalog {@code masync_scratch}, not in the state file: it is rebuilt by
 * every run and never read after a crash (confirmations and in-flight rows carry everything folding needs), so
 * writing it durably only cost time: it more than doubled the diff of a full push (1 M learners, a third of them in
 * the segment, 6 mapped attributes: 690 against 300 ms on one core; README, "Benchmarks").
 */
public final class DuckDbStateStore implements StateStore {
    private static final String CATALOG = DuckDbWarehouse.STATE_CATALOG;
    private static final String SCRATCH = DuckDbWarehouse.SCRATCH_CATALOG;
    /**
     * The hash of a record whose delivery is uncertain: no diff row hashes to it (but with odds of 2^-64), and unlike
     * NULL it differs from a leaver's absent hash, so the diff finds the record whether it is still a member or not.
     */
    static final String UNCERTAIN = "CAST(0 AS UBIGINT)";

    private final Warehouse warehouse;

    public DuckDbStateStore(Warehouse warehouse) {
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    }

    @Override
    public void recover(SyncPlan plan) {
        String key = plan.stateKey();
        exec("CREATE TABLE IF NOT EXISTS " + table("state", key)
                + " (k VARCHAR, dk VARCHAR, h UBIGINT, fh UBIGINT[], fp BIGINT)");
        exec("CREATE TABLE IF NOT EXISTS " + table("confirmed", key)
                + " (seq BIGINT, op VARCHAR, k VARCHAR, dk VARCHAR, h UBIGINT, fh UBIGINT[], fp BIGINT)");
        exec("CREATE TABLE IF NOT EXISTS " + table("inflight", key) + " (b BIGINT, k VARCHAR, dk VARCHAR)");
        fold(key, true);
    }

    /**
     * Folds the confirmations into the state. After a crash ({@code crashed}: called by {@link #recover}) the rows of
     * the last batch that was being pushed and is not confirmed may or may not have reached the destination: their
     * state is made uncertain ({@link #UNCERTAIN} hash, no fingerprint), so the next diff sends them again, all
     * fields and membership if they are still members, a leave (mirror mode) if they are not, even when their values
     * are back to what the state held. At the end of a run ({@link #finish}) every batch was settled (confirmed,
     * rejected or failed), so the in-flight rows are simply dropped.
     */
    private void fold(String key, boolean crashed) {
        String state = table("state", key);
        String confirmed = table("confirmed", key);
        String inflight = table("inflight", key);
        if (count("SELECT (SELECT count(*) FROM " + confirmed + ") + (SELECT count(*) FROM " + inflight + ")") == 0) {
            return;
        }
        // Each step can be repeated after a crash: the in-flight rows stay until the confirmations are folded, and
        // the confirmations until the last step.
        exec("DELETE FROM " + state + " WHERE k IN (SELECT k FROM " + confirmed + ")");
        exec("INSERT INTO " + state + " SELECT k, dk, h, fh, fp FROM " + confirmed + " WHERE op <> 'L'");
        if (crashed) {
            String uncertain = "SELECT k, dk FROM " + inflight + " WHERE b = (SELECT max(b) FROM " + inflight
                    + ") AND k NOT IN (SELECT k FROM " + confirmed + ")";
            exec("UPDATE " + state + " SET h = " + UNCERTAIN + ", fh = NULL, fp = NULL WHERE k IN (SELECT k FROM ("
                    + uncertain + "))");
            exec("INSERT INTO " + state + " SELECT k, dk, " + UNCERTAIN + ", NULL, NULL FROM (" + uncertain
                    + ") AS u WHERE dk IS NOT NULL AND k NOT IN (SELECT k FROM " + state + ")");
        }
        exec("DELETE FROM " + inflight);
        exec("DELETE FROM " + confirmed);
    }

    @Override
    public DiffCounts diff(SyncPlan plan, SegmentCompiler compiler, Rule rule, Instant asOf, boolean fullResync) {
        String key = plan.stateKey();
        SqlBuilder b = new SqlBuilder(warehouse.dialect());
        b.sql("CREATE OR REPLACE TABLE ").sql(table("pending", key)).sql(" AS\nWITH m AS (");
        compiler.appendMembers(b, rule, asOf, plan.columns());
        b.sql("),\nc AS (SELECT CAST(m.")
                .ident(plan.keyColumn())
                .sql(" AS VARCHAR) AS k, CAST(m.")
                .ident(plan.identity())
                .sql(" AS VARCHAR) AS dk");
        for (int i = 0; i < plan.fields().size(); i++) {
            b.sql(", m.").ident(plan.fields().get(i)).sql(" AS v" + i);
        }
        b.sql(", ");
        if (plan.fields().isEmpty()) {
            b.sql("CAST([] AS UBIGINT[])");
        } else {
            b.sql("[");
            for (int i = 0; i < plan.fields().size(); i++) {
                b.sql(i == 0 ? "" : ", ")
                        .sql("hash(CAST(")
                        .param(ColumnType.STRING, plan.salts().get(i))
                        .sql(" AS VARCHAR), m.")
                        .ident(plan.fields().get(i))
                        .sql(")");
            }
            b.sql("]");
        }
        b.sql(" AS fh FROM m),\nd AS (SELECT *, hash(CAST(")
                .param(ColumnType.INTEGER, plan.fingerprint())
                .sql(" AS BIGINT), dk, fh) AS h FROM c)\n");
        b.sql("SELECT row_number() OVER () AS seq, CASE WHEN s.k IS NULL THEN 'E' WHEN d.k IS NULL THEN 'L'"
                + " WHEN d.h IS DISTINCT FROM s.h THEN 'C' ELSE 'U' END AS op, coalesce(d.k, s.k) AS k, d.dk,"
                + " s.dk AS old_dk, d.h, d.fh, (s.fp IS DISTINCT FROM CAST(");
        b.param(ColumnType.INTEGER, plan.fingerprint()).sql(" AS BIGINT)) AS redefined");
        for (int i = 0; i < plan.fields().size(); i++) {
            b.sql(", (d.fh[" + (i + 1) + "] IS DISTINCT FROM s.fh[" + (i + 1) + "]) AS ch" + i);
        }
        for (int i = 0; i < plan.fields().size(); i++) {
            b.sql(", d.v" + i);
        }
        b.sql("\nFROM d FULL OUTER JOIN ")
                .sql(table("state", key))
                .sql(" AS s ON d.k = s.k\nWHERE d.h IS DISTINCT FROM" + " s.h OR (CAST(")
                .param(ColumnType.BOOLEAN, fullResync)
                .sql(" AS BOOLEAN) AND d.k IS NOT NULL)");
        warehouse.execute(b.build());

        long[] counts = new long[6];
        warehouse.query(
                new SqlBuilder(warehouse.dialect())
                        .sql("SELECT (SELECT count(*) FROM ")
                        .sql(table("state", key))
                        .sql("), count(*) FILTER (WHERE op = 'E'), count(*) FILTER (WHERE op = 'C'),"
                                + " count(*) FILTER (WHERE op = 'C' AND NOT redefined), count(*) FILTER (WHERE op = 'L'),"
                                + " count(*) FILTER (WHERE op = 'U') FROM ")
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

    @Override
    public long stream(SyncPlan plan, Predicate<ChangeRow> consumer) {
        int n = plan.fields().size();
        SqlBuilder b = new SqlBuilder(warehouse.dialect())
                .sql("SELECT seq, op, k, dk, old_dk,"
                        + " (op IN ('E', 'U') OR redefined) AS all_fields, CAST(h AS VARCHAR) AS h");
        for (int i = 0; i < n; i++) {
            b.sql(", ch" + i);
        }
        for (int i = 0; i < n; i++) {
            b.sql(", v" + i);
        }
        b.sql(" FROM ").sql(table("pending", plan.stateKey())).sql(" ORDER BY seq");
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
                java.util.Collections.unmodifiableList(values),
                (String) v.get(6));
    }

    @Override
    public void sending(SyncPlan plan, long fromSeq, long toSeq, Collection<String> notSent) {
        SqlBuilder b = new SqlBuilder(warehouse.dialect())
                .sql("INSERT INTO ")
                .sql(table("inflight", plan.stateKey()))
                .sql(" SELECT CAST(")
                .param(ColumnType.INTEGER, fromSeq)
                .sql(" AS BIGINT), k, coalesce(dk, old_dk) FROM ")
                .sql(table("pending", plan.stateKey()))
                .sql(" WHERE seq BETWEEN ")
                .param(ColumnType.INTEGER, fromSeq)
                .sql(" AND ")
                .param(ColumnType.INTEGER, toSeq);
        if (!notSent.isEmpty()) {
            b.sql(" AND NOT list_contains(")
                    .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, List.copyOf(notSent)))
                    .sql(", k)");
        }
        warehouse.execute(b.build());
    }

    @Override
    public void confirm(SyncPlan plan, long fromSeq, long toSeq, Collection<String> notConfirmed) {
        SqlBuilder b = new SqlBuilder(warehouse.dialect())
                .sql("INSERT INTO ")
                .sql(table("confirmed", plan.stateKey()))
                .sql(" SELECT seq, op, k, dk, h, fh, CAST(")
                .param(ColumnType.INTEGER, plan.fingerprint())
                .sql(" AS BIGINT) FROM ")
                .sql(table("pending", plan.stateKey()))
                .sql(" WHERE seq BETWEEN ")
                .param(ColumnType.INTEGER, fromSeq)
                .sql(" AND ")
                .param(ColumnType.INTEGER, toSeq);
        if (!notConfirmed.isEmpty()) {
            b.sql(" AND NOT list_contains(")
                    .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, List.copyOf(notConfirmed)))
                    .sql(", k)");
        }
        warehouse.execute(b.build());
    }

    @Override
    public void finish(SyncPlan plan) {
        fold(plan.stateKey(), false);
        discard(plan);
    }

    @Override
    public void discard(SyncPlan plan) {
        exec("DROP TABLE IF EXISTS " + table("pending", plan.stateKey()));
    }

    @Override
    public void drop(String stateKey) {
        for (String kind : List.of("pending", "confirmed", "inflight", "state")) {
            exec("DROP TABLE IF EXISTS " + table(kind, stateKey));
        }
    }

    private String table(String kind, String stateKey) {
        return (kind.equals("pending") ? SCRATCH : CATALOG) + "."
                + warehouse.dialect().quoteIdentifier(kind + "__" + stateKey);
    }

    private void exec(String trustedSql) {
        warehouse.execute(new SqlBuilder(warehouse.dialect()).sql(trustedSql).build());
    }

    private long count(String trustedSql) {
        long[] out = new long[1];
        warehouse.query(new SqlBuilder(warehouse.dialect()).sql(trustedSql).build(), row -> {
            out[0] = ((Number) row.values().get(0)).longValue();
            return true;
        });
        return out[0];
    }
}
