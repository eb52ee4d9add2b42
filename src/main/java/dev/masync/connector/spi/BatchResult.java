package dev.masync.connector.spi;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Per-record outcomes of one push; one outcome per record of the batch.
 *
 * @param dataPoints the values the destination counted as written by this push, when the connector knows it from
 *                   what it sent (Braze bills each attribute key of an applied object, membership edits included);
 *                   empty: the engine estimates one per sent field (at least one per record)
 */
public record BatchResult(List<RecordOutcome> outcomes, OptionalLong dataPoints) {
    public BatchResult {
        outcomes = List.copyOf(Objects.requireNonNull(outcomes, "outcomes"));
        Objects.requireNonNull(dataPoints, "dataPoints");
        if (dataPoints.isPresent() && dataPoints.getAsLong() < 0) {
            throw new IllegalArgumentException("dataPoints must not be negative");
        }
    }

    /** Outcomes without a data point count (the engine estimates it). */
    public BatchResult(List<RecordOutcome> outcomes) {
        this(outcomes, OptionalLong.empty());
    }

    /** These outcomes with the data points the destination counted. */
    public BatchResult withDataPoints(long points) {
        return new BatchResult(outcomes, OptionalLong.of(points));
    }

    /** Every record of the batch confirmed. */
    public static BatchResult allConfirmed(Batch batch) {
        return new BatchResult(batch.records().stream()
                .map(change -> RecordOutcome.confirmed(change.destinationKey()))
                .toList());
    }

    public List<RecordOutcome> confirmed() {
        return outcomes.stream().filter(RecordOutcome::isConfirmed).toList();
    }

    public List<RecordOutcome> rejected() {
        return outcomes.stream().filter(outcome -> !outcome.isConfirmed()).toList();
    }
}
