package dev.masync.sync.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One run of a sync: trigger, status, counts, phase timings, progress while running. */
@Entity
@Table(name = "sync_runs")
public class SyncRunEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "sync_key", nullable = false, length = 100)
    public String syncKey;

    @Column(name = "trigger_kind", nullable = false, length = 16)
    public String trigger;

    @Column(nullable = false, length = 24)
    public String status;

    @Column(name = "dry_run", nullable = false)
    public boolean dryRun;

    @Column(name = "full_resync", nullable = false)
    public boolean fullResync;

    @Column(nullable = false)
    public boolean forced;

    @Column(nullable = false, length = 100)
    public String owner;

    @Column(name = "created_by", nullable = false, length = 100)
    public String createdBy;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "evaluated_at")
    public Instant evaluatedAt;

    @Column(name = "counts_json", nullable = false, length = 4000)
    public String countsJson;

    @Column(name = "phases_json", nullable = false, length = 4000)
    public String phasesJson;

    @Column(name = "progress_json", length = 4000)
    public String progressJson;

    @Column(name = "samples_json", length = 200000)
    public String samplesJson;

    @Column(length = 4000)
    public String reason;

    /** {@link RunCost} as JSON; null for runs recorded before costs were. */
    @Column(name = "cost_json", length = 4000)
    public String costJson;

    @Column(length = 64)
    public String freshness;

    /** Destination calls projected before pushing; null for runs that did not project (V031). */
    @Column(name = "projected_calls")
    public Long projectedCalls;

    /** How long draining them was projected to take; null without a limit. */
    @Column(name = "projected_drain_ms")
    public Long projectedDrainMillis;

    /** {@link RunDrain} as JSON: projected against actual once the run ended. */
    @Column(name = "drain_json", length = 1000)
    public String drainJson;

    /** For a targeted run (trigger webhook): the inbox events it handled, {"count": n, "ids": [...]} (V033). */
    @Column(name = "webhook_events", length = 4000)
    public String webhookEvents;
}
