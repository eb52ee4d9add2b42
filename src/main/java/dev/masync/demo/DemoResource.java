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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DemoState.class)))
    @APIResponse(responseCode = "404", description = "demo_disabled: the daemon does not run the demo warehouse")
    @APIResponse(
            responseCode = "503",
            description = "warehouse_unavailable or warehouse_starting: the warehouse cannot answer yet")
    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "The demo warehouse's seed, anchor date and size")
    public DemoState state() {
        catalogs.awaitInitialLoad(CatalogService.STARTUP_WAIT);
        return demo.state();
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DemoSummary.class)))
    @APIResponse(responseCode = "404", description = "demo_disabled: the daemon does not run the demo warehouse")
    @APIResponse(
            responseCode = "503",
            description = "warehouse_unavailable or warehouse_starting: the warehouse cannot answer yet")
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
