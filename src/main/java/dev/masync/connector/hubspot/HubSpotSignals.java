package dev.masync.connector.hubspot;

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
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What HubSpot's answers say beyond plain HTTP, for one push: the {@code X-HubSpot-RateLimit-*} headers of every
 * answer are reported to the account's {@link CallBudget}, and the classification differs from the standard rules
 * where HubSpot does:
 *
 * <ul>
 *   <li>429 {@code policyName: DAILY}: retryable after the account's next midnight (its {@code timeZone}), and the
 *       budget is told the day is spent, so no call is made before the reset;</li>
 *   <li>429 {@code TEN_SECONDLY_ROLLING} (or any other 429): retryable after {@code Retry-After}, else one rate
 *       window ({@code X-HubSpot-RateLimit-Interval-Milliseconds}, 10 s), as HubSpot's own SDK waits;</li>
 *   <li>403 {@code MISSING_SCOPES}: {@code PERMISSION} naming the scopes to grant;</li>
 *   <li>401 (after one refresh): {@code AUTH} saying which credential to renew;</li>
 *   <li>400 "non-unique property": {@code INVALID_CONFIG} (the sync's identity field is not a unique property), not
 *       a record's fault, so the engine does not split the batch.</li>
 * </ul>
 */
final class HubSpotSignals implements VendorQuirk {
    static final String REMAINING = "X-HubSpot-RateLimit-Remaining";
    static final String DAILY = "X-HubSpot-RateLimit-Daily";
    static final String DAILY_REMAINING = "X-HubSpot-RateLimit-Daily-Remaining";
    static final String INTERVAL = "X-HubSpot-RateLimit-Interval-Milliseconds";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_WINDOW = HubSpotSettings.WINDOW;

    private final CallBudget budget;
    private final ZoneId accountZone;
    private final Clock clock;

    HubSpotSignals(CallBudget budget, ZoneId accountZone, Clock clock) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.accountZone = Objects.requireNonNull(accountZone, "accountZone");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<DestinationException> classify(HttpReply reply, HttpFailures standard) {
        observe(reply);
        return switch (reply.status()) {
            case 429 -> Optional.of(throttled(reply, standard));
            case 401 ->
                Optional.of(new PermanentException(
                        PermanentException.Code.AUTH,
                        "HubSpot refused the credentials (HTTP 401" + category(reply) + ") even after a token refresh:"
                                + " the private-app token or the OAuth refresh token was revoked, rotated or belongs"
                                + " to another account; store a valid one in the secret the destination names"));
            case 403 -> Optional.of(forbidden(reply));
            case 400 -> nonUniqueKey(reply);
            default -> Optional.empty();
        };
    }

    /** Reports the rate headers of an answer (any status) to the budget; nothing when HubSpot sent none. */
    void observe(HttpReply reply) {
        OptionalLong window = number(reply.header(REMAINING));
        OptionalLong dayRemaining = number(reply.header(DAILY_REMAINING));
        OptionalLong dayMax = number(reply.header(DAILY));
        if (window.isPresent() || dayRemaining.isPresent() || dayMax.isPresent()) {
            budget.observe(new CallBudget.Observation(window, dayRemaining, dayMax, Optional.empty(), false));
        }
    }

    private RetryableException throttled(HttpReply reply, HttpFailures standard) {
        String policy = field(reply.body(), "policyName");
        if ("DAILY".equals(policy)) {
            Duration untilReset = untilMidnight();
            budget.observe(CallBudget.Observation.throttled(untilReset, true));
            return new RetryableException(
                    "throttled: HubSpot's DAILY call limit for the account is spent; it resets at midnight "
                            + accountZone.getId() + " (in " + untilReset.toMinutes() + " min). Set the destination's"
                            + " callsPerDay to the account's quota so the budget paces below it",
                    untilReset,
                    null);
        }
        Duration wait = standard.retryAfter(reply.retryAfter())
                .or(() -> {
                    OptionalLong ms = number(reply.header(INTERVAL));
                    return ms.isPresent() ? Optional.of(Duration.ofMillis(ms.getAsLong())) : Optional.empty();
                })
                .orElse(DEFAULT_WINDOW);
        budget.observe(CallBudget.Observation.throttled(wait, false));
        return new RetryableException(
                "throttled: HubSpot's " + (policy == null ? "rate" : policy) + " limit (HTTP 429); retry after "
                        + wait.toMillis() + " ms",
                wait,
                null);
    }

    private static PermanentException forbidden(HttpReply reply) {
        JsonNode body = tree(reply.body());
        List<String> scopes = new ArrayList<>();
        if (body != null) {
            for (JsonNode error : body.path("errors")) {
                error.path("context").path("requiredGranularScopes").forEach(s -> scopes.add(s.asText()));
                error.path("context").path("requiredScopes").forEach(s -> scopes.add(s.asText()));
            }
        }
        String category = body == null ? null : body.path("category").asText(null);
        if (!scopes.isEmpty() || "MISSING_SCOPES".equals(category)) {
            return new PermanentException(
                    PermanentException.Code.PERMISSION,
                    "the HubSpot app lacks the scope" + (scopes.size() == 1 ? " " : "s ")
                            + (scopes.isEmpty() ? "this call needs" : String.join(", ", scopes))
                            + ": grant " + (scopes.size() == 1 ? "it" : "them")
                            + " to the private app (or reinstall the OAuth app with "
                            + (scopes.size() == 1 ? "it" : "them") + ")");
        }
        return new PermanentException(
                PermanentException.Code.PERMISSION,
                "HubSpot refused the call (HTTP 403" + category(reply) + "): " + excerpt(reply));
    }

    private static Optional<DestinationException> nonUniqueKey(HttpReply reply) {
        String message = field(reply.body(), "message");
        if (message != null && message.contains("non-unique")) {
            return Optional.of(
                    new PermanentException(
                            PermanentException.Code.INVALID_CONFIG,
                            "HubSpot cannot find contacts by the sync's identity field: " + Redaction.text(message)
                                    + " Use email or a contact property with unique values (hasUniqueValue) as identity.field"));
        }
        return Optional.empty();
    }

    private Duration untilMidnight() {
        ZonedDateTime now = clock.instant().atZone(accountZone);
        ZonedDateTime midnight = now.toLocalDate().plusDays(1).atStartOfDay(accountZone);
        return Duration.between(now, midnight);
    }

    private static String category(HttpReply reply) {
        String category = field(reply.body(), "category");
        return category == null ? "" : ", " + category;
    }

    private static String excerpt(HttpReply reply) {
        String message = field(reply.body(), "message");
        return message == null ? "no message" : Redaction.text(message);
    }

    /** A top-level text field of a JSON body, or null when the body is not such JSON. */
    static String field(String body, String name) {
        JsonNode tree = tree(body);
        return tree == null || !tree.path(name).isTextual()
                ? null
                : tree.path(name).asText();
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
