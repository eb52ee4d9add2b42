package dev.masync.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;

/**
 * One push's calls to one HubSpot account: the pinned API version's paths, a permit from the account's
 * {@link CallBudget} around every call (released when the answer is read), HubSpot's classification
 * ({@link HubSpotSignals}) and JSON bodies. A 2xx answer whose body is empty or not a JSON object is a retryable
 * {@code malformed_response}, never a success.
 */
final class HubSpotCalls {
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private final HttpExchange http;
    private final HubSpotSettings settings;
    private final CallBudget budget;
    private final ObjectMapper json;

    HubSpotCalls(
            OkHttpClient client,
            HubSpotSettings settings,
            CallBudget budget,
            Clock clock,
            long maxResponseBytes,
            ObjectMapper json) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.json = Objects.requireNonNull(json, "json");
        this.http = new HttpExchange(
                client,
                new HttpFailures(clock).withQuirk(new HubSpotSignals(budget, settings.timeZone(), clock)),
                maxResponseBytes);
    }

    /**
     * The URL of an API path such as {@code objects/contacts/batch/upsert}: {@code /crm/v3/objects/contacts/...}
     * for {@code v3}, {@code /crm/objects/2026-03/contacts/...} for a date version.
     */
    HttpUrl url(String apiPath) {
        int slash = apiPath.indexOf('/');
        String area = slash < 0 ? apiPath : apiPath.substring(0, slash);
        String rest = slash < 0 ? "" : apiPath.substring(slash + 1);
        String version = settings.apiVersion();
        String path = version.equals("v3")
                ? "crm/v3/" + apiPath
                : "crm/" + area + "/" + version + (rest.isEmpty() ? "" : "/" + rest);
        return settings.baseUrl().newBuilder().addPathSegments(path).build();
    }

    JsonNode post(String apiPath, JsonNode body) {
        return call(new Request.Builder().url(url(apiPath)).post(body(body)).build());
    }

    /** Posts a body already serialized (the contact batches, written straight to bytes). */
    JsonNode post(String apiPath, byte[] body) {
        return call(new Request.Builder()
                .url(url(apiPath))
                .post(RequestBody.create(body, JSON_TYPE))
                .build());
    }

    JsonNode put(String apiPath, JsonNode body) {
        return call(new Request.Builder().url(url(apiPath)).put(body(body)).build());
    }

    JsonNode get(HttpUrl url) {
        return call(new Request.Builder().url(url).get().build());
    }

    private RequestBody body(JsonNode body) {
        try {
            return RequestBody.create(json.writeValueAsBytes(body), JSON_TYPE);
        } catch (IOException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_REQUEST, "cannot serialize a HubSpot request body", e);
        }
    }

    /** One vendor call under one permit; the 2xx answer as a JSON object. */
    private JsonNode call(Request request) {
        HttpReply reply;
        try (CallBudget.Permit permit = budget.take()) {
            reply = http.execute(request);
        }
        String where = request.method() + " " + request.url().encodedPath();
        if (reply.body().isBlank()) {
            throw new RetryableException("malformed_response: HubSpot answered HTTP " + reply.status()
                    + " with an empty body to " + where + "; the outcome is unknown, so the batch is sent again");
        }
        JsonNode tree;
        try {
            tree = json.readTree(reply.body());
        } catch (IOException e) {
            throw new RetryableException(
                    "malformed_response: HubSpot's HTTP " + reply.status() + " answer to " + where + " is not JSON",
                    null,
                    e);
        }
        if (tree == null || !tree.isObject()) {
            throw new RetryableException("malformed_response: HubSpot's HTTP " + reply.status() + " answer to " + where
                    + " is not a JSON object");
        }
        return tree;
    }
}
