package dev.masync.budget;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * The ledger in the control DB ({@code rate_budgets}, one row per account), shared by every replica. A lease reads
 * the row and writes the decided one back with a conditional {@code UPDATE … WHERE version = ?}; a replica that lost
 * the race reads again. Plain JDBC in short autocommit statements (the same on PostgreSQL and H2), outside any
 * request transaction.
 */
public final class JdbcBudgetLedger implements BudgetLedger {
    static final int MAX_ATTEMPTS = 50;
    /** {@code rate_budgets.account}. */
    static final int MAX_KEY = 500;

    private final DataSource dataSource;

    public JdbcBudgetLedger(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    private record Versioned(Row row, long version) {}

    /** An account id as the row's key: ids longer than the column keep their start and a hash of the whole. */
    static String key(String account) {
        if (account.length() <= MAX_KEY) return account;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(account.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return account.substring(0, MAX_KEY - 65) + "#"
                    + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Grant lease(String accountId, Request request) {
        String account = key(accountId);
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Versioned current = read(c, account);
                if (current == null) {
                    insert(c, account);
                    continue;
                }
                Step step = BudgetLedger.step(current.row(), request);
                if (step.row().equals(current.row())) {
                    return step.grant();
                }
                try (PreparedStatement u = c.prepareStatement("UPDATE rate_budgets SET next_slot_us = ?,"
                        + " paused_until_us = ?, day_start_us = ?, day_used = ?, version = version + 1"
                        + " WHERE account = ? AND version = ?")) {
                    u.setLong(1, step.row().nextSlot());
                    u.setLong(2, step.row().pausedUntil());
                    u.setLong(3, step.row().dayStart());
                    u.setLong(4, step.row().dayUsed());
                    u.setString(5, account);
                    u.setLong(6, current.version());
                    if (u.executeUpdate() == 1) {
                        return step.grant();
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lease calls of account " + account + " in the control DB", e);
        }
        throw new IllegalStateException(
                "cannot lease calls of account " + account + ": " + MAX_ATTEMPTS + " conflicting updates in a row");
    }

    @Override
    public void pause(String accountId, Instant until) {
        String account = key(accountId);
        long at = BudgetLedger.micros(until);
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                // the version moves too, so that a lease decided on the row before the pause is written again
                try (PreparedStatement u = c.prepareStatement("UPDATE rate_budgets SET paused_until_us = ?,"
                        + " version = version + 1 WHERE account = ? AND paused_until_us < ?")) {
                    u.setLong(1, at);
                    u.setString(2, account);
                    u.setLong(3, at);
                    if (u.executeUpdate() > 0) return;
                }
                if (read(c, account) != null) return; // paused at least as long already
                insert(c, account);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot pause account " + account + " in the control DB", e);
        }
    }

    private static Versioned read(Connection c, String account) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT next_slot_us, paused_until_us, day_start_us, day_used,"
                + " version FROM rate_budgets WHERE account = ?")) {
            s.setString(1, account);
            try (ResultSet r = s.executeQuery()) {
                return r.next()
                        ? new Versioned(new Row(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)), r.getLong(5))
                        : null;
            }
        }
    }

    private static void insert(Connection c, String account) throws SQLException {
        try (PreparedStatement i =
                c.prepareStatement("INSERT INTO rate_budgets (account, next_slot_us, paused_until_us,"
                        + " day_start_us, day_used, version) VALUES (?, 0, 0, 0, 0, 0)")) {
            i.setString(1, account);
            i.executeUpdate();
        } catch (SQLException raced) {
            // another replica created it meanwhile: read it on the next attempt
            if (read(c, account) == null) throw raced;
        }
    }
}
