package dev.masync.sync.run;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The numbers of a run. {@code sent} counts records handed to the destination (once per record, not per retry),
 * {@code retried} records sent again by retries, {@code requests} connector calls including retries.
 * {@code identityNull} and {@code identityDuplicate} count members not sent because their identity attribute is
 * empty or shared with another member (reported as record errors, never counted in {@code sent} or
 * {@code rejected}); {@code quarantined} counts the rejected records that reached the quarantine with this run and
 * are not sent again until an operator releases them.
 */
@Schema(
        name = "RunCounts",
        description =
                "The numbers of a run, so far while it runs: members evaluated and by change (entered, changed, left, unchanged),"
                        + " records planned, sent, confirmed, rejected, retried, skipped, failed, connector requests, members"
                        + " not sent for their identity (identityNull, identityDuplicate) and records quarantined")
public record RunCounts(
        long evaluated,
        long entered,
        long changed,
        long left,
        long unchanged,
        long planned,
        long sent,
        long confirmed,
        long rejected,
        long retried,
        long skipped,
        long failed,
        long requests,
        long identityNull,
        long identityDuplicate,
        long quarantined) {
    public static final RunCounts ZERO = new RunCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public RunCounts(
            long evaluated,
            long entered,
            long changed,
            long left,
            long unchanged,
            long planned,
            long sent,
            long confirmed,
            long rejected,
            long retried,
            long skipped,
            long failed,
            long requests) {
        this(
                evaluated, entered, changed, left, unchanged, planned, sent, confirmed, rejected, retried, skipped,
                failed, requests, 0, 0, 0);
    }

    /** Members not sent because of their identity (empty or shared). */
    public long invalidIdentity() {
        return identityNull + identityDuplicate;
    }

    /** The same counts with {@code quarantined} set. */
    public RunCounts withQuarantined(long n) {
        return new RunCounts(
                evaluated,
                entered,
                changed,
                left,
                unchanged,
                planned,
                sent,
                confirmed,
                rejected,
                retried,
                skipped,
                failed,
                requests,
                identityNull,
                identityDuplicate,
                n);
    }
}
