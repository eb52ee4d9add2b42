package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.sync.state.ChangeRow;
import dev.masync.sync.state.StateFencedException;
import dev.masync.sync.state.StateStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The push phase of one run: batches the diff rows as they stream, journals each batch as sending, pushes it through
 * the job's {@link PushPolicy}, and confirms in the state exactly the records the destination confirmed (a batch that
 * failed without saying whether it was applied is made uncertain). Counts what it did for the run's report.
 */
final class PushPhase {
    private static final Logger LOG = Logger.getLogger(PushPhase.class);

    final StateStore store;
    final Clock clock;
    final RunEngine.Job job;
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
    long processed, sent, confirmed, rejected, retried, skipped, failed, requests, identityNull, identityDuplicate;
    int batchNo, failedInARow;
    boolean firstRequestSeen;
    boolean stopped;
    boolean fenced;
    String abort;

    PushPhase(StateStore store, Clock clock, RunEngine.Job job, RunMonitor monitor, RunCounts base, Instant start) {
        this.store = store;
        this.clock = clock;
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
                requests,
                identityNull,
                identityDuplicate,
                0);
    }

    boolean accept(ChangeRow row) {
        processed++;
        if (rangeStart < 0) {
            rangeStart = row.seq();
        }
        rangeEnd = row.seq();
        rangeRows++;
        RunEngine.OpenError open = job.openErrors().get(row.learnerKey());
        if (open != null
                && (open.quarantined()
                        || (open.skipped()
                                && open.rowHash() != null
                                && open.rowHash().equals(row.rowHash())))) {
            skipped++;
            excluded.add(row.learnerKey());
            return continueAfter(false);
        }
        if (row.op() == ChangeRow.Op.IDENTITY_DUPLICATE) {
            // the diff never folds these rows into the state: nothing to exclude
            identityDuplicate++;
            localRejections.add(new RunMonitor.Rejection(
                    row.learnerKey(),
                    row.destinationKey(),
                    RecordErrorLedger.IDENTITY,
                    "identity_duplicate",
                    "other members of the segment share this learner's value of identity attribute '"
                            + job.sync().identity().attribute() + "' (" + row.destinationKey() + "), so the"
                            + " destination cannot tell them apart; not sent (and not removed if held) until the"
                            + " value is unique",
                    null));
            return continueAfter(false);
        }
        if (row.op() == ChangeRow.Op.IDENTITY_NULL || (row.op() != ChangeRow.Op.LEFT && row.destinationKey() == null)) {
            if (row.op() != ChangeRow.Op.IDENTITY_NULL) {
                excluded.add(row.learnerKey()); // emptied after the diff: the state must not take this row
            }
            identityNull++;
            localRejections.add(new RunMonitor.Rejection(
                    row.learnerKey(),
                    null,
                    RecordErrorLedger.IDENTITY,
                    "identity_null",
                    "the learner has no value for identity attribute '"
                            + job.sync().identity().attribute() + "'; not sent (and not removed if held) until it"
                            + " has one",
                    null));
            return continueAfter(false);
        }
        List<RecordChange> built = builder.changes(row);
        long size = 0;
        for (RecordChange c : built) {
            size += approximateSize(c);
        }
        if (!changes.isEmpty() && (changes.size() + built.size() > job.batchSize() || bytes + size > job.maxBytes())) {
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
        if (full || (changes.isEmpty() && rangeRows >= RunEngine.SILENT_CHUNK)) {
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
        Batch batch = new Batch(
                        job.runId() + "-" + (++batchNo),
                        job.sync().key(),
                        changes,
                        job.sync().membershipTarget())
                .withRun(job.sync().identity().field(), base.planned());
        Set<String> learners = new HashSet<>();
        for (RecordChange c : changes) {
            learners.add(c.learnerKey());
        }
        int[] attempts = {0};
        // retries count the records sent again, not the parts a refused batch is split into
        Set<String> sentIds = new HashSet<>();
        long[] retriedRecords = {0};
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
            // a batch refused as a whole (400, 413, 422…) is split until the records at fault are found
            result = new Bisection(job.push(), b -> {
                        attempts[0]++;
                        requests++;
                        if (!sentIds.add(b.id())) { // the same batch (or part) again: a retry
                            retriedRecords[0] += b.records().stream()
                                    .map(RecordChange::learnerKey)
                                    .distinct()
                                    .count();
                        }
                        return job.connector().push(job.context(), b);
                    })
                    .push(batch);
        } catch (RetryableException e) {
            retried += retriedRecords[0];
            failed += learners.size();
            failedInARow++;
            uncertain();
            LOG.warnf(
                    "sync %s run %d: batch %s not delivered after %d attempts: %s",
                    job.sync().key(), job.runId(), batch.id(), attempts[0], e.getMessage());
            if (failedInARow >= RunEngine.MAX_FAILED_BATCHES) {
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
            if (attempts[0] <= 1 && e.code() == PermanentException.Code.INVALID_CONFIG) {
                // the connector found its configuration unusable (e.g. a secret gone since the run started) before
                // any request left: nothing was sent
                sent -= learners.size();
                requests -= attempts[0];
                abort = "nothing was sent: the destination's configuration is unusable: " + e.getMessage()
                        + "; fix it, then run again";
                return;
            }
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
            // a defect of the connector, not of the data: no Java type names in what the user reads
            abort = "the " + job.connector().type() + " connector failed unexpectedly"
                    + (e.getMessage() == null ? "" : " (" + abbreviate(e.getMessage(), 300) + ")")
                    + "; its records are sent again by the next run; the daemon log has the details";
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
        retried += retriedRecords[0];
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
        if (result.dataPoints().isPresent()) {
            points = result.dataPoints().getAsLong(); // what the destination counts, as its connector knows it
        } else {
            for (RecordChange c : changes) {
                if (!rejectedNow.containsKey(c.learnerKey())) {
                    points += Math.max(1, c.fields().size()); // a removal writes one value: the membership
                }
            }
        }
        monitor.dataPoints(points);
        List<RecordChange> applied = new ArrayList<>();
        for (RecordChange c : changes) {
            if (!rejectedNow.containsKey(c.learnerKey())) {
                applied.add(c);
            }
        }
        monitor.confirmedChanges(applied);
        List<RecordIds.Entry> ids = RecordIds.confirmed(applied, byKey);
        if (!ids.isEmpty()) {
            monitor.recordIds(ids);
        }
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

    static long approximateSize(RecordChange c) {
        long size = 32 + c.learnerKey().length() + c.destinationKey().length();
        for (Map.Entry<String, Object> e : c.fields().entrySet()) {
            size += e.getKey().length()
                    + 6
                    + (e.getValue() == null ? 4 : String.valueOf(e.getValue()).length());
        }
        return size;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
