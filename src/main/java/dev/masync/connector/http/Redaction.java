package dev.masync.connector.http;

import okhttp3.Headers;
import okhttp3.HttpUrl;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What HTTP connectors may log: no credential (Authorization headers, tokens, secrets, passwords, API keys) and no
 * e-mail address ({@code ada@example.com} shows as {@code a***@example.com}). Everything a connector logs about a
 * vendor call goes through here.
 */
public final class Redaction {
    static final String MASK = "***";

    private static final Set<String> SECRET_HEADERS =
            Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");
    /** Header, parameter and JSON names whose values are credentials. */
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(token|secret|password|passwd|api[-_]?key|apikey|auth|session|signature|assertion|"
                    + "credential|private[-_]?key).*");

    private static final Pattern EMAIL =
            Pattern.compile("([A-Za-z0-9._%+\\-])[A-Za-z0-9._%+\\-]*(@[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,})");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=\\-]+");
    /** {@code "name": "value"} in JSON and {@code name=value} in forms and query strings, for secret names. */
    private static final Pattern JSON_PAIR =
            Pattern.compile("(\"([A-Za-z0-9_\\-]+)\"\\s*:\\s*)\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final Pattern FORM_PAIR = Pattern.compile("(?<=^|[?&\\s])([A-Za-z0-9_.\\-]+)=([^&\\s]*)");

    private Redaction() {}

    /** A header value as it may be logged: masked for credential headers, e-mails masked otherwise. */
    public static String header(String name, String value) {
        if (isSecretName(name)) return MASK;
        return text(value);
    }

    /** Every header, one {@code name: value} a line, redacted. */
    public static String headers(Headers headers) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < headers.size(); i++) {
            out.append(headers.name(i))
                    .append(": ")
                    .append(header(headers.name(i), headers.value(i)))
                    .append('\n');
        }
        return out.toString();
    }

    /** A URL without credentials in its user info or query, and without e-mail addresses. */
    public static String url(HttpUrl url) {
        HttpUrl.Builder b = url.newBuilder().username("").password("").query(null);
        String base = text(b.build().toString());
        String query = url.encodedQuery();
        return query == null ? base : base + "?" + text(query);
    }

    /**
     * Free text (a body, a message): e-mail addresses masked, bearer/basic credentials removed, and values of
     * credential-named JSON fields and form parameters ({@code access_token}, {@code client_secret}…) masked.
     */
    public static String text(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = BEARER.matcher(text).replaceAll("$1 " + MASK);
        out = replacePairs(JSON_PAIR.matcher(out), 2, 1, "\"" + MASK + "\"");
        out = replacePairs(FORM_PAIR.matcher(out), 1, 1, "=" + MASK);
        return email(out);
    }

    /** Each e-mail address in {@code text} as its first letter, {@code ***} and its domain. */
    public static String email(String text) {
        if (text == null) return null;
        return EMAIL.matcher(text).replaceAll("$1" + MASK + "$2");
    }

    static boolean isSecretName(String name) {
        return name != null
                && (SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT))
                        || SECRET_NAME.matcher(name).matches());
    }

    private static String replacePairs(Matcher m, int nameGroup, int keepGroup, String masked) {
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = isSecretName(m.group(nameGroup)) ? m.group(keepGroup) + masked : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
