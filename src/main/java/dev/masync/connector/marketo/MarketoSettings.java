package dev.masync.connector.marketo;

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
import java.util.Set;

/**
 * A Marketo destination's settings, read and checked (see the README's "Marketo destination" section).
 *
 * @param baseUrl       the instance's REST host, {@code https://<munchkin>.mktorest.com}, normalised; names the account
 * @param lookupField   the dedupe field leads are matched by when the sync names no identity field ({@code email})
 * @param callsPerDay   the instance's daily API quota (50,000 unless configured)
 * @param maxConcurrent the most calls in flight at once (10)
 */
record MarketoSettings(HttpUrl baseUrl, String lookupField, long callsPerDay, int maxConcurrent) {

    static final String BASE_URL = "baseUrl";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String LOOKUP_FIELD = "lookupField";
    static final String CALLS_PER_DAY = "callsPerDay";
    static final String MAX_CONCURRENT = "maxConcurrent";

    static final Set<String> NAMES =
            Set.of(BASE_URL, CLIENT_ID, CLIENT_SECRET, LOOKUP_FIELD, CALLS_PER_DAY, MAX_CONCURRENT);
    static final Set<String> SECRETS = Set.of(CLIENT_ID, CLIENT_SECRET);

    static final String DEFAULT_LOOKUP_FIELD = "email";
    /** "Typically 50,000" (minimum 10,000): set callsPerDay to the subscription's quota. */
    static final long DEFAULT_CALLS_PER_DAY = 50_000;

    static final int DEFAULT_MAX_CONCURRENT = 10;

    MarketoSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(lookupField, "lookupField");
    }

    /** {@code "marketo:https://123-abc-456.mktorest.com"}: the account every destination of the instance shares. */
    String account() {
        return "marketo:" + base();
    }

    String base() {
        String s = baseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    HttpUrl url(String path) {
        return baseUrl.newBuilder().encodedPath(path).build();
    }

    /** Reads validated settings; bad ones are a configuration error naming each (validation should have refused them). */
    static MarketoSettings of(Map<String, String> settings) {
        List<SettingProblem> problems = problems(settings, null);
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder();
            for (SettingProblem p : problems) {
                if (message.length() > 0) message.append("; ");
                message.append(p.setting()).append(": ").append(p.message());
            }
            throw new PermanentException(PermanentException.Code.INVALID_CONFIG, message.toString());
        }
        HttpUrl u = Objects.requireNonNull(HttpUrl.parse(settings.get(BASE_URL).trim()));
        HttpUrl base = new HttpUrl.Builder()
                .scheme(u.scheme())
                .host(u.host().toLowerCase(Locale.ROOT))
                .port(u.port())
                .build();
        String lookup =
                settings.getOrDefault(LOOKUP_FIELD, DEFAULT_LOOKUP_FIELD).trim();
        return new MarketoSettings(
                base,
                lookup,
                settings.containsKey(CALLS_PER_DAY)
                        ? Long.parseLong(settings.get(CALLS_PER_DAY).trim())
                        : DEFAULT_CALLS_PER_DAY,
                settings.containsKey(MAX_CONCURRENT)
                        ? Integer.parseInt(settings.get(MAX_CONCURRENT).trim())
                        : DEFAULT_MAX_CONCURRENT);
    }

    /** Every problem of {@code settings}; {@code addresses} checks the URL when given. */
    static List<SettingProblem> problems(Map<String, String> settings, AddressPolicy addresses) {
        List<SettingProblem> out = new ArrayList<>();
        String base = settings.get(BASE_URL);
        if (base == null || base.isBlank()) {
            out.add(new SettingProblem(
                    BASE_URL,
                    "set baseUrl to the instance's REST host, https://<munchkin id>.mktorest.com (Admin > Web"
                            + " Services > REST API endpoint, without /rest)"));
        } else {
            HttpUrl url = HttpUrl.parse(base.trim());
            if (url == null) {
                out.add(new SettingProblem(
                        BASE_URL, "baseUrl must be an https URL, e.g. https://123-ABC-456.mktorest.com"));
            } else if (!url.encodedPath().equals("/") || url.query() != null) {
                out.add(new SettingProblem(
                        BASE_URL,
                        "baseUrl must be the host only (https://123-ABC-456.mktorest.com), without /rest or"
                                + " /identity"));
            } else if (addresses != null) {
                addresses.urlProblem(base.trim()).ifPresent(p -> out.add(new SettingProblem(BASE_URL, p)));
            }
        }
        for (String name : List.of(CLIENT_ID, CLIENT_SECRET)) {
            String ref = settings.get(name);
            if (ref == null || ref.isBlank()) {
                out.add(new SettingProblem(
                        name,
                        "set " + name + " to a reference (env:NAME or file:/path) of the API-only user's LaunchPoint"
                                + " service " + (name.equals(CLIENT_ID) ? "Client Id" : "Client Secret")));
                continue;
            }
            try {
                SecretRef.parse(ref);
            } catch (IllegalArgumentException e) {
                out.add(new SettingProblem(name, e.getMessage()));
            }
        }
        String lookup = settings.get(LOOKUP_FIELD);
        if (lookup != null && !lookup.trim().matches("[A-Za-z][A-Za-z0-9_]*")) {
            out.add(new SettingProblem(
                    LOOKUP_FIELD,
                    "lookupField must be the REST API name of a dedupe field (email, or a custom unique field)"));
        }
        positive(settings, CALLS_PER_DAY, Long.MAX_VALUE, out);
        positive(settings, MAX_CONCURRENT, 10, out);
        return out;
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
}
