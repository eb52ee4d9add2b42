package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.state.ChangeRow;
import dev.masync.sync.state.DiffCounts;
import dev.masync.sync.state.StateFencedException;
import dev.masync.sync.state.StateStore;
import dev.masync.sync.state.SyncPlan;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One run of one sync: diff in the warehouse, guard, then stream the changes into batches, push each through the
 * {@link PushPolicy} and confirm in the state exactly the records the destination confirmed. Plain Java; the
 * application supplies the parts and persists what the {@link RunMonitor} hears.
 */
public final class RunEngine {
    private static final Logger LOG = Logger.getLogger(RunEngine.class);
    /** Rows walked without anything to send (leavers outside mirror mode) are confirmed in chunks of this size. */
    static final int SILENT_CHUNK = 10_000;
    /** Consecutive batches failing after all retries stop the run. */
    static final int MAX_FAILED_BATCHES = 3;

    static final int SAMPLES_PER_KIND = 10;

    /** How the run was asked for. */
    public record Options(boolean dryRun, boolean fullResync, boolean force) {
        public static final Options NORMAL = new Options(false, false, false);
    }

    /** A record error still open for this sync: quarantined ones are skipped, skipped ones while unchanged. */
    public record OpenError(boolean quarantined, boolean skipped, String rowHash) {}

    /** Everything a run needs. */
    public record Job(
            long runId,
            SyncDefinition sync,
            SyncPlan plan,
            SegmentCompiler compiler,
            Rule rule,
            Instant asOf,
            Options options,
            Destination connector,
            DestinationContext context,
            int batchSize,
            long maxBytes,
            PushPolicy push,
            Map<String, OpenError> openErrors,
            ZoneId zone,
            BooleanSupplier stopRequested) {}

    /** The outcome of a run. */
    public record Report(
            RunStatus status,
            RunCounts counts,
            Map<String, Long> phasesMillis,
            String reason,
            Map<String, List<Map<String, Object>>> samples) {}

    private final StateStore store;
    private final Clock clock;

