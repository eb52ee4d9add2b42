package dev.masync.sync.state;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Where a state store that cannot afford a write per batch in the warehouse (BigQuery: DML is slow and
 * quota-limited) records what the destination confirmed, until it folds the confirmations into the state in one
 * statement.
 *
 * <p>Contract: {@link #append} is durable when it returns, whatever transaction the caller is in; entries come back
 * in append order; {@link #clear} forgets every entry of the sync. The entries refer to the sync's current pending
 * diff by sequence number, so they must be folded (or cleared) before a new diff replaces it. One run per sync at a
 * time; different syncs may use the journal concurrently.
 */
public interface ConfirmationJournal {

    /**
     * Records that the pending rows with {@code fromSeq <= seq <= toSeq}, except the learners in {@code excluded},
     * are held by the destination (or, for leavers, no longer held).
     */
    void append(String syncKey, long fromSeq, long toSeq, Collection<String> excluded);

    /** The sync's entries in append order; empty if there are none. */
    List<Entry> entries(String syncKey);

    /** Forgets the sync's entries. */
    void clear(String syncKey);

    /** One {@link #append}: a range of pending rows and the learners of it that were not confirmed. */
    record Entry(long fromSeq, long toSeq, List<String> excluded) {
        public Entry {
            excluded = List.copyOf(Objects.requireNonNull(excluded, "excluded"));
        }
    }
}
