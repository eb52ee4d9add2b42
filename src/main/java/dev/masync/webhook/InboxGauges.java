package dev.masync.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code masync.webhooks.inbox.depth} (events neither processed nor quarantined) and {@code
 * masync.webhooks.inbox.oldest.age} (seconds since the oldest of them was received). One query serves both, reused for
 * {@value #REUSE_SECONDS} seconds so that frequent scrapes do not load the control DB; NaN while it cannot be read.
 */
@Startup
@ApplicationScoped
public class InboxGauges {
    private static final Logger LOG = Logger.getLogger(InboxGauges.class);
    static final long REUSE_SECONDS = 5;

    private final InboxEvents events;
    private final Clock clock;
    private InboxEvents.Backlog last;
    private Instant measuredAt;

    InboxGauges(InboxEvents events, Clock clock, MeterRegistry meters) {
        this.events = events;
        this.clock = clock;
        Gauge.builder("masync.webhooks.inbox.depth", this, g -> g.depth())
                .description("webhook events neither processed nor quarantined")
                .strongReference(true)
                .register(meters);
        Gauge.builder("masync.webhooks.inbox.oldest.age", this, g -> g.oldestAge())
                .description("seconds since the oldest unprocessed webhook event was received")
                .baseUnit("seconds")
                .strongReference(true)
                .register(meters);
    }

    double depth() {
        InboxEvents.Backlog b = backlog();
        return b == null ? Double.NaN : b.depth();
    }

    double oldestAge() {
        InboxEvents.Backlog b = backlog();
        return b == null ? Double.NaN : b.oldestAgeSeconds(clock.instant());
    }

    /** The next read measures again instead of reusing the last measurement (tests). */
    synchronized void measureAgain() {
        measuredAt = null;
    }

    private synchronized InboxEvents.Backlog backlog() {
        Instant now = clock.instant();
        if (last != null
                && measuredAt != null
                && Duration.between(measuredAt, now).abs().getSeconds() < REUSE_SECONDS) return last;
        try {
            last = events.backlog(null);
            measuredAt = now;
            return last;
        } catch (RuntimeException e) {
            LOG.debugf(e, "cannot measure the webhook inbox");
            last = null;
            return null;
        }
    }
}
