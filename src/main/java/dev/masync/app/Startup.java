package dev.masync.app;

import dev.masync.catalog.CatalogService;
import dev.masync.demo.DemoService;
import dev.masync.platform.MasyncConfig;
import dev.masync.security.ApiKeys;
import dev.masync.segment.SegmentFiles;
import dev.masync.sync.SyncFiles;
import dev.masync.warehouse.WarehouseConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up in a fixed order: check the configuration (fail fast with one clear line), prepare the data directory,
 * make sure an admin key exists, generate the demo warehouse if needed, read the catalog. Only configuration
 * errors stop the process; an unusable warehouse leaves it running and not ready.
 */
@ApplicationScoped
public class Startup {
    private static final Logger LOG = Logger.getLogger(Startup.class);

    void onStart(
            @Observes @Priority(10) StartupEvent event,
            MasyncConfig masync,
            WarehouseConfig warehouse,
            ApiKeys keys,
            DemoService demo,
            CatalogService catalogs,
            SegmentFiles segmentFiles,
            SyncFiles syncFiles) {
        validate(warehouse);
        try {
            Files.createDirectories(masync.dataDir());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "masync.data-dir " + masync.dataDir().toAbsolutePath() + " cannot be created: " + e.getMessage(),
                    e);
        }
        long t0 = System.nanoTime();
        // The warehouse (demo generation, DuckDB's native library, the catalog scan) is prepared beside the rest of
        // the start; readiness turns UP when it is done.
        catalogs.loadInBackground(
                demo.active() ? "preparing the demo warehouse" : "reading the warehouse catalog",
                () -> {
                    demo.generateIfMissing();
                    LOG.infof("warehouse %s prepared in %d ms", warehouse.kind(), (System.nanoTime() - t0) / 1_000_000);
                },
                () -> {
                    segmentFiles.load();
                    syncFiles.load();
                });
        keys.bootstrapAdminKey();
        LOG.infof(
                "ma-sync starting: warehouse %s, time zone %s, data dir %s",
                warehouse.kind(), masync.timeZone(), masync.dataDir().toAbsolutePath());
    }

    static void validate(WarehouseConfig warehouse) {
        List<String> problems = new ArrayList<>();
        if (warehouse.kind() == WarehouseConfig.Kind.BIGQUERY) {
            if (warehouse.bigquery().dataset().isEmpty()) {
                problems.add("masync.warehouse.bigquery.dataset is required with masync.warehouse.kind=bigquery");
            }
        }
        if (warehouse.learnersTable().isBlank()) {
            problems.add("masync.warehouse.learners-table must not be blank");
        }
        if (warehouse.learnerKey().isBlank()) {
            problems.add("masync.warehouse.learner-key must not be blank");
        }
        if (warehouse.knownValuesLimit() < 0 || warehouse.knownValuesLimit() > 1000) {
            problems.add("masync.warehouse.known-values-limit must be between 0 and 1000");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid configuration: " + String.join("; ", problems));
        }
    }
}
