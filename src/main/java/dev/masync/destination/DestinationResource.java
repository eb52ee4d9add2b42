package dev.masync.destination;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.definition.DefinitionKind;
import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/**
 * Destinations: CRUD for admins with optimistic concurrency ({@code ETag}/{@code If-Match} carry the version), reads
 * for viewers, and a settings-and-credentials test for editors.
 */
@Path("/api/v1/destinations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "destinations")
public class DestinationResource {
    private final DestinationService destinations;
    private final SecurityIdentity identity;

    DestinationResource(DestinationService destinations, SecurityIdentity identity) {
        this.destinations = destinations;
        this.identity = identity;
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Destinations by key, a page at a time (settings as written: secrets only as references)")
    public Page<DestinationView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int n = ListParams.limit(limit, ListParams.DEFAULT_LIMIT, ListParams.MAX_LIMIT);
        return destinations.page(Cursors.key(cursor, null, null), n);
    }

    @APIResponse(
            responseCode = "201",
            description = "Created",
            headers = {
                @Header(
                        name = "Location",
                        description = "the new destination",
                        schema = @Schema(type = SchemaType.STRING)),
                @Header(name = "ETag", description = "its version", schema = @Schema(type = SchemaType.STRING))
            },
            content =
                    @Content(mediaType = "application/json", schema = @Schema(implementation = DestinationView.class)))
    @APIResponse(responseCode = "409", description = "destination_exists: the key is taken")
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(summary = "Create a destination (checked by its connector; 400/422 list every error with a pointer)")
    public Response create(
            @RequestBody(content = @Content(schema = @Schema(implementation = DestinationRequest.class)))
                    JsonNode body) {
        DestinationView created = destinations.create(require(body), actor());
        return Response.created(URI.create("/api/v1/destinations/" + created.key()))
                .tag(tag(created.version()))
                .entity(created)
                .build();
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            headers =
                    @Header(
                            name = "ETag",
                            description = "the version, to send as If-Match",
                            schema = @Schema(type = SchemaType.STRING)),
            content =
                    @Content(mediaType = "application/json", schema = @Schema(implementation = DestinationView.class)))
    @GET
    @Path("/{key}")
    @RolesAllowed("viewer")
    @Operation(summary = "One destination; its ETag is the version to send as If-Match")
    public Response get(@PathParam("key") String key) {
        DestinationView view = destinations.view(key);
        return Response.ok(view).tag(tag(view.version())).build();
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            headers =
                    @Header(
                            name = "ETag",
                            description = "the version, to send as If-Match",
                            schema = @Schema(type = SchemaType.STRING)),
            content =
                    @Content(mediaType = "application/json", schema = @Schema(implementation = DestinationView.class)))
    @APIResponse(
            responseCode = "409",
            description = "managed_by_file: a file under connectors/destinations/ defines it")
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @PUT
    @Path("/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(summary = "Replace a destination's definition; needs If-Match with the version read (412 if stale)")
    public Response update(
            @PathParam("key") String key,
            @HeaderParam("If-Match") String ifMatch,
            @RequestBody(content = @Content(schema = @Schema(implementation = DestinationRequest.class)))
                    JsonNode body) {
        DestinationView view =
                destinations.update(key, require(body), DestinationService.KIND.ifMatch(ifMatch), actor());
        return Response.ok(view).tag(tag(view.version())).build();
    }

    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "destination_in_use (a sync uses it) or managed_by_file")
    @DELETE
    @Path("/{key}")
    @RolesAllowed("admin")
    @Operation(summary = "Delete a destination; needs If-Match; 409 while a sync uses it")
    public Response delete(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch) {
        destinations.delete(key, DestinationService.KIND.ifMatch(ifMatch));
        return Response.noContent().build();
    }

    @POST
    @Path("/{key}/test")
    @RolesAllowed("editor")
    @Operation(
            summary = "Check settings, that every referenced secret resolves (never returned), and probe the"
                    + " destination when its connector can; 200 with ok and problems")
    public DestinationCheck test(@PathParam("key") String key) {
        return destinations.test(key);
    }

    private static JsonNode require(JsonNode body) {
        if (body == null || body.isMissingNode()) {
            throw ApiException.badRequest(
                    "missing_body", "Send the destination as a JSON object with key, name, type" + " and settings.");
        }
        return body;
    }

    private static EntityTag tag(int version) {
        return DefinitionKind.etag(version);
    }

    private String actor() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
