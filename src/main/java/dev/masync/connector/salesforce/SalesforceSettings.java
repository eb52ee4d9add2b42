package dev.masync.connector.salesforce;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SettingProblem;
import okhttp3.HttpUrl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Salesforce destination's settings, read and checked (see the README's "Salesforce destination" section).
 *
 * @param instanceUrl   the org's My Domain URL ({@code https://acme.my.salesforce.com}), normalised: API calls go there
 *                      and it names the account
 * @param loginUrl      where tokens are minted ({@code {loginUrl}/services/oauth2/token}) and the JWT audience
 * @param flow          which OAuth flow the credentials settings select
 * @param object        {@code Contact} or {@code Lead}
 * @param apiVersion    {@code 62.0}: the REST path version
 * @param bulkThreshold a run planning at least this many changes upserts through Bulk API 2.0 jobs
 * @param callsPerDay   the org's 24-hour API allocation when configured
 * @param maxConcurrent the most calls in flight at once when configured
 */
record SalesforceSettings(
        HttpUrl instanceUrl,
        HttpUrl loginUrl,
        Flow flow,
        String object,
        String apiVersion,
        int bulkThreshold,
        OptionalLong callsPerDay,
        OptionalInt maxConcurrent) {

    static final String INSTANCE_URL = "instanceUrl";
    static final String LOGIN_URL = "loginUrl";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String USERNAME = "username";
    static final String PRIVATE_KEY = "privateKey";
    static final String OBJECT = "object";
    static final String API_VERSION = "apiVersion";
    static final String BULK_THRESHOLD = "bulkThreshold";
    static final String CALLS_PER_DAY = "callsPerDay";
    static final String MAX_CONCURRENT = "maxConcurrent";

    static final Set<String> NAMES = Set.of(
            INSTANCE_URL,
            LOGIN_URL,
            CLIENT_ID,
            CLIENT_SECRET,
            USERNAME,
            PRIVATE_KEY,
            OBJECT,
            API_VERSION,
            BULK_THRESHOLD,
            CALLS_PER_DAY,
            MAX_CONCURRENT);
    static final Set<String> SECRETS = Set.of(CLIENT_SECRET, PRIVATE_KEY);

    static final String DEFAULT_LOGIN_URL = "https://login.salesforce.com";
    /** Connectors in the wild pin 53.0 (SEG) and 50.0; collections upsert needs 46.0; the design notes use 62.0. */
    static final String DEFAULT_API_VERSION = "62.0";

    static final int DEFAULT_BULK_THRESHOLD = 10_000;
    static final Set<String> OBJECTS = Set.of("Contact", "Lead");
    private static final Pattern VERSION = Pattern.compile("v?(\\d{2,3})\\.0");

    enum Flow {
        /** {@code clientId} + {@code clientSecret}: OAuth client credentials (a run-as user on the app). */
        CLIENT_CREDENTIALS,
        /** {@code clientId} + {@code username} + {@code privateKey}: OAuth JWT bearer, RS256. */
        JWT_BEARER
    }

    SalesforceSettings {
        Objects.requireNonNull(instanceUrl, "instanceUrl");
        Objects.requireNonNull(loginUrl, "loginUrl");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(callsPerDay, "callsPerDay");
        Objects.requireNonNull(maxConcurrent, "maxConcurrent");
    }

    /** {@code "salesforce:https://acme.my.salesforce.com"}: the account every destination of the org shares. */
    String account() {
        return "salesforce:" + base(instanceUrl);
    }

    /** {@code {instanceUrl}/services/data/v62.0/}. */
    HttpUrl dataUrl() {
        return instanceUrl
                .newBuilder()
                .encodedPath("/services/data/v" + apiVersion + "/")
                .build();
    }

    HttpUrl tokenUrl() {
        return loginUrl.newBuilder().encodedPath("/services/oauth2/token").build();
    }

    /** The JWT {@code aud}: the login host without a trailing slash. */
    String audience() {
        return base(loginUrl);
    }

    /** Reads validated settings; a bad one is a configuration error (validation should have refused it). */
    static SalesforceSettings of(Map<String, String> settings) {
        List<SettingProblem> problems = problems(settings, null);
        if (!problems.isEmpty()) {
            SettingProblem p = problems.get(0);
            throw new PermanentException(PermanentException.Code.INVALID_CONFIG, p.setting() + ": " + p.message());
        }
        return new SalesforceSettings(
                normalise(settings.get(INSTANCE_URL)),
                normalise(settings.getOrDefault(LOGIN_URL, DEFAULT_LOGIN_URL)),
                settings.containsKey(CLIENT_SECRET) ? Flow.CLIENT_CREDENTIALS : Flow.JWT_BEARER,
                settings.getOrDefault(OBJECT, "Contact"),
                version(settings.getOrDefault(API_VERSION, DEFAULT_API_VERSION)),
                settings.containsKey(BULK_THRESHOLD)
                        ? Integer.parseInt(settings.get(BULK_THRESHOLD).trim())
                        : DEFAULT_BULK_THRESHOLD,
                settings.containsKey(CALLS_PER_DAY)
                        ? OptionalLong.of(
                                Long.parseLong(settings.get(CALLS_PER_DAY).trim()))
                        : OptionalLong.empty(),
                settings.containsKey(MAX_CONCURRENT)
                        ? OptionalInt.of(
                                Integer.parseInt(settings.get(MAX_CONCURRENT).trim()))
                        : OptionalInt.empty());
    }

    /** Every problem of {@code settings}; {@code addresses} checks the URLs when given. */
    static List<SettingProblem> problems(Map<String, String> settings, AddressPolicy addresses) {
        List<SettingProblem> out = new ArrayList<>();
        String instance = settings.get(INSTANCE_URL);
        if (instance == null || instance.isBlank()) {
            out.add(new SettingProblem(
                    INSTANCE_URL, "set instanceUrl to the org's My Domain URL, e.g. https://acme.my.salesforce.com"));
        } else {
            url(INSTANCE_URL, instance, addresses, out);
        }
        if (settings.containsKey(LOGIN_URL)) url(LOGIN_URL, settings.get(LOGIN_URL), addresses, out);
        if (blank(settings.get(CLIENT_ID))) {
            out.add(new SettingProblem(CLIENT_ID, "set clientId to the connected app's consumer key"));
        }
        boolean secret = settings.containsKey(CLIENT_SECRET);
        boolean jwt = settings.containsKey(USERNAME) || settings.containsKey(PRIVATE_KEY);
        if (secret && jwt) {
            out.add(new SettingProblem(
                    CLIENT_SECRET,
                    "set either clientSecret (client credentials flow) or username and privateKey (JWT bearer"
                            + " flow), not both"));
        } else if (!secret && !jwt) {
            out.add(new SettingProblem(
                    CLIENT_SECRET,
                    "set clientSecret (client credentials flow) or username and privateKey (JWT bearer flow)"));
        } else if (jwt) {
            if (blank(settings.get(USERNAME))) {
                out.add(new SettingProblem(
                        USERNAME, "set username to the Salesforce user the JWT bearer flow acts as"));
            }
            if (!settings.containsKey(PRIVATE_KEY)) {
                out.add(new SettingProblem(
                        PRIVATE_KEY,
                        "set privateKey to a reference (env:NAME or file:/path) of the PKCS#8 PEM key whose"
                                + " certificate is uploaded to the connected app"));
            }
        }
        for (String name : SECRETS) {
            String ref = settings.get(name);
            if (ref == null) continue;
            try {
                SecretRef.parse(ref);
            } catch (IllegalArgumentException e) {
                out.add(new SettingProblem(name, e.getMessage()));
            }
        }
        String object = settings.get(OBJECT);
        if (object != null && !OBJECTS.contains(object)) {
            out.add(new SettingProblem(OBJECT, "object must be Contact or Lead"));
        }
        String version = settings.get(API_VERSION);
        if (version != null) {
            var m = VERSION.matcher(version.trim());
            if (!m.matches() || Integer.parseInt(m.group(1)) < 46) {
                out.add(new SettingProblem(
                        API_VERSION,
                        "apiVersion must be a Salesforce REST version of 46.0 or later (sObject Collections upsert),"
                                + " e.g. " + DEFAULT_API_VERSION));
            }
        }
        positive(settings, BULK_THRESHOLD, Integer.MAX_VALUE, out);
        positive(settings, CALLS_PER_DAY, Long.MAX_VALUE, out);
        positive(settings, MAX_CONCURRENT, 10_000, out);
        return out;
    }

    private static void url(String name, String value, AddressPolicy addresses, List<SettingProblem> out) {
        HttpUrl url = HttpUrl.parse(value.trim());
        if (url == null) {
            out.add(new SettingProblem(name, name + " must be an https URL, e.g. https://acme.my.salesforce.com"));
            return;
        }
        if (!url.encodedPath().equals("/") || url.query() != null) {
            out.add(new SettingProblem(
                    name, name + " must be the host only (https://acme.my.salesforce.com), without a path"));
            return;
        }
        if (addresses != null) {
            addresses.urlProblem(value.trim()).ifPresent(p -> out.add(new SettingProblem(name, p)));
        }
    }

    private static void positive(Map<String, String> settings, String name, long max, List<SettingProblem> out) {
        String v = settings.get(name);
        if (v == null) return;
        try {
            long n = Long.parseLong(v.trim());
            if (n < 1 || n > max) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            out.add(new SettingProblem(name, name + " must be a whole number from 1 to " + max));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String version(String v) {
        var m = VERSION.matcher(v.trim());
        if (!m.matches()) throw new IllegalArgumentException("bad version " + v);
        return m.group(1) + ".0";
    }

    static HttpUrl normalise(String url) {
        HttpUrl u = Objects.requireNonNull(HttpUrl.parse(url.trim()), "url");
        return new HttpUrl.Builder()
                .scheme(u.scheme())
                .host(u.host().toLowerCase(Locale.ROOT))
                .port(u.port())
                .build();
    }

    /** {@code https://host} or {@code http://host:port}: no trailing slash, default port dropped. */
    static String base(HttpUrl url) {
        String s = url.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
