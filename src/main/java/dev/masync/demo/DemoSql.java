package dev.masync.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * SQL building blocks of the generator. Literals are only ever produced here from typed Java values (numbers, dates)
 * or from the generator's own constant vocabularies; nothing from outside is spliced into SQL.
 */
final class DemoSql {

    private DemoSql() {}

    /**
     * A uniform draw in [0, 1) from the seed, key expressions and a salt. DuckDB's multi-argument {@code hash()}
     * combines its arguments too weakly for this (draws of one row under different salts correlate), so each part is
     * folded in with a full single-value hash: {@code h = hash(xor(h, part))}, keys first and the salt last, so a row's
     * {@link #key} can be computed once and shared by all its draws ({@link #draw}). The top 53 bits are scaled
     * exactly, so the value is the same on every run, thread count and row order.
     */
    static String u(long seed, int salt, String... keys) {
        return draw(key(seed, keys), salt);
    }

    /** The key hash of non-negative integer key expressions (a UBIGINT expression). */
    static String key(long seed, String... keys) {
        String h = "hash(" + seed + "::BIGINT)";
        for (String k : keys) {
            h = extend(h, k);
        }
        return h;
    }

    /** A key hash extended by one more non-negative integer key. */
    static String extend(String keyHash, String key) {
        return "hash(xor(" + keyHash + ", CAST(" + key + " AS UBIGINT)))";
    }

    /** The uniform draw for a salt from a key hash. */
    static String draw(String keyHash, int salt) {
        return "((hash(xor(" + keyHash + ", " + salt + "::UBIGINT)) >> 11)::DOUBLE / 9007199254740992.0::DOUBLE)";
    }

    /** Same as {@link #u} for keys of any type (e.g. VARCHAR), each hashed first. */
    static String uAny(long seed, int salt, String... keys) {
        String h = "hash(" + seed + "::BIGINT)";
        for (String k : keys) {
            h = "hash(xor(" + h + ", hash(" + k + ")))";
        }
        return draw(h, salt);
    }

    /** A weighted choice: {@code CASE WHEN u < c1 THEN v1 ... ELSE vn END} over cumulative shares of the weights. */
    static String pick(String u, List<?> values, double[] weights) {
        if (values.size() != weights.length || values.isEmpty()) {
            throw new IllegalArgumentException("values and weights differ in length");
        }
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        StringBuilder b = new StringBuilder("(CASE");
        double cum = 0;
        for (int i = 0; i < values.size() - 1; i++) {
            cum += weights[i];
            b.append(" WHEN ")
                    .append(u)
                    .append(" < ")
                    .append(num(cum / total))
                    .append(" THEN ")
                    .append(lit(values.get(i)));
        }
        return b.append(" ELSE ")
                .append(lit(values.get(values.size() - 1)))
                .append(" END)")
                .toString();
    }

    /** A uniform choice from a constant list. */
    static String choose(String u, List<String> values) {
        StringBuilder b = new StringBuilder("([");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(lit(values.get(i)));
        }
        return b.append("][1 + floor(")
                .append(u)
                .append(" * ")
                .append(values.size())
                .append(")::INTEGER])")
                .toString();
    }

    static String lit(Object v) {
        if (v instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (v instanceof Double d) {
            return num(d);
        }
        return String.valueOf(v);
    }

    /** A double as a DOUBLE literal with a fixed, locale-independent rendering. */
    static String num(double d) {
        return String.format(Locale.ROOT, "%.10f::DOUBLE", d);
    }

    static String date(LocalDate d) {
        return "DATE '" + d + "'";
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
