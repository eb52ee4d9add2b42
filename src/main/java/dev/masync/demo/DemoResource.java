package dev.masync.demo;

import dev.masync.catalog.CatalogService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The demo warehouse: its state, and moving its clock forward so syncs see realistic churn. */
@Path("/api/v1/demo")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "demo")
public class DemoResource {
    private final DemoService demo;
    private final CatalogService catalogs;
    private final dev.masync.audit.AuditLog audit;

    DemoResource(DemoService demo, CatalogService catalogs, dev.masync.audit.AuditLog audit) {
        this.demo = demo;
        this.catalogs = catalogs;
        this.audit = audit;
    }

    public record AdvanceRequest(@NotNull @Min(1) @Max(365) Integer days) {}

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "The demo warehouse's seed, anchor date and size")
    public DemoState state() {
        catalogs.awaitInitialLoad(CatalogService.STARTUP_WAIT);
        return demo.state();
    }

    @POST
    @Path("/advance")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(
            summary = "Advance the demo by N days: new events, lapses, returns, plan changes, sign-ups; "
                    + "aggregates recomputed")
    public DemoSummary advance(@Valid @NotNull AdvanceRequest request) {
        catalogs.awaitInitialLoad(CatalogService.STARTUP_WAIT);
        DemoSummary summary = demo.advance(request.days());
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .run(() -> audit.record(
                        "demo.advance", "demo", "warehouse", java.util.Map.of("days", request.days()), summary));
        catalogs.refresh();
        return summary;
    }
}
