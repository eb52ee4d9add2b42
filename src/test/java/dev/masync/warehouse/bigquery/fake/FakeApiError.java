package dev.masync.warehouse.bigquery.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error as the BigQuery API reports it: HTTP status, {@code errors[].reason} and message. */
final class FakeApiError extends Exception {
    final int status;
    final String reason;

    FakeApiError(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    static FakeApiError invalidQuery(String message) {
        return new FakeApiError(400, "invalidQuery", message);
    }

    static FakeApiError invalid(String message) {
        return new FakeApiError(400, "invalid", message);
    }

    static FakeApiError notFound(String message) {
        return new FakeApiError(404, "notFound", message);
    }

    /** An injected fault with BigQuery's usual message for the reason. */
    static FakeApiError injected(int status, String reason, String message) {
        return new FakeApiError(
                status,
                reason,
                message != null
                        ? message
                        : switch (reason) {
                            case "rateLimitExceeded" ->
                                "Exceeded rate limits: too many api requests per user per method for this"
                                        + " user_method. For more information, see"
                                        + " https://cloud.google.com/bigquery/docs/troubleshoot-quotas";
                            case "quotaExceeded" ->
                                "Quota exceeded: Your project exceeded quota for concurrent queries.";
                            case "backendError" ->
                                "Error encountered during execution. Retrying may solve the problem.";
                            case "internalError" ->
                                "An internal error occurred and the request could not be completed.";
                            case "accessDenied" ->
                                "Access Denied: Project test-project: User does not have bigquery.jobs.create"
                                        + " permission in project test-project.";
                            case "invalidQuery" -> "Syntax error: Unexpected keyword (injected by the fake) at [1:1]";
                            case "notFound" -> "Not found: resource (injected by the fake)";
                            default -> reason + " (injected by the fake)";
                        });
    }

    /** {@code {"error":{"code":..,"message":..,"errors":[{"reason":..}],"status":..}}}. */
    ObjectNode body() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", status);
        error.put("message", getMessage());
        error.putArray("errors").add(errorProto(true));
        error.put("status", statusName(status));
        return root;
    }

    /** The {@code ErrorProto} of a job's {@code status.errorResult}. */
    ObjectNode errorProto(boolean withDomain) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("message", getMessage());
        if (withDomain) {
            e.put("domain", "global");
        }
        e.put("reason", reason);
        if (reason.equals("invalidQuery")) {
            e.put("location", "q");
            e.put("locationType", "parameter");
        }
        return e;
    }

    private static String statusName(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ALREADY_EXISTS";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "NOT_IMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }
}
