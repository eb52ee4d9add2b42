package dev.masync.connector.http;

import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.RetryableException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;

/**
 * The execute → classify → outcome sequence every HTTP connector runs for a vendor call: execute the request, read
 * the body up to a limit (an endless body stops there, a slow one at the client's call timeout), classify the reply
 * with {@link HttpFailures} (vendor quirks included), and only then hand a 2xx reply to the connector to read its
 * outcome. I/O failures are classified too, so a connector never sees an {@link IOException}.
 *
 * <p>Thread-safe; one instance per connector (it holds that connector's client and classifier). It never retries:
 * retry lives in the engine.
 */
public final class HttpExchange {
    private final OkHttpClient client;
    private final HttpFailures failures;
    private final long maxResponseBytes;

    /**
     * @param client           the connector's client (derived from the shared one with {@code newBuilder()})
     * @param failures         the classifier, with the vendor's quirk if any
     * @param maxResponseBytes the most of a response body read; a longer 2xx body is a malformed response
     */
    public HttpExchange(OkHttpClient client, HttpFailures failures, long maxResponseBytes) {
        this.client = Objects.requireNonNull(client, "client");
        this.failures = Objects.requireNonNull(failures, "failures");
        if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be positive");
        this.maxResponseBytes = maxResponseBytes;
    }

    /**
     * Sends {@code request} and returns the 2xx reply.
     *
     * @throws DestinationException the classified failure: a non-2xx status, an I/O failure, or a 2xx body larger
     *     than the limit ({@code malformed_response}, retryable)
     */
    public HttpReply execute(Request request) {
        try (Response response = client.newCall(request).execute()) {
            BufferedSource source = response.body().source();
            boolean tooLarge = source.request(maxResponseBytes + 1);
            long take = Math.min(source.getBuffer().size(), maxResponseBytes);
            HttpReply reply = new HttpReply(
                    response.code(),
                    response.header("Retry-After"),
                    source.getBuffer().readUtf8(take),
                    response.headers());
            failures.check(reply);
            if (tooLarge) {
                throw new RetryableException("malformed_response: the response body is larger than " + maxResponseBytes
                        + " bytes (masync.connectors.http.max-response-bytes)");
            }
            return reply;
        } catch (IOException e) {
            throw failures.ioFailure(e, request.url());
        }
    }

    /** Sends {@code request} and reads the outcome of its 2xx reply with {@code outcome}. */
    public <T> T execute(Request request, Function<HttpReply, T> outcome) {
        return outcome.apply(execute(request));
    }

    /** The classifier this exchange uses (for outcome readers that classify in-body errors). */
    public HttpFailures failures() {
        return failures;
    }
}
