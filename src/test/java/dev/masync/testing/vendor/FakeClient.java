package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A tiny HTTP client for tests of the vendor fakes. */
final class FakeClient {
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return FakeExchange.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String bearer;

    FakeClient(String base) {
        this.base = base;
    }

    FakeClient bearer(String token) {
        this.bearer = token;
        return this;
    }

    Answer send(String method, String path, String contentType, String body) {
        try {
            return sendAsync(method, path, contentType, body).get();
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }

    CompletableFuture<Answer> sendAsync(String method, String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.headers(), r.body()));
    }

    Answer json(String method, String path, String body) {
        return send(method, path, "application/json", body);
    }

    Answer get(String path) {
        return send("GET", path, null, null);
    }

    Answer form(String path, String body) {
        return send("POST", path, "application/x-www-form-urlencoded", body);
    }
}
