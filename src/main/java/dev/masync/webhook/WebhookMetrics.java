package dev.masync.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Meters of the receivers: {@code masync.webhooks.received{source}} counts deliveries that reached a receiver,
 * {@code masync.webhooks.rejected{source,reason}} those refused (reason = the answer's stable code), and
 * {@code masync.webhooks.ignored{source}} events of types we do not handle (accepted, not stored). Sources are the
 * inbox's ({@code hubspot}, {@code salesforce}, {@code generic:<name>}); names no configuration knows count as
 * {@code generic}, so a caller cannot create series.
 */
@ApplicationScoped
public class WebhookMetrics {
    private final MeterRegistry meters;

    WebhookMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void received(String source) {
        Counter.builder("masync.webhooks.received")
                .description("webhook deliveries that reached a receiver, by source")
                .tag("source", source)
                .register(meters)
                .increment();
    }

    public void rejected(String source, String reason) {
        Counter.builder("masync.webhooks.rejected")
                .description("webhook deliveries refused, by source and the answer's code (reason)")
                .tags("source", source, "reason", reason)
                .register(meters)
                .increment();
    }

    public void ignored(String source, int events) {
        if (events > 0) {
            Counter.builder("masync.webhooks.ignored")
                    .description("webhook events of types ma-sync does not handle (accepted, not stored)")
                    .tag("source", source)
                    .register(meters)
                    .increment(events);
        }
    }
}
