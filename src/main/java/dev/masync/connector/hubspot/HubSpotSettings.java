package dev.masync.connector.hubspot;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SettingProblem;
import okhttp3.HttpUrl;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A HubSpot destination's settings, read and checked in one place.
 *
 * @param portalId       the HubSpot account (portal / hub) id; names the shared call budget
 * @param auth           a private-app token or an OAuth app's refresh grant (secret references only)
 * @param baseUrl        the API's base URL, {@code https://api.hubapi.com} by default
 * @param tokenUrl       where OAuth tokens are refreshed, {@code <baseUrl>/oauth/v1/token} by default
 * @param apiVersion     {@code v3} (paths {@code /crm/v3/...}) or a date version such as {@code 2026-03} (paths
 *                       {@code /crm/objects/2026-03/...})
 * @param callsPerDay    the account's daily quota (resets at midnight in {@code timeZone})
 * @param maxConcurrent  the most calls in flight for the account
 * @param timeZone       the account's time zone (HubSpot resets the daily count at its midnight)
 * @param listIdsPerCall record ids per list membership call (HubSpot's cap is unconfirmed)
 */
record HubSpotSettings(
        String portalId,
        Auth auth,
        HttpUrl baseUrl,
        HttpUrl tokenUrl,
        String apiVersion,
        long callsPerDay,
        int maxConcurrent,
        ZoneId timeZone,
        int listIdsPerCall) {

    static final String PORTAL_ID = "portalId";
    static final String TOKEN = "token";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String REFRESH_TOKEN = "refreshToken";
    static final String BASE_URL = "baseUrl";
    static final String TOKEN_URL = "tokenUrl";
    static final String API_VERSION = "apiVersion";
    static final String CALLS_PER_DAY = "callsPerDay";
    static final String MAX_CONCURRENT = "maxConcurrent";
    static final String TIME_ZONE = "timeZone";
    static final String LIST_IDS_PER_CALL = "listIdsPerCall";

    static final Set<String> NAMES = Set.of(
            PORTAL_ID,
            TOKEN,
            CLIENT_ID,
            CLIENT_SECRET,
            REFRESH_TOKEN,
            BASE_URL,
            TOKEN_URL,
            API_VERSION,
            CALLS_PER_DAY,
            MAX_CONCURRENT,
            TIME_ZONE,
            LIST_IDS_PER_CALL);
    static final Set<String> SECRETS = Set.of(TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN);

    static final String DEFAULT_BASE_URL = "https://api.hubapi.com";
    /** Production connectors pin {@code v3} (destination-apis.md §1.1). */
    static final String DEFAULT_API_VERSION = "v3";
    /** Professional and Enterprise: 190 calls per 10 s per app. */
    static final int DEFAULT_CALLS_PER_WINDOW = 190;

    static final java.time.Duration WINDOW = java.time.Duration.ofSeconds(10);
    /** Professional: 650,000 calls a day per account (Enterprise 1,000,000, Starter 250,000). */
    static final long DEFAULT_CALLS_PER_DAY = 650_000;
    /** HubSpot documents no concurrency cap; this keeps one account from taking every connection. */
    static final int DEFAULT_MAX_CONCURRENT = 10;

    static final int DEFAULT_LIST_IDS_PER_CALL = 100;

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");
    private static final Pattern VERSION = Pattern.compile("v3|[0-9]{4}-[0-9]{2}(-beta)?");

    /** How the connector authenticates; only secret references, never secrets. */
    sealed interface Auth permits PrivateAppToken, OAuthRefresh {}

    /** A private-app (static) token. */
    record PrivateAppToken(SecretRef token) implements Auth {
        PrivateAppToken {
            Objects.requireNonNull(token, "token");
        }
    }

    /** An OAuth app installed in the account: refresh grants for 30-minute access tokens. */
    record OAuthRefresh(SecretRef clientId, SecretRef clientSecret, SecretRef refreshToken) implements Auth {
        OAuthRefresh {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(refreshToken, "refreshToken");
        }
    }

    HubSpotSettings {
        Objects.requireNonNull(portalId, "portalId");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(timeZone, "timeZone");
    }

    /** Every problem of these settings, in words that say what to set. */
    static List<SettingProblem> problems(Map<String, String> settings, AddressPolicy addresses) {
        List<SettingProblem> problems = new ArrayList<>();
        String portal = settings.get(PORTAL_ID);
        if (portal == null || portal.isBlank()) {
            problems.add(new SettingProblem(
                    PORTAL_ID, "set portalId to the HubSpot account id (Settings → Account details → Account ID)"));
        } else if (!DIGITS.matcher(portal.strip()).matches()) {
            problems.add(new SettingProblem(PORTAL_ID, "portalId is the numeric HubSpot account id, e.g. 4711"));
        }
        boolean token = settings.containsKey(TOKEN);
        boolean oauth = settings.containsKey(CLIENT_ID)
                || settings.containsKey(CLIENT_SECRET)
                || settings.containsKey(REFRESH_TOKEN);
        if (token && oauth) {
            problems.add(new SettingProblem(
                    TOKEN,
                    "set either token (a private-app token) or clientId, clientSecret and refreshToken (an OAuth"
                            + " app), not both"));
        } else if (!token && !oauth) {
            problems.add(new SettingProblem(
                    TOKEN,
                    "set token to env:NAME or file:/path holding a private-app token, or set clientId, clientSecret"
                            + " and refreshToken for an OAuth app"));
        } else if (token) {
            secretProblem(settings, TOKEN, "the private-app token").ifPresent(problems::add);
        } else {
            secretProblem(settings, CLIENT_ID, "the OAuth app's client id").ifPresent(problems::add);
            secretProblem(settings, CLIENT_SECRET, "the OAuth app's client secret")
                    .ifPresent(problems::add);
            secretProblem(settings, REFRESH_TOKEN, "the account's refresh token")
                    .ifPresent(problems::add);
        }
        urlProblem(settings.get(BASE_URL), BASE_URL, addresses).ifPresent(problems::add);
        if (settings.containsKey(TOKEN_URL)) {
            if (token) {
                problems.add(new SettingProblem(TOKEN_URL, "tokenUrl is for OAuth apps only; remove it"));
            } else {
                urlProblem(settings.get(TOKEN_URL), TOKEN_URL, addresses).ifPresent(problems::add);
            }
        }
        String version = settings.get(API_VERSION);
        if (version != null && !VERSION.matcher(version).matches()) {
            problems.add(new SettingProblem(
                    API_VERSION, "set apiVersion to v3 or a date version such as 2026-03 (default v3)"));
        }
        positive(settings, CALLS_PER_DAY, "the account's daily call quota, e.g. 650000")
                .ifPresent(problems::add);
        positive(settings, MAX_CONCURRENT, "the most calls in flight at once, e.g. 10")
                .ifPresent(problems::add);
        positive(settings, LIST_IDS_PER_CALL, "record ids per list membership call, e.g. 100")
                .ifPresent(problems::add);
        String zone = settings.get(TIME_ZONE);
        if (zone != null) {
            try {
                ZoneId.of(zone.strip());
            } catch (DateTimeException e) {
                problems.add(new SettingProblem(
                        TIME_ZONE,
                        "set timeZone to the HubSpot account's time zone as a region id, e.g. America/New_York"));
            }
        }
        return problems;
    }

    /**
     * Reads validated settings.
     *
     * @throws PermanentException {@code INVALID_CONFIG} naming every problem when they do not validate
     */
    static HubSpotSettings of(String destination, Map<String, String> settings, AddressPolicy addresses) {
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
        Auth auth = settings.containsKey(TOKEN)
                ? new PrivateAppToken(SecretRef.parse(settings.get(TOKEN)))
                : new OAuthRefresh(
                        SecretRef.parse(settings.get(CLIENT_ID)),
                        SecretRef.parse(settings.get(CLIENT_SECRET)),
                        SecretRef.parse(settings.get(REFRESH_TOKEN)));
        HttpUrl base = HttpUrl.parse(settings.getOrDefault(BASE_URL, DEFAULT_BASE_URL));
        HttpUrl tokenUrl = settings.containsKey(TOKEN_URL)
                ? HttpUrl.parse(settings.get(TOKEN_URL))
                : base.newBuilder().encodedPath("/oauth/v1/token").build();
        return new HubSpotSettings(
                settings.get(PORTAL_ID).strip(),
                auth,
                base,
                tokenUrl,
                settings.getOrDefault(API_VERSION, DEFAULT_API_VERSION),
                Optional.ofNullable(settings.get(CALLS_PER_DAY))
                        .map(v -> Long.parseLong(v.strip()))
                        .orElse(DEFAULT_CALLS_PER_DAY),
                Optional.ofNullable(settings.get(MAX_CONCURRENT))
                        .map(v -> Integer.parseInt(v.strip()))
                        .orElse(DEFAULT_MAX_CONCURRENT),
                Optional.ofNullable(settings.get(TIME_ZONE))
                        .map(v -> ZoneId.of(v.strip()))
                        .orElse(ZoneOffset.UTC),
                Optional.ofNullable(settings.get(LIST_IDS_PER_CALL))
                        .map(v -> Integer.parseInt(v.strip()))
                        .orElse(DEFAULT_LIST_IDS_PER_CALL));
    }

    /** The shared budget's account name: never a secret. */
    String account() {
        return "hubspot:portal:" + portalId;
    }

    private static Optional<SettingProblem> secretProblem(Map<String, String> settings, String name, String what) {
        String value = settings.get(name);
        try {
            SecretRef.parse(value == null ? "" : value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(new SettingProblem(name, "set " + name + " to env:NAME or file:/path holding " + what));
        }
    }

    private static Optional<SettingProblem> urlProblem(String value, String name, AddressPolicy addresses) {
        if (value == null) return Optional.empty();
        HttpUrl url = HttpUrl.parse(value);
        if (url == null) {
            return Optional.of(
                    new SettingProblem(name, "set " + name + " to an http(s) URL, e.g. " + DEFAULT_BASE_URL));
        }
        return addresses.urlProblem(value).map(p -> new SettingProblem(name, p));
    }

    private static Optional<SettingProblem> positive(Map<String, String> settings, String name, String what) {
        String value = settings.get(name);
        if (value == null) return Optional.empty();
        try {
            if (Long.parseLong(value.strip()) >= 1
                    && (name.equals(CALLS_PER_DAY) || Long.parseLong(value.strip()) <= Integer.MAX_VALUE)) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return Optional.of(new SettingProblem(name, "set " + name + " to a positive whole number: " + what));
    }
}
