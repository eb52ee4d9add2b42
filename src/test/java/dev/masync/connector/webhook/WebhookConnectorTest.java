package dev.masync.connector.webhook;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class WebhookConnectorTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_772_366_400L), ZoneOffset.UTC);
    static final OkHttpClient SHARED = new OkHttpClient();

    final WebhookConnector connector = new WebhookConnector(SHARED, CLOCK);
    final Batch batch = new Batch(
            "batch-42",
            "vips",
            List.of(RecordChange.upsert("l1", "a@x.org", Map.of("plan", "pro")), RecordChange.remove("l2", "b@x.org")));
    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void signsWithStandardWebhooksScheme() throws Exception {
        server.enqueue(new MockResponse.Builder().code(204).build());

        BatchResult result = connector.push(context(), batch);

        RecordedRequest request = server.takeRequest();
        String body = request.getBody().utf8();
        String id = request.getHeaders().get("webhook-id");
        String timestamp = request.getHeaders().get("webhook-timestamp");
        assertThat(id).isEqualTo("batch-42");
        assertThat(timestamp).isEqualTo("1772366400");
        assertThat(request.getHeaders().get("webhook-signature"))
                .isEqualTo("v1," + hmac(id + "." + timestamp + "." + body));
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(body).startsWith("{\"batchId\":\"batch-42\",").contains("\"records\":[", "\"key\":\"a@x.org\"");
        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed).hasSize(2);
    }

    @Test
    void replayKeepsTheWebhookId() throws Exception {
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(new MockResponse.Builder().code(200).build());

        assertThatThrownBy(() -> connector.push(context(), batch)).isInstanceOf(RetryableException.class);
        connector.push(context(), batch);

        assertThat(server.takeRequest().getHeaders().get("webhook-id"))
                .isEqualTo(server.takeRequest().getHeaders().get("webhook-id"));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void honoursRetryAfterOn429() {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Retry-After", "3")
                .build());

        assertThatThrownBy(() -> connector.push(context(), batch))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(3)));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void perRecordRejectionsAreReturnedNotThrown() {
        server.enqueue(
                json(
                        "{\"results\":[{\"key\":\"a@x.org\",\"status\":\"ok\"},"
                                + "{\"key\":\"b@x.org\",\"status\":\"rejected\",\"code\":\"unknown_contact\",\"message\":\"no such contact\"}]}"));

        BatchResult result = connector.push(context(), batch);

        assertThat(result.outcomes())
                .extracting(RecordOutcome::destinationKey, RecordOutcome::status, RecordOutcome::code)
                .containsExactly(
                        tuple("a@x.org", RecordOutcome.Status.CONFIRMED, null),
                        tuple("b@x.org", RecordOutcome.Status.REJECTED, "unknown_contact"));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void missingResultsAreNotConfirmed() {
        server.enqueue(json("{\"results\":[{\"key\":\"a@x.org\",\"status\":\"ok\"}]}"));

        BatchResult result = connector.push(context(), batch);

        assertThat(result.confirmed()).extracting(RecordOutcome::destinationKey).containsExactly("a@x.org");
        assertThat(result.rejected())
                .extracting(RecordOutcome::destinationKey, RecordOutcome::code)
                .containsExactly(tuple("b@x.org", "missing_result"));
    }

    @Test
    void malformedSuccessBodyIsRetryable() {
        server.enqueue(json("<html>ok</html>"));

        assertThatThrownBy(() -> connector.push(context(), batch))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("malformed_response");
    }

    @Test
    void unauthorizedIsPermanentAuth() {
        server.enqueue(
                new MockResponse.Builder().code(401).body("bad signature").build());

        assertThatThrownBy(() -> connector.push(context(), batch))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void serverErrorIsRetryable() {
        server.enqueue(new MockResponse.Builder()
                .code(503)
                .addHeader("Retry-After", "120")
                .build());

        assertThatThrownBy(() -> connector.push(context(), batch))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(2)));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void connectionResetIsRetryable() {
        server.enqueue(new MockResponse.Builder()
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build());

        assertThatThrownBy(() -> connector.push(context(), batch)).isInstanceOf(RetryableException.class);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void redirectsAreNotFollowed() {
        server.enqueue(new MockResponse.Builder()
                .code(302)
                .addHeader("Location", "/elsewhere")
                .build());

        assertThatThrownBy(() -> connector.push(context(), batch))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void validationAsksForUrlAndSecretReference() {
        assertThat(connector.validate(Map.of("url", "ftp://x", "secret", SECRET)))
                .extracting(p -> p.setting())
                .containsExactly("url", "secret");
        assertThat(connector.validate(Map.of("url", "https://hooks.example.org/in", "secret", "env:HOOK")))
                .isEmpty();
    }

    @Test
    void declaresTheSigningSecretAsACredential() {
        assertThat(connector.secretSettings()).containsExactly("secret");
    }

    @Test
    void plainSecretsAreUsedAsUtf8Bytes() {
        server.enqueue(new MockResponse.Builder().code(200).build());
        DestinationContext plain = new DestinationContext(
                "hook",
                Map.of("url", server.url("/hook").toString(), "secret", "env:HOOK"),
                SecretResolver.fromEnvironment(Map.of("HOOK", new String(KEY, StandardCharsets.UTF_8))));

        connector.push(plain, batch);

        assertThat(WebhookConnector.sign(KEY, "x")).isEqualTo(hmac("x"));
    }

    private DestinationContext context() {
        return new DestinationContext(
                "hook",
                Map.of("url", server.url("/hook").toString(), "secret", "env:HOOK"),
                SecretResolver.fromEnvironment(Map.of("HOOK", SECRET)));
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    private static String hmac(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
