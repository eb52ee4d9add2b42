package dev.masync.platform.problem;

import java.util.Objects;

/**
 * One validation error.
 *
 * @param pointer JSON pointer (RFC 6901) to the offending node of the request body, e.g. {@code /rule/all/2/value}
 * @param message what is wrong and how to fix it
 */
public record ProblemError(String pointer, String message) {
    public ProblemError {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }
}
