package dev.masync.sync.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.sync.RecordErrorEntity;
import dev.masync.sync.SyncEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-sync gauges (tag {@code sync}) of its full runs, i.e. neither dry nor webhook-targeted:
 * {@code masync.sync.last.success.time} (epoch seconds the last one that succeeded ended),
 * {@code masync.sync.last.run.duration} (seconds the last one that ended took), {@code masync.sync.members.held}
 * (members at the last successful one, all of them confirmed: what the destination holds from us since) and
 * {@code masync.sync.record.errors} (by {@code status}: retrying, quarantined, skipped). A scrape never reads the
 * control DB: the figures are measured every {@value #EVERY} (a few grouped queries for all syncs at once) and the
 * gauges read the last measurement; a sync's rows appear with its first measurement and go with its deletion.
 */
@Startup
@ApplicationScoped
public class SyncGauges {
    private static final Logger LOG = Logger.getLogger(SyncGauges.class);
    static final String EVERY = "10s";
    static final List<String> ERROR_STATUSES =
            List.of(RecordErrorEntity.RETRYING, RecordErrorEntity.QUARANTINED, RecordErrorEntity.SKIPPED);

    /** One sync's figures; NaN where there is nothing to measure yet. */
    record Figures(double lastSuccess, double lastDuration, double membersHeld, Map<String, Long> errors) {}

    private final MultiGauge lastSuccess;
    private final MultiGauge lastDuration;
    private final MultiGauge membersHeld;
    private final MultiGauge recordErrors;
    private volatile Map<String, Figures> figures = Map.of();

    SyncGauges(MeterRegistry meters) {
        lastSuccess = MultiGauge.builder("masync.sync.last.success.time")
                .description("when the sync's last full run (not dry, not webhook-targeted) that succeeded ended,"
                        + " in epoch seconds")
                .baseUnit("seconds")
                .register(meters);
        lastDuration = MultiGauge.builder("masync.sync.last.run.duration")
                .description("how long the sync's last full run (not dry, not webhook-targeted) took, whatever its"
                        + " status")
                .baseUnit("seconds")
                .register(meters);
        membersHeld = MultiGauge.builder("masync.sync.members.held")
                .description("members the destination holds from the sync, as of its last successful full run")
                .register(meters);
        recordErrors = MultiGauge.builder("masync.sync.record.errors")
                .description("the sync's records the destination refused, by status: retrying (sent again by every"
                        + " run), quarantined (waiting for an operator), skipped (given up by an operator)")
                .register(meters);
    }

    /** Measures every sync again and updates the gauges; never throws (a failed measurement keeps the last one). */
    @Scheduled(every = EVERY, delayed = EVERY, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public synchronized void refresh() {
        Map<String, Figures> now;
        try {
            now = QuarkusTransaction.requiringNew().call(SyncGauges::measure);
        } catch (RuntimeException e) {
            LOG.debugf(e, "cannot measure the syncs for their gauges");
            return;
        }
        figures = Map.copyOf(now);
        List<MultiGauge.Row<?>> success = new ArrayList<>();
        List<MultiGauge.Row<?>> duration = new ArrayList<>();
        List<MultiGauge.Row<?>> held = new ArrayList<>();
        List<MultiGauge.Row<?>> errors = new ArrayList<>();
        for (String sync : now.keySet()) {
            Tags tags = Tags.of("sync", sync);
            success.add(MultiGauge.Row.of(tags, this, g -> g.figure(sync, Figures::lastSuccess)));
            duration.add(MultiGauge.Row.of(tags, this, g -> g.figure(sync, Figures::lastDuration)));
            held.add(MultiGauge.Row.of(tags, this, g -> g.figure(sync, Figures::membersHeld)));
            for (String status : ERROR_STATUSES) {
                errors.add(MultiGauge.Row.of(
                        tags.and("status", status),
                        this,
                        g -> g.figure(sync, f -> f.errors().getOrDefault(status, 0L))));
            }
        }
        // rows that stay keep their meter (they read the new figures); rows of deleted syncs are removed
        lastSuccess.register(success, false);
        lastDuration.register(duration, false);
        membersHeld.register(held, false);
        recordErrors.register(errors, false);
    }

    private double figure(String sync, java.util.function.ToDoubleFunction<Figures> f) {
        Figures x = figures.get(sync);
        return x == null ? Double.NaN : f.applyAsDouble(x);
    }

    /** All syncs' figures: four queries, whatever the number of syncs and runs. */
    static Map<String, Figures> measure() {
        Map<String, Instant> success = new HashMap<>();
        Map<String, Double> held = new HashMap<>();
        List<SyncRunEntity> succeeded = SyncRunEntity.<SyncRunEntity>find(
                        "id in (select max(r.id) from SyncRunEntity r where r.dryRun = false and r.trigger <> ?1"
                                + " and r.status = ?2 group by r.syncKey)",
                        RunTrigger.WEBHOOK.json(),
                        RunStatus.SUCCEEDED.json())
                .list();
        for (SyncRunEntity r : succeeded) {
            success.put(r.syncKey, r.finishedAt);
            JsonNode counts = RunView.of(r).counts();
            if (counts != null && counts.has("evaluated")) {
                held.put(r.syncKey, counts.get("evaluated").asDouble());
            }
        }
        Map<String, Double> duration = new HashMap<>();
        List<SyncRunEntity> ended = SyncRunEntity.<SyncRunEntity>find(
                        "id in (select max(r.id) from SyncRunEntity r where r.dryRun = false and r.trigger <> ?1"
                                + " and r.finishedAt is not null group by r.syncKey)",
                        RunTrigger.WEBHOOK.json())
                .list();
        for (SyncRunEntity r : ended) {
            duration.put(r.syncKey, Duration.between(r.startedAt, r.finishedAt).toMillis() / 1000.0);
        }
        Map<String, Map<String, Long>> errors = new HashMap<>();
        List<Object[]> grouped = RecordErrorEntity.getEntityManager()
                .createQuery(
                        "select e.syncKey, e.status, count(e) from RecordErrorEntity e group by e.syncKey, e.status",
                        Object[].class)
                .getResultList();
        for (Object[] row : grouped) {
            errors.computeIfAbsent((String) row[0], k -> new HashMap<>()).put((String) row[1], (Long) row[2]);
        }
        Map<String, Figures> out = new HashMap<>();
        List<String> syncs = SyncEntity.getEntityManager()
                .createQuery("select s.key from SyncEntity s", String.class)
                .getResultList();
        for (String sync : syncs) {
            Instant at = success.get(sync);
            out.put(
                    sync,
                    new Figures(
                            at == null ? Double.NaN : at.toEpochMilli() / 1000.0,
                            duration.getOrDefault(sync, Double.NaN),
                            held.getOrDefault(sync, Double.NaN),
                            Map.copyOf(errors.getOrDefault(sync, Map.of()))));
        }
        return out;
    }
}
