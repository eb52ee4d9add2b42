package dev.masync.testing.vendor;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How a {@link MarketoFake} behaves. Defaults follow connectors/marketo/NOTES.md; what the design notes mark
 * UNCONFIRMED is a setting here.
 *
 * @param maxBatchRecords records per Lead DB call and ids per list call (300)
 * @param maxBodyBytes REST payload cap (1 MB; above it HTTP 413)
 * @param tokenLifetime life of a new access token (3600 s)
 * @param callsPerWindow calls per rolling {@code window} (100 per 20 s); above it 606
 * @param window the rolling window
 * @param maxConcurrent calls in flight at once (10); above it 615
 * @param dailyQuota calls per day (50,000 typical); above it 607
 * @param dailyReset the quota resets at midnight in this zone ("12:00 AM CST"; DST handling UNCONFIRMED)
 * @param latency the service time of every admitted API call (~300 ms in production; 0 in unit tests)
 * @param overCapCode response-level error code for more than {@code maxBatchRecords} inputs (UNCONFIRMED)
 */
public record MarketoFakeConfig(
        int maxBatchRecords,
        int maxBodyBytes,
        Duration tokenLifetime,
        int callsPerWindow,
        Duration window,
        int maxConcurrent,
        long dailyQuota,
        ZoneId dailyReset,
        Duration latency,
        String overCapCode) {

    public MarketoFakeConfig {
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(dailyReset, "dailyReset");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(overCapCode, "overCapCode");
        if (maxBatchRecords < 1 || maxConcurrent < 1 || callsPerWindow < 1 || dailyQuota < 1) {
            throw new IllegalArgumentException("caps must be >= 1");
        }
    }

    public static MarketoFakeConfig defaults() {
        return new MarketoFakeConfig(
                300,
                1024 * 1024,
                Duration.ofSeconds(3600),
                100,
                Duration.ofSeconds(20),
                10,
                50_000,
                ZoneId.of("America/Chicago"),
                Duration.ZERO,
                "1003");
    }

    public MarketoFakeConfig withLimits(int perWindow, int concurrent, long daily) {
        return new MarketoFakeConfig(
                maxBatchRecords,
                maxBodyBytes,
                tokenLifetime,
                perWindow,
                window,
                concurrent,
                daily,
                dailyReset,
                latency,
                overCapCode);
    }

    public MarketoFakeConfig withLatency(Duration latency) {
        return new MarketoFakeConfig(
                maxBatchRecords,
                maxBodyBytes,
                tokenLifetime,
                callsPerWindow,
                window,
                maxConcurrent,
                dailyQuota,
                dailyReset,
                latency,
                overCapCode);
    }

    public MarketoFakeConfig withMaxBodyBytes(int bytes) {
        return new MarketoFakeConfig(
                maxBatchRecords,
                bytes,
                tokenLifetime,
                callsPerWindow,
                window,
                maxConcurrent,
                dailyQuota,
                dailyReset,
                latency,
                overCapCode);
    }
}
