package dev.masync.connector.spi;

import java.util.List;
import java.util.Objects;

/** Per-record outcomes of one push; one outcome per record of the batch. */
public record BatchResult(List<RecordOutcome> outcomes) {
    public BatchResult {
        outcomes = List.copyOf(Objects.requireNonNull(outcomes, "outcomes"));
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
