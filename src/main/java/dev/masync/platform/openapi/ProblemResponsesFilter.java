package dev.masync.platform.openapi;

import dev.masync.platform.problem.Problem;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;
import java.util.Map;

/**
 * Completes every {@code /api/v1} operation of the OpenAPI document with the problems it can answer, each as
 * {@code application/problem+json} with the {@code Problem} schema: 401 and 403 always (every call needs a key with a
 * role), 404 where the path names a resource, 400 where it takes a body or query parameters, 413 and 415 with a body,
 * 412 and 428 with {@code If-Match}. Responses an operation documents itself (409, 422…) keep their description and
 * get the problem content. Operations outside {@code /api/v1} (signed inbound webhooks) take no API key.
 */
public class ProblemResponsesFilter implements OASFilter {
    static final String API = "/api/v1/";
    static final String PROBLEM_REF = "#/components/schemas/Problem";

    private static final java.util.Set<String> SCANNER_DEFAULTS =
            java.util.Set.of("Not Authorized", "Not Allowed", "Bad Request", "Not Found", "");

    private static final Map<String, String> GENERIC = Map.of(
            "400",
                    "The request is not valid: a query parameter (invalid_limit, invalid_cursor…) or the body"
                            + " (malformed_json, invalid_type, unknown_field, validation_failed); errors[] points at each",
            "401", "No API key, or an unknown or revoked one (unauthorized)",
            "403", "The key's role may not do this (forbidden); detail names the role needed and the key's role",
            "404", "No such resource (its code names the kind, e.g. segment_not_found)",
            "409", "Conflicts with the current state (code says which)",
            "412", "If-Match is not the current version (version_mismatch): read it again",
            "413", "The body is larger than 256 KiB (payload_too_large)",
            "415", "Send application/json (unsupported_media_type)",
            "422",
                    "The definition does not fit the catalog, segments or destinations (validation_failed): errors[]"
                            + " has a pointer and a hint for each",
            "428", "PUT and DELETE need If-Match with the version read (if_match_required)");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema("ProblemError", problemError());
        openAPI.getComponents().addSchema("Problem", problem());
        if (openAPI.getComponents().getSchemas() != null) {
            // a oneOf names the types itself: the "object" the scanner adds would contradict scalar alternatives
            openAPI.getComponents().getSchemas().values().forEach(schema -> {
                if (schema.getOneOf() != null && !schema.getOneOf().isEmpty()) {
                    schema.setType(null);
                }
            });
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> e :
                    item.getOperations().entrySet()) {
                if (path.startsWith(API)) {
                    complete(path, e.getKey(), e.getValue(), item.getParameters());
                } else {
                    e.getValue().setSecurity(List.of()); // authenticated by signature, not an API key
                }
            }
        });
    }

    private static void complete(
            String path, PathItem.HttpMethod method, Operation op, List<Parameter> pathParameters) {
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = op.getResponses();
        List<Parameter> params = new java.util.ArrayList<>();
        if (op.getParameters() != null) params.addAll(op.getParameters());
        if (pathParameters != null) params.addAll(pathParameters);
        boolean body = op.getRequestBody() != null;
        boolean query = params.stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY);
        boolean ifMatch = params.stream()
                .anyMatch(p -> p.getIn() == Parameter.In.HEADER && "If-Match".equalsIgnoreCase(p.getName()));
        describeListParameters(params);
        describe(responses, "401", GENERIC.get("401"));
        describe(responses, "403", forbidden(op));
        if (path.contains("{")) add(responses, "404");
        if (body || query) describe(responses, "400", GENERIC.get("400"));
        if (body) {
            add(responses, "413");
            add(responses, "415");
        }
        if (ifMatch) {
            add(responses, "412");
            add(responses, "428");
        }
        // every 4xx the operation documents itself answers a problem too
        responses.getAPIResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                if (response.getDescription() == null
                        || response.getDescription().isBlank()) {
                    response.setDescription(GENERIC.getOrDefault(status, "A problem"));
                }
                response.setContent(problemContent());
            }
        });
    }

    /** The lowest role the operation's security requirement names (each role includes those below it). */
    private static String forbidden(Operation op) {
        List<String> roles = List.of("viewer", "editor", "admin");
        String needed = op.getSecurity() == null
                ? null
                : op.getSecurity().stream()
                        .filter(r -> r.getSchemes() != null)
                        .flatMap(r -> r.getSchemes().values().stream())
                        .filter(java.util.Objects::nonNull)
                        .flatMap(List::stream)
                        .filter(roles::contains)
                        .min(java.util.Comparator.comparingInt(roles::indexOf))
                        .orElse(null);
        return needed == null
                ? GENERIC.get("403")
                : "The key's role may not do this (forbidden): it needs the " + needed
                        + " role or a higher one; detail names the role needed and the key's role";
    }

    /** A response with this description, replacing the scanner's generic one ("Not Authorized", "Bad Request"). */
    private static void describe(APIResponses responses, String status, String description) {
        APIResponse r = responses.getAPIResponse(status);
        if (r == null) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
        } else if (r.getDescription() == null || SCANNER_DEFAULTS.contains(r.getDescription())) {
            r.setDescription(description);
        }
    }

    /** The paging parameters every list takes, read as strings so that a bad one is a 400 problem. */
    private static void describeListParameters(List<Parameter> params) {
        for (Parameter p : params) {
            if (p.getIn() != Parameter.In.QUERY || p.getDescription() != null) continue;
            switch (p.getName()) {
                case "limit" -> {
                    p.setDescription("page size, a whole number from 1 to the list's maximum (see README, Lists and"
                            + " paging)");
                    p.setSchema(OASFactory.createSchema()
                            .type(List.of(Schema.SchemaType.INTEGER))
                            .minimum(java.math.BigDecimal.ONE));
                }
                case "cursor" ->
                    p.setDescription("the nextCursor of the previous page, as it was (opaque); leave out for the"
                            + " first page");
                default -> {
                    // other query parameters describe themselves
                }
            }
        }
    }

    private static void add(APIResponses responses, String status) {
        if (responses.getAPIResponse(status) == null) {
            APIResponse r = OASFactory.createAPIResponse().description(GENERIC.get(status));
            responses.addAPIResponse(status, r);
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent()
                .addMediaType(
                        Problem.MEDIA_TYPE,
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    private static Schema problemError() {
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("One error of the request, at a JSON pointer into its body")
                .addProperty("pointer", string("RFC 6901 JSON pointer to the offending node, e.g. /rule/all/2/value"))
                .addProperty("message", string("what is wrong and how to fix it"))
                .addProperty("code", string("a stable name of the kind of error, where one is defined"))
                .required(List.of("pointer", "message"));
    }

    private static Schema problem() {
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("An RFC 9457 problem: every error of the API, as application/problem+json")
                .addProperty("type", string("a URI naming the kind of problem"))
                .addProperty("title", string("a short summary of the kind"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", string("what happened and what to do about it"))
                .addProperty("code", string("stable, machine-readable: branch on this"))
                .addProperty(
                        "errors",
                        OASFactory.createSchema()
                                .type(List.of(Schema.SchemaType.ARRAY))
                                .description("each error with its pointer (validation problems)")
                                .items(OASFactory.createSchema().ref("#/components/schemas/ProblemError")))
                .required(List.of("type", "title", "status", "detail", "code"));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
