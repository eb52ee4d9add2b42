package dev.masync.warehouse;

import java.util.OptionalLong;

/**
 * Follows the cost of the warehouse calls made on behalf of one caller (a sync run) and may cap what they bill.
 *
 * <p>Contract: a warehouse calls {@link #remainingBytesBilled} before it starts a call and, where it bills, refuses
 * to start one that would bill more ({@link WarehouseException.Kind#BUDGET_EXCEEDED}); it calls {@link #record} once
 * per call that ran, also when the consumer stopped the result early. Implementations are thread-safe.
 */
public interface QueryMeter {

    /** A meter that records nothing and caps nothing. */
    QueryMeter NONE = (call, cost) -> {};

    /**
     * @param call {@code query} or {@code execute}
     */
    void record(String call, QueryCost cost);

    /** Bytes the caller may still have billed; empty for no cap. */
    default OptionalLong remainingBytesBilled() {
        return OptionalLong.empty();
    }

    /**
     * Longest one call may run, or empty for the warehouse's own limit. A warehouse that enforces it (DuckDB) cancels
     * a call still running at the deadline and fails it with {@link WarehouseException.Kind#TIMED_OUT}.
     */
    default java.util.Optional<java.time.Duration> timeout() {
        return java.util.Optional.empty();
    }
}
