package dev.masync.testing.vendor;

import java.time.Duration;
import java.util.Objects;

/**
 * One injected misbehaviour of a vendor fake. Each vendor renders a kind in its own shape: {@link Kind#THROTTLE} is
 * a 429 with HubSpot's {@code policyName} body or Salesforce's 403 {@code REQUEST_LIMIT_EXCEEDED}; {@link
 * Kind#SERVER_ERROR} a 5xx in the vendor's error shape.
 *
 * @param applied whether the request's writes happen before the answer is spoiled (a lost or garbled
 *     acknowledgement); never for throttles and server errors
 */
public record Fault(Kind kind, int status, String policy, Duration delay, boolean applied) {
    public enum Kind {
        /** A 5xx in the vendor's error shape; nothing applied. */
        SERVER_ERROR,
        /** The vendor's throttle answer; {@code policy} picks HubSpot's policy ({@code TEN_SECONDLY_ROLLING}, {@code DAILY}). */
        THROTTLE,
        /** The normal answer, after {@code delay} on the fake's sleeper (a slow answer, or a timeout for the client). */
        SLOW,
        /** A 2xx with a zero-length body. */
        EMPTY_BODY,
        /** A 2xx whose JSON says nothing happened (HubSpot: no results and no errors; Salesforce: {@code []}). */
        SILENT_NO_OP,
        /** A 2xx whose body is not valid JSON. */
        MALFORMED_BODY,
        /** The connection closes without an answer. */
        DROP
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
    }

    public static Fault serverError(int status) {
        if (status < 500 || status > 599) throw new IllegalArgumentException("a server error is 5xx, got " + status);
        return new Fault(Kind.SERVER_ERROR, status, null, Duration.ZERO, false);
    }

    public static Fault throttle(String policy) {
        return new Fault(Kind.THROTTLE, 0, policy, Duration.ZERO, false);
    }

    public static Fault throttle() {
        return throttle(null);
    }

    public static Fault slow(Duration delay) {
        return new Fault(Kind.SLOW, 0, null, delay, true);
    }

    public static Fault emptyBody(boolean applied) {
        return new Fault(Kind.EMPTY_BODY, 200, null, Duration.ZERO, applied);
    }

    public static Fault silentNoOp() {
        return new Fault(Kind.SILENT_NO_OP, 200, null, Duration.ZERO, false);
    }

    public static Fault malformedBody(boolean applied) {
        return new Fault(Kind.MALFORMED_BODY, 200, null, Duration.ZERO, applied);
    }

    public static Fault drop(boolean applied) {
        return new Fault(Kind.DROP, -1, null, Duration.ZERO, applied);
    }

    String label() {
        return policy == null ? kind.name() : kind.name() + ":" + policy;
    }
}
