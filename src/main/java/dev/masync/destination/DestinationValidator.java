package dev.masync.destination;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.Connectors;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.SecretPolicy;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SettingProblem;
import dev.masync.definition.FieldLimit;
import dev.masync.definition.JsonChecks;
import dev.masync.destination.DestinationDefinition.RateLimit;
import dev.masync.platform.NearNames;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a destination definition — a REST body or a YAML file, the same shape — and checks it against the
 * connectors. Reports every error at once, each with a JSON pointer and a hint, and never echoes a setting's value
 * (it may be a pasted secret).
 */
public final class DestinationValidator {
    static final Pattern SETTING_NAME =
            Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0," + (FieldLimit.SETTING_NAME.max() - 1) + "}");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");
    static final List<String> FIELDS = List.of("key", "name", "type", "settings", "batchSize", "rateLimit");
    static final List<String> RATE_LIMIT_FIELDS = List.of("requests", "per");
    static final Duration MIN_PER = Duration.ofSeconds(1);
    static final Duration MAX_PER = Duration.ofDays(1);
    static final int MAX_NAME = FieldLimit.NAME.max();
    static final int MAX_SETTINGS = 50;
    static final int MAX_SETTING_VALUE = FieldLimit.SETTING_VALUE.max();

    static final String WRONG_TYPE = "invalid_type";
    static final String UNKNOWN_FIELD = "unknown_field";
    static final String INVALID = "validation_failed";

    private final Connectors connectors;
    private final SecretPolicy secrets;

    /** A validator that allows any secret reference (for tools and tests). */
    public DestinationValidator(Connectors connectors) {
        this(connectors, null);
    }

    /** @param secrets the references the operator allows, or null for any */
    public DestinationValidator(Connectors connectors, SecretPolicy secrets) {
        this.connectors = Objects.requireNonNull(connectors, "connectors");
        this.secrets = secrets;
    }

    /**
     * A checked definition, or why there is none.
     *
     * @param code {@code null} when valid; else {@value #WRONG_TYPE} or {@value #UNKNOWN_FIELD} (the body does not
     *             have the expected shape: 400) or {@value #INVALID} (well-formed but wrong: 422)
     */
    public record Checked(DestinationDefinition definition, List<ProblemError> errors, String code) {
        public Checked {
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return code == null;
        }

        /** The definition, or a problem listing every error. */
        public DestinationDefinition orThrow() {
            if (ok()) return definition;
            int status = INVALID.equals(code) ? 422 : 400;
            throw new ApiException(
                    status,
                    code,
                    "Validation failed",
                    "The destination is not valid; fix the errors"
                            + " listed (each has a pointer to the field). Secrets go in settings only as env:NAME or file:/path.",
                    errors);
        }
    }

    /**
     * @param body       the definition
     * @param fixedKey   the key it must have (the key in a PUT's path), or null
     * @param defaultKey the key when the body has none (a file's name), or null when the body must have one
     * @param source     {@link DestinationDefinition#SOURCE_API} or {@link DestinationDefinition#SOURCE_FILE}
     */
    public Checked check(JsonNode body, String fixedKey, String defaultKey, String source) {
        Errors errors = new Errors();
        if (body == null || !body.isObject()) {
            errors.wrongType("", "send the destination as a JSON object with key, name, type and settings");
            return errors.result(null);
        }
        JsonChecks.unknownFields(body, "", FIELDS).forEach(e -> errors.unknownField(e.pointer(), e.message()));
        String key = key(body, fixedKey, defaultKey, errors);
        String name = name(body, errors);
        String type = text(body, "type", "/type", errors);
        Optional<Destination> connector = connectors.byType(type);
        if (type == null && !body.hasNonNull("type")) {
            errors.invalid("/type", "a type is required: one of " + connectors.types());
        } else if (type != null && connector.isEmpty()) {
            errors.invalid(
                    "/type", "unknown connector type '" + abbreviate(type) + "'; use one of " + connectors.types());
        }
        Map<String, String> settings = settings(body, errors);
        if (settings != null && connector.isPresent()) {
            checkSettings(connector.get(), settings, errors);
        }
        Integer batchSize = batchSize(body, connector, errors);
        RateLimit rateLimit = rateLimit(body, errors);
        if (errors.code != null) {
            return errors.result(null);
        }
        return errors.result(new DestinationDefinition(
                key,
                name.strip(),
                type,
                settings,
                Optional.ofNullable(batchSize),
                Optional.ofNullable(rateLimit),
                source));
    }

    private static String key(JsonNode body, String fixedKey, String defaultKey, Errors errors) {
        String key = text(body, "key", "/key", errors);
        if (fixedKey != null) {
            if (key != null && !key.equals(fixedKey)) {
                errors.invalid(
                        "/key",
                        "must be '" + fixedKey + "' (the key in the path) or omitted: a destination's"
                                + " key cannot change");
            }
            return fixedKey;
        }
        if (key == null && !body.hasNonNull("key")) {
            key = defaultKey;
            if (key == null) {
                JsonChecks.keyProblem(null, "crm_hook").ifPresent(m -> errors.invalid("/key", m));
                return null;
            }
        }
        if (key != null) {
            JsonChecks.keyProblem(key, "crm_hook").ifPresent(m -> errors.invalid("/key", m));
        }
        return key;
    }

    private static String name(JsonNode body, Errors errors) {
        String name = text(body, "name", "/name", errors);
        if (name == null) {
            if (!body.hasNonNull("name")) {
                errors.invalid("/name", "a name is required, e.g. \"CRM webhook\"");
            }
        } else if (name.isBlank()) {
            errors.invalid("/name", "a name is required, e.g. \"CRM webhook\"");
        } else if (name.length() > MAX_NAME) {
            errors.invalid("/name", "at most " + MAX_NAME + " characters");
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            errors.invalid("/name", "must not contain control characters");
        }
        return name;
    }

    /** The settings as written, or null when they do not have the shape of a string-to-string object. */
    private static Map<String, String> settings(JsonNode body, Errors errors) {
        JsonNode node = body.get("settings");
        Map<String, String> settings = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return settings;
        }
        if (!node.isObject()) {
            errors.wrongType(
                    "/settings",
                    "must be an object of setting names to strings, e.g."
                            + " {\"url\": \"https://example.test/hook\"}");
            return null;
        }
        if (node.size() > MAX_SETTINGS) {
            errors.invalid("/settings", "at most " + MAX_SETTINGS + " settings");
        }
        boolean wellFormed = true;
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            String pointer = JsonChecks.pointer("settings", field.getKey());
            if (!SETTING_NAME.matcher(field.getKey()).matches()) {
                errors.invalid(
                        pointer,
                        "a setting name is letters, digits, '_', '.' and '-', starting with a letter,"
                                + " at most 100 characters");
            }
            JsonNode value = field.getValue();
            if (!value.isTextual()) {
                errors.wrongType(
                        pointer,
                        value.isValueNode() && !value.isNull()
                                ? "settings are strings: put the value in quotes"
                                : "settings are strings: write the value as a string, or leave the setting out");
                wellFormed = false;
            } else if (value.textValue().length() > MAX_SETTING_VALUE) {
                errors.invalid(pointer, "at most " + MAX_SETTING_VALUE + " characters");
            } else {
                settings.put(field.getKey(), value.textValue());
            }
        }
        return wellFormed ? settings : null;
    }

    /** Known settings only, secrets only by reference, then whatever the connector says. */
    private void checkSettings(Destination connector, Map<String, String> settings, Errors errors) {
        Set<String> reported = new HashSet<>();
        Set<String> known = new TreeSet<>(connector.settingNames());
        known.addAll(connector.secretSettings());
        for (String name : settings.keySet()) {
            if (!known.contains(name) && SETTING_NAME.matcher(name).matches()) {
                errors.unknownField(JsonChecks.pointer("settings", name), unknownSetting(connector, name, known));
                reported.add(name);
            }
        }
        for (String name : connector.secretSettings().stream().sorted().toList()) {
            String value = settings.get(name);
            if (value == null) {
                continue; // the connector's own validation says whether it is required
            }
            referenceProblem(value, secrets).ifPresent(message -> {
                errors.invalid(JsonChecks.pointer("settings", name), message);
                reported.add(name);
            });
        }
        for (SettingProblem problem : connector.validate(settings)) {
            if (!reported.contains(problem.setting())) {
                errors.invalid(
                        problem.setting().isEmpty() ? "/settings" : JsonChecks.pointer("settings", problem.setting()),
                        problem.message());
            }
        }
    }

    /** "unknown setting 'fromat' …; did you mean 'format'?" or the list of known settings. */
    static String unknownSetting(Destination connector, String name, Set<String> known) {
        String start = "unknown setting '" + abbreviate(name) + "' for a " + connector.type() + " destination";
        if (known.isEmpty()) return start + "; it takes no settings";
        List<String> near = NearNames.nearest(name, known);
        return near.isEmpty()
                ? start + "; its settings are " + String.join(", ", known)
                : start + "; " + NearNames.didYouMean(near);
    }

    /** Why a secret setting's value is not a reference the operator allows; never quotes the value. */
    static Optional<String> referenceProblem(String value, SecretPolicy policy) {
        Optional<String> syntax = referenceProblem(value);
        if (syntax.isPresent() || policy == null) return syntax;
        return policy.problem(SecretRef.parse(value));
    }

    /** Why a secret setting's value is not an acceptable reference; never quotes the value. */
    static Optional<String> referenceProblem(String value) {
        SecretRef ref;
        try {
            ref = SecretRef.parse(value);
        } catch (IllegalArgumentException e) {
            return Optional.of("secrets are never stored: reference this one as env:NAME (an environment variable of"
                    + " the daemon) or file:/path (a file such as a mounted Kubernetes secret)");
        }
        return switch (ref.source()) {
            case ENV ->
                ENV_NAME.matcher(ref.location()).matches()
                        ? Optional.empty()
                        : Optional.of("after env: comes the name of an environment variable (letters, digits and '_'),"
                                + " e.g. env:CRM_HOOK_SECRET");
            case FILE ->
                absolute(ref.location())
                        ? Optional.empty()
                        : Optional.of("after file: comes an absolute path, e.g. file:/var/run/secrets/crm/hook");
        };
    }

    private static boolean absolute(String location) {
        try {
            return Path.of(location).isAbsolute();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Integer batchSize(JsonNode body, Optional<Destination> connector, Errors errors) {
        JsonNode node = body.get("batchSize");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            errors.wrongType("/batchSize", "must be a whole number, e.g. 100");
            return null;
        }
        Optional<Integer> max = connector.map(c -> c.limits().maxRecords());
        String range = max.map(m -> "between 1 and " + m + " (the "
                        + connector.get().type() + " connector's limit), or leave batchSize out to use that limit")
                .orElse("at least 1");
        if (!node.canConvertToInt() || node.intValue() < 1 || max.isPresent() && node.intValue() > max.get()) {
            errors.invalid("/batchSize", "must be " + range);
            return null;
        }
        return node.intValue();
    }

    private static RateLimit rateLimit(JsonNode body, Errors errors) {
        JsonNode node = body.get("rateLimit");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.wrongType("/rateLimit", "must be an object like {\"requests\": 190, \"per\": \"PT10S\"}");
            return null;
        }
        JsonChecks.unknownFields(node, "/rateLimit", RATE_LIMIT_FIELDS)
                .forEach(e -> errors.unknownField(e.pointer(), e.message()));
        Integer requests = null;
        JsonNode r = node.get("requests");
        if (r == null || r.isNull()) {
            errors.invalid(
                    "/rateLimit/requests",
                    "required: how many requests the destination accepts per period," + " e.g. 190");
        } else if (!r.isIntegralNumber()) {
            errors.wrongType("/rateLimit/requests", "must be a whole number, e.g. 190");
        } else if (!r.canConvertToInt() || r.intValue() < 1) {
            errors.invalid("/rateLimit/requests", "must be between 1 and " + Integer.MAX_VALUE);
        } else {
            requests = r.intValue();
        }
        Duration per = null;
        JsonNode p = node.get("per");
        if (p == null || p.isNull()) {
            errors.invalid("/rateLimit/per", "required: the period as an ISO-8601 duration, e.g. \"PT10S\"");
        } else if (!p.isTextual()) {
            errors.wrongType("/rateLimit/per", "must be a string holding an ISO-8601 duration, e.g. \"PT10S\"");
        } else {
            try {
                per = Duration.parse(p.textValue());
                if (per.compareTo(MIN_PER) < 0 || per.compareTo(MAX_PER) > 0) {
                    errors.invalid("/rateLimit/per", "must be between 1 second (PT1S) and 1 day (P1D)");
                    per = null;
                } else if (per.getNano() % 1_000_000 != 0) {
                    errors.invalid("/rateLimit/per", "use whole milliseconds, e.g. PT1.5S");
                    per = null;
                }
            } catch (DateTimeParseException e) {
                errors.invalid(
                        "/rateLimit/per", "not an ISO-8601 duration; write e.g. \"PT10S\", \"PT1M\" or \"PT1H\"");
            }
        }
        return requests != null && per != null ? new RateLimit(requests, per) : null;
    }

    /** A string field's value; null when absent, null or (reported) not a string. */
    private static String text(JsonNode body, String field, String pointer, Errors errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.wrongType(pointer, "must be a string");
            return null;
        }
        return node.textValue();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** Errors in the order found; the worst kind decides the code. */
    private static final class Errors {
        final List<ProblemError> all = new ArrayList<>();
        String code;

        void wrongType(String pointer, String message) {
            add(pointer, message, WRONG_TYPE);
        }

        void unknownField(String pointer, String message) {
            add(pointer, message, UNKNOWN_FIELD);
        }

        void invalid(String pointer, String message) {
            add(pointer, message, INVALID);
        }

        private void add(String pointer, String message, String kind) {
            all.add(new ProblemError(pointer, message));
            if (code == null || rank(kind) < rank(code)) {
                code = kind;
            }
        }

        private static int rank(String kind) {
            return switch (kind) {
                case WRONG_TYPE -> 0;
                case UNKNOWN_FIELD -> 1;
                default -> 2;
            };
        }

        Checked result(DestinationDefinition definition) {
            return new Checked(code == null ? definition : null, all, code);
        }
    }
}
