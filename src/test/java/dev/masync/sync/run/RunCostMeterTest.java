package dev.masync.sync.run;

import dev.masync.warehouse.QueryCost;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class RunCostMeterTest {

    @Test
    void addsUpWarehouseCallsAndTakesTheDestinationsSideFromTheCounts() {
        RunCostMeter meter = new RunCostMeter(OptionalLong.empty());
        meter.record("query", new QueryCost(1_000, 10_485_760, 7));
        meter.record("execute", new QueryCost(500, 0, 3));
        meter.dataPoints(12);
        RunCounts counts = new RunCounts(10, 4, 2, 1, 0, 7, 6, 6, 0, 2, 0, 0, 3);

        RunCost cost = meter.snapshot(counts);

        assertThat(cost).isEqualTo(new RunCost(2, 1_500, 10_485_760, 10, 3, 6, 12, null));
    }

    @Test
    void aFullUploadWritesEveryMembersValuesAndTheDiffSavesTheRest() {
        RunCostMeter meter = new RunCostMeter(OptionalLong.empty());
        meter.valuesPerMember(3); // two mapped fields and the membership
        meter.dataPoints(12);
        RunCounts counts = new RunCounts(10, 4, 2, 1, 0, 7, 6, 6, 0, 2, 0, 0, 3);

        RunCost cost = meter.snapshot(counts);

        assertThat(cost.fullUploadDataPoints()).isEqualTo(30);
        assertThat(cost.dataPointsSaved()).isEqualTo(18);
        meter.dataPoints(40);
        assertThat(meter.snapshot(counts).dataPointsSaved())
                .as("never negative")
                .isZero();
    }

    @Test
    void theRemainingBudgetShrinksWithWhatWasBilledAndNeverGoesNegative() {
        RunCostMeter meter = new RunCostMeter(OptionalLong.of(100));
        assertThat(meter.remainingBytesBilled()).hasValue(100);

        meter.record("query", new QueryCost(60, 60, 0));
        assertThat(meter.remainingBytesBilled()).hasValue(40);

        meter.record("query", new QueryCost(70, 70, 0));
        assertThat(meter.remainingBytesBilled()).hasValue(0);
        assertThat(meter.snapshot(RunCounts.ZERO).maxBytesBilled()).isEqualTo(100L);
    }

    @Test
    void withoutABudgetNothingIsCapped() {
        assertThat(new RunCostMeter(OptionalLong.empty()).remainingBytesBilled())
                .isEmpty();
    }
}
