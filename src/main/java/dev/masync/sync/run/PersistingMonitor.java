package dev.masync.sync.run;

import dev.masync.connector.spi.RecordChange;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Persists what the engine reports: rejections and resolved errors in the ledger, throttled progress on the run;
 * data points go to the run's cost.
 */
final class PersistingMonitor implements RunMonitor {
    private static final Logger LOG = Logger.getLogger(PersistingMonitor.class);
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final long runId;
    private final String syncKey;
    private final Set<String> openErrors;
    private final RecordErrorLedger ledger;
    private final Clock clock;
    private final RunCostMeter cost;
    private Instant lastProgress = Instant.MIN;
    private long quarantined;
    private final Instant started;
    private SentValues sent;
    private RecordIds ids;
    private String stateKey;
    private RunMetrics metrics;

    PersistingMonitor(
            long runId,
            String syncKey,
            Set<String> openErrors,
            RecordErrorLedger ledger,
            Clock clock,
            RunCostMeter cost) {
        this.runId = runId;
        this.syncKey = syncKey;
        this.openErrors = openErrors;
        this.ledger = ledger;
        this.clock = clock;
        this.cost = cost;
        this.started = clock.instant();
    }

    /** Where confirmed values are remembered for echo suppression (none: not remembered). */
    PersistingMonitor remembering(SentValues sent) {
        this.sent = sent;
        return this;
    }

    /** Where the destination's record ids are remembered, under the run's state generation (none: not remembered). */
    PersistingMonitor rememberingIds(RecordIds ids, String stateKey, RunMetrics metrics) {
        this.ids = ids;
        this.stateKey = stateKey;
        this.metrics = metrics;
        return this;
    }

    @Override
    public void recordIds(List<RecordIds.Entry> entries) {
        if (ids == null) {
            return;
        }
        try {
            ids.remember(syncKey, stateKey, entries);
        } catch (RuntimeException e) {
            // an index, not the truth: the confirmations stand, events naming these ids map by identity only
            LOG.warnf(
                    "sync %s run %d: %d record ids not remembered: %s", syncKey, runId, entries.size(), e.getMessage());
            metrics.recordIdsNotWritten(syncKey, "remember");
        }
    }

    @Override
    public void forgotten(Collection<String> learnerKeys) {
        if (ids == null) {
            return;
        }
        try {
            ids.forget(syncKey, learnerKeys);
        } catch (RuntimeException e) {
            // a stale id maps a later event to its former learner: one extra evaluation
            LOG.warnf(
                    "sync %s run %d: record ids of %d forgotten learners not dropped: %s",
                    syncKey, runId, learnerKeys.size(), e.getMessage());
            metrics.recordIdsNotWritten(syncKey, "forget");
        }
    }

    @Override
    public void confirmedChanges(List<RecordChange> changes) {
        if (sent != null) {
            sent.confirmed(syncKey, changes);
        }
    }

    @Override
    public void walkedAll() {
        QuarkusTransaction.requiringNew().run(() -> ledger.resolveIdentityNotSeenSince(syncKey, started));
    }

    @Override
    public void dataPoints(long n) {
        cost.dataPoints(n);
    }

    @Override
    public long quarantined() {
        return quarantined;
    }

    @Override
    public void projected(RunDrain drain) {
        Long ms = drain.projectedDrain() == null
                ? null
                : java.time.Duration.parse(drain.projectedDrain()).toMillis();
        QuarkusTransaction.requiringNew()
                .run(() -> SyncRunEntity.update(
                        "projectedCalls = ?1, projectedDrainMillis = ?2, drainJson = ?3 where id = ?4",
                        drain.projectedCalls(),
                        ms,
                        RunJson.write(drain),
                        runId));
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
        List<String> resolved = confirmed.stream().filter(openErrors::contains).toList();
        if (rejections.isEmpty() && resolved.isEmpty() && !writeProgress) {
            return;
        }
        quarantined += QuarkusTransaction.requiringNew().call(() -> {
            int q = ledger.record(runId, syncKey, rejections, now);
            ledger.resolve(syncKey, resolved);
            if (writeProgress) {
                SyncRunEntity.update(
                        "progressJson = ?1, countsJson = ?2 where id = ?3",
                        RunJson.write(progress),
                        RunJson.write(counts),
                        runId);
            }
            return q;
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
}
