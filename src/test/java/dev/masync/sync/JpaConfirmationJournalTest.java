package dev.masync.sync;

import dev.masync.sync.state.ConfirmationJournal;
import dev.masync.sync.state.ConfirmationJournal.Entry;
import dev.masync.sync.state.StateFencedException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static dev.masync.sync.state.ConfirmationJournal.Kind.CONFIRMED;
import static dev.masync.sync.state.ConfirmationJournal.Kind.SENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The confirmation journal in the control DB: order, fencing, durability on its own, many excluded keys. */
@QuarkusTest
class JpaConfirmationJournalTest {
    @Inject
    ConfirmationJournal journal;

    @Test
    void entriesComeBackInAppendOrderPerSyncUntilCleared() {
        journal.claim("jt_a", 7);
        journal.claim("jt_b", 8);
        journal.append("jt_a", 7, SENDING, 1, 100, List.of());
        journal.append("jt_a", 7, CONFIRMED, 1, 100, List.of("5", "6"));
        journal.append("jt_b", 8, CONFIRMED, 1, 10, List.of());
        journal.append("jt_a", 7, CONFIRMED, 101, 200, List.of());

        assertThat(journal.entries("jt_a"))
                .containsExactly(
                        new Entry(7, SENDING, 1, 100, List.of()),
                        new Entry(7, CONFIRMED, 1, 100, List.of("5", "6")),
                        new Entry(7, CONFIRMED, 101, 200, List.of()));
        journal.clear("jt_a");
        assertThat(journal.entries("jt_a")).isEmpty();
        assertThat(journal.owner("jt_a")).as("clearing keeps the owner").isEqualTo(7);
        assertThat(journal.entries("jt_b")).containsExactly(new Entry(8, CONFIRMED, 1, 10, List.of()));
        journal.forget("jt_b");
        journal.forget("jt_a");
        assertThat(journal.owner("jt_b")).isZero();
    }

    @Test
    void onlyTheOwnerAppendsAndAClaimSaysWhoOwnedTheKeyBefore() {
        assertThat(journal.claim("jt_e", 1)).isZero();
        journal.append("jt_e", 1, CONFIRMED, 1, 5, List.of());
        assertThat(journal.claim("jt_e", 2)).as("another replica takes over").isEqualTo(1);
        assertThatExceptionOfType(StateFencedException.class)
                .isThrownBy(() -> journal.append("jt_e", 1, CONFIRMED, 6, 9, List.of()))
                .withMessageContaining("run 2");
        assertThatExceptionOfType(StateFencedException.class)
                .isThrownBy(() -> journal.append("jt_f", 1, CONFIRMED, 6, 9, List.of()));
        journal.append("jt_e", 2, CONFIRMED, 1, 3, List.of());
        assertThat(journal.entries("jt_e")).extracting(Entry::run).containsExactly(1L, 2L);
        journal.forget("jt_e");
    }

    /** A window's entries in one transaction: all in order, or none when the run no longer owns the key. */
    @Test
    void aWindowsEntriesAreAppendedTogetherOrNotAtAllAndOnlyTheOwnerClears() {
        journal.claim("jt_w", 4);
        journal.append(
                "jt_w",
                4,
                List.of(
                        new Entry(4, CONFIRMED, 1, 40, List.of("7")),
                        new Entry(4, ConfirmationJournal.Kind.UNCERTAIN, 41, 50, List.of()),
                        new Entry(4, SENDING, 51, 150, List.of())));
        assertThat(journal.entries("jt_w"))
                .extracting(Entry::kind)
                .containsExactly(CONFIRMED, ConfirmationJournal.Kind.UNCERTAIN, SENDING);
        journal.claim("jt_w", 5);
        assertThatExceptionOfType(StateFencedException.class)
                .isThrownBy(() -> journal.append(
                        "jt_w",
                        4,
                        List.of(
                                new Entry(4, CONFIRMED, 51, 60, List.of()),
                                new Entry(4, SENDING, 151, 250, List.of()))));
        assertThatExceptionOfType(StateFencedException.class).isThrownBy(() -> journal.clear("jt_w", 4));
        assertThat(journal.entries("jt_w"))
                .as("nothing written, nothing cleared")
                .hasSize(3);
        journal.clear("jt_w", 5);
        assertThat(journal.entries("jt_w")).isEmpty();
        journal.forget("jt_w");
    }

    @Test
    void anAppendIsCommittedEvenWhenTheCallersTransactionRollsBack() {
        assertThatIllegalStateException()
                .isThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    journal.claim("jt_c", 3);
                    journal.append("jt_c", 3, CONFIRMED, 1, 2, List.of("x"));
                    throw new IllegalStateException("the caller fails after confirming");
                }));

        assertThat(journal.entries("jt_c")).containsExactly(new Entry(3, CONFIRMED, 1, 2, List.of("x")));
        journal.forget("jt_c");
    }

    @Test
    void manyExcludedKeysSpanSeveralRowsOfOneEntry() {
        List<String> keys = IntStream.range(0, 60_000)
                .mapToObj(i -> "learner \"" + i + "\" of the cohort")
                .toList();
        journal.claim("jt_d", 4);
        journal.append("jt_d", 4, CONFIRMED, 1, 60_000, keys);
        journal.append("jt_d", 4, CONFIRMED, 60_001, 60_010, List.of("y"));

        long rows = QuarkusTransaction.requiringNew().call(() -> SyncConfirmationEntity.count("syncKey", "jt_d"));
        assertThat(rows).isGreaterThan(2);
        List<Entry> entries = journal.entries("jt_d");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).excluded()).isEqualTo(keys);
        assertThat(entries.get(1)).isEqualTo(new Entry(4, CONFIRMED, 60_001, 60_010, List.of("y")));
        journal.forget("jt_d");
    }

    @Test
    void chunksAreJsonArraysWithinTheLimit() {
        assertThat(JpaConfirmationJournal.chunks(List.of(), 20)).containsExactly("[]");
        assertThat(JpaConfirmationJournal.chunks(List.of("a", "b\"c", "d"), 12))
                .containsExactly("[\"a\",\"b\\\"c\"]", "[\"d\"]");
    }
}
