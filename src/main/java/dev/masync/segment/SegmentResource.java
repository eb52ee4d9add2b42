package dev.masync.segment;

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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;

/** Segment definitions: CRUD with optimistic concurrency ({@code ETag}/{@code If-Match} carry the version). */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "segments")
public class SegmentResource {
    private final SegmentService segments;
    private final SecurityIdentity identity;

    SegmentResource(SegmentService segments, SecurityIdentity identity) {
        this.segments = segments;
        this.identity = identity;
    }

    public record VersionView(
            int version,
            String change,
            String name,
            String description,

            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    implementation = dev.masync.segment.rule.RuleSchema.class)
            com.fasterxml.jackson.databind.JsonNode rule,

            Instant changedAt,
            String changedBy) {}

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Saved segments by key, a page at a time")
    public Page<SegmentView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int n = ListParams.limit(limit, ListParams.DEFAULT_LIMIT, ListParams.MAX_LIMIT);
        return segments.page(Cursors.key(cursor, null, null), n);
    }

    @APIResponse(
            responseCode = "201",
            description = "Created",
            headers = {
                @Header(name = "Location", description = "the new segment", schema = @Schema(type = SchemaType.STRING)),
                @Header(name = "ETag", description = "its version", schema = @Schema(type = SchemaType.STRING))
            },
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SegmentView.class)))
    @APIResponse(responseCode = "409", description = "segment_exists: the key is taken")
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("editor")
    @Operation(summary = "Create a segment (validated against the catalog; 422 lists every error with a pointer)")
    public Response create(SegmentRequest request) {
        SegmentView created = segments.create(require(request), actor());
        return Response.created(URI.create("/api/v1/segments/" + created.key()))
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
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SegmentView.class)))
    @GET
    @Path("/{key}")
    @RolesAllowed("viewer")
    @Operation(summary = "One segment; its ETag is the version to send as If-Match")
    public Response get(@PathParam("key") String key) {
        SegmentView view = segments.get(key);
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
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SegmentView.class)))
    @APIResponse(responseCode = "409", description = "managed_by_file: a file under segments/ defines it")
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @PUT
    @Path("/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("editor")
    @Operation(summary = "Replace a segment's definition; needs If-Match with the version read (412 if stale)")
    public Response update(
            @PathParam("key") String key, @HeaderParam("If-Match") String ifMatch, SegmentRequest request) {
        SegmentView view = segments.update(key, require(request), SegmentService.KIND.ifMatch(ifMatch), actor());
        return Response.ok(view).tag(tag(view.version())).build();
    }

    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(
            responseCode = "409",
            description = "segment_in_use (another segment or a sync uses it) or managed_by_file")
    @DELETE
    @Path("/{key}")
    @RolesAllowed("editor")
    @Operation(summary = "Delete a segment; needs If-Match; 409 while another segment uses it")
    public Response delete(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch) {
        segments.delete(key, SegmentService.KIND.ifMatch(ifMatch), actor());
        return Response.noContent().build();
    }

    @GET
    @Path("/{key}/versions")
    @RolesAllowed("viewer")
    @Operation(summary = "Earlier definitions of a segment, newest first, with who changed them and when")
    public Page<VersionView> versions(
            @PathParam("key") String key, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int n = ListParams.limit(limit, ListParams.DEFAULT_LIMIT, ListParams.MAX_LIMIT);
        Long before = Cursors.id(cursor, null, null);
        return Cursors.page(
                segments.versions(key, before == null ? null : before.intValue(), n),
                n,
                v -> new VersionView(
                        v.version,
                        v.changeKind,
                        v.name,
                        v.description,
                        segments.readRule(v.ruleJson),
                        v.changedAt,
                        v.changedBy),
                v -> Cursors.ofId(v.version));
    }

    static SegmentRequest require(SegmentRequest request) {
        if (request == null) {
            throw ApiException.badRequest("missing_body", "Send the segment as a JSON object with key, name and rule.");
        }
        return request;
    }

    private static EntityTag tag(int version) {
        return DefinitionKind.etag(version);
    }

    private String actor() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
