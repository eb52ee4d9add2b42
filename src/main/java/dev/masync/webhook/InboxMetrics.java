package dev.masync.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** Counters of the webhook inbox ({@code masync.webhooks.*}), by source; the gauges are {@link InboxGauges}. */
@ApplicationScoped
public class InboxMetrics {
    private final MeterRegistry meters;

    InboxMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void accepted(String source, int n) {
        if (n > 0) meters.counter("masync.webhooks.accepted", "source", source).increment(n);
    }

    void duplicates(String source, int n) {
        if (n > 0)
            meters.counter("masync.webhooks.duplicates", "source", source).increment(n);
    }

    void processed(String source) {
        meters.counter("masync.webhooks.processed", "source", source).increment();
    }

    /** A failed attempt (retried or quarantined). */
    void failed(String source) {
        meters.counter("masync.webhooks.failed", "source", source).increment();
    }

    void quarantined(String source) {
        meters.counter("masync.webhooks.quarantined", "source", source).increment();
    }
}
