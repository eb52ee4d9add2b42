package dev.masync.sync.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.catalog.CatalogService;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.destination.Connectors;
import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationService;
import dev.masync.platform.MasyncConfig;
import dev.masync.platform.problem.ApiException;
import dev.masync.segment.Segment;
import dev.masync.segment.rule.Parsed;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.RecordErrorEntity;
import dev.masync.sync.SyncConfig;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.SyncDefinitionParser;
import dev.masync.sync.SyncEntity;
import dev.masync.sync.SyncJson;
import dev.masync.sync.SyncService;
import dev.masync.sync.state.BigQueryStateStore;
import dev.masync.sync.state.ConfirmationJournal;
import dev.masync.sync.state.DuckDbStateStore;
import dev.masync.sync.state.StateStore;
import dev.masync.sync.state.SyncPlan;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseProvider;
import dev.masync.warehouse.bigquery.BigQueryDialect;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts runs (schedule, API, webhook) so that each sync has at most one active run across all replicas sharing the
 * control DB: a run first takes its sync's lease with a conditional UPDATE, renews it while running and releases it
 * at the end; a lease whose owner died expires and the sync can run again elsewhere.
 */
@ApplicationScoped
public class RunCoordinator {
    private static final Logger LOG = Logger.getLogger(RunCoordinator.class);
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    static final String INTERRUPTED =
            "interrupted: the process running it stopped; the next run sends what it had" + " not confirmed";

    /** Who asked for a run. */
    public enum Trigger {
        SCHEDULE,
        API,
        WEBHOOK
    }

    private final SyncConfig config;
    private final SyncService syncs;
    private final DestinationService destinations;
    private final Connectors connectors;
    private final SecretResolver secrets;
    private final CatalogService catalogs;
    private final WarehouseProvider warehouses;
    private final WarehouseConfig warehouseConfig;
    private final MasyncConfig masync;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ConfirmationJournal journal;
    private final String instanceId;
    private final ExecutorService workers;
    private final Map<String, Long> active = new ConcurrentHashMap<>();
    private final Set<String> lostLeases = ConcurrentHashMap.newKeySet();
    private final Map<String, DestinationRuntime> runtimes = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;

    /** Pacing and retry state of one destination account, shared by its syncs. */
    private record DestinationRuntime(Optional<DestinationDefinition.RateLimit> limit, PushPolicy push) {}

    RunCoordinator(
            SyncConfig config,
            SyncService syncs,
            DestinationService destinations,
            Connectors connectors,
            SecretResolver secrets,
            CatalogService catalogs,
            WarehouseProvider warehouses,
            WarehouseConfig warehouseConfig,
            MasyncConfig masync,
            Clock clock,
            MeterRegistry meters,
            ConfirmationJournal journal) {
        this.config = config;
        this.syncs = syncs;
        this.destinations = destinations;
        this.connectors = connectors;
        this.secrets = secrets;
        this.catalogs = catalogs;
        this.warehouses = warehouses;
        this.warehouseConfig = warehouseConfig;
        this.masync = masync;
        this.clock = clock;
        this.meters = meters;
        this.journal = journal;
        this.instanceId = config.instanceId()
                .orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "sync-run-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        meters.gauge("masync.sync.runs.active", running);
        if (config.lease().compareTo(config.tick().multipliedBy(2)) < 0) {
            LOG.warnf(
                    "masync.sync.lease (%s) is shorter than two ticks (masync.sync.tick %s): running syncs may lose"
                            + " their lease between renewals",
                    config.lease(), config.tick());
        }
    }

    /**
     * Starts a run now, unless the sync already runs somewhere.
     *
     * @throws ApiException 404 for an unknown sync, 409 {@code run_in_progress} when it already runs
     */
    public SyncRunEntity start(String syncKey, Trigger trigger, RunEngine.Options options, String actor) {
        if (stopping) {
            throw ApiException.unavailable("shutting_down", "The daemon is shutting down; start the run again later.");
        }
        SyncRunEntity run = active.containsKey(syncKey)
                ? null
                : QuarkusTransaction.requiringNew().call(() -> claim(syncKey, trigger, options, actor));
        if (run == null) {
            throw ApiException.conflict(
                    "run_in_progress",
                    "Sync '" + syncKey + "' is already running; follow it" + " with GET /api/v1/syncs/" + syncKey
                            + "/runs.");
        }
        active.put(syncKey, run.id);
        long id = run.id;
        workers.submit(() -> execute(id, syncKey, trigger, options));
        return run;
    }

