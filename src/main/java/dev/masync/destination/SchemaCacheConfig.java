package dev.masync.destination;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How destination schemas (the fields a connector reads, e.g. HubSpot properties or a Salesforce describe) are read
 * for mapping checks: kept for a short time so that saving several syncs reads a destination once, and never waited
 * for longer than {@link #readTimeout()} so a slow destination cannot hold a save.
 */
@ConfigMapping(prefix = "masync.connectors.schema")
public interface SchemaCacheConfig {

    /** How long a schema read is reused for sync saves (a destination test always reads it again). */
    @WithDefault("5m")
    Duration cacheTtl();

    /**
     * The longest a sync save or a destination test waits for a schema; a read that takes longer leaves the mapping
     * unchecked (the save is accepted with a warning).
     */
    @WithDefault("10s")
    Duration readTimeout();

    /** At most this many schema reads run at once (one per destination at a time); more are answered "busy". */
    @WithDefault("8")
    int maxConcurrentReads();
}
