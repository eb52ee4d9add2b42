package dev.masync.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The durable webhook inbox: retries, leases and retention ({@code masync.webhooks.inbox.*}). */
@ConfigMapping(prefix = "masync.webhooks.inbox")
public interface InboxConfig {

    /** Claims of one event before a failure quarantines it (a claim whose process died counts too). */
    @WithDefault("8")
    int maxAttempts();

    /** The wait after the first failure; it doubles with each further failure, up to {@link #backoffMax}. */
    @WithDefault("5s")
    Duration backoffBase();

    /** The longest wait between two attempts. */
    @WithDefault("15m")
    Duration backoffMax();

    /** How long a claim holds an event; after it, an event whose handler did not report is due again. */
    @WithDefault("60s")
    Duration lease();

    /** Processed events older than this (since processing) are deleted. */
    @WithDefault("7d")
    Duration retentionProcessed();

    /** Quarantined events older than this (since quarantine) are deleted. */
    @WithDefault("30d")
    Duration retentionQuarantined();

    /** How often the retention cleanup runs. */
    @WithDefault("1h")
    Duration retentionEvery();

    /** The back-off policy these settings describe. */
    default Backoff backoff() {
        return new Backoff(maxAttempts(), backoffBase(), backoffMax());
    }
}
