package dev.masync.sync.run;

import dev.masync.sync.SyncDefinition;
import dev.masync.sync.SyncDefinitionParser;
import dev.masync.sync.SyncEntity;
import dev.masync.sync.SyncJson;
import dev.masync.sync.SyncService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The tick: renews local leases, fails orphaned runs and starts the scheduled syncs that are due. */
@ApplicationScoped
public class RunScheduler {
    private static final Logger LOG = Logger.getLogger(RunScheduler.class);
    private static final Duration RETRY_UNREADABLE = Duration.ofHours(1);

    private final RunCoordinator coordinator;
    private final RunLeases leases;
    private final SyncService syncs;
    private final Clock clock;

    RunScheduler(RunCoordinator coordinator, RunLeases leases, SyncService syncs, Clock clock) {
        this.coordinator = coordinator;
        this.leases = leases;
        this.syncs = syncs;
        this.clock = clock;
    }

    @Scheduled(
            every = "${masync.sync.tick}",
            delayed = "${masync.sync.tick}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!coordinator.accepting()) {
            return;
        }
        leases.renew();
        leases.failOrphanedRuns();
        startDue();
    }

    /**
     * Starts every due, unpaused scheduled sync that is not running anywhere; returns how many started. The schedule
     * always moves on: a sync whose run cannot start gets a {@code failed} run saying why, and its next run is
     * computed from its schedule alone (not from a definition that may not fit today's catalog).
     */
    public int startDue() {
        Instant now = clock.instant();
        List<String> due = QuarkusTransaction.requiringNew()
                .call(() -> SyncEntity.<SyncEntity>list("paused = false and nextRunAt <= ?1", now).stream()
                        .map(s -> s.key)
                        .toList());
        int started = 0;
        for (String key : due) {
            if (!coordinator.accepting()) {
                break;
            }
            if (leases.isActive(key)) {
                continue;
            }
            try {
                if (!moveNextRun(key, now)) {
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "sync %s: next scheduled run not computed", key);
                continue;
            }
            try {
                coordinator.start(key, RunTrigger.SCHEDULE, RunEngine.Options.NORMAL, "schedule");
                started++;
            } catch (RunException e) {
                if (e.code().equals("run_in_progress") || e.code().equals("shutting_down")) {
                    LOG.debugf("scheduled run of %s not started: %s", key, e.getMessage());
                } else {
                    recordNotStarted(key, e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "scheduled run of %s could not start", key);
                recordNotStarted(key, e.getMessage());
            }
        }
        return started;
    }

    /** A failed run saying why the scheduled run could not start (the sync still exists and is not running). */
    private void recordNotStarted(String syncKey, String why) {
        try {
            leases.recordFailedStart(
                    syncKey,
                    RunTrigger.SCHEDULE,
                    "schedule",
                    "the scheduled run could not start: " + (why == null ? "an internal error" : why)
                            + "; the schedule continues");
        } catch (RuntimeException e) {
            LOG.errorf(e, "sync %s: failed scheduled start not recorded", syncKey);
        }
    }

    /** Moves next_run_at forward; only the replica that moved it starts the run. */
    private boolean moveNextRun(String syncKey, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SyncEntity e = SyncEntity.findById(syncKey);
            if (e == null || e.nextRunAt == null || e.nextRunAt.isAfter(now)) {
                return false;
            }
            Instant next = nextRun(e, now);
            return SyncEntity.update("nextRunAt = ?1 where key = ?2 and nextRunAt = ?3", next, e.key, e.nextRunAt) == 1;
        });
    }

    /**
     * The next run after {@code now} from the stored schedule alone. A schedule that cannot be read any more (never
     * the case for a definition that was accepted) retries in an hour rather than stopping for good.
     */
    private Instant nextRun(SyncEntity e, Instant now) {
        Optional<SyncDefinition.Schedule> schedule = Optional.empty();
        try {
            schedule = SyncDefinitionParser.scheduleOf(SyncJson.read(e.definitionJson));
        } catch (RuntimeException ex) {
            LOG.errorf(ex, "sync %s: stored schedule unreadable", e.key);
        }
        if (schedule.isEmpty()) {
            LOG.errorf("sync %s: its stored schedule cannot be read; trying again in %s", e.key, RETRY_UNREADABLE);
            return now.plus(RETRY_UNREADABLE);
        }
        Instant next = syncs.nextRun(schedule.get(), now);
        return next == null ? now.plus(RETRY_UNREADABLE) : next;
    }
}
