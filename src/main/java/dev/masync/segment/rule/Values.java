package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.warehouse.ColumnType;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.Temporal;

/** Rule values as Java values of a column type; the validator and the compiler share these rules. */
final class Values {
    private Values() {}

    /** Why the value does not fit the type, or null if it does. */
    static String problem(ColumnType type, JsonNode v) {
        if (v.isNumber() && !v.isIntegralNumber() && !Double.isFinite(v.doubleValue())) {
            return "the number is out of range; use a finite number";
        }
        if (type.isTemporal() && v.isTextual()) {
            Temporal t = time(v.textValue());
            if (t != null && SupportedTimes.problem(t).isPresent()) {
                return "the " + (t instanceof LocalDate ? "date " : "time ")
                        + SupportedTimes.problem(t).get();
            }
        }
        return switch (type) {
            case STRING -> v.isTextual() ? null : "expected a string, e.g. \"math\"";
            case INTEGER -> isLong(v) ? null : "expected an integer, e.g. 5";
            case NUMBER -> v.isNumber() ? null : "expected a number, e.g. 2.5";
            case BOOLEAN -> v.isBoolean() ? null : "expected true or false";
            case DATE ->
                v.isTextual() && time(v.textValue()) instanceof LocalDate
                        ? null
                        : "expected an ISO-8601 date, e.g. \"2026-01-15\"";
            case TIMESTAMP, TIMESTAMP_TZ ->
                v.isTextual() && time(v.textValue()) != null
                        ? null
                        : "expected an ISO-8601 date or time, e.g. \"2026-01-15\", \"2026-01-15T10:00:00\" (in the"
                                + " configured time zone) or \"2026-01-15T10:00:00Z\"";
            case ARRAY, OTHER -> "values of this type cannot be compared";
        };
    }

    /** The value to bind; temporal types give the parsed {@link Temporal} (converted by the compiler). */
    static Object of(ColumnType type, JsonNode v) {
        String p = problem(type, v);
        if (p != null) {
            throw new IllegalArgumentException("invalid value " + v + ": " + p + " (validate rules before compiling)");
        }
        return switch (type) {
            case STRING -> v.textValue();
            case INTEGER ->
                v.isIntegralNumber() ? v.longValue() : v.decimalValue().longValueExact();
            case NUMBER -> v.doubleValue();
            case BOOLEAN -> v.booleanValue();
            default -> time(v.textValue());
        };
    }

    /** A date, a local date-time or an offset date-time; null if the text is none of them. */
    static Temporal time(String text) {
        try {
            if (text.indexOf('T') < 0) {
                return LocalDate.parse(text);
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(text);
            }
            return LocalDateTime.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isLong(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.canConvertToLong();
        }
        if (!v.isNumber()) {
            return false;
        }
        try {
            v.decimalValue().longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }
}
