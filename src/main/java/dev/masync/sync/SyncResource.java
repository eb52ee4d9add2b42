package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.definition.DefinitionKind;
import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
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

/** Syncs: segment → destination, identity, mapping, membership, mode, schedule. */
@Path("/api/v1/syncs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "syncs")
public class SyncResource {
    private final SyncService syncs;
    private final SecurityIdentity identity;

    SyncResource(SyncService syncs, SecurityIdentity identity) {
        this.syncs = syncs;
        this.identity = identity;
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Syncs by key, a page at a time")
    public Page<SyncView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int n = ListParams.limit(limit, ListParams.DEFAULT_LIMIT, ListParams.MAX_LIMIT);
        return syncs.page(Cursors.key(cursor, null, null), n);
    }

    @APIResponse(
            responseCode = "201",
            description = "Created",
            headers = {
                @Header(name = "Location", description = "the new sync", schema = @Schema(type = SchemaType.STRING)),
                @Header(name = "ETag", description = "its version", schema = @Schema(type = SchemaType.STRING))
            },
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SyncView.class)))
    @APIResponse(responseCode = "409", description = "sync_exists: the key is taken")
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("editor")
    @Operation(summary = "Create a sync (checked against catalog, segments and destinations; 422 lists every error)")
    public Response create(
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = SyncSchema.class)))
                    JsonNode body) {
        SyncView v = syncs.create(body, actor());
        return Response.created(URI.create("/api/v1/syncs/" + v.key()))
                .tag(tag(v.version()))
                .entity(v)
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
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SyncView.class)))
    @GET
    @Path("/{key}")
    @RolesAllowed("viewer")
    @Operation(summary = "One sync with its definition and next run; its ETag is the version to send as If-Match")
    public Response get(@PathParam("key") String key) {
        SyncView v = syncs.get(key);
        return Response.ok(v).tag(tag(v.version())).build();
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            headers =
                    @Header(
                            name = "ETag",
                            description = "the version, to send as If-Match",
                            schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SyncView.class)))
    @APIResponse(responseCode = "409", description = "managed_by_file: a file under connectors/syncs/ defines it")
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @PUT
    @Path("/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("editor")
    @Operation(summary = "Replace a sync's definition; needs If-Match with its version")
    public Response update(
            @PathParam("key") String key,
            @HeaderParam("If-Match") String ifMatch,
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = SyncSchema.class)))
                    JsonNode body) {
        SyncView v = syncs.update(key, body, SyncService.KIND.ifMatch(ifMatch), actor());
        return Response.ok(v).tag(tag(v.version())).build();
    }

    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "run_in_progress (it runs) or managed_by_file")
    @DELETE
    @Path("/{key}")
    @RolesAllowed("editor")
    @Operation(summary = "Delete a sync; needs If-Match; refused while it runs")
    public Response delete(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch) {
        syncs.delete(key, SyncService.KIND.ifMatch(ifMatch), actor());
        return Response.noContent().build();
    }

    @POST
    @Path("/{key}/pause")
    @RolesAllowed("editor")
    @Operation(summary = "Stop scheduled runs of a sync (runs started through the API still run)")
    public SyncView pause(@PathParam("key") String key) {
        return paused(key, true);
    }

    @POST
    @Path("/{key}/resume")
    @RolesAllowed("editor")
    @Operation(summary = "Resume scheduled runs")
    public SyncView resume(@PathParam("key") String key) {
        return paused(key, false);
    }

    /**
     * Pause and resume take no {@code If-Match}: they ask for a state, not a change of a version. When a concurrent
     * write wins the race, the sync is read again: in the state asked for, that is the answer (two pauses at once
     * both answer paused, one version written); otherwise the write is tried once more on the new version.
     */
    private SyncView paused(String key, boolean paused) {
        try {
            return syncs.setPaused(key, paused, actor());
        } catch (dev.masync.platform.problem.ApiException e) {
            if (e.status() != 412) {
                throw e;
            }
            SyncView now = syncs.get(key);
            if (now.definition().path("paused").asBoolean(false) == paused) {
                return now;
            }
            return syncs.setPaused(key, paused, actor());
        }
    }

    private static EntityTag tag(int version) {
        return DefinitionKind.etag(version);
    }

    private String actor() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
