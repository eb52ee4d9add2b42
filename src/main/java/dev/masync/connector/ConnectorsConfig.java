package dev.masync.connector;

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

        /** The most one call may take, from DNS to the last byte of the response (a slow-drip body ends here). */
        @WithDefault("60s")
        Duration callTimeout();

        /** The most of a response body read (an endless body ends here). */
        @WithDefault("1048576")
        long maxResponseBytes();

        /** Whether destinations may call loopback addresses (127.0.0.0/8, ::1, localhost). */
        @WithDefault("false")
        boolean allowLoopback();

        /** Whether destinations may call private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7). */
        @WithDefault("false")
        boolean allowPrivate();
    }
}
