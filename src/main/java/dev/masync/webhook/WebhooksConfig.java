package dev.masync.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inbound CRM webhooks ({@code /webhooks/*}). A sender is enabled when its credentials are configured and its
 * {@code enabled} flag is not off; any other sender's endpoint answers 404 {@code webhook_not_configured}. Secrets are
 * references ({@code env:NAME}, {@code file:/path}), checked at start-up against the secret policy
 * ({@code masync.secrets.*}) and resolved per delivery, so a rotated secret applies without a restart.
 */
@ConfigMapping(prefix = "masync.webhooks")
public interface WebhooksConfig {

    /**
     * The daemon's public base URL as senders call it (e.g. {@code https://sync.example.com}, or with the prefix a
     * reverse proxy strips). HubSpot signs the full URL it calls; without this the URL is rebuilt from the request's
     * scheme and {@code Host} header, which is wrong behind a TLS-terminating proxy.
     */
    Optional<String> publicUrl();

    /** Largest body accepted; larger ones are refused with 413 before they are read (or as soon as the count passes). */
    @WithDefault("1048576")
    long maxBodyBytes();

    /** How far a signed timestamp may lie from now, either way; older deliveries (replays) are refused with 401. */
    @WithDefault("5m")
    Duration timestampTolerance();

    HubSpot hubspot();

    Salesforce salesforce();

    /** Standard Webhooks senders by name: {@code masync.webhooks.generic."<source>".secrets}. */
    Map<String, Generic> generic();

    /** {@code POST /webhooks/hubspot}: signature v3 with the app's client secret. */
    interface HubSpot {
        @WithDefault("true")
        boolean enabled();

        /** Reference to the HubSpot app's client secret. */
        Optional<String> clientSecret();
    }

    /** {@code POST /webhooks/salesforce}: Outbound Messages of the listed organizations. */
    interface Salesforce {
        @WithDefault("true")
        boolean enabled();

        /** Organization ids (15 or 18 characters) whose messages are accepted. */
        Optional<List<String>> organizationIds();

        /**
         * Optional reference to a token the endpoint URL must carry as {@code ?token=…} (Outbound Messages are not
         * signed; the organization id is not a secret).
         */
        Optional<String> token();
    }

    /** {@code POST /webhooks/generic/<source>}: Standard Webhooks signatures. */
    interface Generic {
        @WithDefault("true")
        boolean enabled();

        /** References to the {@code whsec_…} secrets; every one is accepted (key rotation). */
        List<String> secrets();
    }
}
