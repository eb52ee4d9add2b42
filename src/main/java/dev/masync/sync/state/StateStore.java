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
 * and writes the changed keys to a pending area), {@link #load} (reads the values of the changed learners),
 * {@link #stream} (reads them back in order), {@link #sending} before each batch is pushed, then {@link #confirm}
 * after the destination confirmed it or {@link #uncertain} when the push failed without saying whether the
 * destination applied it, {@link #finish} (folds the run's journal into the state and drops the pending area).
 * Anything not confirmed keeps its old state and so is found again by the next diff.
 *
 * <p>What is durable when: {@link #sending} journals, durably before it returns, a <em>window</em> of rows starting
 * at its batch and reaching ahead of it (a few batches at first, up to 64 batches or 10,000 rows later), unless its
 * batch lies inside the window journaled last, in which case it writes nothing. {@link #confirm} and
 * {@link #uncertain} are only recorded; they become durable with the next write (the sending entry of the next
 * window, or {@link #finish}). So a run costs a durable write per window, not per batch, and its cost grows with
 * batches, never with records. If the process dies, the next {@link #recover} makes uncertain every row of a
 * journaled window that no durable confirmation or uncertain entry covers (the batch in flight, batches whose
 * confirmations were still waiting, rows of the window never sent), so the next diff finds them again even if their
 * values went back meanwhile: a member is sent again in full, a leaver told to leave again, a learner never sent and
 * not a member is told to leave although the destination may not hold it. At least once, never lost.
 *
 * <p>Fencing: {@link #recover} makes {@code run} the owner of the sync's state; every later durable write of an older
 * run throws {@link StateFencedException} without writing: {@link #sending} at the batch that opens a window,
 * {@link #confirm} and {@link #uncertain} at the write that would carry them, {@link #finish} always. A replica that
 * lost its lease can thus push at most the rest of the window it journaled before (the new owner makes that window
 * uncertain and sends it again); it cannot fold over the run of the replica that took over. (The run engine also
 * checks its lease before each batch.)
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
    default DiffCounts diff(
            SyncPlan plan, long run, SegmentCompiler compiler, Rule rule, Instant asOf, boolean fullResync) {
        return diff(plan, run, compiler, rule, asOf, fullResync, LearnerScope.ALL);
    }

    /**
     * {@link #diff} of the learners in {@code scope} only: the segment is evaluated for them (in one statement, their
     * keys one bound parameter) and compared with their state only. A listed learner held but no longer a member is
     * a leaver, one neither held nor a member is no row; learners outside the scope are neither read from the state
     * nor changed, so the rest of the protocol (load, sending, confirm, finish) touches only the scope's learners.
     * Members whose identity another member shares are still found out, whether that member is listed or not.
     * {@link DiffCounts#previous()} counts the whole state.
     */
    DiffCounts diff(
            SyncPlan plan,
            long run,
            SegmentCompiler compiler,
            Rule rule,
            Instant asOf,
            boolean fullResync,
            LearnerScope scope);

    /**
     * The learners whose destination key (the value of the sync's identity attribute, as text) is one of
     * {@code destinationKeys}, compared without regard to case (CRMs lower-case e-mail addresses; a learner matched
     * too many only costs an evaluation): those the warehouse has with that identity now and those the state holds
     * under it (a learner whose identity changed since it was sent). One query; reads no state being written (any
     * run may call it). Creates the state table if missing.
     *
     * @return destination key as asked for → learner keys, only for keys that matched
     */
    java.util.Map<String, java.util.Set<String>> learnersOf(
            SyncPlan plan, SegmentCompiler compiler, java.util.Collection<String> destinationKeys);

    /**
     * Forgets what the destination held from us for these learners (the destination deleted their records): the
     * next diff finds a member among them not held, and sends it in full. Durable when it returns; called by the run
     * owning the state (after {@link #recover}, before {@link #diff}); a run that no longer owns it forgets nothing.
     *
     * @throws IllegalStateException when the state has journal entries not folded yet (call {@link #recover} first)
     * @throws StateFencedException  when {@code run} does not own the sync's state
     */
    void forget(SyncPlan plan, long run, java.util.Collection<String> learnerKeys);

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
     * learners in {@code notSent}, are about to reach the destination; durable when it returns (it may journal more
     * rows than the batch: see the class comment, and a batch inside the window journaled last writes nothing and
     * its {@code notSent} counts as sent). If the process dies before they are confirmed durably, the next
     * {@link #recover} cannot know whether the destination applied them: it makes their state uncertain, so that the
     * next diff sends a member again in full and a leaver's leave again, even when the warehouse values went back to
     * what the state holds (without this, a learner sent as entering, unconfirmed, who leaves before the next run
     * would stay a member at the destination). Called once per batch, ranges increasing.
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
