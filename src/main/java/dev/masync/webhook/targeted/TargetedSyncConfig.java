package dev.masync.webhook.targeted;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How claimed webhook events become targeted runs ({@code masync.webhooks.targeted.*}). */
@ConfigMapping(prefix = "masync.webhooks.targeted")
public interface TargetedSyncConfig {

    /** Whether this replica processes inbox events at all. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often due events are looked for without a signal (events of other replicas, retries after a back-off,
     * postponed events).
     */
    @WithDefault("1s")
    Duration every();

    /**
     * How long a micro-batch gathers events after the first arrival before it claims them: longer means fewer
     * warehouse queries (each scans the learners on BigQuery), shorter means a faster push.
     */
    @WithDefault("300ms")
    Duration gather();

    /** Most events one micro-batch claims. */
    @WithDefault("500")
    int maxEvents();

    /**
     * How long a claim holds its events; events left unmarked (their sync was running, or the daemon stopped) are due
     * again after it.
     */
    @WithDefault("30s")
    Duration claimFor();
}
