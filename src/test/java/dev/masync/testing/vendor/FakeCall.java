package dev.masync.testing.vendor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One request a vendor fake received and what it answered, in arrival order. {@code fault} names the injected fault
 * that shaped the answer ({@code null} when none did); {@code status} is -1 when the connection was dropped.
 */
public record FakeCall(
        Instant at,
        String method,
        String path,
        String query,
        Map<String, String> headers,
        byte[] body,
        int status,
        String fault) {
    public FakeCall {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The header, by lower-case name. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
