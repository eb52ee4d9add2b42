package dev.masync.sync.run;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Meters of runs ({@code masync.sync.*}) and the line each finished run logs. */
@ApplicationScoped
public class RunMetrics {
    private static final Logger LOG = Logger.getLogger(RunMetrics.class);

    private final MeterRegistry meters;
    private final AtomicInteger running = new AtomicInteger();

    RunMetrics(MeterRegistry meters) {
        this.meters = meters;
        meters.gauge("masync.sync.runs.active", running);
    }

    void started() {
        running.incrementAndGet();
    }

    void ended() {
        running.decrementAndGet();
    }

    /** Runs executing in this process. */
    int running() {
        return running.get();
    }

    /** Record ids a run could not remember or drop ({@code op}: remember, forget); its confirmations stand. */
    void recordIdsNotWritten(String syncKey, String op) {
        io.micrometer.core.instrument.Counter.builder("masync.sync.record.ids.failed")
                .description("Batches whose destination record ids could not be written to the control DB (the"
                        + " run's confirmations stand; webhooks naming those ids map by identity only)")
                .tag("sync", syncKey)
                .tag("op", op)
                .register(meters)
                .increment();
    }

    void finished(long runId, String syncKey, RunEngine.Report report, RunCost cost, Map<String, Long> phases) {
        RunCounts c = report.counts();
        meters.counter(
                        "masync.sync.runs",
                        "sync",
                        syncKey,
                        "status",
                        report.status().json())
                .increment();
        meters.counter("masync.sync.records", "sync", syncKey, "outcome", "confirmed")
                .increment(c.confirmed());
        meters.counter("masync.sync.records", "sync", syncKey, "outcome", "rejected")
                .increment(c.rejected());
        meters.counter("masync.sync.records", "sync", syncKey, "outcome", "failed")
                .increment(c.failed());
        meters.counter("masync.sync.requests", "sync", syncKey).increment(c.requests());
        meters.counter("masync.sync.cost.warehouse.queries", "sync", syncKey).increment(cost.warehouseQueries());
        meters.counter("masync.sync.cost.bytes", "sync", syncKey, "what", "processed")
                .increment(cost.bytesProcessed());
        meters.counter("masync.sync.cost.bytes", "sync", syncKey, "what", "billed")
                .increment(cost.bytesBilled());
        meters.counter("masync.sync.cost.data.points", "sync", syncKey).increment(cost.dataPoints());
        meters.counter("masync.sync.cost.data.points.saved", "sync", syncKey).increment(cost.dataPointsSaved());
        phases.forEach(
                (phase, ms) -> meters.timer("masync.sync.phase", "phase", phase).record(Duration.ofMillis(ms)));
        LOG.infof(
                "sync %s run %d %s: evaluated %d, entered %d, changed %d, left %d, sent %d, confirmed %d,"
                        + " rejected %d, retried %d, phases %s%s",
                syncKey,
                runId,
                report.status().json(),
                c.evaluated(),
                c.entered(),
                c.changed(),
                c.left(),
                c.sent(),
                c.confirmed(),
                c.rejected(),
                c.retried(),
                phases,
                report.reason() == null ? "" : " (" + report.reason() + ")");
    }
}
