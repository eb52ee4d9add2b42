package dev.masync.webhook.generic;

import dev.masync.webhook.WebhookRefusal;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Standard Webhooks verification, against the specification's published vector and signatures computed here. */
class StandardWebhookSignatureTest {
    static final String OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String NEW = "whsec_"
            + Base64.getEncoder().encodeToString("another-32-byte-key-for-rotation".getBytes(StandardCharsets.UTF_8));
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** v1,base64(HMAC-SHA256(base64decode(secret after whsec_), id.timestamp.body)), as the spec writes it. */
    static String documented(String secret, String id, String timestamp, String body) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return "v1,"
                + Base64.getEncoder()
                        .encodeToString(
                                mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private static void verify(List<String> secrets, String id, String ts, String sigs, String body, Instant now) {
        StandardWebhookSignature.verify(
                secrets.stream().map(StandardWebhookSignature::key).toList(),
                id,
                ts,
                sigs,
                body.getBytes(StandardCharsets.UTF_8),
                now,
                TOLERANCE);
    }

    @Test
    void reproducesThePublishedTestVector() {
        assertThat(StandardWebhookSignature.sign(
                        StandardWebhookSignature.key(OLD),
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "1614265330",
                        "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThatCode(() -> verify(
                        List.of(OLD),
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "1614265330",
                        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                        "{\"test\": 2432232314}",
                        Instant.ofEpochSecond(1614265330)))
                .doesNotThrowAnyException();
    }

    @Test
    void duringRotationEitherSecretAndEitherListedSignatureIsAccepted() throws Exception {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        String ts = Long.toString(now.getEpochSecond());
        String body = "{\"type\":\"record.changed\",\"objectId\":\"1\"}";
        String byOld = documented(OLD, "msg_1", ts, body);
        String byNew = documented(NEW, "msg_1", ts, body);

        for (String header : List.of(byOld, byNew, byOld + " " + byNew, "v1a,bm9wZQ== v1,bm9wZQ== " + byNew)) {
            assertThatCode(() -> verify(List.of(OLD, NEW), "msg_1", ts, header, body, now))
                    .as(header)
                    .doesNotThrowAnyException();
        }
        assertRefused(() -> verify(List.of(OLD), "msg_1", ts, byNew, body, now), "invalid_signature");
        assertRefused(() -> verify(List.of(NEW), "msg_1", ts, byOld, body, now), "invalid_signature");
    }

    @Test
    void refusesAnotherIdTimestampOrBody() throws Exception {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        String ts = Long.toString(now.getEpochSecond());
        String sig = documented(OLD, "msg_1", ts, "{}");
        assertRefused(() -> verify(List.of(OLD), "msg_2", ts, sig, "{}", now), "invalid_signature");
        assertRefused(
                () -> verify(List.of(OLD), "msg_1", Long.toString(now.getEpochSecond() - 1), sig, "{}", now),
                "invalid_signature");
        assertRefused(() -> verify(List.of(OLD), "msg_1", ts, sig, "{ }", now), "invalid_signature");
        assertRefused(() -> verify(List.of(OLD), "msg_1", ts, sig.substring(3), "{}", now), "invalid_signature");
    }

    @Test
    void refusesMissingHeadersAndTimestampsOutsideTheTolerance() throws Exception {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        String ts = Long.toString(now.getEpochSecond());
        String sig = documented(OLD, "msg_1", ts, "{}");
        assertRefused(() -> verify(List.of(OLD), null, ts, sig, "{}", now), "missing_signature");
        assertRefused(() -> verify(List.of(OLD), "msg_1", null, sig, "{}", now), "missing_signature");
        assertRefused(() -> verify(List.of(OLD), "msg_1", ts, null, "{}", now), "missing_signature");
        assertRefused(() -> verify(List.of(OLD), "msg_1", ts + "000", sig, "{}", now), "stale_timestamp");

        String old = Long.toString(now.getEpochSecond() - 301);
        String replayed = documented(OLD, "msg_1", old, "{}");
        assertRefused(() -> verify(List.of(OLD), "msg_1", old, replayed, "{}", now), "stale_timestamp");
        String future = Long.toString(now.getEpochSecond() + 301);
        String early = documented(OLD, "msg_1", future, "{}");
        assertRefused(() -> verify(List.of(OLD), "msg_1", future, early, "{}", now), "stale_timestamp");
    }

    static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(WebhookRefusal.class, r -> {
            assertThat(r.code()).isEqualTo(code);
            assertThat(r.status()).isEqualTo(401);
        });
    }
}
