package dev.masync.connector.http;

import okhttp3.Headers;

import java.util.Objects;

/**
 * The parts of an HTTP response that decide a failure.
 *
 * @param retryAfter the raw {@code Retry-After} header, or null
 * @param body       the response body as text (read up to the client's limit), possibly empty
 * @param headers    every response header, for vendor rate headers ({@code Sforce-Limit-Info}…); empty when unknown
 */
public record HttpReply(int status, String retryAfter, String body, Headers headers) {
    public HttpReply {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(headers, "headers");
    }

    public HttpReply(int status, String retryAfter, String body) {
        this(status, retryAfter, body, Headers.of());
    }

    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    /** A response header, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
