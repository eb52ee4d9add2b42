package dev.masync.connector.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.http.VendorQuirk;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Braze's answers say beyond plain HTTP, for one push: {@code X-RateLimit-Remaining} of every answer goes to the
 * workspace's {@link CallBudget}, and the classification differs from the standard rules where Braze does:
 *
 * <ul>
 *   <li>429: retryable after {@code Retry-After} when present, else until {@code X-RateLimit-Reset} (epoch seconds),
 *       else one rate window; the budget is told to pause that long;</li>
 *   <li>401: {@code AUTH} (unknown or missing REST API key); 403: {@code PERMISSION} (plan, inactive workspace or
 *       a key without {@code users.track}); 404: {@code INVALID_CONFIG} (unknown key or wrong endpoint);</li>
 *   <li>400 {@code "Max Input Length Exceeded"}: {@code INVALID_CONFIG} (the plan's cap is below
 *       {@code objectsPerRequest}), not a record's fault;</li>
 *   <li>any other 400 is kept ({@link #lastRefusal}) so the caller can read per-item {@code errors[]} from it.</li>
 * </ul>
 */
final class BrazeSignals implements VendorQuirk {
    static final String LIMIT = "X-RateLimit-Limit";
    static final String REMAINING = "X-RateLimit-Remaining";
    static final String RESET = "X-RateLimit-Reset";
    static final String MAX_INPUT = "Max Input Length Exceeded";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CallBudget budget;
    private final Clock clock;
    private HttpReply lastRefusal;

    BrazeSignals(CallBudget budget, Clock clock) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<DestinationException> classify(HttpReply reply, HttpFailures standard) {
        observe(reply);
        String message = message(reply.body());
        return switch (reply.status()) {
            case 429 -> Optional.of(throttled(reply, standard));
            case 401 ->
                Optional.of(new PermanentException(
                        PermanentException.Code.AUTH,
                        "Braze refused the REST API key (HTTP 401): store a valid key of this"
                                + " workspace in the secret that apiKey names"));
            case 403 ->
                Optional.of(new PermanentException(
                        PermanentException.Code.PERMISSION,
                        "Braze refused the call (HTTP 403" + quote(message) + "): give the REST API key the"
                                + " users.track permission, and check that the workspace's plan is active"));
            case 404 ->
                Optional.of(new PermanentException(
                        PermanentException.Code.INVALID_CONFIG,
                        "Braze answered HTTP 404" + quote(message) + ": check that restEndpoint is the REST endpoint"
                                + " of the workspace's instance and that the API key belongs to it"));
            case 400 -> {
                if (message != null && message.contains(MAX_INPUT)) {
                    yield Optional.of(new PermanentException(
                            PermanentException.Code.INVALID_CONFIG,
                            "Braze refused the request: " + MAX_INPUT + ". The workspace's plan allows fewer objects"
                                    + " per /users/track request than objectsPerRequest; lower it (e.g. 50)"));
                }
                lastRefusal = reply;
                yield Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    /** The last 400 answer (the caller reads its per-item errors), or null. */
    HttpReply lastRefusal() {
        return lastRefusal;
    }

    void clearRefusal() {
        lastRefusal = null;
    }

    /** Reports {@code X-RateLimit-Remaining} (any status) to the budget. */
    void observe(HttpReply reply) {
        OptionalLong remaining = number(reply.header(REMAINING));
        if (remaining.isPresent()) {
            budget.observe(new CallBudget.Observation(
                    remaining, OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), false));
        }
    }

    private RetryableException throttled(HttpReply reply, HttpFailures standard) {
        Duration wait = standard.retryAfter(reply.retryAfter())
                .or(() -> untilReset(reply))
                .orElse(BrazeSettings.WINDOW);
        budget.observe(CallBudget.Observation.throttled(wait, false));
        return new RetryableException(
                "throttled: Braze's /users/track rate limit for the workspace (HTTP 429); retry after "
                        + wait.toMillis() + " ms. If several destinations write to this workspace, give them the same"
                        + " workspace setting so they share one budget",
                wait,
                null);
    }

    private Optional<Duration> untilReset(HttpReply reply) {
        OptionalLong reset = number(reply.header(RESET));
        if (reset.isEmpty()) return Optional.empty();
        long ms = reset.getAsLong() * 1000 - clock.millis();
        // a reset in the past (clock skew) still waits a moment rather than hammering
        return Optional.of(Duration.ofMillis(Math.max(ms, 100)));
    }

    /** Never used for a 401: Braze's "Invalid API key: …" may echo the key. */
    private static String quote(String message) {
        return message == null ? "" : ", \"" + Redaction.text(message) + "\"";
    }

    /** The top-level {@code message} of a JSON body, or null. */
    static String message(String body) {
        JsonNode tree = tree(body);
        return tree == null || !tree.path("message").isTextual()
                ? null
                : tree.path("message").asText();
    }

    static JsonNode tree(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static OptionalLong number(String header) {
        if (header == null) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
