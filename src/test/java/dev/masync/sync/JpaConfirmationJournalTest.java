package dev.masync.sync;

import dev.masync.sync.state.ConfirmationJournal;
import dev.masync.sync.state.ConfirmationJournal.Entry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The confirmation journal in the control DB: order, durability on its own, many excluded keys. */
@QuarkusTest
class JpaConfirmationJournalTest {
    @Inject
    ConfirmationJournal journal;

    @Test
    void entriesComeBackInAppendOrderPerSyncUntilCleared() {
        journal.append("jt_a", 1, 100, List.of("5", "6"));
        journal.append("jt_b", 1, 10, List.of());
        journal.append("jt_a", 101, 200, List.of());

        assertThat(journal.entries("jt_a"))
                .containsExactly(new Entry(1, 100, List.of("5", "6")), new Entry(101, 200, List.of()));
        journal.clear("jt_a");
        assertThat(journal.entries("jt_a")).isEmpty();
        assertThat(journal.entries("jt_b")).containsExactly(new Entry(1, 10, List.of()));
        journal.clear("jt_b");
    }

    @Test
    void anAppendIsCommittedEvenWhenTheCallersTransactionRollsBack() {
        assertThatIllegalStateException()
                .isThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    journal.append("jt_c", 1, 2, List.of("x"));
                    throw new IllegalStateException("the caller fails after confirming");
                }));

        assertThat(journal.entries("jt_c")).containsExactly(new Entry(1, 2, List.of("x")));
        journal.clear("jt_c");
    }

    @Test
    void manyExcludedKeysSpanSeveralRowsOfOneEntry() {
        List<String> keys = IntStream.range(0, 60_000)
                .mapToObj(i -> "learner \"" + i + "\" of the cohort")
                .toList();
        journal.append("jt_d", 1, 60_000, keys);
        journal.append("jt_d", 60_001, 60_010, List.of("y"));

        long rows = QuarkusTransaction.requiringNew().call(() -> SyncConfirmationEntity.count("syncKey", "jt_d"));
        assertThat(rows).isGreaterThan(2);
        List<Entry> entries = journal.entries("jt_d");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).excluded()).isEqualTo(keys);
        assertThat(entries.get(1)).isEqualTo(new Entry(60_001, 60_010, List.of("y")));
        journal.clear("jt_d");
    }

    @Test
    void chunksAreJsonArraysWithinTheLimit() {
        assertThat(JpaConfirmationJournal.chunks(List.of(), 20)).containsExactly("[]");
        assertThat(JpaConfirmationJournal.chunks(List.of("a", "b\"c", "d"), 12))
                .containsExactly("[\"a\",\"b\\\"c\"]", "[\"d\"]");
    }
}
