package dev.masync.connector.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

import java.io.IOException;
import java.util.Objects;

/**
 * The REST calls of one push, under {@code /services/data/vXX.X/} of the org: each takes a permit of the account's
 * {@link CallBudget} and closes it after the answer, carries the budget so that {@code Sforce-Limit-Info} and
 * throttles are reported to it, and is classified by {@link SalesforceQuirks}. A 2xx whose JSON cannot be read is a
 * retryable {@code malformed_response}.
 */
final class SalesforceApi {
    static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final MediaType CSV_TYPE = MediaType.get("text/csv");
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange http;
    private final HttpExchange results;
    private final HttpUrl data;
    private final CallBudget calls;

    /**
     * @param http    the account's exchange (bearer auth, limit observer, Salesforce quirks)
     * @param results the same with a larger response limit, for Bulk result CSVs
     */
    SalesforceApi(HttpExchange http, HttpExchange results, HttpUrl data, CallBudget calls) {
        this.http = Objects.requireNonNull(http, "http");
        this.results = Objects.requireNonNull(results, "results");
        this.data = Objects.requireNonNull(data, "data");
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    HttpUrl.Builder url(String path) {
        return data.newBuilder().addEncodedPathSegments(path);
    }

    JsonNode get(HttpUrl url) {
        return json(call(new Request.Builder().url(url).get(), http), url);
    }

    JsonNode send(String method, HttpUrl url, JsonNode body) {
        RequestBody content;
        try {
            content = RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a record value cannot be written as JSON", e);
        }
        return json(call(new Request.Builder().url(url).method(method, content), http), url);
    }

    JsonNode delete(HttpUrl url) {
        return json(call(new Request.Builder().url(url).delete(), http), url);
    }

    /** A call whose answer is not read as JSON (an upload: 201 without body). */
    HttpReply sendRaw(String method, HttpUrl url, RequestBody body) {
        return call(new Request.Builder().url(url).method(method, body), http);
    }

    /** A text answer (Bulk result CSV), read up to the larger limit. */
    String getText(HttpUrl url) {
        return call(new Request.Builder().url(url).get(), results).body();
    }

    private HttpReply call(Request.Builder request, HttpExchange exchange) {
        try (CallBudget.Permit permit = calls.take()) {
            return exchange.execute(request.tag(CallBudget.class, calls).build());
        }
    }

    private static JsonNode json(HttpReply reply, HttpUrl url) {
        String what = url.encodedPath().replaceFirst("^/services/data/v[0-9.]+/", "");
        if (reply.body().isBlank()) {
            throw new RetryableException("malformed_response: Salesforce answered " + reply.status()
                    + " with an empty body to " + what + "; whether it applied the call is unknown, it is sent again");
        }
        try {
            return JSON.readTree(reply.body());
        } catch (IOException e) {
            throw new RetryableException("malformed_response: Salesforce answered " + reply.status()
                    + " with a body that is not JSON to " + what + "; it is sent again");
        }
    }
}
