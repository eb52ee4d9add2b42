package dev.masync.sync;

import dev.masync.audit.AuditLog;
import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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

    /**
     * One open record error.
     *
     * @param recordKey the record's key at the destination (the value of the sync's identity, e.g. an e-mail); not
     *                  the destination's own key, which the sync's {@code destination} names
     */
    public record RecordErrorView(
            String learnerKey,
            String recordKey,
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

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** Learner keys one bulk call may name. */
    static final int MAX_BULK_KEYS = 1000;

    private static final List<String> STATUSES =
            List.of(RecordErrorEntity.RETRYING, RecordErrorEntity.QUARANTINED, RecordErrorEntity.SKIPPED);

    @GET
    @RolesAllowed("viewer")
    @Operation(
            summary = "Records of this sync the destination refused (retrying, quarantined or skipped), by learner"
                    + " key, a page at a time")
    public Page<RecordErrorView> list(
            @PathParam("key") String key,
            @QueryParam("status") String status,
            @QueryParam("limit") String limitParam,
            @QueryParam("cursor") String cursor,
            @Parameter(deprecated = true, description = "Old name of cursor: the last learner key of the previous page")
                    @QueryParam("after")
                    String afterParam) {
        int limit = ListParams.limit(limitParam, DEFAULT_LIMIT, MAX_LIMIT);
        String after = Cursors.key(cursor, "after", afterParam);
        checkStatus(status, "status");
        syncs.find(key);
        StringBuilder where = new StringBuilder("syncKey = :key");
        Parameters params = Parameters.with("key", key);
        if (status != null) {
            where.append(" and status = :status");
            params.and("status", status);
        }
        if (after != null) {
            where.append(" and learnerKey > :after");
            params.and("after", after);
        }
        List<RecordErrorEntity> rows = RecordErrorEntity.<RecordErrorEntity>find(
                        where.toString(), Sort.ascending("learnerKey"), params)
                .range(0, limit) // inclusive: one more than a page, to know whether another follows
                .list();
        return Cursors.page(rows, limit, RecordErrorView::of, e -> Cursors.ofKey(e.learnerKey));
    }

    /**
     * Which record errors a bulk call acts on: the listed learner keys, or every error of the sync with a status
     * (both: the listed ones that have it).
     */
    public record BulkRequest(List<String> learnerKeys, String status) {}

    /** What a bulk call did: how many errors it selected and how many it changed (the others were already so). */
    public record BulkResult(String action, int matched, int changed, List<String> notFound) {}

    @POST
    @Path("/retry")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("editor")
    @Transactional
    @Operation(
            summary = "Send these records again on the next run, in bulk: {learnerKeys:[...]} or {status:"
                    + " \"quarantined\"}; idempotent")
    public BulkResult retryAll(@PathParam("key") String key, BulkRequest request) {
        return bulk(key, request, "retry", e -> {
            if (RecordErrorEntity.RETRYING.equals(e.status) && e.attempts == 0) {
                return false;
            }
            e.status = RecordErrorEntity.RETRYING;
            e.attempts = 0;
            return true;
        });
    }

    @POST
    @Path("/skip")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("editor")
    @Transactional
    @Operation(
            summary = "Stop sending these records until their values change, in bulk: {learnerKeys:[...]} or"
                    + " {status: \"quarantined\"}; idempotent")
    public BulkResult skipAll(@PathParam("key") String key, BulkRequest request) {
        return bulk(key, request, "skip", e -> {
            if (RecordErrorEntity.SKIPPED.equals(e.status)) {
                return false;
            }
            e.status = RecordErrorEntity.SKIPPED;
            return true;
        });
    }

    private BulkResult bulk(
            String key, BulkRequest request, String action, java.util.function.Predicate<RecordErrorEntity> change) {
        syncs.find(key);
        if (request == null || (request.learnerKeys() == null && request.status() == null)) {
            throw ApiException.badRequest(
                    "invalid_selection",
                    "Name the record errors: {\"learnerKeys\": [\"L1\", ...]} (at most " + MAX_BULK_KEYS
                            + ") or {\"status\": \"quarantined\"}.");
        }
        checkStatus(request.status(), "status");
        List<String> keys = request.learnerKeys();
        if (keys != null && (keys.isEmpty() || keys.size() > MAX_BULK_KEYS || keys.contains(null))) {
            throw ApiException.badRequest(
                    "invalid_selection",
                    "learnerKeys lists 1 to " + MAX_BULK_KEYS + " learner keys (split larger selections).");
        }
        StringBuilder where = new StringBuilder("syncKey = :key");
        Parameters params = Parameters.with("key", key);
        if (keys != null) {
            where.append(" and learnerKey in :keys");
            params.and("keys", keys);
        }
        if (request.status() != null) {
            where.append(" and status = :status");
            params.and("status", request.status());
        }
        List<RecordErrorEntity> selected =
                RecordErrorEntity.list(where.toString(), Sort.ascending("learnerKey"), params);
        List<String> changed = new java.util.ArrayList<>();
        for (RecordErrorEntity e : selected) {
            if (change.test(e)) {
                changed.add(e.learnerKey);
            }
        }
        List<String> notFound = List.of();
        if (keys != null) {
            java.util.Set<String> found = new java.util.HashSet<>();
            selected.forEach(e -> found.add(e.learnerKey));
            notFound = keys.stream().distinct().filter(k -> !found.contains(k)).toList();
        }
        BulkResult result = new BulkResult(action, selected.size(), changed.size(), notFound);
        if (!changed.isEmpty()) {
            audit.record(
                    "record_error." + action + "_bulk",
                    "sync",
                    key,
                    request,
                    java.util.Map.of("changed", changed.size(), "learnerKeys", changed));
        }
        return result;
    }

    private static void checkStatus(String status, String name) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("invalid_status", name + " must be retrying, quarantined or skipped");
        }
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
