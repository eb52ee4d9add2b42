package dev.masync.warehouse;

import dev.masync.catalog.CatalogService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Ready when the warehouse answers and its catalog (learners table and key) is readable. While it is not, each probe
 * retries (the provider paces reopening); while it is, the warehouse is pinged at most every {@link #PING_EVERY}.
 */
@Readiness
@ApplicationScoped
public class WarehouseHealthCheck implements HealthCheck {
    static final Duration PING_EVERY = Duration.ofSeconds(15);
    /** A probe right after start waits this long for the first catalog read before answering DOWN. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(5);

    private final CatalogService catalogs;
    private final WarehouseProvider warehouses;
    private final Clock clock;
    private volatile Instant lastPing = Instant.MIN;

    WarehouseHealthCheck(CatalogService catalogs, WarehouseProvider warehouses, Clock clock) {
        this.catalogs = catalogs;
        this.warehouses = warehouses;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r =
                HealthCheckResponse.named("warehouse").withData("warehouse", warehouses.describe());
        if (catalogs.initializing() && !catalogs.awaitInitialLoad(STARTUP_WAIT)) {
            return r.down().withData("error", catalogs.state().error()).build();
        }
        CatalogService.State state = catalogs.state();
        if (!state.ready()) {
            state = catalogs.refresh();
        } else if (clock.instant().isAfter(lastPing.plus(PING_EVERY))) {
            try {
                warehouses.get().ping();
                lastPing = clock.instant();
            } catch (WarehouseException e) {
                state = catalogs.refresh();
            }
        }
        if (!state.ready()) {
            return r.down().withData("error", state.error()).build();
        }
        r.withData("learnersTable", state.catalog().learners().name())
                .withData("eventTables", state.catalog().eventTables().size());
        if (!state.catalog().warnings().isEmpty()) {
            r.withData("warnings", String.join("; ", state.catalog().warnings()));
        }
        return r.up().build();
    }
}
