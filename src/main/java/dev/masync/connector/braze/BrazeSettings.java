package dev.masync.connector.braze;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SettingProblem;
import okhttp3.HttpUrl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A Braze destination's settings, read and checked in one place.
 *
 * @param restEndpoint      the REST endpoint of the customer's Braze instance, e.g. {@code https://rest.iad-01.braze.com}
 * @param apiKey            the REST API key (a secret reference; the key needs {@code users.track})
 * @param objectsPerRequest objects per {@code /users/track} call (75; 50 on some MAU contracts)
 * @param maxConcurrent     the most calls in flight for the workspace
 * @param dailyQuota        a daily call quota, if the contract has one (UTC days)
 * @param workspace         names the shared call budget (a workspace id); without it a hash of the key does
 * @param arrayMaxLength    items an array attribute of a user holds (Braze's default 25; raised per array in the
 *                          dashboard, up to 100 as documented): bounds the list memberships kept in one array
 */
record BrazeSettings(
        HttpUrl restEndpoint,
        SecretRef apiKey,
        int objectsPerRequest,
        int maxConcurrent,
        OptionalLong dailyQuota,
        Optional<String> workspace,
        int arrayMaxLength) {

    static final String REST_ENDPOINT = "restEndpoint";
    static final String API_KEY = "apiKey";
    static final String OBJECTS_PER_REQUEST = "objectsPerRequest";
    static final String MAX_CONCURRENT = "maxConcurrent";
    static final String DAILY_QUOTA = "dailyQuota";
    static final String WORKSPACE = "workspace";
    static final String ARRAY_MAX_LENGTH = "arrayMaxLength";

    static final Set<String> NAMES = Set.of(
            REST_ENDPOINT, API_KEY, OBJECTS_PER_REQUEST, MAX_CONCURRENT, DAILY_QUOTA, WORKSPACE, ARRAY_MAX_LENGTH);
    static final Set<String> SECRETS = Set.of(API_KEY);

    /** Current plans: 75 objects per request, attributes, events and purchases counted together. */
    static final int DEFAULT_OBJECTS_PER_REQUEST = 75;
    /** {@code /users/track}: 3,000 requests per 3 s per workspace (a destination's {@code rateLimit} overrides it). */
    static final int DEFAULT_CALLS_PER_WINDOW = 3_000;

    static final Duration WINDOW = Duration.ofSeconds(3);
    /** Braze documents no concurrency cap; this keeps one workspace from taking every connection. */
    static final int DEFAULT_MAX_CONCURRENT = 16;
    /** "The maximum number of elements in custom attribute arrays defaults to 25" (user_attributes_object.md). */
    static final int DEFAULT_ARRAY_MAX_LENGTH = 25;
    /** "…can be increased up to 100 for an individual array" (same page). */
    static final int MAX_ARRAY_MAX_LENGTH = 100;

    BrazeSettings {
        Objects.requireNonNull(restEndpoint, "restEndpoint");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(dailyQuota, "dailyQuota");
        Objects.requireNonNull(workspace, "workspace");
    }

    /** Every problem of these settings, in words that say what to set. */
    static List<SettingProblem> problems(Map<String, String> settings, AddressPolicy addresses) {
        List<SettingProblem> problems = new ArrayList<>();
        String endpoint = settings.get(REST_ENDPOINT);
        if (endpoint == null || endpoint.isBlank()) {
            problems.add(new SettingProblem(
                    REST_ENDPOINT,
                    "set restEndpoint to the REST endpoint of the Braze instance, e.g. https://rest.iad-01.braze.com"
                            + " (Braze dashboard → Settings → APIs and Identifiers)"));
        } else {
            HttpUrl url = HttpUrl.parse(endpoint.strip());
            if (url == null) {
                problems.add(new SettingProblem(
                        REST_ENDPOINT, "set restEndpoint to an https URL, e.g. https://rest.iad-01.braze.com"));
            } else if (!url.encodedPath().equals("/") || url.query() != null) {
                problems.add(new SettingProblem(
                        REST_ENDPOINT,
                        "set restEndpoint to the instance's REST endpoint alone, e.g. https://rest.iad-01.braze.com,"
                                + " without a path (such as /users/track) or query"));
            } else if (url.host().startsWith("dashboard")) {
                problems.add(new SettingProblem(
                        REST_ENDPOINT,
                        "restEndpoint names the Braze dashboard; set it to the instance's REST endpoint, e.g."
                                + " https://rest.iad-01.braze.com (Settings → APIs and Identifiers)"));
            } else {
                addresses
                        .urlProblem(endpoint.strip())
                        .map(p -> new SettingProblem(REST_ENDPOINT, p))
                        .ifPresent(problems::add);
            }
        }
        String key = settings.get(API_KEY);
        try {
            SecretRef.parse(key == null ? "" : key);
        } catch (IllegalArgumentException e) {
            problems.add(new SettingProblem(
                    API_KEY,
                    "set apiKey to env:NAME or file:/path holding a Braze REST API key with the users.track"
                            + " permission"));
        }
        String objects = settings.get(OBJECTS_PER_REQUEST);
        if (objects != null && !inRange(objects, 1, DEFAULT_OBJECTS_PER_REQUEST)) {
            problems.add(new SettingProblem(
                    OBJECTS_PER_REQUEST,
                    "set objectsPerRequest to a whole number from 1 to 75 (Braze's cap per /users/track request;"
                            + " 50 on some MAU contracts)"));
        }
        String concurrent = settings.get(MAX_CONCURRENT);
        if (concurrent != null && !inRange(concurrent, 1, 1_000)) {
            problems.add(
                    new SettingProblem(MAX_CONCURRENT, "set maxConcurrent to a whole number from 1 to 1000, e.g. 16"));
        }
        String quota = settings.get(DAILY_QUOTA);
        if (quota != null && !inRange(quota, 1, Long.MAX_VALUE)) {
            problems.add(new SettingProblem(
                    DAILY_QUOTA,
                    "set dailyQuota to the contract's calls per day (a positive whole number), or remove it"));
        }
        String arrays = settings.get(ARRAY_MAX_LENGTH);
        if (arrays != null && !inRange(arrays, 1, MAX_ARRAY_MAX_LENGTH)) {
            problems.add(new SettingProblem(
                    ARRAY_MAX_LENGTH,
                    "set arrayMaxLength to the maximum length of the workspace's array attributes, a whole number"
                            + " from 1 to 100 (Braze's default is 25; Data Settings → Custom Attributes), or remove"
                            + " it"));
        }
        String workspace = settings.get(WORKSPACE);
        if (workspace != null && (workspace.isBlank() || workspace.length() > 100)) {
            problems.add(new SettingProblem(
                    WORKSPACE,
                    "set workspace to the Braze workspace's id or name (1 to 100 characters), or remove it"));
        }
        return problems;
    }

    private static boolean inRange(String value, long min, long max) {
        try {
            long n = Long.parseLong(value.strip());
            return n >= min && n <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Reads validated settings.
     *
     * @throws PermanentException {@code INVALID_CONFIG} naming every problem when they do not validate
     */
    static BrazeSettings of(String destination, Map<String, String> settings, AddressPolicy addresses) {
        List<SettingProblem> problems = problems(settings, addresses);
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("destination " + destination + " has invalid settings:");
            problems.forEach(p -> message.append(' ')
                    .append(p.setting())
                    .append(": ")
                    .append(p.message())
                    .append(';'));
            throw new PermanentException(PermanentException.Code.INVALID_CONFIG, message.toString());
        }
        return new BrazeSettings(
                HttpUrl.parse(settings.get(REST_ENDPOINT).strip()),
                SecretRef.parse(settings.get(API_KEY)),
                Optional.ofNullable(settings.get(OBJECTS_PER_REQUEST))
                        .map(v -> Integer.parseInt(v.strip()))
                        .orElse(DEFAULT_OBJECTS_PER_REQUEST),
                Optional.ofNullable(settings.get(MAX_CONCURRENT))
                        .map(v -> Integer.parseInt(v.strip()))
                        .orElse(DEFAULT_MAX_CONCURRENT),
                settings.containsKey(DAILY_QUOTA)
                        ? OptionalLong.of(
                                Long.parseLong(settings.get(DAILY_QUOTA).strip()))
                        : OptionalLong.empty(),
                Optional.ofNullable(settings.get(WORKSPACE)).map(String::strip),
                arrayMaxLength(settings));
    }

    /** {@code arrayMaxLength} of settings (validated, or the default when absent or unreadable). */
    static int arrayMaxLength(Map<String, String> settings) {
        String v = settings.get(ARRAY_MAX_LENGTH);
        return v != null && inRange(v, 1, MAX_ARRAY_MAX_LENGTH)
                ? Integer.parseInt(v.strip())
                : DEFAULT_ARRAY_MAX_LENGTH;
    }

    /** {@code restEndpoint} with {@code path} (no leading slash). */
    HttpUrl url(String path) {
        return restEndpoint.newBuilder().addPathSegments(path).build();
    }
}
