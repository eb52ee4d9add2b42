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
 * <p>Protocol of a run, for one sync at a time: {@link #recover} (folds confirmations a crashed run left behind
 * into the state), {@link #diff} (evaluates the segment and writes the changes to a pending area), {@link #stream}
 * (reads them back in order), {@link #sending} before each batch is pushed and {@link #confirm} after the
 * destination confirmed it (both durable when they return; the number of writes grows with batches, never with
 * records), {@link #finish} (folds the run's confirmations into the state and drops the pending area). Anything not
 * confirmed keeps its old state and so is found again by the next diff; the rows of a batch that was in flight when
 * the process died are made uncertain, so the next diff finds them again even if their values went back meanwhile.
 */
public interface StateStore {

    /**
     * Folds confirmations left by an earlier run that did not finish, and makes the state of its last batch's
     * unconfirmed rows uncertain (see {@link #sending}). Idempotent.
     */
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
     * Records, before a batch is pushed, that the pending rows with {@code fromSeq <= seq <= toSeq}, except the
     * learners in {@code notSent}, are about to reach the destination. If the process dies before they are
     * confirmed, {@link #recover} cannot know whether the destination applied them: it makes their state uncertain,
     * so that the next diff sends a member again in full and a leaver's leave again, even when the warehouse values
     * went back to what the state holds (without this, a learner sent as entering, unconfirmed, who leaves before the
     * next run would stay a member at the destination). Called once per batch, ranges increasing.
     *
     * <p>The default does nothing: a store without it keeps the uncertain window of a crash unrepaired.
     */
    default void sending(SyncPlan plan, long fromSeq, long toSeq, Collection<String> notSent) {}

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
