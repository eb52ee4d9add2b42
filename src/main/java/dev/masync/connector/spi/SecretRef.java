package dev.masync.connector.spi;

import java.util.Objects;

/**
 * Where a secret lives, never the secret itself: {@code env:NAME} or {@code file:/path}. Settings hold only
 * references; a {@link SecretResolver} turns one into a {@link Secret} at push time.
 */
public record SecretRef(Source source, String location) {

    public enum Source {
        ENV,
        FILE
    }

    public SecretRef {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(location, "location");
        if (location.isBlank()) throw new IllegalArgumentException("secret reference has no location");
    }

    /**
     * Parses {@code env:NAME} or {@code file:/path}.
     *
     * @throws IllegalArgumentException for anything else, without echoing the input (it may be a pasted secret)
     */
    public static SecretRef parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (reference.startsWith("env:") && reference.length() > 4) {
            return new SecretRef(Source.ENV, reference.substring(4));
        }
        if (reference.startsWith("file:") && reference.length() > 5) {
            return new SecretRef(Source.FILE, reference.substring(5));
        }
        throw new IllegalArgumentException("a secret must be referenced as env:NAME or file:/path");
    }

    @Override
    public String toString() {
        return source.name().toLowerCase(java.util.Locale.ROOT) + ":" + location;
    }
}
