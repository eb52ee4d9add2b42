package dev.masync.platform.problem;

import java.util.List;

/**
 * A failure a client can act on; rendered as a {@link Problem}. Throw the factory methods rather than building
 * status codes by hand so codes stay stable.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String title;
    private final List<ProblemError> errors;

    public ApiException(int status, String code, String title, String detail, List<ProblemError> errors) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, "Bad request", detail, List.of());
    }

    /** A request body with invalid values: 400 {@code validation_failed}, each error pointing at its value. */
    public static ApiException badRequest(String detail, List<ProblemError> errors) {
        return new ApiException(400, "validation_failed", "Validation failed", detail, errors);
    }

    public static ApiException invalid(String detail, List<ProblemError> errors) {
        return new ApiException(422, "validation_failed", "Validation failed", detail, errors);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(404, code, "Not found", detail, List.of());
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "Conflict", detail, List.of());
    }

    public static ApiException unavailable(String code, String detail) {
        return new ApiException(503, code, "Service unavailable", detail, List.of());
    }

    public Problem toProblem() {
        return Problem.of(status, code, title, getMessage(), errors);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
