package dev.masync.sync.run;

import dev.masync.connector.spi.RecordChange;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Collection;
import java.util.List;

/** What the engine reports while it runs; the application persists it. Called on the run's thread. */
public interface RunMonitor {

    /** A record the destination (or the engine) refused. */
    record Rejection(
            String learnerKey, String destinationKey, String errorClass, String code, String message, String rowHash) {}

    /** Progress while pushing: rows walked of planned, records confirmed, confirmations per second, seconds left. */
    @Schema(
            name = "RunProgress",
            description = "The push's progress, written about once a second while it runs (its last state after):"
                    + " rows walked of planned, records sent and confirmed, confirmations per second and seconds left"
                    + " (null while unknown)")
    record Progress(long processed, long planned, long sent, long confirmed, double ratePerSecond, Double etaSeconds) {}

    /** After each batch (confirmed or not): its rejections and the learners now confirmed. */
    void batchDone(
            List<Rejection> rejections, Collection<String> confirmedLearners, RunCounts countsSoFar, Progress progress);

    /**
     * Values the destination accepted in a batch: each field of a confirmed change counts one, a removal one (what
     * vendors that bill per data point count).
     */
    default void dataPoints(long n) {}

    /** The changes of a batch the destination confirmed (rejected ones left out), as they were sent. */
    default void confirmedChanges(List<RecordChange> changes) {}

    /**
     * The destination's ids of the records it confirmed in a batch, for the outcomes that carry one (see
     * {@link RecordIds}); called once per batch after its confirmation, never for a batch without ids. Must not
     * throw: the confirmation stands whatever happens to the ids.
     */
    default void recordIds(List<RecordIds.Entry> entries) {}

    /** The state of these learners was forgotten (their records were deleted at the destination). Must not throw. */
    default void forgotten(Collection<String> learnerKeys) {}

    /** The run's projected destination calls and drain time, before anything is sent. */
    default void projected(RunDrain drain) {}

    /** The first request is about to be sent. */
    default void firstRequest() {}

    /**
     * The run walked every row of its diff: every member with an unusable identity was reported again by this run,
     * so the identity errors it did not report are no longer true.
     */
    default void walkedAll() {}

    /** Of the records rejected so far, how many are quarantined (not sent again until an operator releases them). */
    default long quarantined() {
        return 0;
    }
}
