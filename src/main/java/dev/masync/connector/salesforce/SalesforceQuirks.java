package dev.masync.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.http.VendorQuirk;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import okhttp3.Interceptor;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Salesforce differs from plain HTTP: throttling is 403 {@code REQUEST_LIMIT_EXCEEDED} (never 429, no
 * {@code Retry-After}), {@code Sforce-Limit-Info: api-usage=used/max} on every answer, row locks are transient, and a
 * whole-request 400 about the object or the external id field is the configuration's fault, not a record's.
 */
final class SalesforceQuirks implements VendorQuirk {
    static final String LIMIT_INFO = "Sforce-Limit-Info";
    private static final Pattern API_USAGE = Pattern.compile("api-usage=(\\d+)/(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * No wait is documented: a throttle while the day's allocation has room (a burst or the concurrency cap) waits
     * this long before the next call.
     */
    static final Duration BURST_PAUSE = Duration.ofSeconds(5);
    /**
     * The rolling 24-hour allocation is spent: calls free up as the oldest of the last 24 h age out, which the
     * answers do not date; try again after this.
     */
    static final Duration DAILY_PAUSE = Duration.ofMinutes(15);

    /** Whole-request codes that say the object, a field or the external id field is wrong: fix the settings. */
    private static final Set<String> CONFIG_CODES = Set.of("INVALID_FIELD", "INVALID_TYPE", "NOT_FOUND", "INVALIDJOB");
    /** Whole-request codes that pass by themselves. */
    private static final Set<String> TRANSIENT_CODES = Set.of("UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE");

    /** {@code used/max} of {@code Sforce-Limit-Info}. */
    record Usage(long used, long max) {
        boolean exhausted() {
            return used >= max;
        }

        CallBudget.Observation observation() {
            return new CallBudget.Observation(
                    OptionalLong.empty(),
                    OptionalLong.of(Math.max(0, max - used)),
                    OptionalLong.of(max),
                    Optional.empty(),
                    false);
        }
    }

    static Optional<Usage> usage(String header) {
        if (header == null) return Optional.empty();
        Matcher m = API_USAGE.matcher(header);
        if (!m.find()) return Optional.empty();
        try {
            return Optional.of(new Usage(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean isThrottle(int status, String body) {
        return status == 403 && body != null && body.contains("REQUEST_LIMIT_EXCEEDED");
    }

    static Duration throttlePause(Optional<Usage> usage) {
        return usage.filter(Usage::exhausted).isPresent() ? DAILY_PAUSE : BURST_PAUSE;
    }

    @Override
    public Optional<DestinationException> classify(HttpReply reply, HttpFailures standard) {
        int status = reply.status();
        if (reply.isSuccessful()) return Optional.empty();
        String code = errorCode(reply.body());
        String excerpt = excerpt(reply.body());
        if (isThrottle(status, reply.body())) {
            Optional<Usage> usage = usage(reply.header(LIMIT_INFO));
            boolean daily = usage.filter(Usage::exhausted).isPresent();
            return Optional.of(new RetryableException(
                    "Salesforce throttled the call (403 REQUEST_LIMIT_EXCEEDED"
                            + (daily ? ", the org's 24-hour API allocation is spent" : "") + ")" + excerpt,
                    throttlePause(usage),
                    null));
        }
        if (status == 401) {
            return Optional.of(new PermanentException(
                    PermanentException.Code.AUTH,
                    "Salesforce refused a new session too (401" + (code == null ? "" : " " + code) + ")" + excerpt
                            + "; check that the connected app's user is active, API Enabled, and allowed on the app"));
        }
        if (code != null && TRANSIENT_CODES.contains(code) || reply.body().contains("UNABLE_TO_LOCK_ROW")) {
            return Optional.of(new RetryableException("HTTP " + status + excerpt));
        }
        if (status == 400 && code != null && CONFIG_CODES.contains(code)) {
            return Optional.of(new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "Salesforce refused the request (" + code + ")" + excerpt
                            + "; check the object setting, that the sync's identity.field is an External ID field"
                            + " of it and that every mapped field exists"));
        }
        return Optional.empty();
    }

    /** The {@code errorCode} of a whole-request error body {@code [{message, errorCode}]}, or null. */
    static String errorCode(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode first = n.isArray() && !n.isEmpty() ? n.get(0) : n;
            String code = first.path("errorCode").asText(null);
            return code == null ? first.path("error").asText(null) : code;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String excerpt(String body) {
        if (body == null || body.isBlank()) return "";
        String one = Redaction.text(body.strip().replaceAll("\\s+", " "));
        return ": " + (one.length() > 300 ? one.substring(0, 300) + "…" : one);
    }

    /**
     * Reports {@code Sforce-Limit-Info} of every answer, and each throttle, to the {@link CallBudget} the request
     * carries as its tag.
     */
    static final class LimitObserver implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            Response response = chain.proceed(chain.request());
            CallBudget budget = chain.request().tag(CallBudget.class);
            if (budget == null) return response;
            Optional<Usage> usage = usage(response.header(LIMIT_INFO));
            usage.ifPresent(u -> budget.observe(u.observation()));
            if (response.code() == 403) {
                String body = response.peekBody(8192).string();
                if (isThrottle(403, body)) {
                    budget.observe(CallBudget.Observation.throttled(
                            throttlePause(usage), usage.filter(Usage::exhausted).isPresent()));
                }
            }
            return response;
        }
    }
}
