package dev.masync.sync.state;

/**
 * What a diff found, before anything is sent.
 *
 * @param previous          records the destination held from us before the run
 * @param entered           members the destination does not hold
 * @param changed           held members whose mapped values differ
 * @param changedByValues   of {@code changed}, those that differ because the data changed (not the definition)
 * @param left              held records no longer in the segment
 * @param resent            unchanged members included only because of a full resync
 * @param identityNull      members whose identity attribute is NULL: not sent, reported as record errors
 * @param identityDuplicate members whose identity another member shares: not sent, reported as record errors
 * @param identityNotHeld   of {@code identityNull} and {@code identityDuplicate}, those the destination does not hold
 *                          (the others stay held as they were: neither updated nor removed)
 */
public record DiffCounts(
        long previous,
        long entered,
        long changed,
        long changedByValues,
        long left,
        long resent,
        long identityNull,
        long identityDuplicate,
        long identityNotHeld) {

    public DiffCounts(long previous, long entered, long changed, long changedByValues, long left, long resent) {
        this(previous, entered, changed, changedByValues, left, resent, 0, 0, 0);
    }

    /** Members at evaluation time. */
    public long evaluated() {
        return previous - left + entered + identityNotHeld;
    }

    /** Members with an unusable identity (NULL or shared), sent nothing. */
    public long invalidIdentity() {
        return identityNull + identityDuplicate;
    }

    /** Held members with nothing to send (the held ones with an unusable identity are not counted here). */
    public long unchanged() {
        return previous - left - changed - (invalidIdentity() - identityNotHeld);
    }

    /** Rows the run will walk through. */
    public long planned() {
        return entered + changed + left + resent + invalidIdentity();
    }
}
