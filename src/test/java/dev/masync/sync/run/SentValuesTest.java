package dev.masync.sync.run;

import dev.masync.connector.spi.RecordChange;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SentValuesTest {

    @Test
    void remembersTheLastConfirmedValueOfEachFieldPerSyncAndLearner() {
        SentValues sent = new SentValues(10);
        sent.confirmed("s", List.of(RecordChange.upsert("1", "a@x.test", Map.of("plan", "pro", "streak", 5L))));
        sent.confirmed("s", List.of(RecordChange.update("1", "a@x.test", Map.of("streak", 6L))));
        Map<String, Object> cleared = new HashMap<>();
        cleared.put("plan", null);
        sent.confirmed("t", List.of(RecordChange.upsert("1", "a@x.test", cleared)));
        assertThat(sent.lastSent("s", "1", "plan")).contains(Optional.of("pro"));
        assertThat(sent.lastSent("s", "1", "streak")).contains(Optional.of(6L));
        assertThat(sent.lastSent("t", "1", "plan")).contains(Optional.empty());
        assertThat(sent.lastSent("t", "1", "streak")).isEmpty();
        assertThat(sent.lastSent("s", "2", "plan")).isEmpty();
        // a removal changes membership only
        sent.confirmed("s", List.of(RecordChange.remove("1", "a@x.test")));
        assertThat(sent.lastSent("s", "1", "plan")).contains(Optional.of("pro"));
        sent.forget("s", Set.of("1"));
        assertThat(sent.lastSent("s", "1", "plan")).isEmpty();
        assertThat(sent.lastSent("t", "1", "plan")).isPresent();
    }

    @Test
    void theLeastRecentlyWrittenLearnersGoFirstBeyondTheCapacity() {
        SentValues sent = new SentValues(2);
        for (String k : List.of("1", "2", "3")) {
            sent.confirmed("s", List.of(RecordChange.upsert(k, k + "@x.test", Map.of("plan", k))));
        }
        assertThat(sent.lastSent("s", "1", "plan")).isEmpty();
        assertThat(sent.lastSent("s", "3", "plan")).contains(Optional.of("3"));
    }
}
