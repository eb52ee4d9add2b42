package dev.masync.sync.run;

import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;
import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/** One run and the records it could not deliver. */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class RunResource {
    /** A record the run could not deliver; {@code recordKey} is the record's key at the destination. */
    public record RejectionView(
            String learnerKey, String recordKey, String errorClass, String code, String message, Instant at) {}

    @GET
    @Path("/{id}")
    @RolesAllowed("viewer")
    @Operation(summary = "One run: status, trigger, counts, phase timings, progress while running")
    public RunView get(@PathParam("id") String id) {
        return RunView.of(run(id));
    }

    @GET
    @Path("/{id}/rejections")
    @RolesAllowed("viewer")
    @Operation(summary = "Records this run could not deliver, with the destination's reasons, a page at a time")
    public Page<RejectionView> rejections(
            @PathParam("id") String id, @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        int limit = ListParams.limit(limitParam, 100, 1000);
        Long after = Cursors.id(cursor, null, null);
        SyncRunEntity run = run(id);
        List<RunRejectionEntity> rows = (after == null
                        ? RunRejectionEntity.<RunRejectionEntity>find("runId", Sort.ascending("id"), run.id)
                        : RunRejectionEntity.<RunRejectionEntity>find(
                                "runId = ?1 and id > ?2", Sort.ascending("id"), run.id, after))
                .range(0, limit)
                .list();
        return Cursors.page(
                rows,
                limit,
                r -> new RejectionView(r.learnerKey, r.destinationKey, r.errorClass, r.code, r.message, r.rejectedAt),
                r -> Cursors.ofId(r.id));
    }

    private static SyncRunEntity run(String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("run_not_found", "No run '" + id + "'; run ids are numbers.");
        }
        SyncRunEntity run = SyncRunEntity.findById(n);
        if (run == null) {
            throw ApiException.notFound("run_not_found", "No run " + id + ".");
        }
        return run;
    }
}
