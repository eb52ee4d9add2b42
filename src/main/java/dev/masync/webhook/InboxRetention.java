package dev.masync.webhook;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.masync.webhook.InboxRows.ts;

/**
 * Deletes processed events older than {@code masync.webhooks.inbox.retention-processed} and quarantined ones older than
 * {@code retention-quarantined}, in short statements of at most {@value #CHUNK} rows. Pending and processing events
 * are never deleted.
 */
@ApplicationScoped
public class InboxRetention {
    private static final Logger LOG = Logger.getLogger(InboxRetention.class);
    static final int CHUNK = 1000;

    private final DataSource dataSource;
    private final InboxConfig config;
    private final Clock clock;

    InboxRetention(DataSource dataSource, InboxConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
    }

    /** What one cleanup deleted. */
    public record Purged(long processed, long quarantined) {}

    @Scheduled(
            every = "${masync.webhooks.inbox.retention-every:1h}",
            delayed = "${masync.webhooks.inbox.retention-every:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            Purged p = purge();
            if (p.processed() + p.quarantined() > 0) {
                LOG.infof(
                        "webhook inbox retention: deleted %d processed and %d quarantined event(s)",
                        p.processed(), p.quarantined());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "webhook inbox retention failed; it runs again in %s", config.retentionEvery());
        }
    }

    /** Deletes what is past its retention as of the clock's now. */
    public Purged purge() {
        return purge(clock.instant(), null);
    }

    /** Deletes what is past its retention as of {@code now} (of one source, or all with null). */
    Purged purge(Instant now, String source) {
        long processed = delete(InboxRows.PROCESSED, "processed_at", now.minus(config.retentionProcessed()), source);
        long quarantined =
                delete(InboxRows.QUARANTINED, "quarantined_at", now.minus(config.retentionQuarantined()), source);
        return new Purged(processed, quarantined);
    }

    /** {@code column} is one of two constants above, never input. */
    private long delete(String status, String column, Instant before, String source) {
        long deleted = 0;
        try (Connection c = dataSource.getConnection()) {
            while (true) {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("SELECT id FROM webhook_events WHERE status = ? AND "
                        + column + " < ?" + (source == null ? "" : " AND source = ?") + " ORDER BY id")) {
                    s.setString(1, status);
                    s.setObject(2, ts(before));
                    if (source != null) s.setString(3, source);
                    s.setMaxRows(CHUNK);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) ids.add(r.getLong(1));
                    }
                }
                if (ids.isEmpty()) return deleted;
                // re-checked: an operator may have retried one meanwhile
                try (PreparedStatement d = c.prepareStatement(
                        "DELETE FROM webhook_events WHERE id = ? AND status = ? AND " + column + " < ?")) {
                    for (long id : ids) {
                        d.setLong(1, id);
                        d.setString(2, status);
                        d.setObject(3, ts(before));
                        d.addBatch();
                    }
                    for (int n : d.executeBatch()) deleted += Math.max(0, n);
                }
                if (ids.size() < CHUNK) return deleted;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete old webhook events", e);
        }
    }
}
