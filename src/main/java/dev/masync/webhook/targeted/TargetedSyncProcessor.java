package dev.masync.webhook.targeted;

import dev.masync.sync.SyncDefinition;
import dev.masync.sync.run.RunCoordinator;
import dev.masync.sync.run.RunCost;
import dev.masync.sync.run.RunException;
import dev.masync.sync.run.RunStatus;
import dev.masync.sync.run.TargetedRuns;
import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.WebhookInbox;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One micro-batch of the targeted sync: claims the due inbox events, maps them to learners per concerned sync (one
 * warehouse lookup by identity and one control-DB lookup of remembered record ids per sync, see
 * {@link TargetedRuns#learnersOf}), runs each sync once for all its learners of the batch ({@link TargetedRuns#run}: one
 * evaluation query, under the sync's lease), then marks each event processed with its outcome or failed with its
 * error. Events of a sync that was running elsewhere are postponed by {@link #BUSY_RETRY}, which costs them no
 * attempt: a long scheduled run never quarantines them.
 * Outcomes: {@code no learner}, {@code echo} (a property change that equals what we last sent, for every learner and
 * sync it maps to: no run), {@code deleted: ...} (learners forgotten), {@code synced: ...} (the runs).
 * Not thread-safe: one processor per replica, driven by {@link TargetedSyncScheduler} (tests call
 * {@link #processDue} directly).
 */
public final class TargetedSyncProcessor {
    private static final Logger LOG = Logger.getLogger(TargetedSyncProcessor.class);
    /** How long events of a sync that runs elsewhere wait before they are claimed again. */
    static final java.time.Duration BUSY_RETRY = java.time.Duration.ofSeconds(5);

    /**
     * What a micro-batch did; bytes are the warehouse's (BigQuery), lookups and runs together; learners are those
     * handed to runs (evaluated or forgotten), counted once per sync.
     */
    public record BatchReport(
            int claimed,
            int processed,
            int failed,
            int waiting,
            List<Long> runs,
            long bytesProcessed,
            long bytesBilled,
            int learners) {
        static final BatchReport EMPTY = new BatchReport(0, 0, 0, 0, List.of(), 0, 0, 0);
    }

    private final WebhookInbox inbox;
    private final TargetedRuns runs;
    private final TargetedSyncConfig config;
    private final Clock clock;

    public TargetedSyncProcessor(WebhookInbox inbox, TargetedRuns runs, TargetedSyncConfig config, Clock clock) {
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What happened to one event across the syncs it concerns. */
    private static final class Fate {
        final List<String> synced = new ArrayList<>();
        final List<String> forgotten = new ArrayList<>();
        boolean echo;
        boolean waiting;
        String error;
    }

    /** Claims and processes one micro-batch; {@link BatchReport#EMPTY} when nothing was due. */
    public BatchReport processDue() {
        List<WebhookInbox.InboxEvent> claimed = inbox.claim(config.maxEvents(), clock.instant(), config.claimFor());
        if (claimed.isEmpty()) {
            return BatchReport.EMPTY;
        }
        Map<Long, Fate> fates = new LinkedHashMap<>();
        claimed.forEach(e -> fates.put(e.id(), new Fate()));
        long[] bytes = new long[2];
        List<Long> runIds = new ArrayList<>();
        int learners = 0;
        List<TargetedRuns.Target> targets;
        try {
            targets = runs.targets();
        } catch (RuntimeException e) {
            LOG.errorf(e, "webhook micro-batch: syncs not read; %d events due again later", claimed.size());
            return new BatchReport(claimed.size(), 0, 0, claimed.size(), List.of(), 0, 0, 0);
        }
        for (TargetedRuns.Target target : targets) {
            List<WebhookInbox.InboxEvent> concerned = claimed.stream()
                    .filter(e -> EventMapping.concerns(target.destination(), e.event()))
                    .sorted(Comparator.comparing(
                                    (WebhookInbox.InboxEvent e) -> e.event().occurredAt())
                            .thenComparingLong(WebhookInbox.InboxEvent::id))
                    .toList();
            if (!concerned.isEmpty()) {
                learners += sync(target.sync(), concerned, fates, bytes, runIds);
            }
        }
        int processed = 0;
        int failed = 0;
        int waiting = 0;
        Instant now = clock.instant();
        for (WebhookInbox.InboxEvent e : claimed) {
            Fate f = fates.get(e.id());
            if (f.waiting) {
                inbox.postpone(e.id(), now.plus(BUSY_RETRY));
                waiting++;
            } else if (f.error != null) {
                inbox.failed(e.id(), f.error, now);
                failed++;
            } else {
                inbox.processed(e.id(), outcome(f), now);
                processed++;
            }
        }
        LOG.infof(
                "webhook micro-batch: %d events (%d processed, %d failed, %d waiting), %d learners, %d targeted runs,"
                        + " %d warehouse bytes processed, %d billed",
                claimed.size(), processed, failed, waiting, learners, runIds.size(), bytes[0], bytes[1]);
        return new BatchReport(
                claimed.size(), processed, failed, waiting, List.copyOf(runIds), bytes[0], bytes[1], learners);
    }

    static String outcome(Fate f) {
        List<String> parts = new ArrayList<>();
        if (!f.synced.isEmpty()) {
            parts.add("synced: " + String.join(", ", f.synced));
        }
        if (!f.forgotten.isEmpty()) {
            parts.add("deleted: " + String.join(", ", f.forgotten));
        }
        if (parts.isEmpty()) {
            return f.echo ? "echo" : "no learner";
        }
        return String.join("; ", parts);
    }

    /**
     * Maps the events to the sync's learners (by identity and by remembered record ids, in one lookup), then runs it
     * once for all of them; the number of learners handed to a run that ran.
     */
    private int sync(
            SyncDefinition sync,
            List<WebhookInbox.InboxEvent> events,
            Map<Long, Fate> fates,
            long[] bytes,
            List<Long> runIds) {
        String key = sync.key();
        Set<String> lookFor = new TreeSet<>();
        for (WebhookInbox.InboxEvent e : events) {
            lookFor.addAll(EventMapping.keys(sync, e.event()));
            lookFor.addAll(EventMapping.mergedAway(e.event()));
        }
        Map<String, Set<String>> found;
        try {
            TargetedRuns.Lookup lookup = runs.learnersOf(key, lookFor);
            add(bytes, lookup.cost());
            found = lookup.learners();
        } catch (RuntimeException ex) {
            String error = "sync " + key + ": learners not looked up: " + ex.getMessage();
            LOG.warnf("webhook micro-batch: %s", error);
            events.forEach(e -> fates.get(e.id()).error = error);
            return 0;
        }
        Set<String> evaluate = new LinkedHashSet<>();
        Set<String> forget = new LinkedHashSet<>();
        Map<String, Boolean> deletedLast = new HashMap<>();
        List<Long> ids = new ArrayList<>();
        Map<Long, Set<String>> forgottenBy = new HashMap<>();
        Set<Long> evaluating = new java.util.HashSet<>();
        for (WebhookInbox.InboxEvent e : events) { // in the order they happened: the latest decides
            InboundEvent event = e.event();
            Set<String> learners = learners(found, EventMapping.keys(sync, event));
            Set<String> gone = learners(found, EventMapping.mergedAway(event));
            if (event.kind() == InboundEvent.Kind.DELETED) {
                gone.addAll(learners);
                learners = Set.of();
            }
            if (learners.isEmpty() && gone.isEmpty()) {
                continue; // no learner of this sync
            }
            Fate fate = fates.get(e.id());
            gone.forEach(l -> deletedLast.put(l, true));
            forget.addAll(gone);
            if (!gone.isEmpty()) {
                forgottenBy.put(e.id(), gone);
            }
            if (!learners.isEmpty() && echo(sync, event, learners)) {
                fate.echo = true;
                if (gone.isEmpty()) {
                    continue;
                }
            } else if (!learners.isEmpty()) {
                learners.forEach(l -> deletedLast.put(l, false));
                evaluate.addAll(learners);
                evaluating.add(e.id());
            }
            ids.add(e.id());
        }
        evaluate.removeIf(l -> deletedLast.getOrDefault(l, false));
        if (evaluate.isEmpty() && forget.isEmpty()) {
            return 0;
        }
        Optional<RunCoordinator.Targeted> ran;
        try {
            ran = runs.run(key, evaluate, forget, ids);
        } catch (RunException ex) {
            boolean later = ex.code().equals("shutting_down");
            for (Long id : ids) {
                if (later) {
                    fates.get(id).waiting = true;
                } else {
                    fates.get(id).error = "sync " + key + ": " + ex.getMessage();
                }
            }
            return 0;
        }
        if (ran.isEmpty()) {
            LOG.debugf("sync %s runs elsewhere: %d webhook events wait for a later claim", key, ids.size());
            ids.forEach(id -> fates.get(id).waiting = true);
            return 0;
        }
        RunCoordinator.Targeted run = ran.get();
        runIds.add(run.runId());
        add(bytes, run.cost());
        RunStatus status = run.report().status();
        for (Long id : ids) {
            Fate fate = fates.get(id);
            if (status == RunStatus.FAILED) {
                fate.error = "sync " + key + " run " + run.runId() + " failed: "
                        + run.report().reason();
            } else if (status == RunStatus.CANCELLED) {
                fate.waiting = true; // stopped before all was sent (shutdown): due again later
            } else {
                Set<String> gone = forgottenBy.get(id);
                if (gone != null) {
                    fate.forgotten.add(key + " forgot " + gone.size() + " learner" + (gone.size() == 1 ? "" : "s"));
                }
                if (evaluating.contains(id)) {
                    fate.synced.add(key + " run " + run.runId() + " " + status.json());
                }
            }
        }
        Set<String> handed = new java.util.HashSet<>(evaluate);
        handed.addAll(forget);
        return handed.size();
    }

    /** Whether a property change equals, for every learner, what this process last had confirmed for the field. */
    private boolean echo(SyncDefinition sync, InboundEvent event, Set<String> learners) {
        Optional<String> field = EventMapping.mappedField(sync, event);
        if (field.isEmpty()) {
            return false;
        }
        for (String learner : learners) {
            Optional<Optional<Object>> sent = runs.lastSent(sync.key(), learner, field.get());
            if (sent.isEmpty() || !EventMapping.sameValue(sent.get(), event.value())) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> learners(Map<String, Set<String>> found, Set<String> keys) {
        Set<String> out = new TreeSet<>();
        keys.forEach(k -> out.addAll(found.getOrDefault(k, Set.of())));
        return out;
    }

    private static void add(long[] bytes, RunCost cost) {
        bytes[0] += cost.bytesProcessed();
        bytes[1] += cost.bytesBilled();
    }
}
