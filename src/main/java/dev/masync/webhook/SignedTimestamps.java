package dev.masync.webhook;

import java.time.Duration;
import java.time.Instant;

/** Signed timestamps: parsed from the sender's header and refused when outside the tolerance (replays). */
public final class SignedTimestamps {
    private SignedTimestamps() {}

    /**
     * The instant of a decimal epoch value in {@code unitMillis} milliseconds per unit (1 for HubSpot, 1000 for
     * Standard Webhooks), refused with 401 when missing, not a number, or further than {@code tolerance} from now.
     */
    public static Instant check(String header, String value, long unitMillis, Instant now, Duration tolerance) {
        if (value == null || value.isBlank()) {
            throw WebhookRefusal.unauthorized("missing_signature", header + " is missing; the sender must sign.");
        }
        long epoch;
        try {
            epoch = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw WebhookRefusal.unauthorized(
                    "invalid_timestamp", header + " must be a decimal epoch time (" + describe(unitMillis) + ").");
        }
        if (Math.abs(epoch) > Long.MAX_VALUE / 1000 / Math.max(1, unitMillis)) {
            throw WebhookRefusal.unauthorized("invalid_timestamp", header + " is out of range.");
        }
        Instant at = Instant.ofEpochMilli(epoch * unitMillis);
        Duration off = Duration.between(at, now).abs();
        if (off.compareTo(tolerance) > 0) {
            throw WebhookRefusal.unauthorized(
                    "stale_timestamp",
                    header + " is " + off.toSeconds() + " s from now; at most " + tolerance.toSeconds()
                            + " s are accepted (a replayed or delayed delivery, or a clock out of sync).");
        }
        return at;
    }

    private static String describe(long unitMillis) {
        return unitMillis == 1 ? "milliseconds" : "seconds";
    }
}
