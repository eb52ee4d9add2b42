package dev.masync.webhook;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.masync.webhook.InboxRows.PENDING;
import static dev.masync.webhook.InboxRows.QUARANTINED;
import static dev.masync.webhook.InboxRows.ts;

/**
 * The inbox in the control DB ({@code webhook_events}), shared by every replica. A delivery is stored in one
 * transaction of its own, with an insert that skips a (source, dedup key) already present, so that concurrent
 * deliveries of one event never fail; a claim is a conditional {@code UPDATE} on status and lease, which only one
 * replica can win. {@link InboxEvent#attempts()} counts this claim too (1 on the first).
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class JdbcWebhookInbox implements WebhookInbox {
    private static final Logger LOG = Logger.getLogger(JdbcWebhookInbox.class);
    static final int MAX_ERROR = 4000;
    private static final String DUE = "((status = 'pending' AND next_attempt_at <= ?)"
            + " OR (status = 'processing' AND lease_until < ? AND attempts < ?))";
    private static final String INSERT = "INSERT INTO webhook_events (" + InboxRows.EVENT_COLUMNS
            + ", received_at, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending',"
            + " 0, ?)";

    private final DataSource dataSource;
    private final InboxConfig config;
    private final InboxMetrics metrics;
    private final String owner;
    private volatile Boolean postgres;

    JdbcWebhookInbox(DataSource dataSource, InboxConfig config, InboxMetrics metrics) {
        this.dataSource = dataSource;
        this.config = config;
        this.metrics = metrics;
        this.owner = owner();
        check(config);
    }

    /** Settings that cannot work stop the start with the property to fix. */
    static void check(InboxConfig config) {
        try {
            config.backoff();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("masync.webhooks.inbox.max-attempts, .backoff-base, .backoff-max: "
                    + e.getMessage() + " (max-attempts at least 1, 0 < backoff-base <= backoff-max)");
        }
        for (var d : Map.of(
                        "lease", config.lease(),
                        "retention-processed", config.retentionProcessed(),
                        "retention-quarantined", config.retentionQuarantined(),
                        "retention-every", config.retentionEvery())
                .entrySet()) {
            if (d.getValue().isNegative() || d.getValue().isZero())
                throw new IllegalStateException(
                        "masync.webhooks.inbox." + d.getKey() + " must be positive; got " + d.getValue());
        }
    }

    private static String owner() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        String id = host + "/" + ProcessHandle.current().pid();
        return id.length() <= 200 ? id : id.substring(0, 200);
    }

    @Override
    public Accepted accept(List<InboundEvent> events, Instant receivedAt) {
        Objects.requireNonNull(receivedAt, "receivedAt");
        events.forEach(JdbcWebhookInbox::checkFits);
        if (events.isEmpty()) return new Accepted(0, 0);
        Map<String, int[]> bySource = new LinkedHashMap<>(); // source -> {stored, duplicates}
        QuarkusTransaction.requiringNew().run(() -> {
            bySource.clear(); // a retried transaction counts afresh
            try (Connection c = dataSource.getConnection()) {
                boolean pg = postgres(c);
                try (PreparedStatement s =
                        c.prepareStatement(pg ? INSERT + " ON CONFLICT (source, dedup_key) DO NOTHING" : INSERT)) {
                    for (InboundEvent e : events) {
                        boolean stored = insert(s, e, receivedAt, pg);
                        bySource.computeIfAbsent(e.source(), k -> new int[2])[stored ? 0 : 1]++;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot store webhook events in the control DB", e);
            }
        });
        int stored = 0;
        int duplicates = 0;
        for (Map.Entry<String, int[]> e : bySource.entrySet()) {
            metrics.accepted(e.getKey(), e.getValue()[0]);
            metrics.duplicates(e.getKey(), e.getValue()[1]);
            stored += e.getValue()[0];
            duplicates += e.getValue()[1];
        }
        return new Accepted(stored, duplicates);
    }

    /** Inserts the event unless its (source, dedup key) is stored; false for a duplicate. */
    private static boolean insert(PreparedStatement s, InboundEvent e, Instant receivedAt, boolean pg)
            throws SQLException {
        InboxRows.bind(s, 1, e);
        s.setObject(12, ts(receivedAt));
        s.setObject(13, ts(receivedAt));
        if (pg) return s.executeUpdate() == 1; // ON CONFLICT DO NOTHING waits for a concurrent insert's outcome
        try {
            return s.executeUpdate() == 1;
        } catch (SQLException failed) {
            // H2 has no ON CONFLICT; a failed statement leaves its transaction usable
            if ("23505".equals(failed.getSQLState())) return false;
            throw failed;
        }
    }

    /** Values longer than their columns are a receiver's bug: refused before anything is stored. */
    private static void checkFits(InboundEvent e) {
        fits("source", e.source(), 200);
        fits("account", e.account().orElse(""), 1000);
        fits("objectType", e.objectType(), 1000);
        fits("objectId", e.objectId().orElse(""), 1000);
        fits("property", e.property().orElse(""), 1000);
        fits("value", e.value().orElse(""), 1_000_000);
        fits("payload", e.payload(), 1_000_000);
        fits("identities", InboxRows.json(e.identities()), 1_000_000);
    }

    private static void fits(String field, String value, int max) {
        if (value.length() > max)
            throw new IllegalArgumentException("webhook event " + field + " has " + value.length()
                    + " characters; the inbox stores at most " + max);
    }

    private boolean postgres(Connection c) throws SQLException {
        Boolean pg = postgres;
        if (pg == null) {
            pg = c.getMetaData()
                    .getDatabaseProductName()
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("postgres");
            postgres = pg;
        }
        return pg;
    }

    @Override
    public List<InboxEvent> claim(int max, Instant now, Duration leaseFor) {
        return claim(max, now, leaseFor, null);
    }

    /** {@link #claim(int, Instant, Duration)} of one source's events only (null: any source). */
    List<InboxEvent> claim(int max, Instant now, Duration leaseFor, String source) {
        if (max < 1) return List.of();
        Instant until = now.plus(leaseFor);
        List<InboxEvent> claimed = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            quarantineAbandoned(c, now, source);
            List<Long> candidates = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM webhook_events WHERE " + DUE
                    + (source == null ? "" : " AND source = ?") + " ORDER BY id")) {
                s.setObject(1, ts(now));
                s.setObject(2, ts(now));
                s.setInt(3, config.maxAttempts());
                if (source != null) s.setString(4, source);
                s.setMaxRows((int) Math.min(2L * max, 10_000)); // some go to other replicas meanwhile
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) candidates.add(r.getLong(1));
                }
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE webhook_events SET status = 'processing',"
                            + " attempts = attempts + 1, lease_owner = ?, lease_until = ? WHERE id = ? AND " + DUE);
                    PreparedStatement read = c.prepareStatement("SELECT " + InboxRows.EVENT_COLUMNS
                            + ", received_at, attempts FROM webhook_events WHERE id = ?")) {
                for (long id : candidates) {
                    if (claimed.size() == max) break;
                    u.setString(1, owner);
                    u.setObject(2, ts(until));
                    u.setLong(3, id);
                    u.setObject(4, ts(now));
                    u.setObject(5, ts(now));
                    u.setInt(6, config.maxAttempts());
                    if (u.executeUpdate() != 1) continue; // another claim won it
                    read.setLong(1, id);
                    try (ResultSet r = read.executeQuery()) {
                        if (r.next())
                            claimed.add(new InboxEvent(
                                    id, InboxRows.event(r), InboxRows.instant(r, "received_at"), r.getInt("attempts")));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot claim webhook events in the control DB", e);
        }
        return claimed;
    }

    /** Events whose last allowed claim ended without a report (its process died each time) are quarantined. */
    private void quarantineAbandoned(Connection c, Instant now, String source) throws SQLException {
        Map<Long, String> abandoned = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, source FROM webhook_events WHERE status ="
                + " 'processing' AND lease_until < ? AND attempts >= ?" + (source == null ? "" : " AND source = ?"))) {
            s.setObject(1, ts(now));
            s.setInt(2, config.maxAttempts());
            if (source != null) s.setString(3, source);
            s.setMaxRows(1000);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) abandoned.put(r.getLong(1), r.getString(2));
            }
        }
        for (Map.Entry<Long, String> a : abandoned.entrySet()) {
            try (PreparedStatement u = c.prepareStatement("UPDATE webhook_events SET status = 'quarantined',"
                    + " lease_owner = NULL, lease_until = NULL, quarantined_at = ?, last_error = ? WHERE id = ? AND"
                    + " status = 'processing' AND lease_until < ? AND attempts >= ?")) {
                u.setObject(1, ts(now));
                u.setString(
                        2,
                        "claimed " + config.maxAttempts() + " times without a result: the process handling it"
                                + " stopped or took longer than its lease each time");
                u.setLong(3, a.getKey());
                u.setObject(4, ts(now));
                u.setInt(5, config.maxAttempts());
                if (u.executeUpdate() == 1) {
                    metrics.quarantined(a.getValue());
                    LOG.warnf("webhook event %d quarantined: its claims kept expiring", a.getKey());
                }
            }
        }
    }

    @Override
    public void processed(long id, String outcome, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            String source = sourceOf(c, id);
            if (source == null) return; // deleted meanwhile
            try (PreparedStatement u = c.prepareStatement("UPDATE webhook_events SET status = 'processed',"
                    + " outcome = ?, processed_at = ?, lease_owner = NULL, lease_until = NULL, quarantined_at = NULL"
                    + " WHERE id = ? AND status <> 'processed'")) {
                u.setString(1, InboxRows.bounded(outcome, MAX_ERROR));
                u.setObject(2, ts(now));
                u.setLong(3, id);
                if (u.executeUpdate() == 1) metrics.processed(source);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot mark webhook event " + id + " processed", e);
        }
    }

    @Override
    public void postpone(long id, Instant until) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement u = c.prepareStatement("UPDATE webhook_events SET status = 'pending',"
                        + " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, next_attempt_at = ?,"
                        + " lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'processing'")) {
            u.setObject(1, ts(until));
            u.setLong(2, id);
            u.executeUpdate(); // 0 rows: reported already, or retried by an operator
        } catch (SQLException e) {
            throw new IllegalStateException("cannot postpone webhook event " + id, e);
        }
    }

    @Override
    public void failed(long id, String error, Instant now) {
        Backoff backoff = config.backoff();
        try (Connection c = dataSource.getConnection()) {
            for (int round = 0; round < 3; round++) {
                String source;
                int attempts;
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT source, attempts FROM webhook_events WHERE id = ? AND status = 'processing'")) {
                    s.setLong(1, id);
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next()) return; // not in processing: reported already, or retried by an operator
                        source = r.getString(1);
                        attempts = r.getInt(2);
                    }
                }
                boolean quarantine = backoff.quarantines(attempts);
                try (PreparedStatement u = c.prepareStatement("UPDATE webhook_events SET status = ?, last_error = ?,"
                        + " next_attempt_at = ?, quarantined_at = ?, lease_owner = NULL, lease_until = NULL"
                        + " WHERE id = ? AND status = 'processing' AND attempts = ?")) {
                    u.setString(1, quarantine ? QUARANTINED : PENDING);
                    u.setString(2, InboxRows.bounded(error == null ? "(no message)" : error, MAX_ERROR));
                    u.setObject(3, ts(quarantine ? now : now.plus(backoff.delay(attempts))));
                    if (quarantine) u.setObject(4, ts(now));
                    else u.setNull(4, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                    u.setLong(5, id);
                    u.setInt(6, attempts);
                    if (u.executeUpdate() == 1) {
                        metrics.failed(source);
                        if (quarantine) {
                            metrics.quarantined(source);
                            LOG.warnf("webhook event %d quarantined after %d attempts: %s", id, attempts, error);
                        }
                        return;
                    }
                }
                // claimed again meanwhile (its lease had ended): decide on the new attempt count
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the failure of webhook event " + id, e);
        }
    }

    private static String sourceOf(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT source FROM webhook_events WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }
}
