package dev.masync.testing.vendor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link BrazeFake} behaves. Defaults follow connectors/braze/NOTES.md (a current plan); what the design notes
 * mark UNCONFIRMED is a setting here, its default the likeliest reading.
 *
 * @param objectsPerRequest  the object cap of one {@code /users/track} request (75)
 * @param combinedCap        current plans: the cap counts attributes, events and purchases together; legacy plans
 *                           ({@code false}): the cap applies to each array
 * @param callsPerWindow     {@code /users/track} requests per fixed {@code window} per workspace (3,000 per 3 s)
 * @param window             the rate window; {@code X-RateLimit-Reset} is its end in epoch seconds
 * @param rateHeaders        whether answers carry {@code x-ratelimit-*}
 * @param successStatus      the status of a successful track (UNCONFIRMED: 201 or 200)
 * @param allInvalidStatus   the status when every object of a request is invalid (UNCONFIRMED)
 * @param maxStringChars     longest custom attribute string value; longer is a per-item error (UNCONFIRMED)
 */
public record BrazeFakeConfig(
        int objectsPerRequest,
        boolean combinedCap,
        int callsPerWindow,
        Duration window,
        boolean rateHeaders,
        int successStatus,
        int allInvalidStatus,
        int maxStringChars) {

    public BrazeFakeConfig {
        Objects.requireNonNull(window, "window");
        if (objectsPerRequest < 1) throw new IllegalArgumentException("objectsPerRequest must be positive");
        if (callsPerWindow < 1) throw new IllegalArgumentException("callsPerWindow must be positive");
        if (window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("window is whole seconds (X-RateLimit-Reset is in seconds)");
        }
    }

    public static BrazeFakeConfig defaults() {
        return new BrazeFakeConfig(75, true, 3_000, Duration.ofSeconds(3), true, 201, 400, 255);
    }

    public BrazeFakeConfig withObjectsPerRequest(int cap, boolean combined) {
        return new BrazeFakeConfig(
                cap, combined, callsPerWindow, window, rateHeaders, successStatus, allInvalidStatus, maxStringChars);
    }

    public BrazeFakeConfig withRate(int calls, Duration window) {
        return new BrazeFakeConfig(
                objectsPerRequest,
                combinedCap,
                calls,
                window,
                rateHeaders,
                successStatus,
                allInvalidStatus,
                maxStringChars);
    }

    public BrazeFakeConfig withSuccessStatus(int status) {
        return new BrazeFakeConfig(
                objectsPerRequest,
                combinedCap,
                callsPerWindow,
                window,
                rateHeaders,
                status,
                allInvalidStatus,
                maxStringChars);
    }

    public BrazeFakeConfig withAllInvalidStatus(int status) {
        return new BrazeFakeConfig(
                objectsPerRequest,
                combinedCap,
                callsPerWindow,
                window,
                rateHeaders,
                successStatus,
                status,
                maxStringChars);
    }
}