    /** Takes the sync's lease and records the run; null if another run holds the lease. */
    SyncRunEntity claim(String syncKey, Trigger trigger, RunEngine.Options options, String actor) {
        SyncEntity sync = syncs.find(syncKey);
        Instant now = clock.instant();
        int taken = SyncEntity.update(
                "leaseOwner = ?1, leaseUntil = ?2 where key = ?3 and (leaseOwner is null" + " or leaseUntil < ?4)",
                instanceId,
                now.plus(config.lease()),
                syncKey,
                now);
        if (taken == 0) {
            return null;
        }
        // runs still marked running hold no lease any more: their process died
        SyncRunEntity.update(
                "status = 'failed', finishedAt = ?1, reason = ?2 where syncKey = ?3 and status =" + " 'running'",
                now,
                INTERRUPTED,
                syncKey);
        SyncRunEntity run = new SyncRunEntity();
        run.syncKey = sync.key;
        run.trigger = trigger.name().toLowerCase(java.util.Locale.ROOT);
        run.status = RunStatus.RUNNING.json();
        run.dryRun = options.dryRun();
        run.fullResync = options.fullResync();
        run.forced = options.force();
        run.owner = instanceId;
        run.createdBy = actor;
        run.startedAt = now;
        run.countsJson = json(RunCounts.ZERO);
        run.phasesJson = "{}";
        run.persist();
        return run;
    }

    /** Test seam: takes the lease as a second replica would, without running. */
    public SyncRunEntity claimForTest(String syncKey) {
        return claim(syncKey, Trigger.API, RunEngine.Options.NORMAL, "test");
    }

    public void releaseForTest(String syncKey) {
        QuarkusTransaction.requiringNew().run(() -> {
            SyncEntity.update("leaseOwner = null, leaseUntil = null where key = ?1", syncKey);
            SyncRunEntity.update(
                    "status = 'cancelled', finishedAt = ?1 where syncKey = ?2 and status = 'running'",
                    clock.instant(),
                    syncKey);
        });
    }

