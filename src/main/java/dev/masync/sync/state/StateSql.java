package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.SqlDialect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The statements of every state store, written once over a {@link SqlDialect}: the state table's DDL, the diff, its
 * counts, the stream of its rows and their decoding, and the two folds of a journal (confirmed rows, uncertain rows).
 *
 * <p>Tables: {@code state} (k, dk, h, fh, fp: learner key, destination key, overall hash, per-field hashes, the
 * definition's fingerprint), {@code keys} (pass 1 of a diff, the changes without values: op, k, dk, old_dk, old_h,
 * old_fh, redefined) and {@code pending} (the diff with its values: seq, op, k, dk, old_dk, h, fh, fp, redefined,
 * ch0.., v0..). Hashes come from the dialect ({@link SqlDialect#saltedHash()} per field of the salt and the value,
 * {@link SqlDialect#rowHash()} of the fingerprint, the destination key and the field hashes), so a state table keeps
 * its meaning as long as the dialect's hash does.
 */
final class StateSql {
    private final SqlDialect dialect;

    StateSql(SqlDialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    SqlDialect dialect() {
        return dialect;
    }

    SqlBuilder sql() {
        return new SqlBuilder(dialect);
    }

    /** {@code CREATE TABLE IF NOT EXISTS} of a state table. */
    SqlBuilder createState(String table) {
        return sql().sql(dialect.createTableIfNotExists(table, stateColumns()));
    }

    /** The state's columns with their types: k, dk, h, fh, fp. */
    private List<Map.Entry<String, String>> stateColumns() {
        String text = dialect.typeName(ColumnType.STRING);
        return List.of(
                Map.entry("k", text),
                Map.entry("dk", text),
                Map.entry("h", dialect.hashType()),
                Map.entry("fh", dialect.arrayType(dialect.hashType())),
                Map.entry("fp", dialect.typeName(ColumnType.INTEGER)));
    }

    /**
     * Pass 1 of a diff, the changed keys without their values: {@code CREATE OR REPLACE TABLE keys AS} the members
     * with their hashes FULL OUTER JOIN the state (see {@link #changes}).
     */
    SqlBuilder diffKeys(
            SyncPlan plan,
            String state,
            String keys,
            SegmentCompiler compiler,
            Rule rule,
            Instant asOf,
            boolean fullResync,
            LearnerScope scope) {
        SqlBuilder b = sql().sql(dialect.createOrReplaceTableAs(keys)).sql("WITH m AS (");
        members(b, plan, compiler, rule, asOf, scope);
        b.sql("),\n");
        hashed(b, plan, false, true, scope);
        b.sql("\n");
        return changes(b, plan, state, fullResync, false, scope);
    }

    /**
     * The members, or with a restricted scope the members among the scope's learners and those sharing their
     * destination key (so that a listed member whose identity another member shares is still found out).
     */
    private static void members(
            SqlBuilder b, SyncPlan plan, SegmentCompiler compiler, Rule rule, Instant asOf, LearnerScope scope) {
        if (scope.restricted()) {
            compiler.appendMembersAmong(
                    b, rule, asOf, plan.columns(), scope.keys().orElseThrow(), plan.identity());
        } else {
            compiler.appendMembers(b, rule, asOf, plan.columns());
        }
    }

    /** {@code k IN (the scope's keys)}, for a restricted scope: one bound array parameter. */
    private void inScope(SqlBuilder b, String column, LearnerScope scope) {
        b.sql(column + " IN (");
        template(
                b,
                dialect.zipArrays(List.of("k")),
                x -> x.param(array(
                        ColumnType.STRING,
                        List.copyOf(new java.util.TreeSet<>(scope.keys().orElseThrow())))));
        b.sql(")");
    }

    /**
     * Pass 2 of a diff: {@code CREATE OR REPLACE TABLE pending AS} the rows of {@code keys} (pass 1) with the values
     * read now from the learners table, for the changed keys only, without evaluating the segment again. Hashes are
     * recomputed from the values read, so the state records what is sent even if the warehouse changed since pass 1
     * (see {@link #pending} for what is dropped then).
     */
    SqlBuilder load(SyncPlan plan, String keys, String pending, SegmentCompiler compiler) {
        // leavers read no values (their learner may still exist, out of the segment)
        SqlBuilder b = sql().sql(dialect.createOrReplaceTableAs(pending))
                .sql("WITH members AS (SELECT k FROM " + keys + " WHERE op IN ('E', 'C', 'U')),\nm AS (");
        compiler.appendLearners(b, "members", plan.columns());
        b.sql("),\n");
        hashed(b, plan, true, false, LearnerScope.ALL);
        b.sql("\n");
        return pending(b, plan, keys, true);
    }

    /**
     * Both passes in one statement, for warehouses where reading the source twice costs more than carrying the values
     * through the join with the state: {@code CREATE OR REPLACE TABLE pending AS} pass 1 with its values, as the
     * {@code keys} of pass 2.
     */
    SqlBuilder diff(
            SyncPlan plan,
            String state,
            String pending,
            SegmentCompiler compiler,
            Rule rule,
            Instant asOf,
            boolean fullResync,
            LearnerScope scope) {
        SqlBuilder b = sql().sql(dialect.createOrReplaceTableAs(pending)).sql("WITH m AS (");
        members(b, plan, compiler, rule, asOf, scope);
        b.sql("),\n");
        hashed(b, plan, true, true, scope);
        b.sql(",\nchanged AS (");
        changes(b, plan, state, fullResync, true, scope);
        b.sql(")\n");
        return pending(b, plan, "changed", false);
    }

    /**
     * The CTE {@code d} over the members {@code m} (key, then the plan's columns): k, dk, the per-field salted hashes
     * {@code fh} and the row hash {@code h}, plus the values {@code v0..} if {@code values}. The one place hashes are
     * computed, so that pass 1 and pass 2 agree and a state table keeps its meaning.
     *
     * <p>With {@code identityCheck} (over the whole segment, i.e. pass 1), also {@code bad}: {@code 'N'} for a member
     * whose destination key is NULL, {@code 'D'} for one whose destination key another member shares, NULL for the
     * others. The learner key itself is unique, so a sync keyed on it only checks for NULL (no window to compute).
     */
    private void hashed(SqlBuilder b, SyncPlan plan, boolean values, boolean identityCheck, LearnerScope scope) {
        int n = plan.fields().size();
        String text = dialect.typeName(ColumnType.STRING);
        b.sql("c AS (SELECT CAST(m.")
                .ident(plan.keyColumn())
                .sql(" AS " + text + ") AS k, CAST(m.")
                .ident(plan.identity())
                .sql(" AS " + text + ") AS dk");
        for (int i = 0; values && i < n; i++) {
            b.sql(", m.").ident(plan.fields().get(i)).sql(" AS v" + i);
        }
        b.sql(",\n  ");
        if (n == 0) {
            b.sql(dialect.emptyArray(dialect.hashType()));
        } else {
            b.sql("[");
            for (int i = 0; i < n; i++) {
                String field = plan.fields().get(i);
                String salt = plan.salts().get(i);
                b.sql(i == 0 ? "" : ",\n   ");
                template(b, dialect.saltedHash(), x -> x.sql("m.").ident(field), x -> x.param(ColumnType.STRING, salt));
            }
            b.sql("]");
        }
        b.sql(" AS fh FROM m),\n" + (scope.restricted() ? "dw" : "d") + " AS (SELECT *, ");
        template(b, dialect.rowHash(), x -> fingerprint(x, plan), x -> x.sql("dk"), x -> x.sql("fh"));
        b.sql(" AS h");
        if (identityCheck) {
            b.sql(",\n  CASE WHEN dk IS NULL THEN 'N'");
            if (!plan.identity().equals(plan.keyColumn())) {
                b.sql(" WHEN COUNT(*) OVER (PARTITION BY dk) > 1 THEN 'D'");
            }
            b.sql(" END AS bad");
        }
        b.sql(" FROM c)");
        if (scope.restricted()) {
            // the duplicates were counted over the widened members; only the scope's learners are diffed
            b.sql(",\nd AS (SELECT * FROM dw WHERE ");
            inScope(b, "k", scope);
            b.sql(")");
        }
    }

    /**
     * The rows of {@code d} whose hash differs from the state's (plus, on a full resync, every member), FULL OUTER
     * JOIN the state on the learner key: op (E, L, C, or U for an unchanged member of a full resync), k, dk, old_dk,
     * old_h, old_fh, redefined; with {@code values} also h, fh, v0...
     *
     * <p>A member whose identity is unusable ({@code d.bad}: NULL or shared with another member) is always a row, with
     * op {@code N} or {@code D} whatever its hash, so that it is reported every run: it is never sent, never folded
     * into the state (see {@link #selected}) and never a leaver, so a record the destination holds for it stays as
     * it is until its identity is unique again.
     */
    private SqlBuilder changes(
            SqlBuilder b, SyncPlan plan, String state, boolean fullResync, boolean values, LearnerScope scope) {
        b.sql("SELECT CASE WHEN d.bad IS NOT NULL THEN d.bad WHEN s.k IS NULL THEN 'E' WHEN d.k IS NULL THEN 'L'"
                + " WHEN d.h IS DISTINCT FROM s.h THEN 'C' ELSE 'U' END AS op, COALESCE(d.k, s.k) AS k, d.dk,"
                + " s.dk AS old_dk, s.h AS old_h, s.fh AS old_fh, (s.fp IS DISTINCT FROM ");
        fingerprint(b, plan);
        b.sql(") AS redefined");
        if (values) {
            b.sql(", d.h, d.fh");
            for (int i = 0; i < plan.fields().size(); i++) {
                b.sql(", d.v" + i);
            }
        }
        b.sql("\nFROM d FULL OUTER JOIN ");
        if (scope.restricted()) {
            b.sql("(SELECT * FROM " + state + " AS t WHERE ");
            inScope(b, "t.k", scope);
            b.sql(")");
        } else {
            b.sql(state);
        }
        return b.sql(" AS s ON d.k = s.k\nWHERE d.h IS DISTINCT FROM s.h OR d.bad IS NOT NULL OR (CAST(")
                .param(ColumnType.BOOLEAN, fullResync)
                .sql(" AS " + dialect.typeName(ColumnType.BOOLEAN) + ") AND d.k IS NOT NULL)");
    }

    /**
     * The pending rows (seq, op, k, dk, old_dk, h, fh, fp, redefined, ch0.., v0..) of the changes in {@code keys}
     * (alias {@code p}), numbered in no particular order. With {@code join}, the values come from {@code d} (alias
     * {@code q}) and rows whose values are not what pass 1 saw are dropped: a member whose learner vanished meanwhile
     * (never sent with empty values; its state stays, so the next diff finds it again), a change whose values went
     * back to what the state holds (nothing to send). {@code d} holds no leavers, nor members with an unusable
     * identity (op N or D: they keep the destination key pass 1 saw, and no values).
     */
    private SqlBuilder pending(SqlBuilder b, SyncPlan plan, String keys, boolean join) {
        int n = plan.fields().size();
        String q = join ? "q" : "p";
        String dk = join ? "CASE WHEN p.op IN ('N', 'D') THEN p.dk ELSE q.dk END AS dk" : "p.dk";
        b.sql("SELECT ROW_NUMBER() OVER () AS seq, p.op, p.k, " + dk + ", p.old_dk, " + q + ".h, " + q + ".fh, ");
        fingerprint(b, plan);
        b.sql(" AS fp, p.redefined");
        for (int i = 0; i < n; i++) {
            b.sql(",\n  (" + dialect.arrayElement(q + ".fh", i) + " IS DISTINCT FROM "
                    + dialect.arrayElement("p.old_fh", i) + ") AS ch" + i);
        }
        for (int i = 0; i < n; i++) {
            b.sql(", " + q + ".v" + i);
        }
        b.sql("\nFROM " + keys + " AS p");
        if (join) {
            b.sql(" LEFT JOIN d AS q ON q.k = p.k\nWHERE p.op IN ('L', 'N', 'D') OR (q.k IS NOT NULL AND (p.op <> 'C'"
                    + " OR q.h IS DISTINCT FROM p.old_h))");
        }
        return b;
    }

    private void fingerprint(SqlBuilder b, SyncPlan plan) {
        b.sql("CAST(")
                .param(ColumnType.INTEGER, plan.fingerprint())
                .sql(" AS " + dialect.typeName(ColumnType.INTEGER) + ")");
    }

    /**
     * Counts of a diff: previous, entered, changed, changed by values, left, resent, identity null, identity
     * duplicate, and of those two the members not held.
     */
    SqlBuilder counts(String state, String pending) {
        return sql().sql("SELECT (SELECT COUNT(*) FROM ")
                .sql(state)
                .sql(") AS previous, " + dialect.countIf("op = 'E'") + " AS entered, " + dialect.countIf("op = 'C'")
                        + " AS changed, " + dialect.countIf("op = 'C' AND NOT redefined") + " AS changed_by_values, "
                        + dialect.countIf("op = 'L'") + " AS leaving, " + dialect.countIf("op = 'U'")
                        + " AS resent, " + dialect.countIf("op = 'N'") + " AS identity_null, "
                        + dialect.countIf("op = 'D'") + " AS identity_duplicate, "
                        + dialect.countIf("op IN ('N', 'D') AND old_dk IS NULL") + " AS identity_not_held FROM ")
                .sql(pending);
    }

    static DiffCounts counts(Row row) {
        long[] c = new long[9];
        for (int i = 0; i < c.length; i++) {
            c[i] = ((Number) row.values().get(i)).longValue();
        }
        return new DiffCounts(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
    }

    /**
     * The pending rows in the shape {@link #decode} reads, in the order of seq: by {@code ORDER BY seq} unless
     * {@code scanOrdered} (a plain scan of the table returns the rows in the order they were written, which is
     * theirs; the caller checks it).
     */
    SqlBuilder stream(SyncPlan plan, String pending, boolean scanOrdered) {
        int n = plan.fields().size();
        SqlBuilder b = sql().sql(
                        "SELECT seq, op, k, dk, old_dk, (op IN ('E', 'U') OR redefined) AS all_fields, CAST(h AS "
                                + dialect.typeName(ColumnType.STRING) + ") AS h");
        for (int i = 0; i < n; i++) {
            b.sql(", ch" + i);
        }
        for (int i = 0; i < n; i++) {
            b.sql(", v" + i);
        }
        return b.sql(" FROM ").sql(pending).sql(scanOrdered ? "" : " ORDER BY seq");
    }

    static ChangeRow decode(Row row, int fields) {
        List<Object> v = row.values();
        boolean[] changed = new boolean[fields];
        List<Object> values = new ArrayList<>(fields);
        for (int i = 0; i < fields; i++) {
            changed[i] = Boolean.TRUE.equals(v.get(7 + i));
            values.add(v.get(7 + fields + i));
        }
        return new ChangeRow(
                ((Number) v.get(0)).longValue(),
                ChangeRow.Op.of(((String) v.get(1)).charAt(0)),
                (String) v.get(2),
                (String) v.get(3),
                (String) v.get(4),
                Boolean.TRUE.equals(v.get(5)),
                changed,
                Collections.unmodifiableList(values),
                (String) v.get(6));
    }

    /**
     * One MERGE of confirmed rows: the rows of {@code source} (seq, op, k, dk, h, fh, fp) in a covered range whose
     * learner is not excluded there; leavers are deleted, the others upserted. Repeating it changes nothing. With a
     * {@code guard} (a condition, e.g. on ownership) it changes nothing unless the guard holds.
     */
    SqlBuilder foldConfirmed(String state, String source, ConfirmedRanges.Part part, Consumer<SqlBuilder> guard) {
        SqlBuilder b = sql().sql("MERGE INTO ").sql(state).sql(" AS s\nUSING (");
        guardStart(b, guard);
        b.sql("SELECT p.op, p.k, p.dk, p.h, p.fh, p.fp");
        selected(b, source, part);
        guardEnd(b, guard);
        return b.sql(") AS c\nON s.k = c.k\n"
                + "WHEN MATCHED AND c.op = 'L' THEN DELETE\n"
                + "WHEN MATCHED THEN UPDATE SET dk = c.dk, h = c.h, fh = c.fh, fp = c.fp\n"
                + "WHEN NOT MATCHED AND c.op <> 'L' THEN INSERT (k, dk, h, fh, fp) VALUES (c.k, c.dk, c.h, c.fh,"
                + " c.fp)");
    }

    /**
     * One MERGE of uncertain rows: their state gets the {@link SqlDialect#sentinelHash() sentinel hash}, no field
     * hashes and no fingerprint (the destination key held stays, a record not held is added with the key it was
     * sent to), so the next diff finds them again whether they are still members or not. Run before
     * {@link #foldConfirmed}, which overwrites what was confirmed after all.
     */
    SqlBuilder foldUncertain(String state, String source, ConfirmedRanges.Part part, Consumer<SqlBuilder> guard) {
        String sentinel = dialect.sentinelHash();
        String empty = dialect.emptyArray(dialect.hashType());
        SqlBuilder b = sql().sql("MERGE INTO ").sql(state).sql(" AS s\nUSING (");
        guardStart(b, guard);
        b.sql("SELECT p.k, COALESCE(p.dk, p.old_dk) AS dk");
        selected(b, source, part);
        guardEnd(b, guard);
        return b.sql(") AS c\nON s.k = c.k\n"
                + "WHEN MATCHED THEN UPDATE SET h = " + sentinel + ", fh = " + empty + ", fp = NULL\n"
                + "WHEN NOT MATCHED AND c.dk IS NOT NULL THEN INSERT (k, dk, h, fh, fp) VALUES (c.k, c.dk, " + sentinel
                + ", " + empty + ", NULL)");
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS} of a state log: the state's columns, then {@code v} (the fold statement that
     * wrote the row, increasing), {@code run} (the run whose journal it folds) and {@code del} (a confirmed leave).
     */
    SqlBuilder createLog(String table) {
        String integer = dialect.typeName(ColumnType.INTEGER);
        List<Map.Entry<String, String>> columns = new ArrayList<>(stateColumns());
        columns.add(Map.entry("v", integer));
        columns.add(Map.entry("run", integer));
        columns.add(Map.entry("del", dialect.typeName(ColumnType.BOOLEAN)));
        return sql().sql(dialect.createTableIfNotExists(table, columns));
    }

    /**
     * The state a base table and its log describe together, as a relation with the state's columns: the base's rows
     * whose key the log does not name, and per key named the log's latest row unless it is a leave.
     */
    String stateWithLog(String state, String log) {
        return "(SELECT k, dk, h, fh, fp FROM " + state + " WHERE k NOT IN (SELECT k FROM " + log + ")\n"
                + "  UNION ALL SELECT k, dk, h, fh, fp FROM " + latest(log) + " WHERE rn = 1 AND NOT del)";
    }

    /**
     * The learner keys of {@link #stateWithLog} alone, for counting: a warehouse that bills by the columns a statement
     * reads then bills the keys, not the hashes.
     */
    String stateKeysWithLog(String state, String log) {
        return "(SELECT k FROM " + state + " WHERE k NOT IN (SELECT k FROM " + log + ")\n"
                + "  UNION ALL SELECT k FROM (SELECT k, del, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn"
                + " FROM " + log + ") AS l WHERE rn = 1 AND NOT del)";
    }

    /** The log's rows numbered per key from the latest ({@code rn = 1}): k, dk, h, fh, fp, del, rn. */
    private static String latest(String log) {
        return "(SELECT k, dk, h, fh, fp, del, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM " + log
                + ") AS l";
    }

    /**
     * The confirmed rows of a part, appended to the log as one new version written by {@code run}: an upsert per
     * member, a deletion per leaver. Reads only {@code source} (and the log's versions), never the state.
     */
    SqlBuilder logConfirmed(String log, String source, ConfirmedRanges.Part part, long run) {
        SqlBuilder b = sql().sql("INSERT INTO ")
                .sql(log)
                .sql(" (k, dk, h, fh, fp, v, run, del)\nSELECT c.k, c.dk, c.h, c.fh, c.fp, " + nextVersion(log) + ", ")
                .param(ColumnType.INTEGER, run)
                .sql(", c.op = 'L' FROM (SELECT p.op, p.k, p.dk, p.h, p.fh, p.fp");
        selected(b, source, part);
        return b.sql(") AS c");
    }

    /**
     * The uncertain rows of a part, appended to the log like {@link #foldUncertain} changes the state: the sentinel
     * hash, no field hashes, no fingerprint, the destination key held ({@code old_dk}, what the diff read from the
     * state) or else the one it was sent to; nothing for a learner with neither.
     */
    SqlBuilder logUncertain(String log, String source, ConfirmedRanges.Part part, long run) {
        SqlBuilder b = sql().sql("INSERT INTO ")
                .sql(log)
                .sql(" (k, dk, h, fh, fp, v, run, del)\nSELECT c.k, c.dk, " + dialect.sentinelHash() + ", "
                        + dialect.emptyArray(dialect.hashType()) + ", NULL, " + nextVersion(log) + ", ")
                .param(ColumnType.INTEGER, run)
                .sql(", FALSE FROM (SELECT p.k, COALESCE(p.old_dk, p.dk) AS dk");
        selected(b, source, part);
        return b.sql(") AS c WHERE c.dk IS NOT NULL");
    }

    /**
     * The learners whose destination key is one of {@code values} without regard to case: those the warehouse has
     * with that identity now, and those the state holds under it (k, dk as found; a learner may come twice).
     */
    SqlBuilder learnersOf(SyncPlan plan, String state, SegmentCompiler compiler, java.util.Collection<String> values) {
        SqlBuilder b = sql().sql("SELECT k, dk FROM (");
        compiler.appendLearnersWith(b, plan.identity(), values);
        b.sql(") AS w UNION ALL SELECT k, dk FROM " + state + " AS s WHERE LOWER(dk) IN (");
        template(
                b,
                dialect.zipArrays(List.of("v")),
                x -> x.param(array(ColumnType.STRING, SegmentCompiler.lowerCase(values))));
        return b.sql(")");
    }

    /**
     * Forgets the state of the scope's learners: {@code DELETE} from the state table, only where the {@code guard}
     * holds (a condition, e.g. on ownership, or null for none).
     */
    SqlBuilder forget(String state, LearnerScope scope, Consumer<SqlBuilder> guard) {
        SqlBuilder b = sql().sql("DELETE FROM " + state + " WHERE ");
        inScope(b, "k", scope);
        if (guard != null) {
            b.sql(" AND ");
            guard.accept(b);
        }
        return b;
    }

    /** Forgets the state of the scope's learners in a state log: a deletion row per learner, as one new version. */
    SqlBuilder logForget(String log, LearnerScope scope, long run) {
        String text = dialect.typeName(ColumnType.STRING);
        SqlBuilder b = sql().sql("INSERT INTO ")
                .sql(log)
                .sql(" (k, dk, h, fh, fp, v, run, del)\nSELECT z.k, CAST(NULL AS " + text + "), CAST(NULL AS "
                        + dialect.hashType() + "), " + dialect.emptyArray(dialect.hashType()) + ", NULL, "
                        + nextVersion(log) + ", ")
                .param(ColumnType.INTEGER, run)
                .sql(", TRUE FROM (");
        template(
                b,
                dialect.zipArrays(List.of("k")),
                x -> x.param(array(
                        ColumnType.STRING,
                        List.copyOf(new java.util.TreeSet<>(scope.keys().orElseThrow())))));
        return b.sql(") AS z");
    }

    private static String nextVersion(String log) {
        return "(SELECT COALESCE(MAX(v), 0) + 1 FROM " + log + ")";
    }

    /** Rows of a log, of its base table, and the log's latest version, to decide whether to compact. */
    SqlBuilder logSize(String state, String log) {
        return sql().sql("SELECT (SELECT COUNT(*) FROM " + log + ") AS log_rows, (SELECT COUNT(*) FROM " + state
                + ") AS state_rows, (SELECT COALESCE(MAX(v), 0) FROM " + log + ") AS top");
    }

    /** Applies each key's latest log row to the base table (the log stays: see {@link #clearLog}). */
    SqlBuilder compact(String state, String log) {
        return sql().sql("MERGE INTO " + state + " AS s\nUSING (SELECT k, dk, h, fh, fp, del FROM " + latest(log)
                + " WHERE rn = 1) AS c\nON s.k = c.k\n"
                + "WHEN MATCHED AND c.del THEN DELETE\n"
                + "WHEN MATCHED THEN UPDATE SET dk = c.dk, h = c.h, fh = c.fh, fp = c.fp\n"
                + "WHEN NOT MATCHED AND NOT c.del THEN INSERT (k, dk, h, fh, fp) VALUES (c.k, c.dk, c.h, c.fh, c.fp)");
    }

    /** Forgets the log rows up to version {@code upTo}, once {@link #compact} applied them. */
    SqlBuilder clearLog(String log, long upTo) {
        return sql().sql("DELETE FROM " + log + " WHERE v <= ").param(ColumnType.INTEGER, upTo);
    }

    /** With a guard (a condition, or null for none), a fold's rows are selected only where the guard holds. */
    private static void guardStart(SqlBuilder b, Consumer<SqlBuilder> guard) {
        if (guard != null) {
            b.sql("SELECT * FROM (");
        }
    }

    private static void guardEnd(SqlBuilder b, Consumer<SqlBuilder> guard) {
        if (guard != null) {
            b.sql(") AS g WHERE ");
            guard.accept(b);
        }
    }

    /**
     * {@code FROM source AS p} joined to the part's ranges, without its exclusions nor the members with an unusable
     * identity (op N or D: never sent, so neither held nor uncertain).
     */
    private void selected(SqlBuilder b, String source, ConfirmedRanges.Part part) {
        List<Long> lo = new ArrayList<>();
        List<Long> hi = new ArrayList<>();
        for (ConfirmedRanges.Interval i : part.covered()) {
            lo.add(i.lo());
            hi.add(i.hi());
        }
        b.sql(" FROM ").sql(source).sql(" AS p\n  JOIN (");
        template(
                b,
                dialect.zipArrays(List.of("lo", "hi")),
                x -> x.param(array(ColumnType.INTEGER, lo)),
                x -> x.param(array(ColumnType.INTEGER, hi)));
        b.sql(") AS r ON p.seq BETWEEN r.lo AND r.hi");
        if (part.excluded().isEmpty()) {
            b.sql("\n  WHERE p.op NOT IN ('N', 'D')");
            return;
        }
        List<String> xk = new ArrayList<>();
        List<Long> xlo = new ArrayList<>();
        List<Long> xhi = new ArrayList<>();
        for (ConfirmedRanges.Exclusion x : part.excluded()) {
            xk.add(x.key());
            xlo.add(x.lo());
            xhi.add(x.hi());
        }
        b.sql("\n  LEFT JOIN (");
        template(
                b,
                dialect.zipArrays(List.of("xk", "xlo", "xhi")),
                x -> x.param(array(ColumnType.STRING, xk)),
                x -> x.param(array(ColumnType.INTEGER, xlo)),
                x -> x.param(array(ColumnType.INTEGER, xhi)));
        b.sql(
                ") AS x ON x.xk = p.k AND p.seq BETWEEN x.xlo AND x.xhi\n  WHERE x.xk IS NULL AND p.op NOT IN ('N', 'D')");
    }

    private static QueryParam array(ColumnType element, List<?> values) {
        return new QueryParam("x", ColumnType.ARRAY, element, values);
    }

    /** Appends a dialect template, emitting operand {@code i} wherever {@code {i}} appears. */
    @SafeVarargs
    static void template(SqlBuilder b, String template, Consumer<SqlBuilder>... operands) {
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                b.sql(template.substring(at));
                return;
            }
            int close = template.indexOf('}', open);
            b.sql(template.substring(at, open));
            operands[Integer.parseInt(template.substring(open + 1, close))].accept(b);
            at = close + 1;
        }
    }
}
