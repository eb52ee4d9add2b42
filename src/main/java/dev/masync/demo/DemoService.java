package dev.masync.demo;

import dev.masync.platform.MasyncConfig;
import dev.masync.platform.problem.ApiException;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseProvider;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;

/** Generates the demo warehouse on first start and advances it on request. */
@ApplicationScoped
public class DemoService {
    private static final Logger LOG = Logger.getLogger(DemoService.class);

    private final DemoConfig demo;
    private final WarehouseConfig warehouseConfig;
    private final MasyncConfig masync;
    private final WarehouseProvider warehouses;
    private final Clock clock;
    private final MeterRegistry meters;

    DemoService(
            DemoConfig demo,
            WarehouseConfig warehouseConfig,
            MasyncConfig masync,
            WarehouseProvider warehouses,
            Clock clock,
            MeterRegistry meters) {
        this.demo = demo;
        this.warehouseConfig = warehouseConfig;
        this.masync = masync;
        this.warehouses = warehouses;
        this.clock = clock;
        this.meters = meters;
    }

    public boolean active() {
        return DemoConfig.active(demo, warehouseConfig, masync);
    }

    /** Generates the demo warehouse if demo mode is on and the DuckDB file does not exist yet. */
    public Optional<DemoSummary> generateIfMissing() {
        if (!active()) {
            return Optional.empty();
        }
        Path path = warehouseConfig.duckdb().path().toAbsolutePath();
        if (Files.exists(path)) {
            return Optional.empty();
        }
        LocalDate anchor = demo.anchor().orElse(LocalDate.now(clock.withZone(masync.timeZone())));
        DemoSpec spec = new DemoSpec(demo.seed(), demo.learners(), anchor, masync.timeZone());
        LOG.infof(
                "generating demo warehouse %s: %,d learners, seed %d, anchor %s",
                path, spec.learners(), spec.seed(), anchor);
        Path partial = path.resolveSibling(path.getFileName() + ".partial");
        try {
            Files.createDirectories(path.getParent());
            Files.deleteIfExists(partial);
            DemoSummary summary;
            DuckDbWarehouse.Settings settings = warehouses.duckDbSettings(false);
            try (Connection c = DuckDbWarehouse.openForWrite(new DuckDbWarehouse.Settings(
                    partial, false, settings.memoryLimit(), settings.threads(), settings.tempDirectory()))) {
                summary = DemoWarehouse.generate(c, spec);
                try (var s = c.createStatement()) {
                    s.execute("CHECKPOINT");
                }
            }
            // Only a complete warehouse gets the real name: a crash mid-generation leaves no half-built file behind.
            Files.move(partial, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            io.micrometer.core.instrument.Timer.builder("masync.demo.generate")
                    .description("time taken to generate the demo warehouse")
                    .register(meters)
                    .record(summary.elapsed());
            LOG.infof(
                    "demo warehouse ready: %,d learners, %,d lecture views, %,d quiz attempts in %d ms",
                    summary.learners(),
                    summary.lectureViews(),
                    summary.quizAttempts(),
                    summary.elapsed().toMillis());
            return Optional.of(summary);
        } catch (Exception e) {
            LOG.errorf(e, "demo warehouse generation failed");
            return Optional.empty();
        }
    }

    /** The demo's state, or 404 problem when there is no demo warehouse. */
    public DemoState state() {
        requireActive();
        try (Connection c = warehouse().connection()) {
            return DemoWarehouse.state(c).orElseThrow(() -> notADemo());
        } catch (SQLException e) {
            throw ApiException.unavailable("warehouse_unavailable", "cannot read the demo state: " + e.getMessage());
        }
    }

    /** Advances the demo by {@code days} days inside the running warehouse. */
    public synchronized DemoSummary advance(int days) {
        requireActive();
        try (Connection c = warehouse().connection()) {
            if (DemoWarehouse.state(c).isEmpty()) {
                throw notADemo();
            }
            DemoSummary summary;
            try {
                summary = DemoWarehouse.advance(c, days);
            } catch (DemoWarehouse.OutdatedDemoException e) {
                throw ApiException.conflict("demo_outdated", e.getMessage());
            }
            io.micrometer.core.instrument.Timer.builder("masync.demo.advance")
                    .description("time taken to advance the demo warehouse by some days")
                    .register(meters)
                    .record(summary.elapsed());
            LOG.infof("demo advanced %d day(s) to %s: %,d learners", days, summary.anchor(), summary.learners());
            return summary;
        } catch (SQLException e) {
            throw ApiException.unavailable("warehouse_unavailable", "advancing the demo failed: " + e.getMessage());
        }
    }

    private DuckDbWarehouse warehouse() {
        return warehouses.duckDb();
    }

    private void requireActive() {
        if (!active()) {
            throw ApiException.notFound(
                    "demo_disabled",
                    "Demo mode is off; it needs the DuckDB warehouse and masync.demo.enabled=true (unset, it is on only"
                            + " for the embedded default file ${masync.data-dir}/warehouse.duckdb).");
        }
    }

    private static ApiException notADemo() {
        return ApiException.conflict(
                "not_a_demo_warehouse",
                "The DuckDB warehouse was not generated by the demo; point masync.warehouse.duckdb.path at a new file"
                        + " to generate one.");
    }
}