    public RunEngine(StateStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Report run(Job job, RunMonitor monitor) {
        Map<String, Long> phases = new LinkedHashMap<>();
        Instant t0 = clock.instant();
        store.recover(job.plan(), job.runId());
        DiffCounts diff = store.diff(
                job.plan(),
                job.runId(),
                job.compiler(),
                job.rule(),
                job.asOf(),
                job.options().fullResync());
        phases.put("diff", Duration.between(t0, clock.instant()).toMillis());
        LOG.infof(
                "sync %s run %d: %d members, %d entered, %d changed, %d left (diff %d ms)",
                job.sync().key(),
                job.runId(),
                diff.evaluated(),
                diff.entered(),
                diff.changed(),
                diff.left(),
                phases.get("diff"));
        RunCounts base = new RunCounts(
                diff.evaluated(),
                diff.entered(),
                diff.changed(),
                diff.left(),
                diff.unchanged(),
                diff.planned(),
                0,
                0,
                0,
                0,
                0,
                0,
                0);

        String blocked = job.options().force() ? null : guard(job.sync().guard(), diff);
        if (blocked != null) {
            store.discard(job.plan(), job.runId());
            return new Report(RunStatus.BLOCKED_BY_GUARD, base, phases, blocked, Map.of());
        }
        if (job.options().dryRun()) {
            Map<String, List<Map<String, Object>>> samples = samples(job);
            store.discard(job.plan(), job.runId());
            return new Report(RunStatus.SUCCEEDED, base, phases, null, samples);
        }
        Instant pushStart = clock.instant();
        Push push = new Push(job, monitor, base, pushStart);
        try {
            store.stream(job.plan(), push::accept);
            if (push.abort == null) {
                push.flush(true);
            }
        } finally {
            phases.put("push", Duration.between(pushStart, clock.instant()).toMillis());
            Instant f0 = clock.instant();
            try {
                store.finish(job.plan(), job.runId());
            } catch (StateFencedException e) {
                // another replica owns the sync now and folds what this run journaled before the takeover
                push.fenced = true;
                push.abort = e.getMessage();
            }
            phases.put("commit", Duration.between(f0, clock.instant()).toMillis());
        }
        RunCounts counts = push.counts();
        RunStatus status;
        String reason = push.abort;
        if (push.fenced) {
            status = RunStatus.FAILED;
        } else if (push.stopped) {
            status = RunStatus.CANCELLED;
            reason = "stopped before all changes were sent; the next run sends the rest";
        } else if (reason == null && counts.rejected() == 0 && counts.failed() == 0) {
            status = RunStatus.SUCCEEDED;
        } else {
            status = counts.confirmed() > 0 ? RunStatus.PARTIALLY_FAILED : RunStatus.FAILED;
            if (reason == null) {
                reason = counts.rejected() + " records rejected, " + counts.failed() + " not delivered;"
                        + " they are retried by the next run";
            }
        }
        return new Report(status, counts, phases, reason, Map.of());
    }

    static String guard(SyncDefinition.Guard guard, DiffCounts diff) {
        if (diff.previous() < Math.max(1, guard.minPreviousMembers())) {
            return null;
        }
        double leave = 100.0 * diff.left() / diff.previous();
        double change = 100.0 * diff.changedByValues() / diff.previous();
        if (leave > guard.maxLeavePercent()) {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d of %d members (%.1f %%) would leave, more than the guard's"
                            + " %.1f %%; check the segment, then run with force or raise guard.maxLeavePercent",
                    diff.left(),
                    diff.previous(),
                    leave,
                    guard.maxLeavePercent());
        }
        if (change > guard.maxChangePercent()) {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d of %d members (%.1f %%) would change, more than the"
                            + " guard's %.1f %%; check the data, then run with force or raise guard.maxChangePercent",
                    diff.changedByValues(),
                    diff.previous(),
                    change,
                    guard.maxChangePercent());
        }
        return null;
    }

    private Map<String, List<Map<String, Object>>> samples(Job job) {
        ChangeBuilder builder = new ChangeBuilder(job.sync(), job.zone());
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        for (String k : List.of("entered", "changed", "left")) {
            out.put(k, new ArrayList<>());
        }
        store.stream(job.plan(), row -> {
            String kind = switch (row.op()) {
                case ENTERED, UNCHANGED -> "entered";
                case CHANGED -> "changed";
                case LEFT -> "left";
            };
            List<Map<String, Object>> list = out.get(kind);
            if (list.size() < SAMPLES_PER_KIND) {
                for (RecordChange c : builder.changes(row)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("learnerKey", c.learnerKey());
                    m.put("destinationKey", c.destinationKey());
                    m.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
                    m.put("fields", c.fields());
                    list.add(m);
                }
            }
            return out.values().stream().anyMatch(l -> l.size() < SAMPLES_PER_KIND);
        });
        return out;
    }

    /** The push phase: batches rows as they stream, pushes, confirms. */
    private final class Push {
        final Job job;
        final RunMonitor monitor;
        final RunCounts base;
        final Instant start;
        final ChangeBuilder builder;
        final List<RecordChange> changes = new ArrayList<>();
        final Map<String, String> rowHashes = new HashMap<>();
        final Set<String> excluded = new HashSet<>();
        final List<RunMonitor.Rejection> localRejections = new ArrayList<>();
        long bytes;
        long rangeStart = -1;
        long rangeEnd = -1;
        long rangeRows;
        long processed, sent, confirmed, rejected, retried, skipped, failed, requests;
        int batchNo, failedInARow;
        boolean firstRequestSeen;
        boolean stopped;
        boolean fenced;
        String abort;

        Push(Job job, RunMonitor monitor, RunCounts base, Instant start) {
            this.job = job;
            this.monitor = monitor;
            this.base = base;
            this.start = start;
            this.builder = new ChangeBuilder(job.sync(), job.zone());
        }

        RunCounts counts() {
            return new RunCounts(
                    base.evaluated(),
                    base.entered(),
                    base.changed(),
                    base.left(),
                    base.unchanged(),
                    base.planned(),
                    sent,
                    confirmed,
                    rejected,
                    retried,
                    skipped,
                    failed,
                    requests);
        }

        boolean accept(ChangeRow row) {
            processed++;
            if (rangeStart < 0) {
                rangeStart = row.seq();
            }
            rangeEnd = row.seq();
            rangeRows++;
            OpenError open = job.openErrors().get(row.learnerKey());
            if (open != null
                    && (open.quarantined()
                            || (open.skipped()
                                    && open.rowHash() != null
                                    && open.rowHash().equals(row.rowHash())))) {
                skipped++;
                excluded.add(row.learnerKey());
                return continueAfter(false);
            }
            if (row.op() != ChangeRow.Op.LEFT && row.destinationKey() == null) {
                excluded.add(row.learnerKey());
                localRejections.add(new RunMonitor.Rejection(
                        row.learnerKey(),
                        null,
                        "rejected",
                        "missing_destination_key",
                        "the learner has no value for identity attribute '"
                                + job.sync().identity().attribute() + "'",
                        row.rowHash()));
                rejected++;
                return continueAfter(false);
            }
            List<RecordChange> built = builder.changes(row);
            long size = 0;
            for (RecordChange c : built) {
                size += approximateSize(c);
            }
            if (!changes.isEmpty()
                    && (changes.size() + built.size() > job.batchSize() || bytes + size > job.maxBytes())) {
                // the row does not fit: send what we have, and start the next range with this row
                rangeEnd = row.seq() - 1;
                rangeRows--;
                flush(false);
                if (abort != null || stopped) {
                    return false;
                }
                rangeStart = row.seq();
                rangeEnd = row.seq();
                rangeRows = 1;
            }
            changes.addAll(built);
            if (!built.isEmpty()) {
                rowHashes.put(row.learnerKey(), row.rowHash());
            }
            bytes += size;
            return continueAfter(changes.size() >= job.batchSize());
        }

        private boolean continueAfter(boolean full) {
            if (full || (changes.isEmpty() && rangeRows >= SILENT_CHUNK)) {
                flush(false);
            }
            return abort == null && !stopped;
        }

        void flush(boolean last) {
            if (rangeStart < 0) {
                return;
            }
            if (changes.isEmpty()) {
                try {
                    store.confirm(job.plan(), job.runId(), rangeStart, rangeEnd, excluded);
                } catch (StateFencedException e) {
                    fenced = true;
                    abort = e.getMessage();
                    return;
                }
                report(List.copyOf(localRejections), List.of());
            } else if (job.stopRequested().getAsBoolean()) {
                stopped = true;
                return;
            } else {
                pushBatch();
            }
            changes.clear();
            rowHashes.clear();
            excluded.clear();
            localRejections.clear();
            bytes = 0;
            rangeStart = -1;
            rangeRows = 0;
        }

        private void pushBatch() {
            Batch batch = new Batch(job.runId() + "-" + (++batchNo), job.sync().key(), changes);
            Set<String> learners = new HashSet<>();
            for (RecordChange c : changes) {
                learners.add(c.learnerKey());
            }
            int[] attempts = {0};
            if (!firstRequestSeen) {
                firstRequestSeen = true;
                monitor.firstRequest();
            }
            sent += learners.size();
            // durable before the push: if the process dies before the confirmation, the next run knows these rows
            // may have reached the destination; a run that lost the sync to another replica stops here
            try {
                store.sending(job.plan(), job.runId(), rangeStart, rangeEnd, excluded);
            } catch (StateFencedException e) {
                sent -= learners.size();
                fenced = true;
                abort = e.getMessage();
                return;
            }
            BatchResult result;
            try {
                result = job.push().push(batch, b -> {
                    attempts[0]++;
                    requests++;
                    return job.connector().push(job.context(), b);
                });
            } catch (RetryableException e) {
                retried += (long) Math.max(0, attempts[0] - 1) * learners.size();
                failed += learners.size();
                failedInARow++;
                uncertain();
                LOG.warnf(
                        "sync %s run %d: batch %s not delivered after %d attempts: %s",
                        job.sync().key(), job.runId(), batch.id(), attempts[0], e.getMessage());
                if (failedInARow >= MAX_FAILED_BATCHES) {
                    abort = failedInARow + " batches in a row could not be delivered (last: " + e.getMessage()
                            + "); the next run sends them";
                }
                report(List.copyOf(localRejections), List.of());
                return;
            } catch (DeferredException e) {
                failed += learners.size();
                abort = e.getMessage();
                if (attempts[0] > 0) {
                    uncertain(); // an earlier attempt may have timed out after the destination applied it
                }
                return;
            } catch (PermanentException e) {
                failed += learners.size();
                if (attempts[0] > 1) {
                    uncertain(); // refused now, but an earlier attempt may have been applied
                }
                abort = "destination refused the sync (" + e.code().name().toLowerCase(java.util.Locale.ROOT) + "): "
                        + e.getMessage() + "; fix it, then run again";
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed += learners.size();
                stopped = true;
                uncertain();
                return;
            } catch (RuntimeException e) {
                failed += learners.size();
                abort = "connector error: " + e;
                uncertain();
                LOG.errorf(
                        e,
                        "sync %s run %d: connector %s failed",
                        job.sync().key(),
                        job.runId(),
                        job.connector().type());
                return;
            }
            failedInARow = 0;
            retried += (long) Math.max(0, attempts[0] - 1) * learners.size();
            Map<String, RecordOutcome> byKey = new HashMap<>();
            for (RecordOutcome o : result.outcomes()) {
                byKey.merge(o.destinationKey(), o, (a, b) -> a.isConfirmed() ? b : a);
            }
            Map<String, RunMonitor.Rejection> rejectedNow = new LinkedHashMap<>();
            for (RecordChange c : changes) {
                RecordOutcome o = byKey.get(c.destinationKey());
                if (o == null || !o.isConfirmed()) {
                    String code = o == null ? "missing_result" : o.code();
                    String message = o == null ? "the destination returned no result for this record" : o.message();
                    rejectedNow.putIfAbsent(
                            c.learnerKey(),
                            new RunMonitor.Rejection(
                                    c.learnerKey(),
                                    c.destinationKey(),
                                    "rejected",
                                    code,
                                    message,
                                    rowHashes.get(c.learnerKey())));
                }
            }
            excluded.addAll(rejectedNow.keySet());
            try {
                store.confirm(job.plan(), job.runId(), rangeStart, rangeEnd, excluded);
            } catch (StateFencedException e) {
                fenced = true;
                abort = e.getMessage();
                return;
            }
            List<String> ok = new ArrayList<>();
            for (String l : learners) {
                if (!rejectedNow.containsKey(l)) {
                    ok.add(l);
                }
            }
            confirmed += ok.size();
            rejected += rejectedNow.size();
            long points = 0;
            for (RecordChange c : changes) {
                if (!rejectedNow.containsKey(c.learnerKey())) {
                    points += Math.max(1, c.fields().size()); // a removal writes one value: the membership
                }
            }
            monitor.dataPoints(points);
            List<RunMonitor.Rejection> all = new ArrayList<>(localRejections);
            all.addAll(rejectedNow.values());
            report(all, ok);
        }

        /**
         * The batch failed after it was sent, without saying whether the destination applied it (timeouts and 5xx
         * after all retries, connector errors, an interrupted push): its rows become uncertain, as if the process
         * had died with it in flight. A refusal at the first attempt or a deferral before any attempt is not.
         */
        private void uncertain() {
            try {
                store.uncertain(job.plan(), job.runId(), rangeStart, rangeEnd, excluded);
            } catch (StateFencedException e) {
                fenced = true;
                abort = e.getMessage();
            }
        }

        private void report(List<RunMonitor.Rejection> rejections, List<String> ok) {
            double seconds =
                    Math.max(0.001, Duration.between(start, clock.instant()).toNanos() / 1e9);
            double rate = confirmed / seconds;
            double rowsRate = processed / seconds;
            Double eta = rowsRate > 0 ? (base.planned() - processed) / rowsRate : null;
            monitor.batchDone(
                    rejections,
                    ok,
                    counts(),
                    new RunMonitor.Progress(processed, base.planned(), sent, confirmed, rate, eta));
        }
    }

    static long approximateSize(RecordChange c) {
        long size = 32 + c.learnerKey().length() + c.destinationKey().length();
        for (Map.Entry<String, Object> e : c.fields().entrySet()) {
            size += e.getKey().length()
                    + 6
                    + (e.getValue() == null ? 4 : String.valueOf(e.getValue()).length());
        }
        return size;
    }
}
