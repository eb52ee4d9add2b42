package dev.masync.webhook.targeted;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each micro-batch that claimed events is measured: duration, events, learners, warehouse bytes; empty ones not. */
class MicroBatchMetricsTest {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final MicroBatchMetrics metrics = new MicroBatchMetrics(meters);

    @Test
    void batchesAreMeasuredWithDescriptions() {
        metrics.record(
                new TargetedSyncProcessor.BatchReport(12, 11, 1, 0, List.of(3L), 4096, 10_485_760, 7),
                Duration.ofMillis(250));
        metrics.record(new TargetedSyncProcessor.BatchReport(2, 2, 0, 0, List.of(), 0, 0, 2), Duration.ofMillis(50));
        metrics.record(TargetedSyncProcessor.BatchReport.EMPTY, Duration.ofMillis(1));

        var duration = meters.get("masync.webhooks.targeted.batch.duration").timer();
        assertThat(duration.count()).isEqualTo(2);
        assertThat(duration.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(300);
        var events = meters.get("masync.webhooks.targeted.batch.events").summary();
        assertThat(events.count()).isEqualTo(2);
        assertThat(events.totalAmount()).isEqualTo(14);
        assertThat(meters.get("masync.webhooks.targeted.batch.learners")
                        .summary()
                        .max())
                .isEqualTo(7);
        assertThat(meters.get("masync.webhooks.targeted.batch.warehouse.bytes")
                        .tag("what", "billed")
                        .summary()
                        .totalAmount())
                .isEqualTo(10_485_760);
        assertThat(meters.get("masync.webhooks.targeted.batch.warehouse.bytes")
                        .tag("what", "processed")
                        .summary()
                        .max())
                .isEqualTo(4096);
        assertThat(meters.getMeters())
                .extracting(Meter::getId)
                .allSatisfy(
                        id -> assertThat(id.getDescription()).as(id.getName()).isNotBlank());
    }
}
