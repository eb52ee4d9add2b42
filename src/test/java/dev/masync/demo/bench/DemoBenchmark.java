package dev.masync.demo.bench;

import dev.masync.demo.DemoSpec;
import dev.masync.demo.DemoSummary;
import dev.masync.demo.DemoWarehouse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;

/**
 * Times generation and a one-day advance: {@code <learners> <path-to-new-duckdb-file> [seed] [anchor]}. The file is
 * deleted first. Prints one line for the generation and one for the advance, with how many existing learner_status
 * rows changed (any column but updated_at).
 */
public final class DemoBenchmark {

    private DemoBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DemoBenchmark <learners> <path-to-new-duckdb-file> [seed] [anchor yyyy-mm-dd]");
            System.exit(2);
        }
        int learners = Integer.parseInt(args[0]);
        Path file = Path.of(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42L;
        ZoneId zone = ZoneId.of("Asia/Tokyo");
        LocalDate anchor = args.length > 3 ? LocalDate.parse(args[3]) : LocalDate.now(zone);
        Files.deleteIfExists(file);
        Files.deleteIfExists(Path.of(file + ".wal"));

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
                Statement s = c.createStatement()) {
            DemoSummary g = DemoWarehouse.generate(c, new DemoSpec(seed, learners, anchor, zone));
            s.execute("CHECKPOINT");
            System.out.printf(
                    Locale.ROOT,
                    "generate learners=%d events=%d (views=%d quizzes=%d) seconds=%.2f file_mb=%.1f anchor=%s%n",
                    g.learners(),
                    g.lectureViews() + g.quizAttempts(),
                    g.lectureViews(),
                    g.quizAttempts(),
                    g.elapsed().toNanos() / 1e9,
                    Files.size(file) / 1e6,
                    g.anchor());

            s.execute(
                    "CREATE TEMP TABLE bench_before AS SELECT learner_id, " + rowHash(s) + " AS h FROM learner_status");
            DemoSummary a = DemoWarehouse.advance(c, 1);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE b.h <> " + rowHash(s) + "),"
                    + " count(*) FILTER (WHERE b.learner_id IS NULL), count(*)"
                    + " FROM learner_status l LEFT JOIN bench_before b USING (learner_id)")) {
                rs.next();
                long changed = rs.getLong(1);
                long added = rs.getLong(2);
                long existing = rs.getLong(3) - added;
                System.out.printf(
                        Locale.ROOT,
                        "advance(1) seconds=%.2f changed_rows=%d of %d (%.1f%%) new_learners=%d events=%d anchor=%s%n",
                        a.elapsed().toNanos() / 1e9,
                        changed,
                        existing,
                        100.0 * changed / existing,
                        added,
                        a.lectureViews() + a.quizAttempts(),
                        a.anchor());
            }
        }
    }

    /** hash() over every learner_status column except updated_at, qualified for the table alias-free query. */
    private static String rowHash(Statement s) throws Exception {
        StringBuilder b = new StringBuilder("hash(");
        try (ResultSet rs = s.executeQuery("SELECT column_name FROM duckdb_columns()"
                + " WHERE table_name = 'learner_status' AND column_name <> 'updated_at' ORDER BY column_index")) {
            boolean first = true;
            while (rs.next()) {
                b.append(first ? "" : ", ").append('"').append(rs.getString(1)).append('"');
                first = false;
            }
        }
        return b.append(')').toString();
    }
}
