package dev.masync.connector.http;

import java.util.Objects;

/**
 * The parts of an HTTP response that decide a failure.
 *
 * @param retryAfter the raw {@code Retry-After} header, or null
 * @param body       the response body as text, possibly empty
 */
public record HttpReply(int status, String retryAfter, String body) {
    public HttpReply {
        Objects.requireNonNull(body, "body");
    }

    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }
}
