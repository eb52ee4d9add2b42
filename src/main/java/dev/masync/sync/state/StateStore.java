package dev.masync.sync.state;

import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.segment.rule.Rule;

import java.time.Instant;
import java.util.Collection;
import java.util.function.Predicate;

/**
 * Remembers, per sync, what the destination holds from us (key, destination key, a hash of the mapped values per
 * field and overall) and diffs the segment against it inside the warehouse engine.
 *
 * <p>Protocol of a run, for one sync at a time: {@link #recover} (folds confirmations a crashed run left behind
 * into the state), {@link #diff} (evaluates the segment and writes the changes to a pending area), {@link #stream}
 * (reads them back in order), {@link #confirm} after each batch the destination confirmed (durable when it
 * returns; the number of writes grows with batches, never with records), {@link #finish} (folds the run's
 * confirmations into the state and drops the pending area). Anything not confirmed keeps its old state and so is
 * found again by the next diff.
 */
public interface StateStore {

    /** Folds confirmations left by an earlier run that did not finish. Idempotent. */
    void recover(SyncPlan plan);

    /** Evaluates {@code rule} at {@code asOf} and diffs it against the state; the result stays pending. */
    DiffCounts diff(SyncPlan plan, SegmentCompiler compiler, Rule rule, Instant asOf, boolean fullResync);

    /**
     * Streams the pending changes in order until {@code consumer} returns false.
     *
     * @return rows delivered
     */
    long stream(SyncPlan plan, Predicate<ChangeRow> consumer);

    /**
     * Records that every pending row with {@code fromSeq <= seq <= toSeq}, except the learners in
     * {@code notConfirmed}, is now held by the destination (or, for leavers, no longer held).
     */
    void confirm(SyncPlan plan, long fromSeq, long toSeq, Collection<String> notConfirmed);

    /** Folds the run's confirmations into the state and drops the pending changes. */
    void finish(SyncPlan plan);

    /** Drops the pending changes without folding anything (dry runs, runs stopped before sending). */
    void discard(SyncPlan plan);

    /** Forgets a state generation ({@link SyncPlan#stateKey()}): the sync was deleted or changed destination. */
    void drop(String stateKey);
}
