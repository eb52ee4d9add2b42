package dev.masync.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.masync.platform.DomainException;
import dev.masync.warehouse.WarehouseException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.UUID;

/**
 * The one exception → problem table. Every error the API returns passes through here, so every error is
 * {@code application/problem+json} with a stable {@code code}.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.toProblem());
    }

    /** Domain failures carry a code and a kind; the kind alone decides the status. */
    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return respond(
                switch (e.kind()) {
                    case NOT_FOUND -> Problem.of(404, e.code(), "Not found", e.getMessage(), List.of());
                    case CONFLICT -> Problem.of(409, e.code(), "Conflict", e.getMessage(), List.of());
                    case UNAVAILABLE -> Problem.of(503, e.code(), "Service unavailable", e.getMessage(), List.of());
                });
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(JsonProblems.of(e));
    }

    /** Declared separately: the JSON extension ships its own mappers for these more specific types. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response jsonParse(com.fasterxml.jackson.core.JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        List<ProblemError> errors = e.getConstraintViolations().stream()
                .map(v -> new ProblemError(violationPointer(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return respond(Problem.of(
                400, "validation_failed", "Validation failed", "The request has invalid values; see errors.", errors));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthenticated();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthenticated();
    }

    // ForbiddenException: dev.masync.security.ForbiddenProblems names the role needed and the caller's

    @ServerExceptionMapper
    public Response warehouse(WarehouseException e) {
        if (e.kind() == WarehouseException.Kind.INVALID_QUERY) {
            return internal(e);
        }
        if (e.kind() == WarehouseException.Kind.BUDGET_EXCEEDED) {
            return respond(Problem.of(
                    422,
                    "bytes_billed_limit",
                    "Query over the bytes-billed limit",
                    "The warehouse did not run the query: it would bill more bytes than allowed ("
                            + e.getMessage() + "). Narrow the rule (fewer event conditions or shorter windows) or"
                            + " raise masync.warehouse.bigquery.maximum-bytes-billed.",
                    List.of()));
        }
        LOG.warnf("warehouse call failed (%s): %s", e.kind(), e.getMessage());
        return respond(Problem.of(
                503,
                "warehouse_unavailable",
                "Warehouse unavailable",
                "The warehouse cannot answer right now: " + e.getMessage(),
                List.of()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e);
        }
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> "bad_request";
        };
        String detail = switch (status) {
            case 404 -> "No such resource; check the path (the API lives under /api/v1, see /q/openapi).";
            case 405 -> "This path does not accept that method; see /q/openapi.";
            case 415 -> "Send the body as application/json.";
            case 413 -> "The request body is too large.";
            default -> e.getMessage() == null ? "The request is not valid." : JsonProblems.clean(e.getMessage());
        };
        return respond(Problem.of(status, code, e.getResponse().getStatusInfo().getReasonPhrase(), detail, List.of()));
    }

    @ServerExceptionMapper
    public Response any(Throwable e) {
        return internal(e);
    }

    private static Response internal(Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "internal error, incident %s", incident);
        return respond(Problem.of(
                500,
                "internal_error",
                "Internal error",
                "Something went wrong on our side (incident " + incident + "); the logs have the details.",
                List.of()));
    }

    private static Response unauthenticated() {
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(
                        401,
                        "unauthorized",
                        "Unauthorized",
                        "Send a valid API key as 'Authorization: Bearer <key>'.",
                        List.of()))
                .build();
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            sb.append('/');
            if (ref.getFieldName() != null) {
                sb.append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else {
                sb.append(ref.getIndex());
            }
        }
        return sb.toString();
    }

    private static String violationPointer(String propertyPath) {
        // "create.body.name" → "/name": drop the method and parameter segments.
        String[] parts = propertyPath.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = Math.min(2, parts.length - 1); i < parts.length; i++) {
            sb.append('/').append(parts[i]);
        }
        return sb.toString();
    }
}
