package dev.masync.security;

import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;
import dev.masync.platform.problem.ProblemError;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** API keys: create (the key is shown once), list, revoke. Admins only. */
@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "api-keys")
public class ApiKeyResource {
    static final int MAX_NAME = dev.masync.definition.FieldLimit.API_KEY_NAME.max();
    private static final Set<String> ROLES = Set.of("viewer", "editor", "admin");

    private final ApiKeys keys;
    private final SecurityIdentity caller;

    ApiKeyResource(ApiKeys keys, SecurityIdentity caller) {
        this.keys = keys;
        this.caller = caller;
    }

    public record CreateRequest(String name, String role) {}

    /** The only response that carries the clear key. */
    public record Created(
            long id, String name, String role, String prefix, Instant createdAt, String createdBy, String key) {}

    @APIResponse(
            responseCode = "201",
            description = "Created; the only answer that shows the key",
            headers =
                    @Header(
                            name = "Location",
                            description = "the new API key",
                            schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Created.class)))
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Create an API key; the response is the only place the key is ever shown")
    public Response create(CreateRequest request, @jakarta.ws.rs.core.Context UriInfo uri) {
        validate(request);
        ApiKeys.Issued issued = keys.create(
                request.name().trim(),
                Role.parse(request.role()),
                caller.getPrincipal().getName());
        ApiKeyView k = issued.stored();
        return Response.created(
                        uri.getAbsolutePathBuilder().path(Long.toString(k.id())).build())
                .entity(new Created(k.id(), k.name(), k.role(), k.prefix(), k.createdAt(), k.createdBy(), issued.key()))
                .build();
    }

    @GET
    @Operation(summary = "API keys by id, revoked ones included (never the keys themselves), a page at a time")
    public Page<ApiKeyView> list(@QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        int limit = ListParams.limit(limitParam, ListParams.DEFAULT_LIMIT, ListParams.MAX_LIMIT);
        Long after = Cursors.id(cursor, null, null);
        List<ApiKey> rows = (after == null
                        ? ApiKey.<ApiKey>findAll(Sort.by("id"))
                        : ApiKey.<ApiKey>find("id > ?1", Sort.by("id"), after))
                .range(0, limit)
                .list();
        return Cursors.page(rows, limit, ApiKeyView::of, k -> Cursors.ofId(k.id));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One API key (never the key itself)")
    public ApiKeyView get(@PathParam("id") long id) {
        ApiKey k = ApiKey.findById(id);
        if (k == null) {
            throw ApiKeys.notFound(id);
        }
        return ApiKeyView.of(k);
    }

    @APIResponse(responseCode = "204", description = "Revoked (or already revoked)")
    @APIResponse(responseCode = "409", description = "last_admin_key: the last active admin key cannot be revoked")
    @DELETE
    @Path("/{id}")
    @Transactional
    @Operation(summary = "Revoke an API key at once; revoking a revoked key succeeds and changes nothing")
    public Response revoke(@PathParam("id") long id) {
        keys.revoke(id);
        return Response.noContent().build();
    }

    static void validate(CreateRequest r) {
        List<ProblemError> errors = new ArrayList<>();
        if (r == null) {
            throw ApiException.badRequest(
                    "Send a JSON body {\"name\": \"...\", \"role\": \"viewer|editor|admin\"}.",
                    List.of(new ProblemError("", "body required")));
        }
        String name = r.name() == null ? "" : r.name().trim();
        if (r.name() == null) {
            errors.add(new ProblemError("/name", "required: a name that says who or what uses the key"));
        } else if (name.isEmpty()) {
            errors.add(new ProblemError("/name", "must not be blank"));
        } else if (name.length() > MAX_NAME) {
            errors.add(new ProblemError("/name", "at most " + MAX_NAME + " characters (got " + name.length() + ")"));
        }
        if (r.role() == null) {
            errors.add(new ProblemError("/role", "required: one of viewer, editor, admin"));
        } else if (!ROLES.contains(r.role())) {
            errors.add(new ProblemError("/role", "'" + r.role() + "' is not a role; use viewer, editor or admin"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("The API key request has invalid values; see errors.", errors);
        }
    }
}
