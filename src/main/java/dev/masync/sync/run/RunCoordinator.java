package dev.masync.sync.run;

import dev.masync.platform.DomainException;
import dev.masync.sync.SyncConfig;
import dev.masync.sync.SyncEntity;
import dev.masync.sync.state.LearnerScope;
import dev.masync.sync.state.StateStore;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.WarehouseProvider;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
    static final String SHUTDOWN_BEFORE_START =
            "cancelled: the daemon began shutting down before the run started; start it again later";

    private final SyncConfig config;
    private final RunLeases leases;
    private final RunPreparation preparation;
    private final FreshnessGate freshnessGate;
    private final RecordErrorLedger ledger;
    private final RunStateStores stores;
    private final RunMetrics metrics;
    private final WarehouseProvider warehouses;
    private final Clock clock;
    private final SentValues sent;
    private final RecordIds recordIds;
    private final ExecutorService workers;
    private final RunCompletions completions = new RunCompletions();
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
            Clock clock,
            SentValues sent,
            RecordIds recordIds) {
        this.config = config;
        this.sent = sent;
        this.recordIds = recordIds;
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
        completions.started(id);
        try {
            workers.submit(() -> execute(id, syncKey, trigger, options, null));
        } catch (RejectedExecutionException e) {
            // shutdown began between the check above and here: the run never started
            finish(
                    id,
                    syncKey,
                    options.dryRun(),
                    report(RunStatus.CANCELLED, SHUTDOWN_BEFORE_START),
                    RunCost.ZERO,
                    null,
                    clock.instant());
            completions.ended(id);
            throw RunException.unavailable("shutting_down", "The daemon is shutting down; start the run again later.");
        }
        return run;
    }

    /**
     * Waits at most {@code timeout} for a run started here by {@link #start} to end (its outcome recorded), on the
     * run's own signal rather than by polling.
     *
     * @return true if the run ended or does not run in this process, false if it still runs after {@code timeout}
     */
    public boolean awaitEnd(long runId, Duration timeout) {
        return completions.await(runId, timeout);
    }

    /** A targeted run that ended: its id, its report and what it cost. */
    public record Targeted(long runId, RunEngine.Report report, RunCost cost) {}

    /**
     * Runs a sync now for some learners only, on the calling thread (runs triggered by webhooks): takes the sync's
     * lease like any run (so it never overlaps a scheduled or API run of the sync, on any replica), forgets the state
     * of the learners in {@code forget} (their records were deleted at the destination), evaluates and pushes the
     * learners of {@code keys} through the engine, and records the run with trigger {@code webhook} and the inbox
     * {@code events} it handles. No freshness gate. Empty when the sync already runs somewhere: nothing was done,
     * the caller tries again later.
     *
     * @throws RunException {@code UNAVAILABLE shutting_down} while the daemon stops, {@code NOT_FOUND sync_not_found}
     */
    public Optional<Targeted> runTargeted(String syncKey, Set<String> keys, Set<String> forget, List<Long> events) {
        if (stopping) {
            throw RunException.unavailable("shutting_down", "The daemon is shutting down; start the run again later.");
        }
        SyncRunEntity run = leases.isActive(syncKey)
                ? null
                : leases.claim(syncKey, RunTrigger.WEBHOOK, RunEngine.Options.NORMAL, "webhook");
        if (run == null) {
            return Optional.empty();
        }
        leases.track(syncKey, run.id);
        long id = run.id;
        Targeting targeting = new Targeting(LearnerScope.only(keys), forget, RunColumns.eventsJson(events));
        Ended ended = execute(id, syncKey, RunTrigger.WEBHOOK, RunEngine.Options.NORMAL, targeting);
        return Optional.of(new Targeted(id, ended.report(), ended.cost()));
    }

    /** What a targeted run covers and records. */
    private record Targeting(LearnerScope scope, Set<String> forget, String events) {}

    private record Ended(RunEngine.Report report, RunCost cost) {}

    /** Whether new runs may start (false once the daemon is stopping). */
    public boolean accepting() {
        return !stopping;
    }

    private Ended execute(
            long runId, String syncKey, RunTrigger trigger, RunEngine.Options options, Targeting targeting) {
        metrics.started();
        Instant started = clock.instant();
        String freshness = null;
        RunEngine.Report report;
        RunCostMeter cost = new RunCostMeter(OptionalLong.empty());
        try {
            if (targeting != null) {
                QuarkusTransaction.requiringNew()
                        .run(() -> SyncRunEntity.update("webhookEvents = ?1 where id = ?2", targeting.events(), runId));
            }
            RunSnapshot run = preparation.prepare(syncKey);
            cost = new RunCostMeter(run.definition().maxBytesBilled());
            if (targeting == null) { // a full upload is no comparison for a few learners
                cost.valuesPerMember(run.definition().mapping().size()
                        + (run.definition().membership().isPresent() ? 1 : 0));
            }
            Warehouse warehouse = warehouses.get().meteredBy(cost);
            FreshnessGate.Verdict verdict = targeting != null
                    ? FreshnessGate.Verdict.NONE // a few learners: not worth a scan of the learners table
                    : freshnessGate.check(warehouse, run, trigger == RunTrigger.SCHEDULE && !options.force());
            freshness = verdict.freshness();
            if (verdict.stale()) {
                report = report(RunStatus.SKIPPED_STALE, verdict.staleReason());
            } else {
                report = evaluateAndPush(runId, run, warehouse, options, cost, targeting);
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
        } catch (Throwable e) { // an Error from a connector or the engine ends the run too, and frees its lease
            LOG.errorf(e, "sync %s run %d failed", syncKey, runId);
            report = report(RunStatus.FAILED, RunColumns.reason(e));
        }
        RunCost spent = costOf(cost, report);
        try {
            finish(runId, syncKey, options.dryRun(), report, spent, freshness, started);
        } finally {
            metrics.ended();
            completions.ended(runId);
        }
        return new Ended(report, spent);
    }

    private RunEngine.Report evaluateAndPush(
            long runId,
            RunSnapshot run,
            Warehouse warehouse,
            RunEngine.Options options,
            RunCostMeter cost,
            Targeting targeting) {
        StateStore store = stores.of(warehouse);
        Instant asOf = clock.instant();
        QuarkusTransaction.requiringNew()
                .run(() -> SyncRunEntity.update("evaluatedAt = ?1 where id = ?2", asOf, runId));
        String syncKey = run.syncKey();
        RunEngine.Job job =
                preparation.job(run, runId, warehouse, asOf, options, () -> stopping || leases.isLost(syncKey));
        if (targeting != null) {
            job = job.targeted(targeting.scope(), targeting.forget());
        }
        return new RunEngine(store, clock)
                .run(
                        job,
                        new PersistingMonitor(runId, syncKey, run.openErrors().keySet(), ledger, clock, cost)
                                .remembering(sent)
                                .rememberingIds(recordIds, job.plan().stateKey(), metrics));
    }

    private static RunCost costOf(RunCostMeter cost, RunEngine.Report report) {
        try {
            return cost.snapshot(report.counts());
        } catch (RuntimeException e) {
            return RunCost.ZERO;
        }
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
            long runId,
            String syncKey,
            boolean dryRun,
            RunEngine.Report report,
            RunCost cost,
            String freshness,
            Instant started) {
        Instant now = clock.instant();
        Map<String, Long> phases = new LinkedHashMap<>(report.phasesMillis());
        phases.put("total", Duration.between(started, now).toMillis());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                SyncRunEntity run = SyncRunEntity.findById(runId);
                if (RunStatus.CANCELLED.json().equals(run.status)) {
                    // shutdown already ended it (see drain): keep that outcome, only free the lease
                    leases.release(syncKey);
                    return;
                }
                run.status = report.status().json();
                run.finishedAt = now;
                run.countsJson = RunJson.write(report.counts());
                run.phasesJson = RunJson.write(phases);
                run.costJson = RunJson.write(cost);
                run.reason = RunColumns.truncate(report.reason(), RunColumns.REASON);
                run.freshness = freshness;
                if (report.drain() != null) {
                    run.projectedCalls = report.drain().projectedCalls();
                    run.projectedDrainMillis = report.drain().projectedDrain() == null
                            ? null
                            : Duration.parse(report.drain().projectedDrain()).toMillis();
                    run.drainJson = RunJson.write(report.drain());
                }
                if (!report.samples().isEmpty()) {
                    run.samplesJson = RunColumns.samplesJson(report.samples());
                }
                if (report.status() == RunStatus.SUCCEEDED && !run.dryRun && freshness != null) {
                    SyncEntity.update("lastFreshness = ?1 where key = ?2", freshness, syncKey);
                }
                leases.release(syncKey);
            });
        } catch (RuntimeException e) {
            // the outcome could not be written as it is: end the run failed and free the lease all the same
            LOG.errorf(e, "sync %s run %d: outcome not recorded", syncKey, runId);
            failAndRelease(runId, syncKey, now, "the run's outcome could not be recorded: " + e.getMessage());
        } finally {
            leases.forget(syncKey);
        }
        metrics.finished(runId, syncKey, dryRun, report, cost, phases);
    }

    private void failAndRelease(long runId, String syncKey, Instant now, String reason) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                SyncRunEntity.update(
                        "status = ?1, finishedAt = ?2, reason = ?3 where id = ?4 and status = ?5",
                        RunStatus.FAILED.json(),
                        now,
                        RunColumns.truncate(reason, RunColumns.REASON),
                        runId,
                        RunStatus.RUNNING.json());
                leases.release(syncKey);
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "sync %s run %d: lease not released; it expires after masync.sync.lease", syncKey, runId);
        }
    }

    /** Shutdown begins (with {@code quarkus.shutdown.delay}): no new runs from now on. */
    void onShutdownBegins(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
    }

    /** Before the warehouse and the control DB close (lower priority values are notified first). */
    void onStop(@Observes @Priority(100) ShutdownEvent event) {
        drain(config.shutdownGrace());
    }

    /**
     * Stops accepting runs, lets running ones stop at their next batch (they end {@code cancelled}) for at most
     * {@code grace}, then ends those still going {@code cancelled} and frees their leases. A batch in flight is left
     * to the journal: the next run resolves it as uncertain. Returns how many runs had to be cancelled here.
     */
    public int drain(Duration grace) {
        stopping = true;
        workers.shutdown();
        try {
            if (workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Long> running = leases.running();
        LOG.warnf(
                "shutdown: %d run(s) still going after %s (masync.sync.shutdown-grace) are cancelled; the next run"
                        + " sends what they had not confirmed",
                running.size(), grace);
        Instant now = clock.instant();
        int cancelled = 0;
        for (var run : running.entrySet()) {
            try {
                cancelled += QuarkusTransaction.requiringNew().call(() -> {
                    int n = SyncRunEntity.update(
                            "status = ?1, finishedAt = ?2, reason = ?3 where id = ?4 and status = ?5",
                            RunStatus.CANCELLED.json(),
                            now,
                            "cancelled: the daemon shut down after waiting " + grace
                                    + " (masync.sync.shutdown-grace); the next run sends what this one had not"
                                    + " confirmed",
                            run.getValue(),
                            RunStatus.RUNNING.json());
                    leases.release(run.getKey());
                    return n;
                });
            } catch (RuntimeException e) {
                LOG.errorf(e, "shutdown: run %d of sync %s not marked cancelled", run.getValue(), run.getKey());
            }
            completions.ended(run.getValue());
        }
        workers.shutdownNow();
        return cancelled;
    }
}