    /** Renews the leases of local runs and starts scheduled runs that are due. */
    @Scheduled(
            every = "${masync.sync.tick}",
            delayed = "${masync.sync.tick}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (stopping) {
            return;
        }
        renewLeases();
        failOrphanedRuns();
        startDue();
    }

    /** Runs still marked running whose sync's lease expired: the process running them died. */
    public void failOrphanedRuns() {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew()
                .run(() -> SyncRunEntity.update(
                        "status = 'failed', finishedAt = ?1,"
                                + " reason = ?2 where status = 'running' and syncKey in (select s.key from SyncEntity s where"
                                + " s.leaseOwner is null or s.leaseUntil < ?1)",
                        now,
                        INTERRUPTED));
    }

    void renewLeases() {
        if (active.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            for (String key : active.keySet()) {
                int renewed = SyncEntity.update(
                        "leaseUntil = ?1 where key = ?2 and leaseOwner = ?3",
                        clock.instant().plus(config.lease()),
                        key,
                        instanceId);
                if (renewed == 0 && lostLeases.add(key)) {
                    // another replica took the sync (this one was stalled past its lease): stop before the next batch
                    LOG.warnf("sync %s: lease lost to another replica; the run stops before its next batch", key);
                }
            }
        });
    }

    /** Starts every due, unpaused scheduled sync that is not running anywhere. */
    public int startDue() {
        Instant now = clock.instant();
        List<SyncEntity> due = QuarkusTransaction.requiringNew()
                .call(() -> SyncEntity.<SyncEntity>list("paused = false and nextRunAt <= ?1", now));
        int started = 0;
        for (SyncEntity s : due) {
            if (active.containsKey(s.key)) {
                continue;
            }
            Instant next = QuarkusTransaction.requiringNew().call(() -> {
                SyncEntity e = SyncEntity.findById(s.key);
                SyncDefinitionParser.Result r =
                        SyncDefinitionParser.parse(SyncJson.read(e.definitionJson), e.key, syncs.context());
                Instant n = syncs.nextRun(r.ok() ? r.definition() : null, now);
                // only the replica that moves next_run_at forward starts the run
                int moved =
                        SyncEntity.update("nextRunAt = ?1 where key = ?2 and nextRunAt = ?3", n, e.key, e.nextRunAt);
                return moved == 1 ? n : null;
            });
            if (next == null) {
                continue;
            }
            try {
                start(s.key, Trigger.SCHEDULE, RunEngine.Options.NORMAL, "schedule");
                started++;
            } catch (ApiException e) {
                LOG.debugf("scheduled run of %s not started: %s", s.key, e.getMessage());
            }
        }
        return started;
    }

    private void execute(long runId, String syncKey, Trigger trigger, RunEngine.Options options) {
        running.incrementAndGet();
        Instant started = clock.instant();
        RunEngine.Report report;
        String freshness = null;
        try {
            Prepared p = QuarkusTransaction.requiringNew().call(() -> prepare(syncKey));
            Warehouse warehouse = warehouses.get();
            if (p.definition.freshness().isPresent()) {
                freshness = freshness(warehouse, p.definition.freshness().get());
                String stale = trigger == Trigger.SCHEDULE && !options.force() ? staleReason(p, freshness) : null;
                if (stale != null) {
                    finish(
                            runId,
                            syncKey,
                            new RunEngine.Report(RunStatus.SKIPPED_STALE, RunCounts.ZERO, Map.of(), stale, Map.of()),
                            freshness,
                            null,
                            started);
                    return;
                }
            }
            StateStore store = store(warehouse);
            SyncPlan plan = SyncPlan.of(p.definition, warehouseConfig.learnerKey(), p.stateId);
            Instant asOf = clock.instant();
            QuarkusTransaction.requiringNew()
                    .run(() -> SyncRunEntity.update("evaluatedAt = ?1 where id = ?2", asOf, runId));
            DestinationRuntime runtime = runtime(p.destination);
            SegmentCompiler compiler =
                    new SegmentCompiler(warehouse.dialect(), catalogs.current(), masync.timeZone(), p.segments);
            RunEngine.Job job = new RunEngine.Job(
                    runId,
                    p.definition,
                    plan,
                    compiler,
                    p.rule,
                    asOf,
                    options,
                    p.connector,
                    p.destination.context(secrets),
                    p.destination.effectiveBatchSize(p.connector.limits()),
                    p.connector.limits().maxBytes(),
                    runtime.push(),
                    p.openErrors,
                    masync.timeZone(),
                    () -> stopping || lostLeases.contains(syncKey));
            report = new RunEngine(store, clock).run(job, new Monitor(runId, syncKey, p.openErrors.keySet()));
            finish(runId, syncKey, report, freshness, asOf, started);
        } catch (ApiException e) {
            finish(runId, syncKey, failed(e.getMessage()), freshness, null, started);
        } catch (RuntimeException e) {
            LOG.errorf(e, "sync %s run %d failed", syncKey, runId);
            finish(
                    runId,
                    syncKey,
                    failed(e.getMessage() == null ? e.toString() : e.getMessage()),
                    freshness,
                    null,
                    started);
        } finally {
            running.decrementAndGet();
        }
    }

    private static RunEngine.Report failed(String reason) {
        return new RunEngine.Report(RunStatus.FAILED, RunCounts.ZERO, Map.of(), reason, Map.of());
    }

    /** What a run reads from the control DB before it starts. */
    private record Prepared(
            SyncDefinition definition,
            String stateId,
            String lastFreshness,
            DestinationDefinition destination,
            Destination connector,
            dev.masync.segment.rule.Rule rule,
            dev.masync.segment.rule.SegmentLookup segments,
            Map<String, RunEngine.OpenError> openErrors) {}

    private Prepared prepare(String syncKey) {
        SyncEntity e = syncs.find(syncKey);
        SyncDefinitionParser.Result r = syncs.current(e);
        if (!r.ok()) {
            throw ApiException.conflict(
                    "sync_invalid",
                    "the sync no longer fits the catalog, segments or" + " destinations: " + r.errors()
                            + "; fix it with PUT /api/v1/syncs/" + syncKey);
        }
        SyncDefinition d = r.definition();
        DestinationDefinition dest = destinations
                .find(d.destination())
                .orElseThrow(() -> ApiException.conflict(
                        "destination_missing", "destination '" + d.destination() + "' does not exist"));
        Destination connector = connectors
                .byType(dest.type())
                .orElseThrow(() -> ApiException.conflict(
                        "connector_missing", "no connector of type '" + dest.type() + "' in this build"));
        Segment segment = Segment.findById(d.segment());
        if (segment == null) {
            throw ApiException.conflict("segment_missing", "segment '" + d.segment() + "' does not exist");
        }
        Parsed parsed;
        try {
            parsed = RuleParser.parse(JSON.readTree(segment.ruleJson), "");
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        if (!parsed.ok()) {
            throw ApiException.conflict(
                    "segment_invalid", "segment '" + d.segment() + "' is invalid: " + parsed.errors());
        }
        Map<String, RunEngine.OpenError> open = new HashMap<>();
        for (RecordErrorEntity err : RecordErrorEntity.<RecordErrorEntity>list("syncKey", syncKey)) {
            open.put(
                    err.learnerKey,
                    new RunEngine.OpenError(
                            RecordErrorEntity.QUARANTINED.equals(err.status),
                            RecordErrorEntity.SKIPPED.equals(err.status),
                            err.rowHash));
        }
        // segment references are resolved on the run's thread, outside any transaction: read them all now
        Map<String, com.fasterxml.jackson.databind.JsonNode> rules = new HashMap<>();
        for (Segment s : Segment.<Segment>listAll()) {
            try {
                rules.put(s.key, JSON.readTree(s.ruleJson));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return new Prepared(
                d,
                e.stateId,
                e.lastFreshness,
                dest,
                connector,
                parsed.rule(),
                key -> Optional.ofNullable(rules.get(key)),
                open);
    }

    private StateStore store(Warehouse warehouse) {
        return store(warehouseConfig, warehouse, journal);
    }

    /**
     * The state store of the configured warehouse.
     *
     * @throws ApiException 409 {@code state_unavailable} when the warehouse has nowhere to keep sync state
     */
    static StateStore store(WarehouseConfig config, Warehouse warehouse, ConfirmationJournal journal) {
        return switch (config.kind()) {
            case DUCKDB -> {
                if (config.duckdb().statePath().isEmpty()) {
                    throw ApiException.conflict(
                            "state_unavailable",
                            "syncs need a state file: set" + " masync.warehouse.duckdb.state-path");
                }
                yield new DuckDbStateStore(warehouse);
            }
            case BIGQUERY -> {
                WarehouseConfig.BigQuery bq = config.bigquery();
                String dataset = bq.stateDataset()
                        .filter(d -> !d.isBlank())
                        .orElseThrow(() -> ApiException.conflict(
                                "state_unavailable",
                                "syncs on BigQuery keep their state in a dataset of their own: create"
                                        + " one in the location of the source dataset, grant ma-sync roles/bigquery.dataEditor"
                                        + " on it and set masync.warehouse.bigquery.state-dataset"));
                // the project the warehouse resolved (configured, or the credentials' default)
                String project = bq.project()
                        .filter(p -> !p.isBlank())
                        .orElseGet(() -> warehouse.dialect() instanceof BigQueryDialect d ? d.project() : null);
                if (project == null) {
                    throw ApiException.conflict(
                            "state_unavailable",
                            "set masync.warehouse.bigquery.project: the" + " project of the state dataset is unknown");
                }
                try {
                    yield new BigQueryStateStore(warehouse, new BigQueryDialect(project, dataset), journal);
                } catch (IllegalArgumentException e) {
                    throw ApiException.conflict(
                            "state_unavailable",
                            "the state dataset " + project + "." + dataset
                                    + " cannot be named (check masync.warehouse.bigquery.project and .state-dataset): "
                                    + e.getMessage());
                }
            }
        };
    }

    private DestinationRuntime runtime(DestinationDefinition d) {
        return runtimes.compute(d.key(), (k, old) -> {
            if (old != null && old.limit().equals(d.rateLimit())) {
                return old;
            }
            Pacer pacer = d.rateLimit()
                    .map(l -> Pacer.of(l.requests(), l.per(), clock, Pacer.Sleeper.REAL))
                    .orElseGet(() -> Pacer.unlimited(clock, Pacer.Sleeper.REAL));
            SyncConfig.Retry r = config.retry();
            return new DestinationRuntime(
                    d.rateLimit(),
                    new FaultTolerantPush(
                            k,
                            pacer,
                            new FaultTolerantPush.Settings(
                                    r.maxRetries(),
                                    r.delay(),
                                    r.maxDelay(),
                                    r.jitter(),
                                    r.maxRetryAfter(),
                                    r.breakerVolume(),
                                    r.breakerRatio(),
                                    r.breakerDelay())));
        });
    }

    private String freshness(Warehouse warehouse, SyncDefinition.Freshness f) {
        Object[] value = new Object[1];
        warehouse.query(
                new SqlBuilder(warehouse.dialect())
                        .sql("SELECT max(")
                        .ident(f.attribute())
                        .sql(") AS v FROM ")
                        .table(warehouseConfig.learnersTable())
                        .build(),
                row -> {
                    value[0] = row.values().get(0);
                    return false;
                });
        return value[0] == null ? null : String.valueOf(value[0]);
    }

    private String staleReason(Prepared p, String freshness) {
        SyncDefinition.Freshness f = p.definition.freshness().orElseThrow();
        if (freshness == null) {
            return "the learners table has no " + f.attribute() + " yet; nothing fresh to send";
        }
        if (freshness.equals(p.lastFreshness)) {
            return "max(" + f.attribute() + ") is still " + freshness + " as at the last successful run;"
                    + " the data has not been refreshed";
        }
        if (f.maxAge().isPresent()) {
            Instant at = instantOf(freshness);
            if (at != null && at.plus(f.maxAge().get()).isBefore(clock.instant())) {
                return "max(" + f.attribute() + ") is " + freshness + ", older than "
                        + f.maxAge().get();
            }
        }
        return null;
    }

    private Instant instantOf(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            // not an instant
        }
        try {
            return LocalDateTime.parse(text).atZone(masync.timeZone()).toInstant();
        } catch (RuntimeException e) {
            // not a local timestamp
        }
        try {
            return LocalDate.parse(text)
                    .plusDays(1)
                    .atStartOfDay(masync.timeZone())
                    .toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void finish(
            long runId, String syncKey, RunEngine.Report report, String freshness, Instant asOf, Instant started) {
        Instant now = clock.instant();
        Map<String, Long> phases = new LinkedHashMap<>(report.phasesMillis());
        phases.put("total", Duration.between(started, now).toMillis());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                SyncRunEntity run = SyncRunEntity.findById(runId);
                run.status = report.status().json();
                run.finishedAt = now;
                run.countsJson = json(report.counts());
                run.phasesJson = json(phases);
                run.reason = report.reason();
                run.freshness = freshness;
                if (!report.samples().isEmpty()) {
                    run.samplesJson = json(report.samples());
                }
                if (report.status() == RunStatus.SUCCEEDED && !run.dryRun && freshness != null) {
                    SyncEntity.update("lastFreshness = ?1 where key = ?2", freshness, syncKey);
                }
                SyncEntity.update(
                        "leaseOwner = null, leaseUntil = null where key = ?1 and leaseOwner = ?2", syncKey, instanceId);
            });
        } finally {
            active.remove(syncKey);
            lostLeases.remove(syncKey);
        }
        RunCounts c = report.counts();
        meters.counter(
                        "masync.sync.runs",
                        "sync",
                        syncKey,
                        "status",
                        report.status().json())
                .increment();
        meters.counter("masync.sync.records", "sync", syncKey, "outcome", "confirmed")
                .increment(c.confirmed());
        meters.counter("masync.sync.records", "sync", syncKey, "outcome", "rejected")
                .increment(c.rejected());
        meters.counter("masync.sync.records", "sync", syncKey, "outcome", "failed")
                .increment(c.failed());
        meters.counter("masync.sync.requests", "sync", syncKey).increment(c.requests());
        phases.forEach(
                (phase, ms) -> meters.timer("masync.sync.phase", "phase", phase).record(Duration.ofMillis(ms)));
        LOG.infof(
                "sync %s run %d %s: evaluated %d, entered %d, changed %d, left %d, sent %d, confirmed %d,"
                        + " rejected %d, retried %d, phases %s%s",
                syncKey,
                runId,
                report.status().json(),
                c.evaluated(),
                c.entered(),
                c.changed(),
                c.left(),
                c.sent(),
                c.confirmed(),
                c.rejected(),
                c.retried(),
                phases,
                report.reason() == null ? "" : " (" + report.reason() + ")");
    }

    /** Persists what the engine reports: record errors, rejections, throttled progress. */
    private final class Monitor implements RunMonitor {
        final long runId;
        final String syncKey;
        final Set<String> openErrors;
        Instant lastProgress = Instant.MIN;

        Monitor(long runId, String syncKey, Set<String> openErrors) {
            this.runId = runId;
            this.syncKey = syncKey;
            this.openErrors = openErrors;
        }

        @Override
        public void firstRequest() {
            LOG.infof("sync %s run %d: first request", syncKey, runId);
        }

        @Override
        public void batchDone(
                List<Rejection> rejections, Collection<String> confirmed, RunCounts counts, Progress progress) {
            Instant now = clock.instant();
            boolean writeProgress = Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) >= 0;
            List<String> resolved =
                    confirmed.stream().filter(openErrors::contains).toList();
            if (rejections.isEmpty() && resolved.isEmpty() && !writeProgress) {
                return;
            }
            QuarkusTransaction.requiringNew().run(() -> {
                record(rejections, now);
                for (List<String> chunk : chunks(resolved)) {
                    RecordErrorEntity.delete("syncKey = ?1 and learnerKey in ?2", syncKey, chunk);
                }
                if (writeProgress) {
                    SyncRunEntity.update(
                            "progressJson = ?1, countsJson = ?2 where id = ?3", json(progress), json(counts), runId);
                }
            });
            if (writeProgress) {
                lastProgress = now;
                LOG.infof(
                        "sync %s run %d: %d/%d rows, %d confirmed, %.0f/s, ETA %s s",
                        syncKey,
                        runId,
                        progress.processed(),
                        progress.planned(),
                        progress.confirmed(),
                        progress.ratePerSecond(),
                        progress.etaSeconds() == null ? "?" : String.format("%.0f", progress.etaSeconds()));
            }
        }

        /** Rejections of one batch: one query for the errors already known, then inserts and updates. */
        private void record(List<Rejection> rejections, Instant now) {
            if (rejections.isEmpty()) {
                return;
            }
            Map<String, RecordErrorEntity> known = new HashMap<>();
            for (List<String> chunk :
                    chunks(rejections.stream().map(Rejection::learnerKey).toList())) {
                for (RecordErrorEntity e : RecordErrorEntity.<RecordErrorEntity>list(
                        "syncKey = ?1 and learnerKey in ?2", syncKey, chunk)) {
                    known.put(e.learnerKey, e);
                }
            }
            for (Rejection r : rejections) {
                RunRejectionEntity rr = new RunRejectionEntity();
                rr.runId = runId;
                rr.learnerKey = r.learnerKey();
                rr.destinationKey = r.destinationKey();
                rr.errorClass = r.errorClass();
                rr.code = truncate(r.code(), 100);
                rr.message = truncate(r.message(), 2000);
                rr.rejectedAt = now;
                rr.persist();
                RecordErrorEntity e = known.get(r.learnerKey());
                if (e == null) {
                    e = new RecordErrorEntity();
                    e.syncKey = syncKey;
                    e.learnerKey = r.learnerKey();
                    e.firstSeen = now;
                    e.attempts = 0;
                    e.status = RecordErrorEntity.RETRYING;
                    known.put(r.learnerKey(), e);
                }
                e.destinationKey = r.destinationKey();
                e.errorClass = r.errorClass();
                e.code = rr.code;
                e.message = rr.message;
                e.attempts = e.attempts + 1;
                e.lastSeen = now;
                e.rowHash = r.rowHash();
                if (e.attempts >= config.quarantineAfter() && RecordErrorEntity.RETRYING.equals(e.status)) {
                    e.status = RecordErrorEntity.QUARANTINED;
                }
                if (!e.isPersistent()) {
                    e.persist(); // after its fields are set: a batched insert takes them as they are now
                }
            }
        }
    }

    private static List<List<String>> chunks(List<String> keys) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (int i = 0; i < keys.size(); i += 500) {
            out.add(keys.subList(i, Math.min(keys.size(), i + 500)));
        }
        return out;
    }

    private static String truncate(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops a state generation no sync uses (best effort: a leftover table is only wasted space). */
    void onRetired(
            @Observes(during = jakarta.enterprise.event.TransactionPhase.AFTER_SUCCESS)
                    SyncService.StateRetired retired) {
        try {
            store(warehouses.get()).drop(retired.stateKey());
        } catch (RuntimeException e) {
            LOG.warnf("sync state %s not dropped: %s", retired.stateKey(), e.getMessage());
        }
    }

    /** Before the warehouse and the control DB close (lower priority values are notified first). */
    void onStop(@Observes @jakarta.annotation.Priority(100) ShutdownEvent event) {
        stopping = true;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf(
                        "shutdown: %d run(s) still pushing after %s; their unconfirmed records are sent by the"
                                + " next run",
                        running.get(), config.shutdownGrace());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
