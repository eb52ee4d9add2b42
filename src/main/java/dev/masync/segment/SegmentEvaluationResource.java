package dev.masync.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.platform.Cursors;
import dev.masync.platform.problem.ListParams;
import dev.masync.segment.rule.Rule;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Evaluating segments in the warehouse: preview, members, edit impact, explain. */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "segments")
public class SegmentEvaluationResource {
    static final int DEFAULT_SAMPLE = 10;
    static final int MAX_SAMPLE = 100;

    private final SegmentService segments;
    private final SegmentQueries queries;

    SegmentEvaluationResource(SegmentService segments, SegmentQueries queries) {
        this.segments = segments;
        this.queries = queries;
    }

    /** An unsaved definition to evaluate. */
    public record PreviewRequest(
            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    implementation = dev.masync.segment.rule.RuleSchema.class)
            JsonNode rule,

            String asOf,
            List<String> attributes,
            Integer sampleSize) {}

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = SegmentQueries.Preview.class)))
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @APIResponse(responseCode = "503", description = "warehouse_unavailable or warehouse_starting")
    @POST
    @Path("/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("viewer")
    @Operation(
            summary = "Evaluate an unsaved rule: member count, a sample with chosen attributes, the compiled SQL, and"
                    + " warnings for string values no learner has")
    public SegmentQueries.Preview preview(PreviewRequest request) {
        PreviewRequest r = request == null ? new PreviewRequest(null, null, null, null) : request;
        Rule rule = segments.checkedRule(r.rule(), "/rule", null, List.of());
        Instant asOf = queries.asOf(r.asOf(), "/asOf");
        int sample = SegmentQueries.limit(r.sampleSize(), DEFAULT_SAMPLE, "/sampleSize");
        return queries.preview(rule, asOf, r.attributes(), Math.min(sample, MAX_SAMPLE))
                .withWarnings(segments.warnings(rule));
    }

    /** A proposed definition to compare with the saved one. */
    public record ChangeRequest(
            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    implementation = dev.masync.segment.rule.RuleSchema.class)
            JsonNode rule,

            String asOf,
            Integer sampleSize) {}

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = SegmentQueries.Change.class)))
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @APIResponse(responseCode = "503", description = "warehouse_unavailable or warehouse_starting")
    @POST
    @Path("/{key}/preview-change")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("viewer")
    @Operation(summary = "Edit impact: how many learners would enter and leave if the saved segment took this rule")
    public SegmentQueries.Change previewChange(@PathParam("key") String key, ChangeRequest request) {
        Segment s = segments.find(key);
        ChangeRequest r = request == null ? new ChangeRequest(null, null, null) : request;
        Rule proposed = segments.checkedRule(r.rule(), "/rule", key, List.of());
        Rule saved = segments.checkedRule(segments.readRule(s.ruleJson), "/rule", key, List.of());
        int sample = SegmentQueries.limit(r.sampleSize(), DEFAULT_SAMPLE, "/sampleSize");
        return queries.change(saved, proposed, queries.asOf(r.asOf(), "/asOf"), Math.min(sample, MAX_SAMPLE))
                .withWarnings(segments.warnings(proposed));
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = SegmentQueries.ExplainResult.class)))
    @APIResponse(responseCode = "503", description = "warehouse_unavailable or warehouse_starting")
    @GET
    @Path("/{key}/explain/{learnerKey}")
    @RolesAllowed("viewer")
    @Operation(
            summary = "Is this learner in the segment, and which condition held or failed, with the learner's values")
    public SegmentQueries.ExplainResult explain(
            @PathParam("key") String key, @PathParam("learnerKey") String learnerKey, @QueryParam("asOf") String asOf) {
        Segment s = segments.find(key);
        JsonNode ruleJson = segments.readRule(s.ruleJson);
        Rule rule = segments.checkedRule(ruleJson, "/rule", key, List.of());
        SegmentQueries.ExplainResult result =
                queries.explain(key, rule, ruleJson, queries.asOf(asOf, "/asOf"), learnerKey);
        if (!result.found()) {
            throw dev.masync.platform.problem.ApiException.notFound(
                    "learner_not_found",
                    "No learner '" + learnerKey + "' in the learners table; check the key (GET /api/v1/segments/" + key
                            + "/members lists some).");
        }
        return result;
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = SegmentQueries.MembersPage.class)))
    @APIResponse(
            responseCode = "422",
            description = "validation_failed: errors[] has a pointer and a hint for each problem")
    @APIResponse(responseCode = "503", description = "warehouse_unavailable or warehouse_starting")
    @GET
    @Path("/{key}/members")
    @RolesAllowed("viewer")
    @Operation(summary = "Members now (or at asOf), by learner key, a page at a time, with chosen attributes")
    public SegmentQueries.MembersPage members(
            @PathParam("key") String key,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursorParam,
            @Parameter(deprecated = true, description = "Old name of cursor: the last learner key of the previous page")
                    @QueryParam("after")
                    String after,
            @QueryParam("attributes") String attributes,
            @QueryParam("asOf") String asOf) {
        int pageSize = ListParams.limit(limit, 100, SegmentQueries.MAX_PAGE);
        String cursor = Cursors.key(cursorParam, "after", after);
        String cursorName = after != null ? "after" : Cursors.PARAM;
        Segment s = segments.find(key);
        Rule rule = segments.checkedRule(segments.readRule(s.ruleJson), "/rule", key, List.of());
        List<String> attrs = attributes == null || attributes.isBlank()
                ? List.of()
                : Arrays.stream(attributes.split(","))
                        .map(String::trim)
                        .filter(a -> !a.isEmpty())
                        .toList();
        return queries.members(rule, queries.asOf(asOf, "/asOf"), attrs, cursor, cursorName, pageSize);
    }
}
