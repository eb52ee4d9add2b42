package dev.masync.webhook.targeted;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Meters of the targeted sync's micro-batches ({@code masync.webhooks.targeted.batch.*}): how long each took, how many
 * events and learners it handled and how many warehouse bytes it cost. Batches that claimed nothing are not recorded.
 */
@ApplicationScoped
public class MicroBatchMetrics {
    private final Timer duration;
    private final DistributionSummary events;
    private final DistributionSummary learners;
    private final DistributionSummary bytesProcessed;
    private final DistributionSummary bytesBilled;

    MicroBatchMetrics(MeterRegistry meters) {
        duration = Timer.builder("masync.webhooks.targeted.batch.duration")
                .description("Time of one webhook micro-batch: claim, learner lookups, targeted runs, marking events")
                .publishPercentileHistogram() // p99 on the server (histogram_quantile), across replicas
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(meters);
        events = DistributionSummary.builder("masync.webhooks.targeted.batch.events")
                .description("Inbox events claimed by one webhook micro-batch")
                .baseUnit("events")
                .register(meters);
        learners = DistributionSummary.builder("masync.webhooks.targeted.batch.learners")
                .description("Learners one webhook micro-batch evaluated or forgotten, counted once per sync")
                .baseUnit("learners")
                .register(meters);
        bytesProcessed = bytes(meters, "processed");
        bytesBilled = bytes(meters, "billed");
    }

    private static DistributionSummary bytes(MeterRegistry meters, String what) {
        return DistributionSummary.builder("masync.webhooks.targeted.batch.warehouse.bytes")
                .description("Warehouse bytes one webhook micro-batch cost (lookups and runs; BigQuery reports them)")
                .baseUnit("bytes")
                .tag("what", what)
                .register(meters);
    }

    /** Records a micro-batch that claimed events. */
    void record(TargetedSyncProcessor.BatchReport report, Duration took) {
        if (report.claimed() == 0) {
            return;
        }
        duration.record(took.isNegative() ? Duration.ZERO : took);
        events.record(report.claimed());
        learners.record(report.learners());
        bytesProcessed.record(report.bytesProcessed());
        bytesBilled.record(report.bytesBilled());
    }
}
