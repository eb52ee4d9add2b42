package dev.masync.warehouse.bigquery;

import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.JobException;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.WarehouseException.Kind;

import java.io.IOException;
import java.util.List;

/**
 * Turns BigQuery failures into {@link WarehouseException}s. By the time an exception reaches here the client has
 * already retried what it retries (rate limits, 5xx, lost connections), so transient kinds mean "gave up".
 *
 * <p>Reasons: https://cloud.google.com/bigquery/docs/error-messages
 */
final class BigQueryErrors {

    private BigQueryErrors() {}

    static WarehouseException translate(BigQueryException e, String what) {
        Kind kind = kind(e.getCode(), e.getReason(), e.getCause());
        return new WarehouseException(
                kind, what + " failed (" + describe(kind, e.getCode(), e.getReason()) + "): " + message(e), e);
    }

    static WarehouseException translate(JobException e, String what) {
        List<BigQueryError> errors = e.getErrors();
        BigQueryError first = errors == null || errors.isEmpty() ? null : errors.get(0);
        String reason = first == null ? null : first.getReason();
        Kind kind = kind(0, reason, null);
        String message = first == null ? e.getMessage() : first.getMessage();
        return new WarehouseException(kind, what + " failed (" + describe(kind, 0, reason) + "): " + message, e);
    }

    /** A failed job's {@code status.errorResult}. */
    static WarehouseException translate(BigQueryError error, String what) {
        Kind kind = kind(0, error.getReason(), null);
        return new WarehouseException(
                kind, what + " failed (" + describe(kind, 0, error.getReason()) + "): " + error.getMessage());
    }

    static Kind kind(int code, String reason, Throwable cause) {
        if (reason != null) {
            switch (reason) {
                case "bytesBilledLimitExceeded" -> {
                    return Kind.BUDGET_EXCEEDED;
                }
                case "invalidQuery",
                        "invalid",
                        "billingTierLimitExceeded",
                        "responseTooLarge",
                        "resourcesExceeded",
                        "duplicate" -> {
                    return Kind.INVALID_QUERY;
                }
                case "notFound" -> {
                    return Kind.NOT_FOUND;
                }
                case "rateLimitExceeded",
                        "quotaExceeded",
                        "backendError",
                        "internalError",
                        "jobBackendError",
                        "jobInternalError",
                        "timeout",
                        "stopped",
                        "tableUnavailable" -> {
                    return Kind.TRANSIENT;
                }
                case "accessDenied",
                        "billingNotEnabled",
                        "blocked",
                        "forbidden",
                        "unauthorized",
                        "authError",
                        "required" -> {
                    if (code != 400) {
                        return Kind.ACCESS_DENIED;
                    }
                }
                default -> {
                    // fall through to the HTTP status
                }
            }
        }
        switch (code) {
            case 400 -> {
                return Kind.INVALID_QUERY;
            }
            case 401, 403 -> {
                return Kind.ACCESS_DENIED;
            }
            case 404 -> {
                return Kind.NOT_FOUND;
            }
            case 408, 429, 500, 502, 503, 504 -> {
                return Kind.TRANSIENT;
            }
            default -> {
                return cause instanceof IOException || code == 0 ? Kind.UNAVAILABLE : Kind.TRANSIENT;
            }
        }
    }

    private static String describe(Kind kind, int code, String reason) {
        StringBuilder s = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT));
        if (code > 0) {
            s.append(", HTTP ").append(code);
        }
        if (reason != null) {
            s.append(", ").append(reason);
        }
        return s.toString();
    }

    private static String message(BigQueryException e) {
        if (e.getError() != null && e.getError().getMessage() != null) {
            return e.getError().getMessage();
        }
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        Throwable cause = e.getCause();
        return cause == null ? "no details" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
