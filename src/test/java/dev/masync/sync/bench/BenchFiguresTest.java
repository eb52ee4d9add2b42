package dev.masync.sync.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The benchmark's arithmetic (the benchmark itself is a main and never runs in the suite). */
class BenchFiguresTest {

    @Test
    void peakHeapAfterGcIsTheLargestOccupancyAfterACollectionThatFreesMemory() {
        List<String> log = List.of(
                "[2026-11-28T03:56:42.369+0000][0.199s][info][gc] Using G1",
                "[2026-11-28T03:56:43.740+0000][1.569s][info][gc,task     ] GC(0) Using 2 workers of 2 for evacuation",
                "[2026-11-28T03:56:43.748+0000][1.577s][info][gc          ] GC(0) Pause Young (Normal)"
                        + " (G1 Evacuation Pause) 12M->3M(256M) 8.122ms",
                "[2026-11-28T03:56:44.292+0000][2.121s][info][gc,heap     ] GC(1) Eden regions: 9->0(12)",
                "[2026-11-28T03:56:44.292+0000][2.121s][info][gc          ] GC(1) Pause Young (Concurrent Start)"
                        + " (G1 Humongous Allocation) 130M->41M(256M) 12.628ms",
                "[2026-11-28T03:56:45.000+0000][2.900s][info][gc          ] GC(1) Pause Remark 60M->60M(256M) 2.1ms",
                "[2026-11-28T03:56:45.100+0000][3.000s][info][gc          ] GC(1) Pause Cleanup 61M->61M(256M) 0.1ms",
                "[2026-11-28T03:56:46.000+0000][3.830s][info][gc          ] GC(2) Pause Full (System.gc())"
                        + " 50M->20M(200M) 40.0ms",
                "[2026-11-28T03:56:47.000+0000][4.830s][info][gc          ] GC(3) Pause Young (Normal)"
                        + " (G1 Evacuation Pause) 2048K->1024K(256M) 1.0ms");

        BenchFigures.GcSummary gc = BenchFigures.gcSummary(log);

        assertThat(gc.collector()).isEqualTo("G1");
        assertThat(gc.collections()).isEqualTo(4);
        assertThat(gc.fullCollections()).isEqualTo(1);
        assertThat(gc.peakAfterGcBytes()).isEqualTo(41L << 20);
        assertThat(gc.peakBeforeGcBytes()).isEqualTo(130L << 20);
        assertThat(gc.maxCommittedBytes()).isEqualTo(256L << 20);
    }

    @Test
    void steadyRateLeavesOutTheFirstAndLastWindowAndInterpolatesBetweenPolls() {
        Instant t0 = Instant.parse("2026-11-28T00:00:00Z");
        List<BenchFigures.Sample> samples = new ArrayList<>();
        // 500 records in the first 10 s (ramp-up), then 1,900/s for 40 s, then 300 in the last 10 s; polled every 2.5 s
        for (int ms = 0; ms <= 60_000; ms += 2_500) {
            samples.add(new BenchFigures.Sample(t0.plusMillis(ms), records(ms), 0, 0));
        }
        double rate = BenchFigures.steadyRate(samples, t0, t0.plusSeconds(60), Duration.ofSeconds(10));
        assertThat(rate).isCloseTo(1900, within(0.001));
        assertThat(BenchFigures.steadyRate(samples, t0, t0.plusSeconds(20), Duration.ofSeconds(10)))
                .isNaN();
        assertThat(BenchFigures.recordsAt(samples, t0.plusMillis(10_500))).isCloseTo(500 + 950, within(0.001));
    }

    private static long records(long ms) {
        if (ms <= 10_000) {
            return 500 * ms / 10_000;
        }
        if (ms <= 50_000) {
            return 500 + 1900 * (ms - 10_000) / 1000;
        }
        return 500 + 76_000 + 300 * (ms - 50_000) / 10_000;
    }

    @Test
    void requestsForRoundsUp() {
        assertThat(BenchFigures.requestsFor(0, 100)).isZero();
        assertThat(BenchFigures.requestsFor(100, 100)).isEqualTo(1);
        assertThat(BenchFigures.requestsFor(101, 100)).isEqualTo(2);
        assertThat(BenchFigures.requestsFor(327_680, 100)).isEqualTo(3277);
    }

    @Test
    void aRunsSliceOfTheGcLogCountsOnlyItsOwnCollections() {
        List<String> log = List.of(
                "[2026-11-28T03:56:42.369+0000][0.199s][info][gc] Using G1",
                "[x][1.5s][info][gc          ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 120M->60M(256M) 8ms",
                "[x][9.0s][info][gc          ] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 40M->20M(256M) 3ms",
                "[x][9.5s][info][gc          ] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 50M->30M(200M) 3ms");

        BenchFigures.GcSummary run = BenchFigures.gcSummary(log, 2);

        assertThat(run.collector()).isEqualTo("G1");
        assertThat(run.collections()).isEqualTo(2);
        assertThat(run.peakAfterGcBytes()).isEqualTo(30L << 20);
        assertThat(run.maxCommittedBytes()).isEqualTo(256L << 20);
        assertThat(BenchFigures.gcSummary(log, log.size()).collections()).isZero();
        assertThat(BenchFigures.heapAfterGc(run)).isEqualTo("30.0 MiB (2 GCs)");
        assertThat(BenchFigures.heapAfterGc(BenchFigures.gcSummary(log, 3))).isEqualTo("30.0 MiB (1 GC)");
        assertThat(BenchFigures.heapAfterGc(BenchFigures.gcSummary(log, log.size())))
                .isEqualTo("no GC");
        assertThat(BenchFigures.gcSummary(log).peakAfterGcBytes()).isEqualTo(60L << 20);
    }

    @Test
    void diffLimitIsFourTimesUpToTenMillionLearnersAndFiveAbove() {
        assertThat(BenchFigures.diffLimit(1_000_000)).isEqualTo(4.0);
        assertThat(BenchFigures.diffLimit(10_000_000)).isEqualTo(4.0);
        assertThat(BenchFigures.diffLimit(50_000_000)).isEqualTo(5.0);
    }

    @Test
    void cpuPerMillionWholeRunAndAfterTheMark() {
        assertThat(BenchFigures.perMillion(30.0, 300_000)).isCloseTo(100.0, within(1e-9));
        assertThat(BenchFigures.perMillion(1.0, 0)).isNaN();
        // 12 CPU-s in all, 4 of them before the mark at 100,500 records; 300,500 pushed
        assertThat(BenchFigures.perMillionAfter(12.0, 4.0, 300_500, 100_500)).isCloseTo(40.0, within(1e-9));
        assertThat(BenchFigures.perMillionAfter(12.0, Double.NaN, 300_500, 100_500))
                .isNaN();
        assertThat(BenchFigures.perMillionAfter(12.0, 4.0, 100_500, 100_500)).isNaN();
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(BenchFigures.median(List.of(30L, 10L, 20L))).isEqualTo(20.0);
        assertThat(BenchFigures.median(List.of(40L, 10L))).isEqualTo(25.0);
        assertThat(BenchFigures.median(List.of())).isNaN();
        assertThat(BenchFigures.fmt("%.1f", Double.NaN)).isEqualTo("-");
        assertThat(BenchFigures.fmt("%.1f", 2.25)).isEqualTo("2.3");
    }
}
