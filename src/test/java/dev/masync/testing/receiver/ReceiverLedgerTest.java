package dev.masync.testing.receiver;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReceiverLedgerTest {
    final ReceiverLedger ledger = new ReceiverLedger();

    @Test
    void tellsRepeatedChangesFromNewValuesForAKeyWithManyValues() {
        for (int round = 0; round < 2; round++) {
            for (int value = 0; value < 40; value++) {
                ReceivedRecord record = new ReceivedRecord("k", null, "UPSERT", Map.of("n", value));
                ledger.apply("b" + value, List.of(record), List.of());
            }
        }

        ReceiverStats stats = ledger.snapshot(ReceiverConfig.builder().build());

        assertThat(stats.records()).isEqualTo(80);
        assertThat(stats.distinctChanges()).isEqualTo(40);
        assertThat(stats.duplicateRecords()).isEqualTo(40);
        assertThat(stats.repeatedBatches()).isEqualTo(40);
        assertThat(ledger.state()).containsEntry("k", Map.of("n", 39));
    }

    @Test
    void fingerprintsIgnoreFieldOrderButNotTypesOrKind() {
        long a = ReceiverLedger.fingerprint(new ReceivedRecord("k", null, "UPSERT", Map.of("x", 1, "y", "2")));

        assertThat(ReceiverLedger.fingerprint(new ReceivedRecord("k", null, "UPSERT", Map.of("y", "2", "x", 1))))
                .isEqualTo(a);
        assertThat(ReceiverLedger.fingerprint(new ReceivedRecord("k", null, "UPSERT", Map.of("x", "1", "y", "2"))))
                .isNotEqualTo(a);
        assertThat(ReceiverLedger.fingerprint(new ReceivedRecord("k", null, "REMOVE", Map.of())))
                .isNotEqualTo(ReceiverLedger.fingerprint(new ReceivedRecord("k", null, "UPSERT", Map.of())));
    }

    @Test
    void aWindowAdmitsTheLimitAndTellsHowLongUntilItEnds() {
        Instant start = Instant.parse("2026-03-01T00:00:10Z"); // a window boundary

        assertThat(ledger.admit(start, 0, 1, Duration.ofSeconds(10))).isZero();
        assertThat(ledger.admit(start, 0, 1, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(ledger.admit(start.plusMillis(9_999), 0, 1, Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofMillis(1));
        assertThat(ledger.admit(start.plusSeconds(10), 0, 1, Duration.ofSeconds(10)))
                .isZero();
    }
}
