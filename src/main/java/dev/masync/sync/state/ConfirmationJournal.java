package dev.masync.sync.state;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Where a state store records, per batch and cheaply, which pending rows are about to reach the destination, which
 * it confirmed and which may or may not have been applied, until it folds them into the state in one statement at
 * the end of the run (or, after a crash, when the next run starts). BigQuery keeps it in the control DB (a DML
 * statement per batch would be slow and quota-limited), DuckDB in its state file.
 *
 * <p>Fencing: every entry carries the run that wrote it, and only the run that {@link #claim claimed} the state key
 * last may append. A replica that lost its lease while another one took over gets a {@link StateFencedException}
 * instead of writing over the new owner's run.
 *
 * <p>Contract: {@link #claim} and {@link #append} are durable and atomic when they return, whatever transaction the
 * caller is in; entries come back in append order; {@link #clear} forgets the key's entries, {@link #forget} its
 * entries and owner. The entries refer to the owner's pending diff by sequence number, so they must be folded (or
 * cleared) before a new diff replaces it. Different state keys may use the journal concurrently.
 */
public interface ConfirmationJournal {

    /** What an entry says about its range of pending rows. */
    enum Kind {
        /**
         * About to be pushed, or within a window of rows that may be pushed before the next write: after a crash,
         * whatever such a range holds that no confirmation or uncertain entry covers is uncertain.
         */
        SENDING,
        /** Held by the destination (or, for leavers, no longer held). */
        CONFIRMED,
        /** Pushed, then failed in a way that does not say whether the destination applied it. */
        UNCERTAIN
    }

    /**
     * Makes {@code run} the owner of the key's journal.
     *
     * @return the previous owner, 0 if there was none
     */
    long claim(String stateKey, long run);

    /** The current owner, 0 if there is none. */
    long owner(String stateKey);

    /**
     * Records that the pending rows with {@code fromSeq <= seq <= toSeq}, except the learners in {@code excluded},
     * are of the given kind.
     *
     * @throws StateFencedException when {@code run} is not the key's owner; nothing is written
     */
    void append(String stateKey, long run, Kind kind, long fromSeq, long toSeq, Collection<String> excluded);

    /**
     * Appends entries of {@code run} in order: a sending window and the outcomes recorded since the last write. The
     * default appends them one by one, each durable before the next (the last is the one that matters most: a
     * sending entry is written after the outcomes it carries); a journal that can, writes them in one transaction.
     *
     * @throws StateFencedException when {@code run} is not the key's owner; nothing (more) is written
     */
    default void append(String stateKey, long run, List<Entry> entries) {
        for (Entry e : entries) {
            append(stateKey, run, e.kind(), e.fromSeq(), e.toSeq(), e.excluded());
        }
    }

    /** The key's entries in append order; empty if there are none. */
    List<Entry> entries(String stateKey);

    /** Forgets the key's entries; the owner stays. */
    void clear(String stateKey);

    /**
     * Forgets the key's entries while {@code owner} owns the key. The default checks, then clears; a journal that can
     * do both atomically does.
     *
     * @throws StateFencedException when {@code owner} does not own the key; nothing is forgotten
     */
    default void clear(String stateKey, long owner) {
        long current = owner(stateKey);
        if (current != owner) {
            throw new StateFencedException(stateKey, owner, current);
        }
        clear(stateKey);
    }

    /** Forgets the key's entries and owner (the state generation is dropped). */
    void forget(String stateKey);

    /** One {@link #append}: a range of pending rows and the learners of it that it does not cover. */
    record Entry(long run, Kind kind, long fromSeq, long toSeq, List<String> excluded) {
        public Entry {
            Objects.requireNonNull(kind, "kind");
            excluded = List.copyOf(Objects.requireNonNull(excluded, "excluded"));
        }
    }
}
