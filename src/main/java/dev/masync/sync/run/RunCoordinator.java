package dev.masync.sync.run;

import dev.masync.platform.DomainException;
import dev.masync.sync.SyncConfig;
import dev.masync.sync.SyncEntity;
import dev.masync.sync.state.StateStore;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.WarehouseProvider;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a sync, in one direction: take the lease ({@link RunLeases}), then on a worker read a snapshot
 * ({@link RunPreparation}), pass the freshness gate ({@link FreshnessGate}), run the engine with a monitor writing
 * the record-error ledger ({@link RecordErrorLedger}), and record the outcome, release the lease and count it
 * ({@link RunMetrics}). The schedule ({@link RunScheduler}), the API and webhooks start runs here.
 */
@ApplicationScoped
public class RunCoordinator {
    private static final Logger LOG = Logger.getLogger(RunCoordinator.class);

    private final SyncConfig config;
    private final RunLeases leases;
    private final RunPreparation preparation;
    private final FreshnessGate freshnessGate;
    private final RecordErrorLedger ledger;
    private final RunStateStores stores;
    private final RunMetrics metrics;
    private final WarehouseProvider warehouses;
    private final Clock clock;
    private final ExecutorService workers;
    private volatile boolean stopping;

    RunCoordinator(
            SyncConfig config,
            RunLeases leases,
            RunPreparation preparation,
            FreshnessGate freshnessGate,
            RecordErrorLedger ledger,
            RunStateStores stores,
            RunMetrics metrics,
            WarehouseProvider warehouses,
            Clock clock) {
        this.config = config;
        this.leases = leases;
        this.preparation = preparation;
        this.freshnessGate = freshnessGate;
        this.ledger = ledger;
        this.stores = stores;
        this.metrics = metrics;
        this.warehouses = warehouses;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "sync-run-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a run now, unless the sync already runs somewhere.
     *
     * @throws RunException {@code NOT_FOUND sync_not_found} for an unknown sync, {@code CONFLICT run_in_progress}
     *     when it already runs, {@code UNAVAILABLE shutting_down} while the daemon stops
     */
    public SyncRunEntity start(String syncKey, RunTrigger trigger, RunEngine.Options options, String actor) {
        if (stopping) {
            throw RunException.unavailable("shutting_down", "The daemon is shutting down; start the run again later.");
        }
        SyncRunEntity run = leases.isActive(syncKey) ? null : leases.claim(syncKey, trigger, options, actor);
        if (run == null) {
            throw RunException.conflict(
                    "run_in_progress",
                    "Sync '" + syncKey + "' is already running; follow it with GET /api/v1/syncs/" + syncKey
                            + "/runs.");
        }
        leases.track(syncKey, run.id);
        long id = run.id;
        workers.submit(() -> execute(id, syncKey, trigger, options));
        return run;
    }

    /** Whether new runs may start (false once the daemon is stopping). */
    public boolean accepting() {
        return !stopping;
    }

    private void execute(long runId, String syncKey, RunTrigger trigger, RunEngine.Options options) {
        metrics.started();
        Instant started = clock.instant();
        String freshness = null;
        RunEngine.Report report;
        RunCostMeter cost = new RunCostMeter(OptionalLong.empty());
        try {
            RunSnapshot run = preparation.prepare(syncKey);
            cost = new RunCostMeter(run.definition().maxBytesBilled());
            Warehouse warehouse = warehouses.get().meteredBy(cost);
            FreshnessGate.Verdict verdict =
                    freshnessGate.check(warehouse, run, trigger == RunTrigger.SCHEDULE && !options.force());
            freshness = verdict.freshness();
            if (verdict.stale()) {
                report = report(RunStatus.SKIPPED_STALE, verdict.staleReason());
            } else {
                report = evaluateAndPush(runId, run, warehouse, options, cost);
            }
        } catch (DomainException e) {
            report = report(RunStatus.FAILED, e.getMessage());
        } catch (WarehouseException e) {
            if (e.kind() == WarehouseException.Kind.BUDGET_EXCEEDED) {
                report = report(RunStatus.OVER_BUDGET, overBudget(cost, e));
            } else {
                LOG.errorf(e, "sync %s run %d failed", syncKey, runId);
                report = report(RunStatus.FAILED, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "sync %s run %d failed", syncKey, runId);
            report = report(RunStatus.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        try {
            finish(runId, syncKey, report, cost.snapshot(report.counts()), freshness, started);
        } finally {
            metrics.ended();
        }
    }

    private RunEngine.Report evaluateAndPush(
            long runId, RunSnapshot run, Warehouse warehouse, RunEngine.Options options, RunCostMeter cost) {
        StateStore store = stores.of(warehouse);
        Instant asOf = clock.instant();
        QuarkusTransaction.requiringNew()
                .run(() -> SyncRunEntity.update("evaluatedAt = ?1 where id = ?2", asOf, runId));
        String syncKey = run.syncKey();
        RunEngine.Job job =
                preparation.job(run, runId, warehouse, asOf, options, () -> stopping || leases.isLost(syncKey));
        return new RunEngine(store, clock)
                .run(job, new PersistingMonitor(runId, syncKey, run.openErrors().keySet(), ledger, clock, cost));
    }

    private static String overBudget(RunCostMeter cost, WarehouseException e) {
        RunCost spent = cost.snapshot(RunCounts.ZERO);
        return "stopped before a warehouse query that would bill more than the sync's maxBytesBilled ("
                + spent.maxBytesBilled() + " bytes; " + spent.bytesBilled() + " billed by this run so far): "
                + e.getMessage() + "; raise maxBytesBilled or narrow the segment";
    }

    private static RunEngine.Report report(RunStatus status, String reason) {
        return new RunEngine.Report(status, RunCounts.ZERO, Map.of(), reason, Map.of());
    }

    /** Records the outcome and releases the lease in one transaction, then counts the run. */
    private void finish(
            long runId, String syncKey, RunEngine.Report report, RunCost cost, String freshness, Instant started) {
        Instant now = clock.instant();
        Map<String, Long> phases = new LinkedHashMap<>(report.phasesMillis());
        phases.put("total", Duration.between(started, now).toMillis());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                SyncRunEntity run = SyncRunEntity.findById(runId);
                run.status = report.status().json();
                run.finishedAt = now;
                run.countsJson = RunJson.write(report.counts());
                run.phasesJson = RunJson.write(phases);
                run.costJson = RunJson.write(cost);
                run.reason = report.reason();
                run.freshness = freshness;
                if (!report.samples().isEmpty()) {
                    run.samplesJson = RunJson.write(report.samples());
                }
                if (report.status() == RunStatus.SUCCEEDED && !run.dryRun && freshness != null) {
                    SyncEntity.update("lastFreshness = ?1 where key = ?2", freshness, syncKey);
                }
                leases.release(syncKey);
            });
        } finally {
            leases.forget(syncKey);
        }
        metrics.finished(runId, syncKey, report, cost, phases);
    }

    /** Before the warehouse and the control DB close (lower priority values are notified first). */
    void onStop(@Observes @Priority(100) ShutdownEvent event) {
        stopping = true;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf(
                        "shutdown: %d run(s) still pushing after %s; their unconfirmed records are sent by the"
                                + " next run",
                        metrics.running(), config.shutdownGrace());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
