package dev.masync.connector.http;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A bearer token and when it stops working. {@link #toString()} never shows the value.
 *
 * @param expiresAt empty for a token that does not expire (a private-app token, a static API key)
 */
public record AccessToken(String value, Optional<Instant> expiresAt) {
    public AccessToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (value.isBlank()) throw new IllegalArgumentException("access token is blank");
    }

    public static AccessToken permanent(String value) {
        return new AccessToken(value, Optional.empty());
    }

    public static AccessToken expiringAt(String value, Instant expiresAt) {
        return new AccessToken(value, Optional.of(expiresAt));
    }

    @Override
    public String toString() {
        return "AccessToken[value=***, expiresAt="
                + expiresAt.map(Instant::toString).orElse("never") + "]";
    }
}
