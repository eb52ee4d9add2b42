package dev.masync.destination;

import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Destinations that asked to be left alone until an instant (a {@code Retry-After} longer than a run may wait), in
 * the control DB ({@code destination_holds}) so that a restart or another replica honours them. A hold only ever
 * moves later; it ends by itself when its instant passes. Plain JDBC in its own short transactions: it is read and
 * written from run threads, outside any request transaction.
 */
@ApplicationScoped
public class DestinationHolds {
    static final int MAX_REASON = 1000;

    private final DataSource dataSource;

    DestinationHolds(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The instant until which the destination asked not to be called, if it did (possibly already past). */
    public Optional<Instant> heldUntil(String destinationKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT held_until FROM destination_holds WHERE destination_key = ?")) {
            s.setString(1, destinationKey);
            try (ResultSet r = s.executeQuery()) {
                return r.next()
                        ? Optional.of(r.getObject(1, OffsetDateTime.class).toInstant())
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the hold of destination " + destinationKey, e);
        }
    }

    /** Holds the destination until {@code until}, unless it is already held longer. */
    public void hold(String destinationKey, Instant until, String reason) {
        OffsetDateTime at = until.atOffset(ZoneOffset.UTC);
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try (PreparedStatement u = c.prepareStatement("UPDATE destination_holds SET held_until = ?, reason = ?"
                        + " WHERE destination_key = ? AND held_until < ?")) {
                    u.setObject(1, at);
                    u.setString(2, why);
                    u.setString(3, destinationKey);
                    u.setObject(4, at);
                    if (u.executeUpdate() > 0) return;
                }
                try (PreparedStatement q =
                        c.prepareStatement("SELECT 1 FROM destination_holds WHERE destination_key = ?")) {
                    q.setString(1, destinationKey);
                    try (ResultSet r = q.executeQuery()) {
                        if (r.next()) return; // held at least as long already
                    }
                }
                try (PreparedStatement i = c.prepareStatement(
                        "INSERT INTO destination_holds (destination_key, held_until, reason) VALUES (?, ?, ?)")) {
                    i.setString(1, destinationKey);
                    i.setObject(2, at);
                    i.setString(3, why);
                    i.executeUpdate();
                    return;
                } catch (SQLException raced) {
                    // another run inserted it meanwhile (or the destination is gone): try the update once more
                    if (attempt == 1) throw raced;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the hold of destination " + destinationKey, e);
        }
    }
}
