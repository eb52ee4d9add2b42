package dev.masync.sync.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RetryableException;
import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationHolds;
import dev.masync.destination.DestinationService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A long Retry-After is stored in the control DB, so a restart or another replica honours it too. */
@QuarkusTest
class DestinationHoldsTest {
    static final Batch BATCH = new Batch("run-1", "s", List.of(RecordChange.upsert("L1", "a@x.test", Map.of())));

    @Inject
    DestinationHolds holds;

    @Inject
    DestinationService destinations;

    @Inject
    PushPolicies policies;

    @Inject
    Clock clock;

    @Inject
    dev.masync.budget.RateBudgets budgets;

    @Inject
    ObjectMapper json;

    DestinationDefinition destination(String key) throws Exception {
        destinations.create(
                json.readTree("{\"key\":\"" + key + "\",\"name\":\"n\",\"type\":\"file\",\"settings\":{}}"), "test");
        return destinations.find(key).orElseThrow();
    }

    @Test
    void aHoldOnlyMovesLaterAndIsReadBack() throws Exception {
        destination("held_a");
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(holds.heldUntil("held_a")).isEmpty();
        holds.hold("held_a", t, "r1");
        holds.hold("held_a", t.minusSeconds(10), "earlier");
        assertThat(holds.heldUntil("held_a")).contains(t);
        holds.hold("held_a", t.plusSeconds(10), "later");
        assertThat(holds.heldUntil("held_a")).contains(t.plusSeconds(10));
    }

    @Test
    void aLongRetryAfterEndsThisAndLaterPushesAtOnceAcrossPolicyInstances() throws Exception {
        DestinationDefinition d = destination("held_b");
        AtomicInteger calls = new AtomicInteger();
        PushPolicy.Attempt throttled = b -> {
            calls.incrementAndGet();
            throw new RetryableException("HTTP 429", Duration.ofSeconds(86_400), null);
        };
        assertThatThrownBy(() -> policies.of(d).push(BATCH, throttled))
                .isInstanceOf(DeferredException.class)
                .hasMessageContaining("not to be called before");
        assertThat(holds.heldUntil("held_b").orElseThrow())
                .isCloseTo(
                        clock.instant().plus(Duration.ofDays(1)),
                        new org.assertj.core.data.TemporalUnitWithinOffset(5, ChronoUnit.MINUTES));
        // what a restarted daemon or another replica would build: a fresh policy over the same control DB
        PushPolicies fresh = new PushPolicies(
                org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .unwrap(io.smallrye.config.SmallRyeConfig.class)
                        .getConfigMapping(dev.masync.sync.SyncConfig.class),
                clock,
                holds,
                budgets);
        PushPolicy.Attempt ok = b -> {
            calls.incrementAndGet();
            return BatchResult.allConfirmed(b);
        };
        long started = System.nanoTime();
        assertThatThrownBy(() -> fresh.of(d).push(BATCH, ok)).isInstanceOf(DeferredException.class);
        assertThatThrownBy(() -> policies.of(d).push(BATCH, ok)).isInstanceOf(DeferredException.class);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }
}
