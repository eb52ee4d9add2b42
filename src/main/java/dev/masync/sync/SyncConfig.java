package dev.masync.sync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How syncs run: workers, leases across replicas, retries around pushes, record-error quarantine. */
@ConfigMapping(prefix = "masync.sync")
public interface SyncConfig {

    /** Runs executing at the same time in this process (each sync has at most one run anywhere). */
    @WithDefault("2")
    int workers();

    /** How often due schedules are checked and leases of running syncs renewed. */
    @WithDefault("5s")
    Duration tick();

    /** A run's lease on its sync; another replica may take over a sync whose lease expired (its owner died). */
    @WithDefault("60s")
    Duration lease();

    /** Rejections of the same record (without it being confirmed in between) before it is quarantined. */
    @WithDefault("5")
    int quarantineAfter();

    /** Name of this replica in leases and run records; default: host name and process id. */
    Optional<String> instanceId();

    /** How long shutdown waits for running batches before giving up on them. */
    @WithDefault("20s")
    Duration shutdownGrace();

    Retry retry();

    /** Retry and circuit breaking around each push (SmallRye Fault Tolerance). */
    interface Retry {
        @WithDefault("4")
        int maxRetries();

        @WithDefault("500ms")
        Duration delay();

        @WithDefault("30s")
        Duration maxDelay();

        @WithDefault("200ms")
        Duration jitter();

        /** A longer Retry-After stops the run (the next run continues) instead of waiting. */
        @WithDefault("60s")
        Duration maxRetryAfter();

        @WithDefault("20")
        int breakerVolume();

        @WithDefault("0.8")
        double breakerRatio();

        @WithDefault("30s")
        Duration breakerDelay();
    }
}
