package dev.masync.sync.state;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.masync.sync.state.ConfirmationJournal.Kind.CONFIRMED;
import static dev.masync.sync.state.ConfirmationJournal.Kind.SENDING;
import static dev.masync.sync.state.ConfirmationJournal.Kind.UNCERTAIN;
import static org.assertj.core.api.Assertions.assertThat;

/** How a crashed run's sending windows and outcomes combine, and how a window's outcomes are journaled. */
class JournaledStateStoreTest {

    static ConfirmationJournal.Entry entry(ConfirmationJournal.Kind kind, long from, long to, String... excluded) {
        return new ConfirmationJournal.Entry(7, kind, from, to, List.of(excluded));
    }

    @Test
    void whatNoOutcomeCoversOfAWindowIsUncertainAndExclusionsOfAnOutcomeStaySettled() {
        List<ConfirmationJournal.Entry> unsettled = JournaledStateStore.unsettled(
                List.of(entry(SENDING, 1, 40, "a"), entry(SENDING, 41, 200)),
                List.of(
                        entry(CONFIRMED, 1, 10, "b"),
                        entry(UNCERTAIN, 11, 20),
                        entry(CONFIRMED, 31, 45),
                        entry(CONFIRMED, 60, 60)));
        assertThat(unsettled)
                .containsExactly(entry(UNCERTAIN, 21, 30, "a"), entry(UNCERTAIN, 46, 59), entry(UNCERTAIN, 61, 200));
    }

    @Test
    void overlappingWindowsAndOutcomesInAnyOrderAreSubtractedExactly() {
        assertThat(JournaledStateStore.unsettled(
                        List.of(entry(SENDING, 21, 100), entry(SENDING, 1, 30)),
                        List.of(entry(CONFIRMED, 25, 100), entry(CONFIRMED, 1, 5), entry(CONFIRMED, 3, 12))))
                .containsExactly(entry(UNCERTAIN, 21, 24), entry(UNCERTAIN, 13, 24));
        assertThat(JournaledStateStore.unsettled(List.of(entry(SENDING, 1, 10)), List.of(entry(CONFIRMED, 1, 10))))
                .isEmpty();
        assertThat(JournaledStateStore.unsettled(List.of(entry(SENDING, 5, 10)), List.of()))
                .containsExactly(entry(UNCERTAIN, 5, 10));
    }

    @Test
    void adjacentOutcomesOfOneKindWithoutExclusionsAreJournaledAsOneEntry() {
        assertThat(JournaledStateStore.coalesce(List.of(
                        entry(CONFIRMED, 1, 10),
                        entry(CONFIRMED, 11, 20),
                        entry(CONFIRMED, 21, 30),
                        entry(CONFIRMED, 31, 35, "b"),
                        entry(UNCERTAIN, 36, 40),
                        entry(UNCERTAIN, 41, 50),
                        entry(CONFIRMED, 51, 60),
                        entry(CONFIRMED, 70, 80),
                        entry(SENDING, 81, 90),
                        entry(SENDING, 91, 100))))
                .containsExactly(
                        entry(CONFIRMED, 1, 30),
                        entry(CONFIRMED, 31, 35, "b"),
                        entry(UNCERTAIN, 36, 50),
                        entry(CONFIRMED, 51, 60),
                        entry(CONFIRMED, 70, 80),
                        entry(SENDING, 81, 90),
                        entry(SENDING, 91, 100));
    }
}
