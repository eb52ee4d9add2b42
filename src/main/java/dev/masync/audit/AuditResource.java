package dev.masync.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
import dev.masync.platform.problem.ListParams;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit log, newest first, paged by id. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
public class AuditResource {
    static final int MAX_LIMIT = 500;

    private final AuditLog log;

    AuditResource(AuditLog log) {
        this.log = log;
    }

    public record EntryView(
            long id,
            Instant occurredAt,
            String actor,
            String actorRole,
            Long actorKeyId,
            String action,
            String entityType,
            String entityKey,

            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
                    description = "the entity as it was before (null for a creation)")
            JsonNode before,

            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
                    description = "the entity as it is after (null for a deletion)")
            JsonNode after,

            String requestId) {}

    @GET
    @RolesAllowed("admin")
    @Operation(summary = "Audit entries newest first: who changed what, when, with the state before and after")
    public Page<EntryView> list(
            @QueryParam("limit") String limitParam,
            @QueryParam("cursor") String cursor,
            @Parameter(deprecated = true, description = "Old name of cursor: the last id of the previous page")
                    @QueryParam("before")
                    String beforeParam,
            @QueryParam("entityType") String entityType,
            @QueryParam("entityKey") String entityKey,
            @QueryParam("actor") String actor) {
        int limit = ListParams.limit(limitParam, 50, MAX_LIMIT);
        Long before = Cursors.id(cursor, "before", beforeParam);
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (before != null) {
            where.add("id < :before");
            params.and("before", before);
        }
        if (entityType != null && !entityType.isBlank()) {
            where.add("entityType = :entityType");
            params.and("entityType", entityType.trim());
        }
        if (entityKey != null && !entityKey.isBlank()) {
            where.add("entityKey = :entityKey");
            params.and("entityKey", entityKey.trim());
        }
        if (actor != null && !actor.isBlank()) {
            where.add("actor = :actor");
            params.and("actor", actor.trim());
        }
        List<AuditEntry> rows = AuditEntry.<AuditEntry>find(String.join(" and ", where), Sort.descending("id"), params)
                .range(0, limit)
                .list(); // inclusive: one more than a page, to know whether another follows
        return Cursors.page(rows, limit, this::view, e -> Cursors.ofId(e.id));
    }

    private EntryView view(AuditEntry e) {
        return new EntryView(
                e.id,
                e.occurredAt,
                e.actor,
                e.actorRole,
                e.actorKeyId,
                e.action,
                e.entityType,
                e.entityKey,
                log.json().read(e.beforeJson),
                log.json().read(e.afterJson),
                e.requestId);
    }
}
