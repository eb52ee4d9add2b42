package dev.masync.sync.run;

import dev.masync.catalog.CatalogService;
import dev.masync.connector.Connectors;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationService;
import dev.masync.platform.MasyncConfig;
import dev.masync.segment.SegmentService;
import dev.masync.segment.rule.Parsed;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.MappingCheck;
import dev.masync.sync.MappingFit;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.SyncService;
import dev.masync.sync.state.SyncPlan;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Reads what a run needs from the sync, destination and segment services (one transaction) and turns it into the
 * engine's job.
 */
@ApplicationScoped
public class RunPreparation {
    private final SyncService syncs;
    private final DestinationService destinations;
    private final SegmentService segments;
    private final Connectors connectors;
    private final RecordErrorLedger ledger;
    private final RunPacing pacing;
    private final SecretResolver secrets;
    private final CatalogService catalogs;
    private final WarehouseConfig warehouseConfig;
    private final MasyncConfig masync;
    private final MappingCheck mappings;

    RunPreparation(
            SyncService syncs,
            DestinationService destinations,
            SegmentService segments,
            Connectors connectors,
            RecordErrorLedger ledger,
            RunPacing pacing,
            SecretResolver secrets,
            CatalogService catalogs,
            WarehouseConfig warehouseConfig,
            MasyncConfig masync,
            MappingCheck mappings) {
        this.mappings = mappings;
        this.syncs = syncs;
        this.destinations = destinations;
        this.segments = segments;
        this.connectors = connectors;
        this.ledger = ledger;
        this.pacing = pacing;
        this.secrets = secrets;
        this.catalogs = catalogs;
        this.warehouseConfig = warehouseConfig;
        this.masync = masync;
    }

    /**
     * Everything the run of a sync needs, as it is now.
     *
     * @throws RunException {@code NOT_FOUND sync_not_found}; {@code CONFLICT} when the sync no longer fits
     *     ({@code sync_invalid}) or what it refers to is gone or invalid
     */
    public RunSnapshot prepare(String syncKey) {
        return QuarkusTransaction.requiringNew().call(() -> read(syncKey));
    }

    private RunSnapshot read(String syncKey) {
        SyncService.RunInput input = syncs.runInput(syncKey)
                .orElseThrow(() -> RunException.notFound(
                        "sync_not_found", "No sync '" + syncKey + "'; GET /api/v1/syncs lists them."));
        if (!input.definition().ok()) {
            throw RunException.conflict(
                    "sync_invalid",
                    "the sync no longer fits the catalog, segments or destinations: "
                            + input.definition().errors() + "; fix it with PUT /api/v1/syncs/" + syncKey);
        }
        SyncDefinition d = input.definition().definition();
        DestinationDefinition dest = destinations
                .find(d.destination())
                .orElseThrow(() -> RunException.conflict(
                        "destination_missing", "destination '" + d.destination() + "' does not exist"));
        Destination connector = connectors
                .byType(dest.type())
                .orElseThrow(() -> RunException.conflict(
                        "connector_missing", "no connector of type '" + dest.type() + "' in this build"));
        Parsed parsed = segments.parsedRule(d.segment())
                .orElseThrow(
                        () -> RunException.conflict("segment_missing", "segment '" + d.segment() + "' does not exist"));
        if (!parsed.ok()) {
            throw RunException.conflict(
                    "segment_invalid", "segment '" + d.segment() + "' is invalid: " + parsed.errors());
        }
        return new RunSnapshot(
                syncKey,
                d,
                input.stateId(),
                input.lastFreshness(),
                dest,
                connector,
                parsed.rule(),
                segments.snapshot(),
                ledger.open(syncKey));
    }

    /**
     * Resolves every secret the destination refers to before anything is evaluated or sent, so that a missing or
     * unreadable secret fails the run at once with a reason that names it (and counts that say nothing was sent),
     * rather than after the diff, batch by batch.
     *
     * @throws RunException {@code CONFLICT secret_missing}
     */
    private static void secretsResolve(RunSnapshot run, Destination connector, DestinationContext context) {
        for (String name : connector.secretSettings().stream().sorted().toList()) {
            if (context.setting(name).isEmpty()) {
                continue; // optional secret not configured; the destination's validation requires the others
            }
            try {
                context.secret(name);
            } catch (PermanentException | IllegalArgumentException e) {
                throw RunException.conflict(
                        "secret_missing",
                        "nothing was sent: the secret of destination '"
                                + run.definition().destination()
                                + "' (setting " + name + ") cannot be used: " + e.getMessage()
                                + "; provide it (or fix the reference with PUT /api/v1/destinations/"
                                + run.definition().destination() + "), then run again");
            }
        }
    }

    /**
     * Checks the sync against its destination's fields when they can be read (a field deleted or changed there since
     * the sync was saved, or a sync saved while they could not be read), so such a run fails before the diff with the
     * problems in words instead of every record being refused.
     *
     * @throws RunException {@code CONFLICT mapping_misfit}
     */
    private void fitsDestination(RunSnapshot run) {
        List<MappingFit.Misfit> misfits = mappings.beforeRun(run.definition(), run.destination());
        if (!misfits.isEmpty()) {
            String key = run.syncKey();
            throw RunException.conflict(
                    "mapping_misfit",
                    "nothing was sent: the sync does not fit destination '"
                            + run.destination().key() + "': "
                            + misfits.stream()
                                    .map(m -> m.pointer() + " " + m.code() + ": " + m.message())
                                    .collect(Collectors.joining("; "))
                            + "; fix it with PUT /api/v1/syncs/" + key + " (POST /api/v1/destinations/"
                            + run.destination().key() + "/test lists the problems of every sync writing there)");
        }
    }

    /** The state store's plan of a prepared run. */
    SyncPlan plan(RunSnapshot run) {
        return SyncPlan.of(run.definition(), warehouseConfig.learnerKey(), run.stateId());
    }

    /** The segment compiler of a prepared run on a warehouse. */
    SegmentCompiler compiler(RunSnapshot run, Warehouse warehouse) {
        return new SegmentCompiler(warehouse.dialect(), catalogs.current(), masync.timeZone(), run.segments());
    }

    /** The engine's job for a prepared run evaluated at {@code asOf}. */
    RunEngine.Job job(
            RunSnapshot run,
            long runId,
            Warehouse warehouse,
            Instant asOf,
            RunEngine.Options options,
            BooleanSupplier stopRequested) {
        DestinationDefinition dest = run.destination();
        Destination connector = run.connector();
        DestinationContext context = dest.context(secrets);
        if (!options.dryRun()) {
            secretsResolve(run, connector, context);
            fitsDestination(run);
        }
        int batchSize = dest.effectiveBatchSize(connector.limits());
        RunPacing.Paced paced = pacing.pace(dest, connector, context, batchSize);
        return new RunEngine.Job(
                runId,
                run.definition(),
                plan(run),
                compiler(run, warehouse),
                run.rule(),
                asOf,
                options,
                connector,
                paced.context(),
                batchSize,
                connector.limits().maxBytes(),
                paced.push(),
                run.openErrors(),
                masync.timeZone(),
                stopRequested,
                paced.forecast());
    }
}
