package dev.masync.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Objects;

/**
 * One validation error.
 *
 * @param pointer JSON pointer (RFC 6901) to the offending node of the request body, e.g. {@code /rule/all/2/value}
 * @param message what is wrong and how to fix it
 * @param code    a stable, machine-readable name of the kind of error (e.g. {@code mapping_field_missing}), where one
 *                is defined; null (and left out of the JSON) otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProblemError(String pointer, String message, String code) {
    public ProblemError {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }

    /** An error without a code of its own. */
    public ProblemError(String pointer, String message) {
        this(pointer, message, null);
    }
}
