package dev.masync.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.platform.problem.ProblemError;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The checks every definition body makes the same way: JSON pointers, allowed fields, the key. */
public final class JsonChecks {
    /** A definition's key: what the control DB, URLs and file names accept. */
    public static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0," + (FieldLimit.KEY.max() - 1) + "}");

    /** How to write a key, for messages. */
    public static final String KEY_RULE = "use lower-case letters, digits and '_', starting with a letter, at most "
            + FieldLimit.KEY.max() + " characters";

    private JsonChecks() {}

    /** An RFC 6901 pointer from unescaped parts: {@code pointer("settings", "a/b")} is {@code /settings/a~1b}. */
    public static String pointer(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            sb.append('/').append(escape(part));
        }
        return sb.toString();
    }

    /** {@code at} (a pointer) extended by one member name. */
    public static String child(String at, String name) {
        return at + "/" + escape(name);
    }

    private static String escape(String part) {
        return part.replace("~", "~0").replace("/", "~1");
    }

    /** One error per member of {@code node} (an object) that is not in {@code allowed}, in the body's order. */
    public static List<ProblemError> unknownFields(JsonNode node, String at, Collection<String> allowed) {
        List<ProblemError> errors = new ArrayList<>();
        if (node == null || !node.isObject()) {
            return errors;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                errors.add(new ProblemError(
                        child(at, name), "unknown field '" + name + "'; allowed here: " + String.join(", ", allowed)));
            }
        }
        return errors;
    }

    /**
     * Why {@code key} is not a valid key, or empty when it is.
     *
     * @param example a key to show, e.g. {@code "math_slipping"}
     */
    public static Optional<String> keyProblem(String key, String example) {
        if (key == null || key.isBlank()) {
            return Optional.of("a key is required: " + KEY_RULE + ", e.g. \"" + example + "\"");
        }
        return KEY.matcher(key).matches() ? Optional.empty() : Optional.of(KEY_RULE + ", e.g. \"" + example + "\"");
    }
}
