package dev.masync.connector.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.AccessToken;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.http.TokenProvider;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The REST calls of one push: each takes a permit of the account's {@link CallBudget} and closes it after the
 * answer, carries the token in the {@code Authorization} header only, and reads Marketo's envelope. An answer
 * without {@code success:true} is never a success: a 601/602 refreshes the token once and sends the call again (a
 * new permit), anything else is classified by {@link MarketoSignals}. A 2xx whose body is empty or not JSON is a
 * retryable {@code malformed_response}.
 */
final class MarketoApi {
    static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange http;
    private final TokenProvider tokens;
    private final MarketoSettings settings;
    private final CallBudget calls;
    private final Clock clock;

    MarketoApi(HttpExchange http, TokenProvider tokens, MarketoSettings settings, CallBudget calls, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    HttpUrl.Builder url(String path) {
        return settings.url(path).newBuilder();
    }

    JsonNode get(HttpUrl url) {
        return call(url, () -> new Request.Builder().url(url).get());
    }

    JsonNode post(HttpUrl url, byte[] json) {
        return call(url, () -> new Request.Builder().url(url).post(RequestBody.create(json, JSON_TYPE)));
    }

    /** A POST with a form body (lookups as {@code ?_method=GET}, so that keys stay out of URLs). */
    JsonNode post(HttpUrl url, RequestBody body) {
        return call(url, () -> new Request.Builder().url(url).post(body));
    }

    JsonNode delete(HttpUrl url) {
        return call(url, () -> new Request.Builder().url(url).delete());
    }

    private JsonNode call(HttpUrl url, Supplier<Request.Builder> request) {
        String what = url.encodedPath();
        AccessToken token = tokens.token();
        JsonNode answer = once(request.get(), token, what);
        String code = errorCode(answer);
        if (code != null && MarketoSignals.isTokenProblem(code)) {
            token = tokens.refresh(token.value()).orElse(token);
            answer = once(request.get(), token, what);
            code = errorCode(answer);
            if (code != null) throw failure(answer, code, what, true);
        } else if (code != null) {
            throw failure(answer, code, what, false);
        }
        return answer;
    }

    private RuntimeException failure(JsonNode answer, String code, String what, boolean refreshed) {
        String message = answer.path("errors").path(0).path("message").asText("");
        return MarketoSignals.failure(code, message, what, calls, clock, refreshed);
    }

    /** The first error code of a {@code success:false} answer, or null for a success. */
    private static String errorCode(JsonNode answer) {
        if (answer.path("success").asBoolean(false)) return null;
        String code = answer.path("errors").path(0).path("code").asText("");
        return code.isEmpty() ? "no_code" : code;
    }

    private JsonNode once(Request.Builder request, AccessToken token, String what) {
        HttpReply reply;
        try (CallBudget.Permit permit = calls.take()) {
            reply = http.execute(request.header("Authorization", "Bearer " + token.value())
                    .tag(CallBudget.class, calls)
                    .build());
        }
        if (reply.body().isBlank()) {
            throw new RetryableException("malformed_response: Marketo answered " + reply.status()
                    + " with an empty body to " + what + "; whether it applied the call is unknown, it is sent again");
        }
        try {
            JsonNode body = JSON.readTree(reply.body());
            if (body == null || !body.isObject()) throw new IOException("not an object");
            return body;
        } catch (IOException e) {
            throw new RetryableException("malformed_response: Marketo answered " + reply.status()
                    + " with a body that is not a JSON object to " + what + "; it is sent again");
        }
    }
}
