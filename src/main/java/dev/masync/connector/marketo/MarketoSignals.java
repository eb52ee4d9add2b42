package dev.masync.connector.marketo;

import dev.masync.connector.http.Redaction;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * What Marketo's codes mean (connectors/marketo/NOTES.md). Marketo answers HTTP 200 for nearly every error, with
 * {@code success:false} and {@code errors[{code,message}]}: such an answer is never a success. Request-level codes
 * become the engine's retryable or permanent failures, with throttles reported to the call budget; record-level
 * {@code reasons[]} become rejection codes.
 */
final class MarketoSignals {
    /** "Max rate limit '100' exceeded with in '20' secs": wait out the window. */
    static final Duration RATE_PAUSE = Duration.ofSeconds(20);
    /** Too many concurrent calls: a short pause lets the other calls finish. */
    static final Duration CONCURRENCY_PAUSE = Duration.ofSeconds(2);
    /** The daily quota resets at 12:00 AM Central time. */
    static final ZoneId QUOTA_ZONE = ZoneId.of("America/Chicago");

    private static final Set<String> AUTH_RETRY = Set.of("600", "601", "602");
    private static final Set<String> RETRY = Set.of("502", "604", "608", "611", "614", "713");
    private static final Set<String> WRONG_URL = Set.of("605", "610", "612");

    private MarketoSignals() {}

    static boolean isTokenProblem(String code) {
        return AUTH_RETRY.contains(code);
    }

    /**
     * The failure a {@code success:false} answer means, after the throttle was reported to {@code calls}. {@code
     * tokenRefreshed}: a 601/602 after a fresh token is a credentials problem.
     */
    static DestinationException failure(
            String code, String message, String what, CallBudget calls, Clock clock, boolean tokenRefreshed) {
        String said =
                "Marketo answered " + code + " (" + Redaction.text(message == null ? "" : message) + ") to " + what;
        switch (code) {
            case "no_code" -> {
                return new RetryableException("malformed_response: Marketo answered " + what
                        + " without success:true and without an error code; it is sent again");
            }
            case "606" -> {
                calls.observe(CallBudget.Observation.throttled(RATE_PAUSE, false));
                return new RetryableException(
                        "throttled: " + said + "; more than 100 calls in 20 s on this instance", RATE_PAUSE, null);
            }
            case "615" -> {
                calls.observe(CallBudget.Observation.throttled(CONCURRENCY_PAUSE, false));
                return new RetryableException(
                        "throttled: " + said + "; more than 10 calls at once on this instance",
                        CONCURRENCY_PAUSE,
                        null);
            }
            case "607" -> {
                Duration untilReset = untilReset(clock);
                calls.observe(CallBudget.Observation.throttled(untilReset, true));
                return new RetryableException(
                        "quota_exhausted: " + said + "; the instance's daily API quota is used up until midnight"
                                + " Central time (raise callsPerDay only if the subscription's quota is higher)",
                        untilReset,
                        null);
            }
            case "603" -> {
                return new PermanentException(
                        PermanentException.Code.PERMISSION,
                        said + "; give the API-only user's role Read-Write Person (and Read-Write Assets for lists)");
            }
            default -> {
                // handled below
            }
        }
        if (isTokenProblem(code)) {
            if (tokenRefreshed) {
                return new PermanentException(
                        PermanentException.Code.AUTH,
                        said + " with a fresh token; check clientId and clientSecret and the API user's access");
            }
            return new RetryableException(said + "; the token is refreshed and the call sent again");
        }
        if (RETRY.contains(code)) return new RetryableException("unavailable: " + said + "; it is sent again");
        if (WRONG_URL.contains(code)) {
            return new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    said + "; baseUrl must be the instance's https://<munchkin id>.mktorest.com");
        }
        if (code.equals("609")) return new PermanentException(PermanentException.Code.INVALID_REQUEST, said);
        if (code.equals("1013")) {
            return new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    said + "; the sync's membership list must be the numeric id of an existing static list");
        }
        if (code.startsWith("1") && code.length() == 4) {
            return new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    said + "; check the lookup field (a dedupe field of the lead database) and the mapped field"
                            + " names");
        }
        if (code.startsWith("6") || code.startsWith("5")) {
            return new RetryableException("unavailable: " + said + "; it is sent again");
        }
        return new PermanentException(PermanentException.Code.INVALID_REQUEST, said);
    }

    static Duration untilReset(Clock clock) {
        Instant now = clock.instant();
        ZonedDateTime next = now.atZone(QUOTA_ZONE).toLocalDate().plusDays(1).atStartOfDay(QUOTA_ZONE);
        Duration d = Duration.between(now, next);
        return d.isNegative() || d.isZero() ? Duration.ofSeconds(1) : d;
    }

    /** The rejection code of a record-level reason. */
    static String recordCode(String reason) {
        return switch (reason) {
            case "1001", "1002", "1003" -> "invalid_value";
            case "1004" -> "not_found";
            case "1005" -> "already_exists";
            case "1006" -> "unknown_field";
            case "1007" -> "ambiguous_key";
            case "1036" -> "duplicate_in_batch";
            default -> "skipped_" + reason;
        };
    }
}
