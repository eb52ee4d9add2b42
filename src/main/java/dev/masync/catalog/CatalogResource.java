package dev.masync.catalog;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The warehouse catalog: what segments may filter on. */
@Path("/api/v1/catalog")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
public class CatalogResource {
    private final CatalogService catalogs;

    CatalogResource(CatalogService catalogs) {
        this.catalogs = catalogs;
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

    @GET
    @RolesAllowed("viewer")
    @Operation(
            summary = "Learner attributes and event tables with their types and, for low-cardinality strings, "
                    + "known values")
    public CatalogView get() {
        return view(catalogs.current());
    }

    @POST
    @Path("/refresh")
    @RolesAllowed("editor")
    @Operation(summary = "Re-read the catalog from the warehouse now")
    public CatalogView refresh() {
        catalogs.awaitInitialLoad(CatalogService.STARTUP_WAIT);
        catalogs.refresh();
        return view(catalogs.current());
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
