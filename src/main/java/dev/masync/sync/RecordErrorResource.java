package dev.masync.sync;

import dev.masync.audit.AuditLog;
import dev.masync.platform.problem.ApiException;
import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/** Per-record failures of a sync and what an operator does with them. */
@Path("/api/v1/syncs/{key}/record-errors")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class RecordErrorResource {
    private final SyncService syncs;
    private final AuditLog audit;

    RecordErrorResource(SyncService syncs, AuditLog audit) {
        this.syncs = syncs;
        this.audit = audit;
    }

    public record RecordErrorView(
            String learnerKey,
            String destinationKey,
            String errorClass,
            String code,
            String message,
            int attempts,
            String status,
            Instant firstSeen,
            Instant lastSeen) {
        static RecordErrorView of(RecordErrorEntity e) {
            return new RecordErrorView(
                    e.learnerKey,
                    e.destinationKey,
                    e.errorClass,
                    e.code,
                    e.message,
                    e.attempts,
                    e.status,
                    e.firstSeen,
                    e.lastSeen);
        }
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Records of this sync the destination refused: retrying, quarantined or skipped")
    public List<RecordErrorView> list(@PathParam("key") String key, @QueryParam("status") String status) {
        syncs.find(key);
        if (status != null
                && !List.of(RecordErrorEntity.RETRYING, RecordErrorEntity.QUARANTINED, RecordErrorEntity.SKIPPED)
                        .contains(status)) {
            throw ApiException.badRequest("invalid_status", "status must be retrying, quarantined or skipped");
        }
        List<RecordErrorEntity> all = status == null
                ? RecordErrorEntity.list("syncKey", Sort.ascending("learnerKey"), key)
                : RecordErrorEntity.list("syncKey = ?1 and status = ?2", Sort.ascending("learnerKey"), key, status);
        return all.stream().map(RecordErrorView::of).toList();
    }

    @POST
    @Path("/{learnerKey}/retry")
    @RolesAllowed("editor")
    @Transactional
    @Operation(summary = "Send this record again on the next run (clears quarantine and the attempt count)")
    public RecordErrorView retry(@PathParam("key") String key, @PathParam("learnerKey") String learnerKey) {
        RecordErrorEntity e = find(key, learnerKey);
        RecordErrorView before = RecordErrorView.of(e);
        e.status = RecordErrorEntity.RETRYING;
        e.attempts = 0;
        audit.record("record_error.retry", "sync", key + "/" + learnerKey, before, RecordErrorView.of(e));
        return RecordErrorView.of(e);
    }

    @POST
    @Path("/{learnerKey}/skip")
    @RolesAllowed("editor")
    @Transactional
    @Operation(summary = "Stop sending this record until its values change")
    public RecordErrorView skip(@PathParam("key") String key, @PathParam("learnerKey") String learnerKey) {
        RecordErrorEntity e = find(key, learnerKey);
        RecordErrorView before = RecordErrorView.of(e);
        e.status = RecordErrorEntity.SKIPPED;
        audit.record("record_error.skip", "sync", key + "/" + learnerKey, before, RecordErrorView.of(e));
        return RecordErrorView.of(e);
    }

    private RecordErrorEntity find(String key, String learnerKey) {
        syncs.find(key);
        RecordErrorEntity e = RecordErrorEntity.findById(new RecordErrorEntity.Key(key, learnerKey));
        if (e == null) {
            throw ApiException.notFound(
                    "record_error_not_found",
                    "Sync '" + key + "' has no open error for" + " learner '" + learnerKey + "'; GET /api/v1/syncs/"
                            + key + "/record-errors lists them.");
        }
        return e;
    }
}
