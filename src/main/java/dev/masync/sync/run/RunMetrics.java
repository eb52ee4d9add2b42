package dev.masync.sync.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of runs ({@code masync.sync.*}) and the line each finished run logs. Run meters carry {@code dry_run}, so
 * dry runs never count as syncs delivered; the per-sync gauges are {@link SyncGauges}.
 */
@ApplicationScoped
public class RunMetrics {
    private static final Logger LOG = Logger.getLogger(RunMetrics.class);

    private final MeterRegistry meters;
    private final AtomicInteger running = new AtomicInteger();

    RunMetrics(MeterRegistry meters) {
        this.meters = meters;
        Gauge.builder("masync.sync.runs.active", running, AtomicInteger::get)
                .description("runs executing in this process")
                .register(meters);
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

    void finished(
            long runId,
            String syncKey,
            boolean dryRun,
            RunEngine.Report report,
            RunCost cost,
            Map<String, Long> phases) {
        RunCounts c = report.counts();
        Tags tags = Tags.of("sync", syncKey, "dry_run", String.valueOf(dryRun));
        counter(
                        "masync.sync.runs",
                        "runs ended, by sync, final status and whether a dry run",
                        tags,
                        "status",
                        report.status().json())
                .increment();
        String records = "records the destination confirmed, rejected or that failed to reach it (outcome)";
        counter("masync.sync.records", records, tags, "outcome", "confirmed").increment(c.confirmed());
        counter("masync.sync.records", records, tags, "outcome", "rejected").increment(c.rejected());
        counter("masync.sync.records", records, tags, "outcome", "failed").increment(c.failed());
        counter("masync.sync.requests", "calls made to destinations, retries included", tags)
                .increment(c.requests());
        counter("masync.sync.cost.warehouse.queries", "queries and statements runs sent to the warehouse", tags)
                .increment(cost.warehouseQueries());
        String bytes = "bytes the warehouse processed or billed for runs (what)";
        counter("masync.sync.cost.bytes", bytes, tags, "what", "processed").increment(cost.bytesProcessed());
        counter("masync.sync.cost.bytes", bytes, tags, "what", "billed").increment(cost.bytesBilled());
        counter("masync.sync.cost.data.points", "values destinations accepted (what vendors bill per data point)", tags)
                .increment(cost.dataPoints());
        counter(
                        "masync.sync.cost.data.points.saved",
                        "data points a full upload would have cost more than sending only changes",
                        tags)
                .increment(cost.dataPointsSaved());
        phases.forEach((phase, ms) -> Timer.builder("masync.sync.phase")
                .description("time runs spent per phase (diff, load, push, commit, total)")
                .tags("phase", phase, "dry_run", String.valueOf(dryRun))
                .register(meters)
                .record(Duration.ofMillis(ms)));
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

    private Counter counter(String name, String description, Tags tags, String... more) {
        return Counter.builder(name)
                .description(description)
                .tags(tags)
                .tags(more)
                .register(meters);
    }
}
