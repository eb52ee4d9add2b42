package dev.masync.sync.state;

/**
 * What a diff found, before anything is sent.
 *
 * @param previous        records the destination held from us before the run
 * @param entered         members the destination does not hold
 * @param changed         held members whose mapped values differ
 * @param changedByValues of {@code changed}, those that differ because the data changed (not the definition)
 * @param left            held records no longer in the segment
 * @param resent          unchanged members included only because of a full resync
 */
public record DiffCounts(long previous, long entered, long changed, long changedByValues, long left, long resent) {

    /** Members at evaluation time. */
    public long evaluated() {
        return previous - left + entered;
    }

    public long unchanged() {
        return previous - left - changed;
    }

    /** Rows the run will walk through. */
    public long planned() {
        return entered + changed + left + resent;
    }
}
