package dev.masync.sync.run;

import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.RecordChange;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.state.DiffCounts;
import dev.masync.sync.state.LearnerScope;
import dev.masync.sync.state.StateFencedException;
import dev.masync.sync.state.StateStore;
import dev.masync.sync.state.SyncPlan;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
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
            BooleanSupplier stopRequested,
            DrainForecast forecast,
            LearnerScope scope,
            Set<String> forget) {
        public Job {
            Objects.requireNonNull(forecast, "forecast");
            Objects.requireNonNull(scope, "scope");
            forget = Set.copyOf(forget);
        }

        /** A job over every learner. */
        public Job(
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
                BooleanSupplier stopRequested,
                DrainForecast forecast) {
            this(
                    runId,
                    sync,
                    plan,
                    compiler,
                    rule,
                    asOf,
                    options,
                    connector,
                    context,
                    batchSize,
                    maxBytes,
                    push,
                    openErrors,
                    zone,
                    stopRequested,
                    forecast,
                    LearnerScope.ALL,
                    Set.of());
        }

        /**
         * This job for the learners of {@code scope} only, after forgetting the state of the learners in
         * {@code forget} (their records were deleted at the destination).
         */
        public Job targeted(LearnerScope scope, Set<String> forget) {
            return new Job(
                    runId,
                    sync,
                    plan,
                    compiler,
                    rule,
                    asOf,
                    options,
                    connector,
                    context,
                    batchSize,
                    maxBytes,
                    push,
                    openErrors,
                    zone,
                    stopRequested,
                    forecast,
                    scope,
                    forget);
        }

        /** A job whose drain is projected at one call per batch, without a limit. */
        public Job(
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
                BooleanSupplier stopRequested) {
            this(
                    runId,
                    sync,
                    plan,
                    compiler,
                    rule,
                    asOf,
                    options,
                    connector,
                    context,
                    batchSize,
                    maxBytes,
                    push,
                    openErrors,
                    zone,
                    stopRequested,
                    DrainForecast.perBatch(batchSize));
        }
    }

    /** The outcome of a run. */
    public record Report(
            RunStatus status,
            RunCounts counts,
            Map<String, Long> phasesMillis,
            String reason,
            Map<String, List<Map<String, Object>>> samples,
            RunDrain drain) {
        public Report(
                RunStatus status,
                RunCounts counts,
                Map<String, Long> phasesMillis,
                String reason,
                Map<String, List<Map<String, Object>>> samples) {
            this(status, counts, phasesMillis, reason, samples, null);
        }
    }

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
        if (!job.forget().isEmpty() && !job.options().dryRun()) {
            store.forget(job.plan(), job.runId(), job.forget());
            monitor.forgotten(job.forget());
        }
        if (job.scope().keys().map(Set::isEmpty).orElse(false)) {
            // nobody to evaluate (only forgotten learners): no warehouse query at all
            phases.put("diff", Duration.between(t0, clock.instant()).toMillis());
            return new Report(RunStatus.SUCCEEDED, RunCounts.ZERO, phases, null, Map.of());
        }
        DiffCounts diff = store.diff(
                job.plan(),
                job.runId(),
                job.compiler(),
                job.rule(),
                job.asOf(),
                job.options().fullResync(),
                job.scope());
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
                0,
                diff.identityNull(),
                diff.identityDuplicate(),
                0);

        String blocked = job.options().force() ? null : guard(job.sync().guard(), diff);
        if (blocked != null) {
            store.discard(job.plan(), job.runId());
            return new Report(RunStatus.BLOCKED_BY_GUARD, base, phases, blocked, Map.of());
        }
        RunDrain projected = project(job, diff, monitor);
        if (job.options().dryRun()) {
            Map<String, List<Map<String, Object>>> samples = samples(job);
            store.discard(job.plan(), job.runId());
            return new Report(RunStatus.SUCCEEDED, base, phases, null, samples, projected);
        }
        long callsBefore = job.forecast().callsTaken();
        Instant l0 = clock.instant();
        store.load(job.plan(), job.runId());
        phases.put("load", Duration.between(l0, clock.instant()).toMillis());
        Instant pushStart = clock.instant();
        PushPhase push = new PushPhase(store, clock, job, monitor, base, pushStart);
        try {
            store.stream(job.plan(), push::accept);
            if (push.abort == null) {
                push.flush(true);
            }
            if (push.abort == null && !push.stopped) {
                monitor.walkedAll();
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
        RunCounts counts = push.counts().withQuarantined(Math.min(push.rejected, monitor.quarantined()));
        RunStatus status;
        String reason = push.abort;
        if (push.fenced) {
            status = RunStatus.FAILED;
        } else if (push.stopped) {
            status = RunStatus.CANCELLED;
            reason = "stopped before all changes were sent; the next run sends the rest";
        } else if (reason == null && counts.rejected() == 0 && counts.failed() == 0 && counts.invalidIdentity() == 0) {
            status = RunStatus.SUCCEEDED;
            if (counts.skipped() > 0) {
                reason = counts.skipped() + " records not sent because their record errors are quarantined or"
                        + " skipped (GET /api/v1/syncs/" + job.sync().key() + "/record-errors); release them with"
                        + " POST /api/v1/syncs/" + job.sync().key() + "/record-errors/{learnerKey}/retry";
            }
        } else {
            // partly failed when some records went through, or when only some members could not be sent for their
            // identity while the others are held as they should be
            boolean someFine = counts.confirmed() > 0
                    || (reason == null
                            && counts.rejected() == 0
                            && counts.failed() == 0
                            && counts.evaluated() > counts.invalidIdentity());
            status = someFine ? RunStatus.PARTIALLY_FAILED : RunStatus.FAILED;
            if (reason == null) {
                reason = notSent(job, counts);
            }
        }
        long taken = job.forecast().callsTaken();
        RunDrain drain = projected == null
                ? null
                : projected.withActual(
                        taken < 0 ? counts.requests() : taken - callsBefore, Duration.ofMillis(phases.get("push")));
        if (drain != null) {
            LOG.infof(
                    "sync %s run %d: %d destination calls in %s (projected %d%s)",
                    job.sync().key(),
                    job.runId(),
                    drain.calls(),
                    drain.drain(),
                    drain.projectedCalls(),
                    drain.projectedDrain() == null ? ", without a rate limit" : " in " + drain.projectedDrain());
        }
        return new Report(status, counts, phases, reason, Map.of(), drain);
    }

    /**
     * Projects the destination calls of the changes about to be sent and how long the account's budget takes to
     * drain them; logs it and tells the monitor. A forecast that fails costs the projection, never the run.
     */
    private static RunDrain project(Job job, DiffCounts diff, RunMonitor monitor) {
        long changes = diff.entered()
                + diff.changed()
                + diff.resent()
                + (job.sync().mode() == SyncDefinition.Mode.MIRROR ? diff.left() : 0);
        try {
            DrainForecast.Projection p =
                    job.forecast().project(changes, job.sync().membershipTarget());
            RunDrain drain = RunDrain.projected(p);
            LOG.infof(
                    "sync %s run %d: %d changes take %d destination calls%s%s",
                    job.sync().key(),
                    job.runId(),
                    changes,
                    p.calls(),
                    p.account().map(a -> " of account " + a).orElse(""),
                    p.drain().map(d -> ", projected to drain in " + d).orElse(""));
            monitor.projected(drain);
            return drain;
        } catch (RuntimeException e) {
            LOG.warnf(e, "sync %s run %d: no drain projection", job.sync().key(), job.runId());
            return null;
        }
    }

    /** What happened to the records that did not go through, each kind with what comes next for it. */
    static String notSent(Job job, RunCounts counts) {
        List<String> parts = new ArrayList<>();
        String sync = job.sync().key();
        if (counts.rejected() > 0) {
            long quarantined = counts.quarantined();
            long again = counts.rejected() - quarantined;
            StringBuilder s = new StringBuilder(
                    counts.rejected() + " of " + counts.sent() + " records sent were rejected by the destination (see"
                            + " GET /api/v1/runs/" + job.runId() + "/rejections)");
            if (again > 0) {
                s.append("; ")
                        .append(again)
                        .append(quarantined > 0 ? "" : " of them")
                        .append(again == 1 ? " is" : " are")
                        .append(" sent again by the next run");
            }
            if (quarantined > 0) {
                s.append("; ")
                        .append(quarantined)
                        .append(quarantined == 1 ? " is" : " are")
                        .append(" quarantined after repeated rejections and not sent again until released with"
                                + " POST /api/v1/syncs/" + sync + "/record-errors/{learnerKey}/retry");
            }
            parts.add(s.toString());
        }
        if (counts.failed() > 0) {
            parts.add(counts.failed() + " records not delivered (the destination did not answer in time or failed);"
                    + " the next run sends them again");
        }
        if (counts.invalidIdentity() > 0) {
            String attribute = job.sync().identity().attribute();
            List<String> why = new ArrayList<>();
            if (counts.identityNull() > 0) {
                why.add(counts.identityNull() + " have no value for identity attribute '" + attribute
                        + "' (identity_null)");
            }
            if (counts.identityDuplicate() > 0) {
                why.add(counts.identityDuplicate() + " share their value of '" + attribute
                        + "' with another member (identity_duplicate)");
            }
            parts.add(counts.invalidIdentity() + " members not sent: " + String.join(", ", why)
                    + "; records the destination already holds for them are left as they are; fix the data or"
                    + " key the sync on a unique attribute, and they are sent by the next run (see GET"
                    + " /api/v1/syncs/" + sync + "/record-errors)");
        }
        return String.join(". ", parts);
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
                case IDENTITY_NULL, IDENTITY_DUPLICATE -> null;
            };
            if (kind == null) {
                return true; // never sent: the run's counts and record errors tell about them
            }
            List<Map<String, Object>> list = out.get(kind);
            if (list.size() < SAMPLES_PER_KIND) {
                for (RecordChange c : builder.changes(row)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("learnerKey", c.learnerKey());
                    m.put("recordKey", c.destinationKey());
                    m.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
                    m.put("fields", c.fields());
                    list.add(m);
                }
            }
            return out.values().stream().anyMatch(l -> l.size() < SAMPLES_PER_KIND);
        });
        return out;
    }
}
