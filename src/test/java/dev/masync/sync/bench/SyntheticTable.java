package dev.masync.sync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The heap scenario's synthetic learners table: its generation, the segment a size uses, and the "advance" that
 * changes it in place like a day of activity, with the changes a sync must send computed independently in SQL.
 */
final class SyntheticTable {

    /** The columns the benchmark's sync maps (see {@code SyncBenchmark.SYNTHETIC_MAPPING}). */
    static final String MAPPED_HASH = "hash(email, grade, plan, score, streak_days, last_active_at)";

    /** The advance changes the mapped values of this share of all learners (parts per million). */
    static final int VALUE_CHANGE_PPM = 50_000;

    /** The advance moves this share of the members out, and about as many non-members in (parts per million). */
    static final int CHURN_PPM = 10_000;

    /** A full push stays near 3 M records: 30 % up to 10 M learners, a smaller share above. */
    static final long MAX_PUSHED = 3_000_000;

    private SyntheticTable() {}

    /**
     * The segment {@code lo <= activity_pct < hi} ({@code activity_pct} is uniform over 0…99): {@code percent} of the
     * learners. Written as {@code activity_pct < hi} when {@code lo} is 0, else as {@code activity_pct >= lo}.
     */
    record Segment(int lo, int hi) {
        Segment {
            if (lo < 0 || hi > 100 || lo >= hi || (lo > 0 && hi != 100)) {
                throw new IllegalArgumentException("segment [" + lo + ", " + hi + ") is not one bound on 0…99");
            }
        }

        /** 30 % up to 10 M learners; above, the share that pushes about {@link #MAX_PUSHED} (6 % at 50 M). */
        static Segment forSize(long learners) {
            if (learners <= 10_000_000L) {
                return new Segment(0, 30);
            }
            int percent = (int) Math.max(1, Math.min(30, Math.round(100.0 * MAX_PUSHED / learners)));
            return new Segment(100 - percent, 100);
        }

        int percent() {
            return hi - lo;
        }

        String ruleJson() {
            return lo == 0
                    ? "{\"attribute\": \"activity_pct\", \"op\": \"lt\", \"value\": " + hi + "}"
                    : "{\"attribute\": \"activity_pct\", \"op\": \"gte\", \"value\": " + lo + "}";
        }

        String describe() {
            return lo == 0 ? "activity_pct < " + hi : "activity_pct >= " + lo;
        }

        /** A value of {@code activity_pct} outside the segment. */
        int outside() {
            return lo > 0 ? 0 : hi;
        }
    }

    /**
     * What an advance did, counted by comparing the segment's members and their mapped values before and after it:
     * {@code entered} + {@code left} + {@code changed} (members before and after whose mapped values differ) is what
     * a mirror sync must send.
     */
    record Advance(
            long learners,
            long membersBefore,
            long membersAfter,
            long entered,
            long left,
            long changed,
            long rowsUpdated,
            long millis) {
        long records() {
            return entered + left + changed;
        }
    }

    /**
     * Parts per million of the non-members to move in so that about {@code CHURN_PPM} of the members enter:
     * {@code CHURN_PPM × members / non-members}.
     */
    static int enterPpm(long members, long learners) {
        long outside = learners - members;
        if (outside <= 0) {
            return 0;
        }
        return (int) Math.min(1_000_000 - VALUE_CHANGE_PPM, Math.round((double) CHURN_PPM * members / outside));
    }

