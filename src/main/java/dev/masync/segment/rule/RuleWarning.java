package dev.masync.segment.rule;

import java.util.Objects;

/**
 * Something in a valid rule that is probably not what was meant (it is saved and evaluated all the same).
 *
 * @param pointer    JSON pointer (RFC 6901) of the value concerned
 * @param code       stable code, e.g. {@code unknown_value}
 * @param message    what is wrong and what to do about it
 * @param suggestion the value probably meant, or null when none is near
 */
public record RuleWarning(String pointer, String code, String message, String suggestion) {
    public static final String UNKNOWN_VALUE = "unknown_value";

    public RuleWarning {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
