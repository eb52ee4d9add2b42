package dev.masync.sync.state;

import dev.masync.sync.state.ConfirmationJournal.Entry;
import dev.masync.sync.state.ConfirmedRanges.Exclusion;
import dev.masync.sync.state.ConfirmedRanges.Interval;
import dev.masync.sync.state.ConfirmedRanges.Part;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Journal entries become merged ranges and exact exclusions, split under a parameter budget without changing them. */
class ConfirmedRangesTest {

    static boolean confirmedByEntries(List<Entry> entries, long seq, String key) {
        return entries.stream()
                .anyMatch(e ->
                        e.fromSeq() <= seq && seq <= e.toSeq() && !e.excluded().contains(key));
    }

    static boolean confirmedByPart(Part p, long seq, String key) {
        boolean covered = p.covered().stream().anyMatch(i -> i.lo() <= seq && seq <= i.hi());
        boolean excluded = p.excluded().stream().anyMatch(x -> x.key().equals(key) && x.lo() <= seq && seq <= x.hi());
        return covered && !excluded;
    }

    @Test
    void consecutiveBatchesBecomeOneRangeAndExclusionsKeepTheirBatch() {
        Part p = ConfirmedRanges.of(List.of(
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 1, 100, List.of("a", "b")),
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 101, 200, List.of()),
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 201, 250, List.of("a")),
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 300, 310, List.of()),
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 9, 3, List.of("z"))));

        assertThat(p.covered()).containsExactly(new Interval(1, 250), new Interval(300, 310));
        assertThat(p.excluded())
                .containsExactly(new Exclusion("a", 1, 100), new Exclusion("a", 201, 250), new Exclusion("b", 1, 100));
    }

    @Test
    void aLearnerExcludedByOneEntryAndConfirmedByAnOverlappingOneIsConfirmedThere() {
        Part p = ConfirmedRanges.of(List.of(
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 1, 10, List.of("a")),
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 5, 20, List.of()),
                new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 15, 30, List.of("a"))));

        assertThat(p.covered()).containsExactly(new Interval(1, 30));
        assertThat(p.excluded()).containsExactly(new Exclusion("a", 1, 4), new Exclusion("a", 21, 30));
    }

    @Test
    void anEmptyJournalFoldsNothing() {
        assertThat(ConfirmedRanges.of(List.of()).isEmpty()).isTrue();
        assertThat(ConfirmedRanges.split(ConfirmedRanges.of(List.of()), 100)).isEmpty();
        assertThat(ConfirmedRanges.split(
                        ConfirmedRanges.of(List.of(new Entry(1, ConfirmationJournal.Kind.CONFIRMED, 5, 4, List.of()))),
                        100))
                .isEmpty();
    }

    @Test
    void normalizingAndSplittingNeverChangeWhatIsConfirmed() {
        Random random = new Random(20261102);
        for (int round = 0; round < 200; round++) {
            List<Entry> entries = new ArrayList<>();
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                long from = 1 + random.nextInt(60);
                long to = from + random.nextInt(20) - 2;
                List<String> excluded = new ArrayList<>();
                for (char k = 'a'; k <= 'f'; k++) {
                    if (random.nextInt(3) == 0) {
                        excluded.add(String.valueOf(k));
                    }
                }
                entries.add(new Entry(1, ConfirmationJournal.Kind.CONFIRMED, from, to, excluded));
            }
            Part all = ConfirmedRanges.of(entries);
            long budget = 80 + random.nextInt(400);
            List<Part> parts = ConfirmedRanges.split(all, budget);
            for (long seq = 0; seq <= 90; seq++) {
                for (char k = 'a'; k <= 'g'; k++) {
                    String key = String.valueOf(k);
                    boolean expected = confirmedByEntries(entries, seq, key);
                    assertThat(confirmedByPart(all, seq, key))
                            .as("round %d seq %d key %s", round, seq, key)
                            .isEqualTo(expected);
                    long s = seq;
                    long inParts = parts.stream()
                            .filter(p -> confirmedByPart(p, s, key))
                            .count();
                    assertThat(inParts)
                            .as("round %d seq %d key %s in parts", round, seq, key)
                            .isEqualTo(expected ? 1 : 0);
                }
            }
        }
    }

    @Test
    void longExclusionListsAreSplitWithinTheBudget() {
        List<Entry> entries = new ArrayList<>();
        for (int batch = 0; batch < 100; batch++) {
            List<String> excluded = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                excluded.add("learner-" + (batch * 100 + i));
            }
            entries.add(
                    new Entry(1, ConfirmationJournal.Kind.CONFIRMED, batch * 100L + 1, batch * 100L + 100, excluded));
        }
        Part all = ConfirmedRanges.of(entries);
        assertThat(all.covered()).containsExactly(new Interval(1, 10_000));

        List<Part> parts = ConfirmedRanges.split(all, 50_000);

        assertThat(parts.size()).isGreaterThan(5);
        assertThat(parts).allSatisfy(p -> assertThat(p.parameterBytes()).isLessThanOrEqualTo(50_000));
        assertThat(parts.stream().mapToInt(p -> p.excluded().size()).sum()).isEqualTo(5_000);
        assertThat(parts.get(0).covered().get(0).lo()).isEqualTo(1);
        assertThat(parts.get(parts.size() - 1).covered().get(0).hi()).isEqualTo(10_000);
    }
}
