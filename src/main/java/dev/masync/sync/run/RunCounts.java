package dev.masync.sync.run;

/**
 * The numbers of a run. {@code sent} counts records handed to the destination (once per record, not per retry),
 * {@code retried} records sent again by retries, {@code requests} connector calls including retries.
 */
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
        long requests) {
    public static final RunCounts ZERO = new RunCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
