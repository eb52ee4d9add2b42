package dev.masync.platform.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A body Jackson could not read, as a 400 problem that names the JSON thing to fix, never a Java type: {@code
 * malformed_json}, {@code duplicate_member}, {@code trailing_content}, {@code invalid_type}, {@code out_of_range},
 * {@code unknown_field}. Each points at the offending member where Jackson knows it.
 */
final class JsonProblems {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
    private static final Pattern BACKTICKED = Pattern.compile("`[^`]*`");
    private static final Pattern JAVA_NAME =
            Pattern.compile("\\b(?:java|javax|jakarta|com\\.fasterxml|dev\\.masync)\\.[\\w.$]+");

    private JsonProblems() {}

    static Problem of(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.find()) {
            String name = duplicate.group(1);
            String pointer = pointer(e);
            return Problem.of(
                    400,
                    "duplicate_member",
                    "Duplicate member",
                    "The member '" + abbreviate(name) + "' appears twice in one object at "
                            + orRoot(parent(pointer, name)) + "; keep one.",
                    List.of(new ProblemError(pointer, "given twice; keep one")));
        }
        if (original.startsWith("Trailing token")) {
            return Problem.of(
                    400,
                    "trailing_content",
                    "Trailing content",
                    "The body has more after its JSON value" + where(e) + "; send exactly one JSON value.",
                    List.of(new ProblemError("", "content after the JSON value")));
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String pointer = pointer(e);
            return Problem.of(
                    400,
                    "unknown_field",
                    "Unknown field",
                    "Field '" + abbreviate(u.getPropertyName()) + "' is not part of this request; remove it"
                            + (u.getKnownPropertyIds() == null
                                    ? ""
                                    : " (known fields: " + u.getKnownPropertyIds() + ")")
                            + ".",
                    List.of(new ProblemError(pointer, "unknown field '" + abbreviate(u.getPropertyName()) + "'")));
        }
        if (e instanceof InputCoercionException) {
            String pointer = pointer(e);
            return Problem.of(
                    400,
                    "out_of_range",
                    "Number out of range",
                    "The number at " + orRoot(pointer) + " is too large or too small for this field.",
                    List.of(new ProblemError(pointer, "number out of range")));
        }
        if (e instanceof MismatchedInputException m) {
            String pointer = pointer(e);
            String expected = expected(m.getTargetType());
            return Problem.of(
                    400,
                    "invalid_type",
                    "Wrong value type",
                    "A value has the wrong JSON type; send " + expected + " at " + orRoot(pointer) + ".",
                    List.of(new ProblemError(pointer, "expected " + expected)));
        }
        if (e instanceof JsonMappingException) {
            String pointer = pointer(e);
            return Problem.of(
                    400,
                    "invalid_value",
                    "Invalid value",
                    "The value at " + orRoot(pointer) + " cannot be used: " + clean(original),
                    List.of(new ProblemError(pointer, clean(original))));
        }
        return Problem.of(
                400,
                "malformed_json",
                "Malformed JSON",
                "The request body is not valid JSON" + where(e) + ": " + clean(original),
                List.of());
    }

    /** What a client should send for a Java target type, in JSON words. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "the expected type";
        }
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Short.class
                || type == short.class
                || type == Byte.class
                || type == byte.class
                || type == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type)
                || type == double.class
                || type == float.class
                || type == BigDecimal.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type)
                || type.isEnum()
                || type == Character.class
                || java.time.temporal.Temporal.class.isAssignableFrom(type)
                || java.time.temporal.TemporalAmount.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (JsonNode.class.isAssignableFrom(type)) {
            return "a JSON value";
        }
        if (Map.class.isAssignableFrom(type) || !type.isPrimitive()) {
            return "an object";
        }
        return "the expected type";
    }

    /** Jackson's own words without the Java types and classes it names. */
    static String clean(String message) {
        String m = BACKTICKED.matcher(message).replaceAll("a value");
        return JAVA_NAME.matcher(m).replaceAll("a value");
    }

    private static String pointer(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return ProblemMappers.pointer(m.getPath());
        }
        if (e.getProcessor() instanceof JsonParser p && p.getParsingContext() != null) {
            try {
                return p.getParsingContext().pathAsPointer().toString();
            } catch (RuntimeException ignored) {
                return "";
            }
        }
        return "";
    }

    private static String parent(String pointer, String name) {
        String suffix = "/" + name.replace("~", "~0").replace("/", "~1");
        return pointer.endsWith(suffix) ? pointer.substring(0, pointer.length() - suffix.length()) : pointer;
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
    }

    private static String orRoot(String pointer) {
        return pointer.isEmpty() ? "the top level" : pointer;
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