    /**
     * A learners table of {@code n} rows: the key and nine typed columns drawn from {@code hash(i, k)}, so every
     * column is independent and {@code activity_pct} is uniform over 0…99; and a tiny event table (the catalog
     * wants one).
     */
    static void generate(Path file, int n) throws Exception {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + partial)) {
            generate(c, n);
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            }
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf(
                Locale.ROOT,
                "generated %,d synthetic learners in %.1f s (%.0f MB)%n",
                n,
                (System.nanoTime() - t0) / 1e9,
                Files.size(file) / 1e6);
    }

    static void generate(Connection c, int n) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET preserve_insertion_order = true");
            s.execute("""
                    CREATE TABLE learners AS
                    SELECT printf('S%%09d', i) AS learner_id,
                      printf('user%%d@example.test', i) AS email,
                      (['es4','es5','es6','jh1','jh2','jh3','hs1','hs2','hs3','ronin'])[1 + (hash(i, 1) %% 10)::INTEGER]
                        AS grade,
                      (['free','basic','exam_coach','personal_coach'])[1 + (hash(i, 2) %% 4)::INTEGER] AS plan,
                      round((hash(i, 3) %% 100000)::DOUBLE / 1000, 3) AS score,
                      (hash(i, 4) %% 100)::INTEGER AS activity_pct,
                      (hash(i, 5) %% 60)::INTEGER AS streak_days,
                      TIMESTAMP '2026-11-01 00:00:00' - to_seconds((hash(i, 6) %% 7776000)::BIGINT) AS last_active_at,
                      (hash(i, 7) %% 2 = 0) AS email_opt_in,
                      DATE '2024-01-01' + (hash(i, 8) %% 1000)::INTEGER AS signup_date
                    FROM range(%d) t(i)""".formatted(n));
            s.execute("CREATE TABLE events AS SELECT printf('S%09d', i) AS learner_id,"
                    + " TIMESTAMP '2026-11-01 00:00:00' - to_seconds(i * 3600) AS at FROM range(100) t(i)");
        }
    }

    /**
     * {@link #advance(Connection, Segment)} on a file (no process may hold it open), then a checkpoint; DuckDB
     * capped at 2 GB (the machine is shared), spilling beside the file.
     */
    static Advance advance(Path file, Segment segment) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file)) {
            try (PreparedStatement p = c.prepareStatement("SET temp_directory = ?")) {
                p.setString(1, file.resolveSibling("advance-tmp").toString());
                p.execute();
            }
            try (Statement s = c.createStatement()) {
                s.execute("SET memory_limit = '2GB'");
            }
            Advance a = advance(c, segment);
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            }
            return a;
        }
    }

    /**
     * One UPDATE, deterministic by {@code u = hash(learner_id, 'advance') % 1e6}: learners with
     * {@code u < VALUE_CHANGE_PPM} get {@code streak_days + 1 (mod 60)} and {@code last_active_at} one day later;
     * of the next {@code u} band, members leave (about {@code CHURN_PPM} of them) and non-members enter (as many as
     * leave, on average). The expected changes are counted from snapshots of the members' keys and mapped-value
     * hashes taken before and after, not from the UPDATE's formula.
     */
    static Advance advance(Connection c, Segment segment) throws SQLException {
        long t0 = System.nanoTime();
        long learners = count(c, "SELECT count(*) FROM learners");
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_before");
            s.execute("DROP TABLE IF EXISTS bench_after");
        }
        snapshot(c, "bench_before", segment);
        long before = count(c, "SELECT count(*) FROM bench_before");
        int enter = enterPpm(before, learners);
        long updated;
        String u = "(hash(learner_id, 'advance') % 1000000)";
        try (PreparedStatement p = c.prepareStatement("UPDATE learners SET"
                + " streak_days = CASE WHEN " + u + " < ? THEN (streak_days + 1) % 60 ELSE streak_days END,"
                + " last_active_at = CASE WHEN " + u + " < ? THEN last_active_at + INTERVAL 1 DAY"
                + " ELSE last_active_at END,"
                + " activity_pct = CASE WHEN " + u + " < ? THEN activity_pct"
                + " WHEN activity_pct >= ? AND activity_pct < ?"
                + " THEN (CASE WHEN " + u + " < ? THEN CAST(? AS INTEGER) ELSE activity_pct END)"
                + " ELSE (CASE WHEN " + u + " < ? THEN CAST(? AS INTEGER) ELSE activity_pct END) END"
                + " WHERE " + u + " < ?")) {
            int i = 1;
            p.setLong(i++, VALUE_CHANGE_PPM);
            p.setLong(i++, VALUE_CHANGE_PPM);
            p.setLong(i++, VALUE_CHANGE_PPM);
            p.setInt(i++, segment.lo());
            p.setInt(i++, segment.hi());
            p.setLong(i++, VALUE_CHANGE_PPM + CHURN_PPM);
            p.setInt(i++, segment.outside());
            p.setLong(i++, VALUE_CHANGE_PPM + enter);
            p.setInt(i++, segment.lo());
            p.setLong(i, VALUE_CHANGE_PPM + Math.max(CHURN_PPM, enter));
            updated = p.executeUpdate();
        }
        snapshot(c, "bench_after", segment);
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FILTER (WHERE b.k IS NULL),"
                        + " count(*) FILTER (WHERE a.k IS NULL),"
                        + " count(*) FILTER (WHERE a.k IS NOT NULL AND b.k IS NOT NULL AND a.h <> b.h),"
                        + " count(a.k)"
                        + " FROM bench_before b FULL OUTER JOIN bench_after a ON a.k = b.k")) {
            r.next();
            Advance a = new Advance(
                    learners,
                    before,
                    r.getLong(4),
                    r.getLong(1),
                    r.getLong(2),
                    r.getLong(3),
                    updated,
                    (System.nanoTime() - t0) / 1_000_000);
            s.execute("DROP TABLE bench_before");
            s.execute("DROP TABLE bench_after");
            return a;
        }
    }

    /** The members' keys and the hash of their mapped values, in a temporary table. */
    private static void snapshot(Connection c, String table, Segment segment) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("CREATE TEMP TABLE " + table + " AS SELECT learner_id AS k, "
                + MAPPED_HASH + " AS h FROM learners WHERE activity_pct >= ? AND activity_pct < ?")) {
            p.setInt(1, segment.lo());
            p.setInt(2, segment.hi());
            p.execute();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
