package dev.masync.webhook;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.masync.webhook.InboxRows.instant;
import static dev.masync.webhook.InboxRows.ts;

/** What operators see of the inbox and may do to it: listing, one event in full, retrying a quarantined event. */
@ApplicationScoped
public class InboxEvents {
    /** The statuses an event moves through, as stored and as the API names them. */
    public static final List<String> STATUSES =
            List.of(InboxRows.PENDING, InboxRows.PROCESSING, InboxRows.PROCESSED, InboxRows.QUARANTINED);

    private static final String SUMMARY_COLUMNS = "id, source, account, kind, object_type, object_id, property,"
            + " status, attempts, occurred_at, received_at, next_attempt_at, processed_at, quarantined_at, outcome,"
            + " last_error";

    private final DataSource dataSource;

    InboxEvents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** An event in a listing (without its payload). {@code nextAttemptAt} only while it is pending. */
    public record EventSummary(
            long id,
            String source,
            String account,
            String kind,
            String objectType,
            String objectId,
            String property,
            String status,
            int attempts,
            Instant occurredAt,
            Instant receivedAt,
            Instant nextAttemptAt,
            Instant processedAt,
            Instant quarantinedAt,
            String outcome,
            String lastError) {}

    /** One event in full: its listing entry, what the sender said, and who holds it. */
    public record EventDetail(
            long id,
            String source,
            String account,
            String dedupKey,
            String kind,
            String objectType,
            String objectId,
            Map<String, String> identities,
            String property,
            String value,
            String status,
            int attempts,
            Instant occurredAt,
            Instant receivedAt,
            Instant nextAttemptAt,
            String leaseOwner,
            Instant leaseUntil,
            Instant processedAt,
            Instant quarantinedAt,
            String outcome,
            String lastError,
            String payload) {}

    /** Events not yet processed nor quarantined, and when the oldest of them was received (null: none). */
    public record Backlog(long depth, Instant oldestReceivedAt) {
        /** Seconds since the oldest was received, 0 without one. */
        public double oldestAgeSeconds(Instant now) {
            if (oldestReceivedAt == null) return 0;
            return Math.max(0, Duration.between(oldestReceivedAt, now).toMillis() / 1000.0);
        }
    }

    /** What {@link #retry} did. */
    public enum Retry {
        RETRIED,
        NOT_FOUND,
        NOT_QUARANTINED
    }

    /**
     * Up to {@code limit + 1} events newest first (the extra one tells that another page follows).
     *
     * @param status null or one of {@link #STATUSES}
     * @param source null or a source
     * @param before null or an id: only older events
     */
    public List<EventSummary> list(String status, String source, Long before, int limit) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (status != null) {
            where.add("status = ?");
            params.add(status);
        }
        if (source != null) {
            where.add("source = ?");
            params.add(source);
        }
        if (before != null) {
            where.add("id < ?");
            params.add(before);
        }
        String sql = "SELECT " + SUMMARY_COLUMNS + " FROM webhook_events"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY id DESC";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) s.setObject(i + 1, params.get(i));
            s.setMaxRows(limit + 1);
            List<EventSummary> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) out.add(summary(r));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list webhook events", e);
        }
    }

    public Optional<EventDetail> find(long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT " + SUMMARY_COLUMNS + ", dedup_key, identities_json,"
                        + " property_value, lease_owner, lease_until, payload FROM webhook_events"
                        + " WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                EventSummary e = summary(r);
                return Optional.of(new EventDetail(
                        e.id(),
                        e.source(),
                        e.account(),
                        r.getString("dedup_key"),
                        e.kind(),
                        e.objectType(),
                        e.objectId(),
                        InboxRows.identities(r.getString("identities_json")),
                        e.property(),
                        r.getString("property_value"),
                        e.status(),
                        e.attempts(),
                        e.occurredAt(),
                        e.receivedAt(),
                        e.nextAttemptAt(),
                        r.getString("lease_owner"),
                        instant(r, "lease_until"),
                        e.processedAt(),
                        e.quarantinedAt(),
                        e.outcome(),
                        e.lastError(),
                        r.getString("payload")));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read webhook event " + id, e);
        }
    }

    /**
     * Puts a quarantined event back to pending, due at {@code now}, with its attempts reset; {@code audit} runs in
     * the same transaction when it did.
     */
    public Retry retry(long id, Instant now, Runnable audit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement u = c.prepareStatement("UPDATE webhook_events SET status = 'pending',"
                            + " attempts = 0, next_attempt_at = ?, quarantined_at = NULL, lease_owner = NULL,"
                            + " lease_until = NULL WHERE id = ? AND status = 'quarantined'")) {
                u.setObject(1, ts(now));
                u.setLong(2, id);
                if (u.executeUpdate() == 1) {
                    audit.run();
                    return Retry.RETRIED;
                }
                try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM webhook_events WHERE id = ?")) {
                    s.setLong(1, id);
                    try (ResultSet r = s.executeQuery()) {
                        return r.next() ? Retry.NOT_QUARANTINED : Retry.NOT_FOUND;
                    }
                }
            }
        });
    }

    /** The backlog now (of one source's events, or all with null). */
    public Backlog backlog(String source) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*), MIN(received_at) FROM webhook_events"
                        + " WHERE status IN ('pending', 'processing')" + (source == null ? "" : " AND source = ?"))) {
            if (source != null) s.setString(1, source);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Backlog(r.getLong(1), instant(r, 2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot measure the webhook inbox", e);
        }
    }

    private static EventSummary summary(ResultSet r) throws SQLException {
        String status = r.getString("status");
        return new EventSummary(
                r.getLong("id"),
                r.getString("source"),
                r.getString("account"),
                r.getString("kind"),
                r.getString("object_type"),
                r.getString("object_id"),
                r.getString("property"),
                status,
                r.getInt("attempts"),
                instant(r, "occurred_at"),
                instant(r, "received_at"),
                InboxRows.PENDING.equals(status) ? instant(r, "next_attempt_at") : null,
                instant(r, "processed_at"),
                instant(r, "quarantined_at"),
                r.getString("outcome"),
                r.getString("last_error"));
    }
}
