package dev.masync.webhook.hubspot;

import dev.masync.webhook.Hmac;
import dev.masync.webhook.SignedTimestamps;
import dev.masync.webhook.WebhookRefusal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * HubSpot request signature v3: {@code X-HubSpot-Signature-v3 = base64(HMAC-SHA256(clientSecret, method + uri + body +
 * timestamp))}, with {@code X-HubSpot-Request-Timestamp} in epoch milliseconds and the full URI HubSpot called
 * (scheme, host, path, query) after decoding the escapes HubSpot lists (see {@link #decodeUri}).
 */
public final class HubSpotSignature {
    public static final String SIGNATURE = "X-HubSpot-Signature-v3";
    public static final String TIMESTAMP = "X-HubSpot-Request-Timestamp";

    /** The escapes HubSpot decodes in the request URI before signing; every other escape stays as sent. */
    static final Map<String, String> DECODED = Map.ofEntries(
            Map.entry("3A", ":"),
            Map.entry("2F", "/"),
            Map.entry("3F", "?"),
            Map.entry("40", "@"),
            Map.entry("21", "!"),
            Map.entry("24", "$"),
            Map.entry("27", "'"),
            Map.entry("28", "("),
            Map.entry("29", ")"),
            Map.entry("2A", "*"),
            Map.entry("2C", ","),
            Map.entry("3B", ";"));

    private HubSpotSignature() {}

    /** The URI as HubSpot signs it: {@code %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B} decoded (any case). */
    public static String decodeUri(String uri) {
        StringBuilder out = new StringBuilder(uri.length());
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '%' && i + 2 < uri.length()) {
                String decoded = DECODED.get(uri.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                if (decoded != null) {
                    out.append(decoded);
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The base64 signature of a request; {@code uri} as HubSpot called it (decoded here). */
    public static String sign(byte[] clientSecret, String method, String uri, byte[] body, String timestamp) {
        return Base64.getEncoder().encodeToString(mac(clientSecret, method, uri, body, timestamp));
    }

    private static byte[] mac(byte[] clientSecret, String method, String uri, byte[] body, String timestamp) {
        return Hmac.sha256(
                clientSecret,
                method.getBytes(StandardCharsets.UTF_8),
                decodeUri(uri).getBytes(StandardCharsets.UTF_8),
                body,
                timestamp.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Refuses with 401 unless the timestamp lies within {@code tolerance} of {@code now} and the signature matches
     * (constant-time comparison of the MACs).
     */
    public static void verify(
            byte[] clientSecret,
            String method,
            String uri,
            byte[] body,
            String signature,
            String timestamp,
            Instant now,
            Duration tolerance) {
        if (signature == null || signature.isBlank()) {
            throw WebhookRefusal.unauthorized(
                    "missing_signature", SIGNATURE + " is missing; HubSpot signs every webhook with signature v3.");
        }
        SignedTimestamps.check(TIMESTAMP, timestamp, 1, now, tolerance);
        byte[] received;
        try {
            // a proxy that URL-decodes headers turns '+' into ' '; base64 never contains a space
            received = Base64.getDecoder().decode(signature.trim().replace(' ', '+'));
        } catch (IllegalArgumentException e) {
            received = null;
        }
        if (!Hmac.same(mac(clientSecret, method, uri, body, timestamp.trim()), received)) {
            throw WebhookRefusal.unauthorized(
                    "invalid_signature",
                    SIGNATURE + " does not match: check masync.webhooks.hubspot.client-secret (the app's client"
                            + " secret) and masync.webhooks.public-url (the URL HubSpot calls).");
        }
    }
}
