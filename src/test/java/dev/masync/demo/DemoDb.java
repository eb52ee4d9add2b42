package dev.masync.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: in-memory DuckDB databases and small query shortcuts. */
final class DemoDb {

    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final LocalDate ANCHOR = LocalDate.of(2025, 11, 20);
    static final List<String> TABLES = List.of(
            "learner_status",
            "lecture_views",
            "quiz_attempts",
            "demo_profile",
            "demo_progress",
            "demo_lectures",
            "demo_meta");

    private DemoDb() {}

    static Connection memory() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    static Connection generated(long seed, int learners) throws SQLException {
        Connection c = memory();
        DemoWarehouse.generate(c, new DemoSpec(seed, learners, ANCHOR, TOKYO));
        return c;
    }

    static double doubleValue(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    static String stringValue(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    /** Row count and an order-sensitive checksum of every column of a table (row position included). */
    static String checksum(Connection c, String table) throws SQLException {
        return stringValue(
                c, "SELECT count(*) || ':' || coalesce(sum(hash(t.rowid, t))::VARCHAR, '-') FROM " + table + " t");
    }

    static List<String> checksums(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String t : TABLES) {
            out.add(t + "=" + checksum(c, t));
        }
        return out;
    }
}
