package dev.masync.webhook;

import io.micrometer.core.instrument.Counter;
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
        if (n > 0)
            counter("masync.webhooks.accepted", "webhook events stored in the inbox", source)
                    .increment(n);
    }

    void duplicates(String source, int n) {
        if (n > 0)
            counter("masync.webhooks.duplicates", "webhook events dropped as duplicates of stored ones", source)
                    .increment(n);
    }

    void processed(String source) {
        counter("masync.webhooks.processed", "inbox events processed", source).increment();
    }

    /** A failed attempt (retried or quarantined). */
    void failed(String source) {
        counter("masync.webhooks.failed", "failed attempts to process an inbox event (retried or quarantined)", source)
                .increment();
    }

    void quarantined(String source) {
        counter("masync.webhooks.quarantined", "inbox events quarantined after their last attempt", source)
                .increment();
    }

    private Counter counter(String name, String description, String source) {
        return Counter.builder(name)
                .description(description + ", by source")
                .tag("source", source)
                .register(meters);
    }
}
