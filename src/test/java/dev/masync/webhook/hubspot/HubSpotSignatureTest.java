package dev.masync.webhook.hubspot;

import dev.masync.webhook.WebhookRefusal;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signature v3 as HubSpot documents it, the expected values computed here from the documented source string. */
class HubSpotSignatureTest {
    static final String SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    static final String BATCH = "[{\"eventId\":1771,\"subscriptionId\":2402,\"portalId\":6200111,\"appId\":99001,"
            + "\"occurredAt\":1764583200000,\"subscriptionType\":\"contact.propertyChange\",\"attemptNumber\":0,"
            + "\"objectId\":5101,\"propertyName\":\"plan_tier\",\"propertyValue\":\"pro\",\"changeSource\":\"CRM_UI\"},"
            + "{\"eventId\":1772,\"subscriptionId\":2400,\"portalId\":6200111,\"appId\":99001,"
            + "\"occurredAt\":1764583200001,\"subscriptionType\":\"contact.creation\",\"attemptNumber\":0,"
            + "\"objectId\":5102}]";

    /** base64(HMAC-SHA256(secret, method + uri + body + timestamp)), UTF-8, written out as the docs say. */
    static String documented(String secret, String sourceString) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(sourceString.getBytes(StandardCharsets.UTF_8)));
    }

    static String ts(Instant at) {
        return Long.toString(at.toEpochMilli());
    }

    private static void verify(String uri, String body, String signature, String timestamp) {
        HubSpotSignature.verify(
                SECRET.getBytes(StandardCharsets.UTF_8),
                "POST",
                uri,
                body.getBytes(StandardCharsets.UTF_8),
                signature,
                timestamp,
                NOW,
                FIVE_MINUTES);
    }

    @Test
    void acceptsABatchedArraySignedOverMethodUriBodyAndTimestamp() throws Exception {
        String uri = "https://sync.example.com/webhooks/hubspot";
        String sig = documented(SECRET, "POST" + uri + BATCH + ts(NOW));

        assertThatCode(() -> verify(uri, BATCH, sig, ts(NOW))).doesNotThrowAnyException();
        assertThat(HubSpotSignature.sign(
                        SECRET.getBytes(StandardCharsets.UTF_8),
                        "POST",
                        uri,
                        BATCH.getBytes(StandardCharsets.UTF_8),
                        ts(NOW)))
                .isEqualTo(sig);
    }

    @Test
    void signsTheQueryStringWithHubSpotsListedEscapesDecodedAndOthersKept() throws Exception {
        String received =
                "https://sync.example.com/webhooks/hubspot?app=a%3Ab%2Fc%40d%21%24%27%28%29%2a%2C%3B%3F&q=x%20y%26z";
        // what HubSpot signs: %3A %2F %40 %21 %24 %27 %28 %29 %2A %2C %3B %3F decoded; %20 and %26 stay
        String signed = "https://sync.example.com/webhooks/hubspot?app=a:b/c@d!$'()*,;?&q=x%20y%26z";
        String sig = documented(SECRET, "POST" + signed + BATCH + ts(NOW));

        assertThatCode(() -> verify(received, BATCH, sig, ts(NOW))).doesNotThrowAnyException();
        assertThat(HubSpotSignature.decodeUri(received)).isEqualTo(signed);
    }

    @Test
    void refusesASignatureOverAnotherQueryString() throws Exception {
        String sig = documented(SECRET, "POST" + "https://sync.example.com/webhooks/hubspot?a=1" + BATCH + ts(NOW));

        assertRefused(
                () -> verify("https://sync.example.com/webhooks/hubspot?a=2", BATCH, sig, ts(NOW)),
                "invalid_signature");
    }

    @Test
    void refusesATamperedBodyAWrongSecretAndGarbage() throws Exception {
        String uri = "https://sync.example.com/webhooks/hubspot";
        String sig = documented(SECRET, "POST" + uri + BATCH + ts(NOW));
        assertRefused(() -> verify(uri, BATCH.replace("pro", "free"), sig, ts(NOW)), "invalid_signature");
        String other = documented("another-secret", "POST" + uri + BATCH + ts(NOW));
        assertRefused(() -> verify(uri, BATCH, other, ts(NOW)), "invalid_signature");
        assertRefused(() -> verify(uri, BATCH, "not base64 !!", ts(NOW)), "invalid_signature");
    }

    @Test
    void refusesMissingSignatureOrTimestamp() throws Exception {
        String uri = "https://sync.example.com/webhooks/hubspot";
        String sig = documented(SECRET, "POST" + uri + BATCH + ts(NOW));
        assertRefused(() -> verify(uri, BATCH, null, ts(NOW)), "missing_signature");
        assertRefused(() -> verify(uri, BATCH, sig, null), "missing_signature");
        assertRefused(() -> verify(uri, BATCH, sig, "yesterday"), "invalid_timestamp");
    }

    @Test
    void refusesTimestampsMoreThanFiveMinutesAwayEvenWhenCorrectlySigned() throws Exception {
        String uri = "https://sync.example.com/webhooks/hubspot";
        Instant old = NOW.minus(Duration.ofMinutes(5)).minusMillis(1);
        String replayed = documented(SECRET, "POST" + uri + BATCH + ts(old));
        assertRefused(() -> verify(uri, BATCH, replayed, ts(old)), "stale_timestamp");

        Instant future = NOW.plus(Duration.ofMinutes(6));
        String early = documented(SECRET, "POST" + uri + BATCH + ts(future));
        assertRefused(() -> verify(uri, BATCH, early, ts(future)), "stale_timestamp");

        Instant edge = NOW.minus(Duration.ofMinutes(5));
        String fresh = documented(SECRET, "POST" + uri + BATCH + ts(edge));
        assertThatCode(() -> verify(uri, BATCH, fresh, ts(edge))).doesNotThrowAnyException();
    }

    @Test
    void acceptsASignatureWhosePlusSignsAProxyTurnedIntoSpaces() throws Exception {
        String uri = "https://sync.example.com/webhooks/hubspot";
        String body = BATCH;
        String sig = null;
        String timestamp = null;
        for (int i = 0; i < 1000 && (sig == null || !sig.contains("+")); i++) {
            timestamp = Long.toString(NOW.toEpochMilli() - i);
            sig = documented(SECRET, "POST" + uri + body + timestamp);
        }
        assertThat(sig).contains("+");
        String mangled = sig.replace('+', ' ');
        String at = timestamp;
        assertThatCode(() -> verify(uri, body, mangled, at)).doesNotThrowAnyException();
    }

    static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(WebhookRefusal.class, r -> {
            assertThat(r.code()).isEqualTo(code);
            assertThat(r.status()).isEqualTo(401);
        });
    }
}
