package dev.masync.sync.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Record ids reach their store under the run's state generation; a store that fails never fails the run. */
class PersistingMonitorIdsTest {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RunMetrics metrics = new RunMetrics(meters);
    final List<String> calls = new ArrayList<>();
    boolean failing;

    final RecordIds store = new RecordIds() {
        @Override
        public void remember(String syncKey, String stateKey, List<Entry> entries) {
            if (failing) throw new IllegalStateException("control DB down");
            calls.add("remember " + syncKey + " " + stateKey + " " + entries.size());
        }

        @Override
        public Map<String, Set<String>> learnersOf(String syncKey, String stateKey, Collection<String> recordIds) {
            return Map.of();
        }

        @Override
        public void forget(String syncKey, Collection<String> learnerKeys) {
            if (failing) throw new IllegalStateException("control DB down");
            calls.add("forget " + syncKey + " " + learnerKeys.size());
        }
    };

    PersistingMonitor monitor() {
        return new PersistingMonitor(7, "s1", Set.of(), null, Clock.systemUTC(), new RunCostMeter(OptionalLong.empty()))
                .rememberingIds(store, "s1__gen", metrics);
    }

    double failed(String op) {
        var c = meters.find("masync.sync.record.ids.failed").tag("op", op).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void idsAndForgottenLearnersReachTheStore() {
        PersistingMonitor m = monitor();
        m.recordIds(List.of(new RecordIds.Entry("1", "a@x.test", "101")));
        m.forgotten(Set.of("1", "2"));
        assertThat(calls).containsExactly("remember s1 s1__gen 1", "forget s1 2");
    }

    @Test
    void aFailingStoreIsLoggedAndCountedNotThrown() {
        failing = true;
        PersistingMonitor m = monitor();
        assertThatCode(() -> m.recordIds(List.of(new RecordIds.Entry("1", "a@x.test", "101"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> m.forgotten(Set.of("1"))).doesNotThrowAnyException();
        assertThat(failed("remember")).isEqualTo(1);
        assertThat(failed("forget")).isEqualTo(1);
        assertThat(meters.find("masync.sync.record.ids.failed").meter().getId().getDescription())
                .isNotBlank();
    }
}
