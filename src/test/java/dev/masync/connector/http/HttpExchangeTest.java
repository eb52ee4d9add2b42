package dev.masync.connector.http;

import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpExchangeTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T06:00:00Z"), ZoneOffset.UTC);

    MockWebServer server;
    final HttpExchange http = new HttpExchange(new OkHttpClient(), new HttpFailures(CLOCK), 64);

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Request get() {
        return new Request.Builder().url(server.url("/x")).build();
    }

    @Test
    void aSuccessHandsTheReplyWithItsHeadersToTheOutcomeReader() {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Sforce-Limit-Info", "api-usage=18/5000")
                .body("{\"ok\":true}")
                .build());

        String limit = http.execute(get(), reply -> reply.header("Sforce-Limit-Info") + " " + reply.body());

        assertThat(limit).isEqualTo("api-usage=18/5000 {\"ok\":true}");
    }

    @Test
    void failuresAreClassifiedBeforeAnyOutcomeIsRead() {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", "7")
                .build());
        server.enqueue(new MockResponse.Builder().code(401).body("expired").build());

        assertThatThrownBy(() -> http.execute(get(), reply -> {
                    throw new AssertionError("not a success");
                }))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)));
        assertThatThrownBy(() -> http.execute(get()))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH));
    }

    @Test
    void aVendorQuirkOverridesTheStandardRules() {
        HttpExchange quirky = new HttpExchange(
                new OkHttpClient(),
                new HttpFailures(CLOCK)
                        .withQuirk((reply, standard) ->
                                reply.status() == 403 && reply.body().contains("REQUEST_LIMIT_EXCEEDED")
                                        ? Optional.of(standard.retryable("throttled", null))
                                        : Optional.empty()),
                64);
        server.enqueue(new MockResponse.Builder()
                .code(403)
                .body("[{\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")
                .build());

        assertThatThrownBy(() -> quirky.execute(get())).isInstanceOf(RetryableException.class);
    }

    @Test
    void anOversizedSuccessBodyIsAMalformedResponse() {
        server.enqueue(new MockResponse.Builder().code(200).body("x".repeat(65)).build());
        server.enqueue(new MockResponse.Builder().code(200).body("x".repeat(64)).build());

        assertThatThrownBy(() -> http.execute(get()))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("malformed_response");
        assertThat(http.execute(get()).body()).hasSize(64);
    }

    @Test
    void anUnreachableHostIsRetryableWithWordsAUserCanActOn() throws Exception {
        var url = server.url("/x");
        server.close();

        assertThatThrownBy(() -> http.execute(new Request.Builder().url(url).build()))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("connection refused");
    }
}
