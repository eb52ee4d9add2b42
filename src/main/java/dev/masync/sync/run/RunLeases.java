package dev.masync.sync.run;

import dev.masync.sync.SyncConfig;
import dev.masync.sync.SyncEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each sync has at most one active run across all replicas sharing the control DB: a run takes its sync's lease
 * with a conditional UPDATE, renews it while running and releases it at the end; a lease whose owner died expires
 * and the sync can run again elsewhere. Also tracks which syncs run in this process and which lost their lease.
 */
@ApplicationScoped
public class RunLeases {
    private static final Logger LOG = Logger.getLogger(RunLeases.class);
    static final String INTERRUPTED =
            "interrupted: the process running it stopped; the next run sends what it had not confirmed";

    private final SyncConfig config;
    private final Clock clock;
    private final String instanceId;
    private final Map<String, Long> active = new ConcurrentHashMap<>();
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    /** Local runs whose lease this replica released itself (the run is ending); their renewal failing is expected. */
    private final Set<String> released = ConcurrentHashMap.newKeySet();

    RunLeases(SyncConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.instanceId = config.instanceId()
                .orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
        if (config.lease().compareTo(config.tick().multipliedBy(2)) < 0) {
            LOG.warnf(
                    "masync.sync.lease (%s) is shorter than two ticks (masync.sync.tick %s): running syncs may lose"
                            + " their lease between renewals",
                    config.lease(), config.tick());
        }
    }

    /**
     * Takes the sync's lease and records the run (its own transaction); null if another run holds the lease. Does
     * not mark the sync active in this process: see {@link #track}.
     *
     * @throws RunException {@code NOT_FOUND sync_not_found} for an unknown sync
     */
    public SyncRunEntity claim(String syncKey, RunTrigger trigger, RunEngine.Options options, String actor) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (SyncEntity.findById(syncKey) == null) {
                throw RunException.notFound(
                        "sync_not_found", "No sync '" + syncKey + "'; GET /api/v1/syncs lists them.");
            }
            Instant now = clock.instant();
            int taken = SyncEntity.update(
                    "leaseOwner = ?1, leaseUntil = ?2 where key = ?3 and (leaseOwner is null or leaseUntil < ?4)",
                    instanceId,
                    now.plus(config.lease()),
                    syncKey,
                    now);
            if (taken == 0) {
                return null;
            }
            // runs still marked running hold no lease any more: their process died
            SyncRunEntity.update(
                    "status = 'failed', finishedAt = ?1, reason = ?2 where syncKey = ?3 and status = 'running'",
                    now,
                    INTERRUPTED,
                    syncKey);
            SyncRunEntity run = new SyncRunEntity();
            run.syncKey = syncKey;
            run.trigger = trigger.json();
            run.status = RunStatus.RUNNING.json();
            run.dryRun = options.dryRun();
            run.fullResync = options.fullResync();
            run.forced = options.force();
            run.owner = instanceId;
            run.createdBy = actor;
            run.startedAt = now;
            run.countsJson = RunJson.write(RunCounts.ZERO);
            run.phasesJson = "{}";
            run.persist();
            return run;
        });
    }

    /**
     * Records a run that could not start as {@code failed} with its reason (its own transaction), without taking the
     * lease; nothing if the sync is gone.
     */
    public void recordFailedStart(String syncKey, RunTrigger trigger, String actor, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (SyncEntity.findById(syncKey) == null) {
                return;
            }
            Instant now = clock.instant();
            SyncRunEntity run = new SyncRunEntity();
            run.syncKey = syncKey;
            run.trigger = trigger.json();
            run.status = RunStatus.FAILED.json();
            run.owner = instanceId;
            run.createdBy = actor;
            run.startedAt = now;
            run.finishedAt = now;
            run.reason = RunColumns.truncate(reason, RunColumns.REASON);
            run.countsJson = RunJson.write(RunCounts.ZERO);
            run.phasesJson = "{}";
            run.persist();
        });
    }

    /** Releases the lease if this replica holds it, in the caller's transaction (or a new one). */
    public void release(String syncKey) {
        released.add(syncKey);
        QuarkusTransaction.joiningExisting()
                .run(() -> SyncEntity.update(
                        "leaseOwner = null, leaseUntil = null where key = ?1 and leaseOwner = ?2",
                        syncKey,
                        instanceId));
    }

    /** Renews the leases of the runs of this process; a lease another replica took is marked lost. */
    public void renew() {
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
                if (renewed == 0 && !released.contains(key) && lost.add(key)) {
                    // another replica took the sync (this one was stalled past its lease): stop before the next batch
                    LOG.warnf("sync %s: lease lost to another replica; the run stops before its next batch", key);
                }
            }
        });
    }

    /** Fails runs still marked running whose sync's lease expired: the process running them died. */
    public void failOrphanedRuns() {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew()
                .run(() -> SyncRunEntity.update(
                        "status = 'failed', finishedAt = ?1, reason = ?2 where status = 'running' and syncKey in"
                                + " (select s.key from SyncEntity s where s.leaseOwner is null or s.leaseUntil < ?1)",
                        now,
                        INTERRUPTED));
    }

    /** Whether a run of the sync is active in this process. */
    public boolean isActive(String syncKey) {
        return active.containsKey(syncKey);
    }

    /** Whether the lease of a local run was taken by another replica. */
    public boolean isLost(String syncKey) {
        return lost.contains(syncKey);
    }

    /** The runs of this process: sync key to run id. */
    Map<String, Long> running() {
        return Map.copyOf(active);
    }

    void track(String syncKey, long runId) {
        released.remove(syncKey);
        active.put(syncKey, runId);
    }

    void forget(String syncKey) {
        active.remove(syncKey);
        lost.remove(syncKey);
        released.remove(syncKey);
    }
}
