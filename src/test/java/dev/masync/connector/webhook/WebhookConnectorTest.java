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
        assertThat(body)
                .startsWith("{\"batchId\":\"batch-42\",")
                .contains("\"records\":[", "\"recordKey\":\"a@x.org\"");
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
                        "{\"results\":[{\"recordKey\":\"a@x.org\",\"status\":\"ok\"},"
                                // key: the deprecated name of recordKey, still read
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

    WebhookConnector limited(Duration callTimeout, long maxBytes) {
        return new WebhookConnector(
                SHARED,
                CLOCK,
                new WebhookConnector.Options(
                        new dev.masync.connector.http.AddressPolicy(true, false), callTimeout, maxBytes));
    }

    /** A body that never ends: writes until the client goes away. */
    static final mockwebserver3.MockResponseBody ENDLESS = new mockwebserver3.MockResponseBody() {
        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public void writeTo(okio.BufferedSink sink) throws java.io.IOException {
            byte[] chunk = "{\"results\":[".repeat(1000).getBytes(StandardCharsets.UTF_8);
            while (true) {
                sink.write(chunk);
                sink.flush();
            }
        }
    };

    @Test
    void anEndlessBodyIsReadOnlyUpToTheLimitWhateverTheStatus() {
        WebhookConnector c = limited(Duration.ofSeconds(30), 64 * 1024);
        for (int status : List.of(200, 400, 500)) {
            server.enqueue(new MockResponse.Builder().code(status).body(ENDLESS).build());
            assertThatThrownBy(() -> c.push(context(), batch))
                    .as("HTTP " + status)
                    .isInstanceOf(status == 400 ? PermanentException.class : RetryableException.class)
                    .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(1000))
                    .hasMessageContaining(status == 200 ? "larger than 65536 bytes" : "HTTP " + status);
        }
    }

    /**
     * A one-connection server on a daemon thread that answers with {@code status} then drips its body a byte per
     * 100 ms for up to a minute (mockwebserver3's throttled bodies keep its shutdown waiting).
     */
    static int drip(int status) throws Exception {
        java.net.ServerSocket listener = new java.net.ServerSocket(0);
        Thread t = new Thread(() -> {
            try (listener;
                    java.net.Socket s = listener.accept()) {
                s.getInputStream().read(new byte[65536]);
                var out = s.getOutputStream();
                out.write(
                        ("HTTP/1.1 " + status + " X\r\nContent-Length: 600\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 600; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                // the client went away: what the test wants
            }
        });
        t.setDaemon(true);
        t.start();
        return listener.getLocalPort();
    }

    @Test
    void aSlowDripBodyCannotHoldTheCallPastItsTimeout() throws Exception {
        WebhookConnector c = limited(Duration.ofMillis(500), 1024 * 1024);
        for (int status : List.of(200, 503)) {
            String url = "http://127.0.0.1:" + drip(status) + "/hook";
            assertThatThrownBy(() -> c.push(contextFor(url), batch))
                    .as("HTTP " + status)
                    .isInstanceOf(RetryableException.class)
                    .hasMessageContaining("in time");
        }
    }

    /** A server that answers plain HTTP at once: a TLS client fails its handshake. */
    static int plainHttp() throws Exception {
        java.net.ServerSocket listener = new java.net.ServerSocket(0);
        Thread t = new Thread(() -> {
            try (listener;
                    java.net.Socket s = listener.accept()) {
                s.getOutputStream()
                        .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                Thread.sleep(2000);
            } catch (Exception e) {
                // done
            }
        });
        t.setDaemon(true);
        t.start();
        return listener.getLocalPort();
    }

    @Test
    void theProbeSendsASignedRequestWithNoRecords() throws Exception {
        server.enqueue(new MockResponse.Builder().code(204).build());
        connector.probe(context());
        RecordedRequest request = server.takeRequest();
        String body = request.getBody().utf8();
        String id = request.getHeaders().get("webhook-id");
        assertThat(id).startsWith("test-");
        assertThat(body).contains("\"records\":[]").contains("\"test\":true");
        assertThat(request.getHeaders().get("webhook-signature"))
                .isEqualTo("v1," + hmac(id + "." + request.getHeaders().get("webhook-timestamp") + "." + body));
    }

    @Test
    void theProbeReportsEachFailureInWordsAUserCanActOn() throws Exception {
        record Case(String what, DestinationContext context, Class<?> type, String words) {}
        server.enqueue(
                new MockResponse.Builder().code(401).body("bad signature").build());
        server.enqueue(new MockResponse.Builder().code(404).build());
        server.enqueue(new MockResponse.Builder().code(500).build());
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        List<Case> cases = List.of(
                new Case("401", context(), PermanentException.class, "HTTP 401: bad signature"),
                new Case("404", context(), PermanentException.class, "HTTP 404"),
                new Case("500", context(), RetryableException.class, "HTTP 500"),
                new Case(
                        "refused",
                        contextFor("http://127.0.0.1:" + closedPort + "/hook"),
                        RetryableException.class,
                        "connection refused by 127.0.0.1:" + closedPort),
                new Case(
                        "dns",
                        contextFor("http://no-such-host.invalid/hook"),
                        RetryableException.class,
                        "cannot be resolved (DNS)"),
                new Case(
                        "tls",
                        contextFor("https://127.0.0.1:" + plainHttp() + "/hook"),
                        RetryableException.class,
                        "TLS handshake"),
                new Case(
                        "metadata", contextFor("http://169.254.169.254/latest"), PermanentException.class, "metadata"));
        for (Case c : cases) {
            assertThatThrownBy(() -> connector.probe(c.context()))
                    .as(c.what())
                    .isInstanceOf(c.type())
                    .hasMessageContaining(c.words())
                    .hasMessageNotContaining("Exception:");
        }
        String slow = "http://127.0.0.1:" + drip(200) + "/hook";
        assertThatThrownBy(() -> limited(Duration.ofMillis(500), 1024).probe(contextFor(slow)))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("in time");
    }

    @Test
    void addressesTheOperatorRefusesAreRefusedWhenSavedAndWhenConnecting() {
        WebhookConnector strict = new WebhookConnector(
                SHARED,
                CLOCK,
                new WebhookConnector.Options(
                        dev.masync.connector.http.AddressPolicy.publicOnly(), Duration.ofSeconds(5), 1024));
        assertThat(strict.validate(Map.of("url", server.url("/hook").toString(), "secret", "env:HOOK")))
                .extracting(dev.masync.connector.spi.SettingProblem::message)
                .anySatisfy(m -> assertThat(m).contains("loopback"));
        // a public-looking name that resolves to loopback (or to the metadata service) when connecting
        for (String address : List.of("127.0.0.1", "169.254.169.254")) {
            OkHttpClient rebinding = SHARED.newBuilder()
                    .dns(host -> List.of(java.net.InetAddress.getByName(address)))
                    .build();
            WebhookConnector c = new WebhookConnector(
                    rebinding,
                    CLOCK,
                    new WebhookConnector.Options(
                            dev.masync.connector.http.AddressPolicy.publicOnly(), Duration.ofSeconds(5), 1024));
            String url = "http://hooks.example.com:" + server.getPort() + "/hook";
            assertThat(c.validate(Map.of("url", url, "secret", "env:HOOK"))).isEmpty();
            assertThatThrownBy(() -> c.push(contextFor(url), batch))
                    .as(address)
                    .isInstanceOfSatisfying(
                            PermanentException.class,
                            e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                    .hasMessageContaining("hooks.example.com (" + address + ")");
        }
        assertThatThrownBy(() -> strict.push(context(), batch))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("loopback");
        assertThat(server.getRequestCount()).isZero();
    }

    private static DestinationContext contextFor(String url) {
        return new DestinationContext(
                "hook",
                Map.of("url", url, "secret", "env:HOOK"),
                SecretResolver.fromEnvironment(Map.of("HOOK", SECRET)));
    }
}
