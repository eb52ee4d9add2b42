package dev.masync.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}. {@code code} is stable and
 * machine-readable; {@code detail} says what to do.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String code, List<ProblemError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static Problem of(int status, String code, String title, String detail, List<ProblemError> errors) {
        return new Problem(
                "https://ma-sync.dev/problems/" + code.replace('_', '-'), title, status, detail, code, errors);
    }
}
