package dev.masync.sync.run;

import dev.masync.warehouse.QueryCost;
import dev.masync.warehouse.QueryMeter;

import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Adds up what one run costs in the warehouse (as a {@link QueryMeter}) and at the destination, and holds the
 * sync's budget of bytes billed: once the run has been billed its budget, the warehouse refuses further calls.
 * Thread-safe.
 */
public final class RunCostMeter implements QueryMeter {
    private final OptionalLong maxBytesBilled;
    private final LongAdder queries = new LongAdder();
    private final LongAdder processed = new LongAdder();
    private final LongAdder billed = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final LongAdder dataPoints = new LongAdder();
    private volatile long valuesPerMember;

    public RunCostMeter(OptionalLong maxBytesBilled) {
        this.maxBytesBilled = maxBytesBilled;
    }

    @Override
    public void record(String call, QueryCost cost) {
        queries.increment();
        processed.add(cost.bytesProcessed());
        billed.add(cost.bytesBilled());
        rows.add(cost.rows());
    }

    @Override
    public OptionalLong remainingBytesBilled() {
        return maxBytesBilled.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(Math.max(0, maxBytesBilled.getAsLong() - billed.sum()));
    }

    /** Values written at the destination by a confirmed or attempted batch. */
    public void dataPoints(long n) {
        dataPoints.add(n);
    }

    /**
     * How many values a full upload writes per member (mapped fields plus one for membership), so that the cost
     * shows what the diff saved; 0 (the default) shows no comparison.
     */
    public void valuesPerMember(long n) {
        if (n < 0) throw new IllegalArgumentException("valuesPerMember must not be negative");
        valuesPerMember = n;
    }

    /** The cost so far, with the destination's side taken from the run's counts. */
    public RunCost snapshot(RunCounts counts) {
        return new RunCost(
                queries.sum(),
                processed.sum(),
                billed.sum(),
                rows.sum(),
                counts.requests(),
                counts.sent(),
                dataPoints.sum(),
                maxBytesBilled.isPresent() ? maxBytesBilled.getAsLong() : null,
                counts.evaluated() * valuesPerMember);
    }
}
