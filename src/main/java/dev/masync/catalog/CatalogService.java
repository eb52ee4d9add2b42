package dev.masync.catalog;

import dev.masync.platform.problem.ApiException;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.WarehouseProvider;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps the current catalog. It is read at start, every {@code masync.warehouse.catalog-refresh}, and on demand;
 * while it cannot be read, the last error explains why and warehouse-backed calls answer 503.
 */
@ApplicationScoped
public class CatalogService {
    private static final Logger LOG = Logger.getLogger(CatalogService.class);
    /** How long an API call made right after start waits for the warehouse to be prepared. */
    public static final java.time.Duration STARTUP_WAIT = java.time.Duration.ofSeconds(60);

    /** Either a catalog or the reason there is none. */
    public record State(Catalog catalog, String error, Instant checkedAt) {
        public boolean ready() {
            return catalog != null && error == null;
        }
    }

    private final WarehouseProvider warehouses;
    private final CatalogReader reader;
    private final Clock clock;
    private volatile State state;
    private final java.util.concurrent.CompletableFuture<State> initialLoad =
            new java.util.concurrent.CompletableFuture<>();

    CatalogService(WarehouseProvider warehouses, WarehouseConfig config, Clock clock, MeterRegistry meters) {
        this.warehouses = warehouses;
        this.clock = clock;
        this.reader = new CatalogReader(CatalogSpec.from(config), clock);
        this.state = new State(null, "catalog not read yet", clock.instant());
        Gauge.builder("masync.catalog.ready", this, s -> s.state.ready() ? 1 : 0)
                .description("1 when the warehouse catalog is readable")
                .register(meters);
    }

    /**
     * Prepares the warehouse ({@code prepare}, e.g. generating the demo) and reads the catalog on a thread of its
     * own, so the HTTP server starts meanwhile; once the catalog is ready, runs {@code whenReady} (e.g. loading
     * segments as code). Until all that is done, readiness is DOWN and API calls wait for it.
     */
    public void loadInBackground(String activity, Runnable prepare, Runnable whenReady) {
        state = new State(null, "starting: " + activity, clock.instant());
        Thread t = new Thread(
                () -> {
                    try {
                        prepare.run();
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "preparing the warehouse failed");
                    }
                    State loaded = refresh();
                    if (loaded.ready()) {
                        try {
                            whenReady.run();
                        } catch (RuntimeException e) {
                            LOG.errorf(e, "start-up step after the catalog failed");
                        }
                    }
                    initialLoad.complete(loaded);
                },
                "masync-warehouse-init");
        t.setDaemon(true);
        t.start();
    }

    /** Waits up to {@code timeout} for the first catalog read after start; true when it is done. */
    public boolean awaitInitialLoad(java.time.Duration timeout) {
        try {
            initialLoad.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    public boolean initializing() {
        return !initialLoad.isDone();
    }

    /**
     * The catalog, or a 503 problem saying why the warehouse cannot serve one. Right after start it waits (up to
     * {@link #STARTUP_WAIT}) for the first read rather than failing.
     */
    public Catalog current() {
        if (initializing() && !awaitInitialLoad(STARTUP_WAIT)) {
            throw ApiException.unavailable(
                    "warehouse_starting",
                    "The warehouse is still being prepared (" + state.error() + "); try again shortly.");
        }
        State s = state;
        if (s.catalog() == null || s.error() != null) {
            throw ApiException.unavailable("warehouse_unavailable", "The warehouse is not usable: " + s.error());
        }
        return s.catalog();
    }

    public State state() {
        return state;
    }

    public Optional<Catalog> catalog() {
        return Optional.ofNullable(state.catalog());
    }

    /** Re-reads the catalog now; never throws. */
    public synchronized State refresh() {
        State previous = state;
        try {
            Catalog catalog = reader.read(warehouses.get());
            catalog.warnings().forEach(w -> LOG.warn("catalog: " + w));
            state = new State(catalog, null, clock.instant());
            if (previous.error() != null) {
                LOG.infof(
                        "catalog ready: learners table '%s' with %d columns, %d event tables",
                        catalog.learners().name(),
                        catalog.learners().columns().size(),
                        catalog.eventTables().size());
            }
        } catch (CatalogException | WarehouseException e) {
            if (!e.getMessage().equals(previous.error())) {
                LOG.warnf("catalog unavailable: %s", e.getMessage());
            }
            state = new State(null, e.getMessage(), clock.instant());
        } catch (RuntimeException e) {
            LOG.errorf(e, "catalog read failed");
            state = new State(null, "catalog read failed: " + e, clock.instant());
        }
        return state;
    }

    @Scheduled(
            every = "${masync.warehouse.catalog-refresh}",
            delayed = "${masync.warehouse.catalog-refresh}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        if (!initializing()) {
            refresh();
        }
    }
}
