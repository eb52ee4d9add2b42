package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;

import java.time.Instant;
import java.util.Collection;
import java.util.function.Predicate;

/**
 * Remembers, per sync, what the destination holds from us (key, destination key, a hash of the mapped values per
 * field and overall) and diffs the segment against it inside the warehouse engine.
 *
 * <p>Protocol of a run {@code run} (its id), for one sync at a time: {@link #recover} (takes the sync's state over
 * for the run, and folds what an earlier run that did not finish left behind), {@link #diff} (evaluates the segment
 * and writes the changes to a pending area), {@link #load} (reads the values of the changed learners), {@link #stream}
 * (reads them back in order), {@link #sending} before
 * each batch is pushed (durable when it returns), then {@link #confirm} after the destination confirmed it or
 * {@link #uncertain} when the push failed without saying whether the destination applied it (both recorded, and made
 * durable with the next {@link #sending} or at {@link #finish}, so a batch costs one durable write; their cost grows
 * with batches, never with records), {@link #finish} (folds the run's journal into the state and drops the pending
 * area). Anything not confirmed keeps its old state and so is found again by the next diff; the rows of a batch that
 * was sent and whose confirmation was not durable when the process died (the one in flight, possibly the one
 * before), or that failed uncertainly, are made uncertain, so the next diff finds them again even if their values
 * went back meanwhile.
 *
 * <p>Fencing: {@link #recover} makes {@code run} the owner of the sync's state; every later call of an older run
 * throws {@link StateFencedException} without writing ({@link #confirm} and {@link #uncertain} at the write that would
 * carry them), so a replica that lost its lease cannot fold over the run of the replica that took over.
 */
public interface StateStore {

    /**
     * Makes {@code run} the owner of the sync's state, folds the journal a run that did not finish left behind, and
     * makes the state of its sent batches without a durable confirmation uncertain (see {@link #sending}).
     * Idempotent.
     */
    void recover(SyncPlan plan, long run);

    /**
     * Evaluates {@code rule} at {@code asOf} and diffs it against the state; the changes stay pending. A store may
     * write only which learners changed and how (their keys), leaving their values to {@link #load}.
     */
    DiffCounts diff(SyncPlan plan, long run, SegmentCompiler compiler, Rule rule, Instant asOf, boolean fullResync);

    /**
     * Reads the values to send for the changes {@link #diff} found in the same run (only theirs), ready to
     * {@link #stream}; called once, right after the diff ({@link #stream} and the first {@link #sending} call it if
     * it was not). Values are those of the learners at load time, and the state records what is sent: a member whose
     * values changed since the diff is sent with the new ones (a change whose values went back to what the
     * destination holds is dropped), a member whose learner no longer exists is dropped (never sent with empty
     * values; its state stays, so the next diff finds it again). Leavers read no values. Stores that wrote the values
     * with the diff do nothing; so does a second call.
     *
     * @throws IllegalStateException when this store ran no diff of {@code run} for the sync
     * @throws StateFencedException  when {@code run} no longer owns the sync's state
     */
    void load(SyncPlan plan, long run);

    /**
     * Streams the pending changes in order until {@code consumer} returns false.
     *
     * @return rows delivered
     */
    long stream(SyncPlan plan, Predicate<ChangeRow> consumer);

    /**
     * Records, before a batch is pushed, that the pending rows with {@code fromSeq <= seq <= toSeq}, except the
     * learners in {@code notSent}, are about to reach the destination. If the process dies before they are
     * confirmed, the next {@link #recover} cannot know whether the destination applied them: it makes their state
     * uncertain, so that the next diff sends a member again in full and a leaver's leave again, even when the
     * warehouse values went back to what the state holds (without this, a learner sent as entering, unconfirmed, who
     * leaves before the next run would stay a member at the destination). Called once per batch, ranges increasing.
     */
    void sending(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notSent);

    /**
     * Records that every pending row with {@code fromSeq <= seq <= toSeq}, except the learners in
     * {@code notConfirmed}, is now held by the destination (or, for leavers, no longer held).
     */
    void confirm(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notConfirmed);

    /**
     * Records that the batch of {@code fromSeq..toSeq} (except {@code notSent}) failed after it was sent in a way
     * that does not say whether the destination applied it (a timeout, a 5xx after all retries): when the run is
     * folded its rows are made uncertain exactly like those of a batch in flight at a crash.
     */
    void uncertain(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notSent);

    /** Folds the run's journal into the state and drops the pending changes. */
    void finish(SyncPlan plan, long run);

    /**
     * Drops the pending changes (dry runs, runs stopped before sending); whatever was confirmed or made uncertain
     * meanwhile is folded first.
     */
    void discard(SyncPlan plan, long run);

    /** Forgets a state generation ({@link SyncPlan#stateKey()}): the sync was deleted or changed destination. */
    void drop(String stateKey);
}
