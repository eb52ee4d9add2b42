package dev.masync.sync.run;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long the control DB keeps run history and rejections ({@link Retention}). */
@ConfigMapping(prefix = "masync.retention")
public interface RetentionConfig {
    /** Finished runs older than this are deleted with their rejections; each sync's latest run is always kept. */
    @WithDefault("90d")
    Duration runs();

    /** Rejections (GET /runs/{id}/rejections) older than this are deleted, even if their run is kept. */
    @WithDefault("30d")
    Duration rejections();

    /** How often the cleanup runs. */
    @WithDefault("1h")
    Duration every();
}
