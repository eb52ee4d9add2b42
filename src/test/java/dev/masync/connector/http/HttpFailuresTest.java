package dev.masync.connector.http;

import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.PermanentException.Code;
import dev.masync.connector.spi.RetryableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HttpFailuresTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    final HttpFailures failures = new HttpFailures(CLOCK);

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 299})
    void successIsNoFailure(int status) {
        assertThat(failures.classify(status, null, "")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void transientStatusesAreRetryable(int status) {
        assertThat(failures.classify(status, null, "busy")).get().isInstanceOf(RetryableException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "401,AUTH",
        "403,PERMISSION",
        "400,INVALID_REQUEST",
        "404,INVALID_CONFIG",
        "413,INVALID_REQUEST",
        "422,INVALID_REQUEST",
        "410,INVALID_CONFIG",
        "301,INVALID_CONFIG"
    })
    void clientErrorsArePermanentWithACode(int status, Code code) {
        assertThat(failures.classify(status, null, "{\"error\":\"nope\"}"))
                .get()
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(String.valueOf(status), "nope");
                });
    }

    @Test
    void retryAfterInSecondsBecomesTheDelay() {
        assertThat(retryAfter(failures.classify(429, "7", ""))).contains(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsHttpDateIsMeasuredFromTheInjectedClock() {
        assertThat(retryAfter(failures.classify(503, "Sun, 01 Mar 2026 12:01:30 GMT", "")))
                .contains(Duration.ofSeconds(90));
    }

    @Test
    void retryAfterInThePastMeansNoWait() {
        assertThat(retryAfter(failures.classify(503, "Sun, 01 Mar 2026 11:00:00 GMT", "")))
                .contains(Duration.ZERO);
    }

    @Test
    void unreadableRetryAfterIsIgnored() {
        assertThat(retryAfter(failures.classify(429, "soon", ""))).isEmpty();
    }

    @Test
    void timeoutsAreRetryable() {
        assertThat(failures.ioFailure(new SocketTimeoutException("read timed out"))
                        .getMessage())
                .contains("timed out");
    }

    @Test
    void vendorQuirkOverridesOnlyWhatItRecognises() {
        // Salesforce throttles with 403 REQUEST_LIMIT_EXCEEDED; Marketo with 200 and code 606.
        HttpFailures vendor = failures.withQuirk((reply, standard) -> {
            if (reply.status() == 403 && reply.body().contains("REQUEST_LIMIT_EXCEEDED")
                    || reply.status() == 200 && reply.body().contains("\"606\"")) {
                return Optional.of(standard.retryable("throttled", "60"));
            }
            return Optional.empty();
        });

        assertThat(retryAfter(vendor.classify(403, null, "[{\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")))
                .contains(Duration.ofSeconds(60));
        assertThat(vendor.classify(200, null, "{\"errors\":[{\"code\":\"606\"}]}"))
                .get()
                .isInstanceOf(RetryableException.class);
        assertThat(vendor.classify(403, null, "forbidden")).get().isInstanceOf(PermanentException.class);
        assertThat(vendor.classify(200, null, "{}")).isEmpty();
    }

    private static Optional<Duration> retryAfter(Optional<DestinationException> failure) {
        assertThat(failure).get().isInstanceOf(RetryableException.class);
        return ((RetryableException) failure.orElseThrow()).retryAfter();
    }
}
