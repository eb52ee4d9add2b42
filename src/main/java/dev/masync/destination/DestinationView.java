package dev.masync.destination;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * A destination as the API returns it. Settings are returned as written: a secret setting holds its reference
 * ({@code env:NAME}, {@code file:/path}), never a value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestinationView(
        String key,
        String name,
        String type,
        Map<String, String> settings,
        Integer batchSize,
        RateLimitView rateLimit,
        int version,
        String source,
        String sourceFile,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {

    /** @param per an ISO-8601 duration, e.g. {@code PT10S} */
    public record RateLimitView(int requests, String per) {}
}
