package dev.masync.catalog;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The warehouse catalog: what segments may filter on. */
@Path("/api/v1/catalog")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
public class CatalogResource {
    private final CatalogService catalogs;
    private final dev.masync.audit.AuditLog audit;

    CatalogResource(CatalogService catalogs, dev.masync.audit.AuditLog audit) {
        this.catalogs = catalogs;
        this.audit = audit;
    }

    /** What the audit log keeps of a catalog: its size and warnings, not every column. */
    record CatalogSummary(int attributes, List<String> eventTables, List<String> warnings, java.time.Instant readAt) {
        static CatalogSummary of(CatalogView v) {
            return new CatalogSummary(
                    v.attributes().size(),
                    v.eventTables().stream().map(EventTableView::name).toList(),
                    v.warnings(),
                    v.readAt());
        }
    }

    /** JSON shape of the catalog. */
    public record CatalogView(
            String warehouse,
            String learnersTable,
            String learnerKey,
            List<AttributeView> attributes,
            List<EventTableView> eventTables,
            List<String> warnings,
            java.time.Instant readAt) {}

    public record AttributeView(
            String name,
            String type,
            String elementType,
            String nativeType,
            List<String> operators,
            List<String> knownValues) {}

    public record EventTableView(String name, String learnerKey, String timestampColumn, List<AttributeView> columns) {}

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = CatalogView.class)))
    @APIResponse(
            responseCode = "503",
            description = "warehouse_unavailable or warehouse_starting: the warehouse cannot answer yet")
    @GET
    @RolesAllowed("viewer")
    @Operation(
            summary = "Learner attributes and event tables with their types and, for low-cardinality strings, "
                    + "known values")
    public CatalogView get() {
        return view(catalogs.current());
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = CatalogView.class)))
    @APIResponse(
            responseCode = "503",
            description = "warehouse_unavailable or warehouse_starting: the warehouse cannot answer yet")
    @POST
    @Path("/refresh")
    @RolesAllowed("editor")
    @Operation(summary = "Re-read the catalog from the warehouse now")
    public CatalogView refresh() {
        catalogs.awaitInitialLoad(CatalogService.STARTUP_WAIT);
        CatalogSummary before = CatalogSummary.of(view(catalogs.current()));
        catalogs.refresh();
        CatalogView after = view(catalogs.current());
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .run(() -> audit.record("catalog.refresh", "catalog", "warehouse", before, CatalogSummary.of(after)));
        return after;
    }

    static CatalogView view(Catalog c) {
        return new CatalogView(
                c.warehouse(),
                c.learners().name(),
                c.learnerKey(),
                columns(c.learners()),
                c.eventTables().stream()
                        .map(e -> new EventTableView(e.name(), e.learnerKey(), e.timestampColumn(), columns(e.table())))
                        .toList(),
                c.warnings(),
                c.readAt());
    }

    private static List<AttributeView> columns(CatalogTable t) {
        return t.columns().stream()
                .map(col -> new AttributeView(
                        col.name(),
                        col.type().jsonName(),
                        col.elementType() == null ? null : col.elementType().jsonName(),
                        col.nativeType(),
                        col.operators(),
                        col.knownValues().isEmpty() ? null : col.knownValues()))
                .toList();
    }
}
