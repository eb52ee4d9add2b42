package dev.masync.sync.run;

import dev.masync.platform.DomainException;
import dev.masync.sync.SyncDefinitionParser;
import dev.masync.sync.SyncEntity;
import dev.masync.sync.SyncService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** The tick: renews local leases, fails orphaned runs and starts the scheduled syncs that are due. */
@ApplicationScoped
public class RunScheduler {
    private static final Logger LOG = Logger.getLogger(RunScheduler.class);

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

    /** Starts every due, unpaused scheduled sync that is not running anywhere; returns how many started. */
    public int startDue() {
        Instant now = clock.instant();
        List<SyncEntity> due = QuarkusTransaction.requiringNew()
                .call(() -> SyncEntity.<SyncEntity>list("paused = false and nextRunAt <= ?1", now));
        int started = 0;
        for (SyncEntity s : due) {
            if (!leases.isActive(s.key) && moveNextRun(s.key, now)) {
                try {
                    coordinator.start(s.key, RunTrigger.SCHEDULE, RunEngine.Options.NORMAL, "schedule");
                    started++;
                } catch (DomainException e) {
                    LOG.debugf("scheduled run of %s not started: %s", s.key, e.getMessage());
                }
            }
        }
        return started;
    }

    /** Moves next_run_at forward; only the replica that moved it starts the run. */
    private boolean moveNextRun(String syncKey, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SyncEntity e = SyncEntity.findById(syncKey);
            if (e == null) {
                return false;
            }
            SyncDefinitionParser.Result r = syncs.current(e);
            Instant next = syncs.nextRun(r.ok() ? r.definition() : null, now);
            return SyncEntity.update("nextRunAt = ?1 where key = ?2 and nextRunAt = ?3", next, e.key, e.nextRunAt) == 1;
        });
    }
}
