package dev.masync.webhook.generic;

import dev.masync.webhook.Hmac;
import dev.masync.webhook.SignedTimestamps;
import dev.masync.webhook.WebhookRefusal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks signatures: {@code webhook-signature} holds space-separated {@code v1,<base64>} entries, each an
 * HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>} with the base64 key after {@code whsec_}; a delivery
 * is authentic when any entry matches any configured secret (key rotation). Other versions ({@code v1a}) are skipped.
 */
public final class StandardWebhookSignature {
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    static final String PREFIX = "whsec_";

    private StandardWebhookSignature() {}

    /** The HMAC key of a {@code whsec_<base64>} secret (the prefix is optional). */
    public static byte[] key(String secret) {
        String s = secret.trim();
        return Base64.getDecoder().decode(s.startsWith(PREFIX) ? s.substring(PREFIX.length()) : s);
    }

    /** One signature entry, {@code v1,<base64>}. */
    public static String sign(byte[] key, String id, String timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(key, id, timestamp, body));
    }

    private static byte[] mac(byte[] key, String id, String timestamp, byte[] body) {
        return Hmac.sha256(key, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    }

    /** Refuses with 401 unless the headers are present, the timestamp is fresh and a signature matches a key. */
    public static void verify(
            List<byte[]> keys,
            String id,
            String timestamp,
            String signatures,
            byte[] body,
            Instant now,
            Duration tolerance) {
        if (id == null || id.isBlank() || signatures == null || signatures.isBlank()) {
            throw WebhookRefusal.unauthorized(
                    "missing_signature",
                    ID + ", " + TIMESTAMP + " and " + SIGNATURE + " are required (Standard Webhooks).");
        }
        SignedTimestamps.check(TIMESTAMP, timestamp, 1000, now, tolerance);
        for (byte[] key : keys) {
            byte[] expected = mac(key, id, timestamp.trim(), body);
            for (String entry : signatures.trim().split(" +")) {
                if (!entry.startsWith("v1,")) {
                    continue;
                }
                byte[] received;
                try {
                    received = Base64.getDecoder().decode(entry.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (Hmac.same(expected, received)) {
                    return;
                }
            }
        }
        throw WebhookRefusal.unauthorized(
                "invalid_signature",
                SIGNATURE + " matches none of the configured secrets; check the source's secrets"
                        + " (masync.webhooks.generic.<source>.secrets).");
    }
}
