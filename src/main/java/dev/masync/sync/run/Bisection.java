package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds the records a destination refuses when it refuses a whole batch for what may be one record's fault (a
 * {@link PermanentException.Code#INVALID_REQUEST}: HTTP 400, 413, 422…; never auth, permission or throttling): the
 * batch is split in halves and each half sent again, recursively, until every record is confirmed or refused on its
 * own. A record refused alone becomes a {@link RecordOutcome#rejected rejection} ({@value #CODE}) with the
 * destination's words; the other records stand. Every part goes through the same {@link PushPolicy} (retries,
 * pacing, deferral), with its own batch id derived from the parent's ({@code <id>.0}, {@code <id>.1}) so a replayed
 * part keeps its id.
 *
 * <p>Cost: a part is split only when it was refused, and a refused part holds at least one bad record, so each bad
 * record causes at most two requests per level: at most {@code 2·⌈log2 n⌉} extra requests per bad record in a
 * batch of {@code n}. Generic: it lives in the engine's push path, so every connector gets it.
 */
final class Bisection {
    /** The rejection code of a record the destination refused when sent alone. */
    static final String CODE = "refused_by_destination";

    private final PushPolicy policy;
    private final PushPolicy.Attempt attempt;

    Bisection(PushPolicy policy, PushPolicy.Attempt attempt) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.attempt = Objects.requireNonNull(attempt, "attempt");
    }

    /**
     * Sends the batch; a refusal of the whole batch is narrowed down to the records at fault.
     *
     * @throws PermanentException for any other permanent failure (auth, permission, configuration), as the policy
     */
    BatchResult push(Batch batch) throws InterruptedException {
        try {
            return policy.push(batch, attempt);
        } catch (PermanentException e) {
            if (e.code() != PermanentException.Code.INVALID_REQUEST) {
                throw e;
            }
            List<RecordChange> records = batch.records();
            if (records.size() == 1 || sameRecord(records)) {
                return new BatchResult(records.stream()
                        .map(c -> RecordOutcome.rejected(
                                c.destinationKey(),
                                CODE,
                                "the destination refused this record when sent alone: " + e.getMessage()))
                        .toList());
            }
            int half = split(records);
            List<RecordOutcome> outcomes = new ArrayList<>(records.size());
            BatchResult first = push(batch.part(batch.id() + ".0", records.subList(0, half)));
            BatchResult second = push(batch.part(batch.id() + ".1", records.subList(half, records.size())));
            outcomes.addAll(first.outcomes());
            outcomes.addAll(second.outcomes());
            BatchResult whole = new BatchResult(outcomes);
            // the parts' counts add up only when both parts reported one (else the engine estimates)
            return first.dataPoints().isPresent() && second.dataPoints().isPresent()
                    ? whole.withDataPoints(
                            first.dataPoints().getAsLong() + second.dataPoints().getAsLong())
                    : whole;
        }
    }

    /** The middle, moved so that the changes of one record (same destination key, adjacent) stay together. */
    private static int split(List<RecordChange> records) {
        int half = records.size() / 2;
        String key = records.get(half).destinationKey();
        int down = half;
        while (down > 0 && records.get(down - 1).destinationKey().equals(key)) {
            down--;
        }
        if (down > 0) return down;
        int up = half;
        while (up < records.size() && records.get(up).destinationKey().equals(key)) {
            up++;
        }
        return up;
    }

    private static boolean sameRecord(List<RecordChange> records) {
        String key = records.get(0).destinationKey();
        return records.stream().allMatch(c -> c.destinationKey().equals(key));
    }
}
