package dev.masync.destination;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** Connectors and destinations as code. */
@ConfigMapping(prefix = "masync.connectors")
public interface ConnectorsConfig {

    /** Folder of definitions as code; destinations are the {@code destinations/*.yaml} files in it. */
    @WithDefault("connectors")
    Path dir();

    /** The HTTP client every HTTP connector shares (each may shorten these for its own calls). */
    Http http();

    interface Http {
        /** How long to wait for a TCP (and TLS) connection. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** How long a read or write may stall. */
        @WithDefault("30s")
        Duration readTimeout();
    }
}
