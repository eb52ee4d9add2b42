package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.connector.webhook.WebhookConnector;
import dev.masync.testing.receiver.PacedReceiver;
import dev.masync.testing.receiver.ReceiverConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch refused as a whole for one record's fault is narrowed down to the records at fault, through the real
 * webhook connector against the fake receiver configured to refuse (422) any batch holding a bad record.
 */
class BisectionTest {
    static final OkHttpClient CLIENT = new OkHttpClient();
    final WebhookConnector connector = new WebhookConnector(CLIENT, Clock.systemUTC());
    PacedReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) receiver.close();
    }

    static Stream<Set<Integer>> badSets() {
        return Stream.of(
                Set.of(42), // one bad in 100
                Set.of(3, 50, 97), // three bad in 100
                Set.of(0, 99), // the edges
                Set.of(0), // first
                Set.of(99), // last
                IntStream.range(0, 100).boxed().collect(Collectors.toSet())); // all bad
    }

    @ParameterizedTest
    @MethodSource("badSets")
    void eachBadRecordIsRejectedAloneAndTheOthersConfirmedWithinTheRequestBound(Set<Integer> bad) throws Exception {
        receiver = PacedReceiver.start(ReceiverConfig.builder()
                .rejectKeys(k -> bad.contains(Integer.parseInt(k.substring(1, k.indexOf('@')))), "invalid", "bad")
                .rejectWholeBatch(true)
                .build());
        List<RecordChange> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(RecordChange.upsert("L" + i, "p" + i + "@x.test", Map.of("n", i)));
        }
        AtomicInteger requests = new AtomicInteger();
        DestinationContext context = new DestinationContext(
                "hook",
                Map.of("url", receiver.url("/hook"), "secret", "env:S"),
                SecretResolver.fromEnvironment(Map.of("S", "s3cret")));
        PushPolicy direct = (b, attempt) -> attempt.call(b);

        BatchResult result = new Bisection(direct, b -> {
                    requests.incrementAndGet();
                    return connector.push(context, b);
                })
                .push(new Batch("run-1", "s", records));

        assertThat(result.outcomes()).hasSize(100);
        assertThat(result.rejected())
                .extracting(RecordOutcome::destinationKey)
                .containsExactlyInAnyOrderElementsOf(
                        bad.stream().map(i -> "p" + i + "@x.test").toList());
        assertThat(result.rejected()).allSatisfy(o -> {
            assertThat(o.code()).isEqualTo(Bisection.CODE);
            assertThat(o.message()).contains("422");
        });
        assertThat(result.confirmed()).hasSize(100 - bad.size());
        assertThat(receiver.state()).hasSize(100 - bad.size());
        // 1 request for the batch, then at most 2·⌈log2 100⌉ = 14 per bad record
        assertThat(requests.get()).isLessThanOrEqualTo(1 + 2 * 7 * bad.size());
        assertThat(receiver.stats().requests()).isEqualTo(requests.get());
    }

    @Test
    void aGoodBatchIsOneRequest() throws Exception {
        receiver = PacedReceiver.start(
                ReceiverConfig.builder().rejectWholeBatch(true).build());
        AtomicInteger requests = new AtomicInteger();
        List<RecordChange> records = IntStream.range(0, 50)
                .mapToObj(i -> RecordChange.upsert("L" + i, "p" + i + "@x.test", Map.of()))
                .toList();
        DestinationContext context = new DestinationContext(
                "hook",
                Map.of("url", receiver.url("/hook"), "secret", "env:S"),
                SecretResolver.fromEnvironment(Map.of("S", "s3cret")));
        BatchResult result = new Bisection((b, a) -> a.call(b), b -> {
                    requests.incrementAndGet();
                    return connector.push(context, b);
                })
                .push(new Batch("run-1", "s", records));
        assertThat(result.confirmed()).hasSize(50);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void authPermissionAndConfigurationFailuresAreNotSplit() {
        for (PermanentException.Code code : List.of(
                PermanentException.Code.AUTH,
                PermanentException.Code.PERMISSION,
                PermanentException.Code.INVALID_CONFIG)) {
            AtomicInteger requests = new AtomicInteger();
            List<RecordChange> records = IntStream.range(0, 8)
                    .mapToObj(i -> RecordChange.upsert("L" + i, "k" + i, Map.of()))
                    .toList();
            assertThatThrownBy(() -> new Bisection((b, a) -> a.call(b), b -> {
                                requests.incrementAndGet();
                                throw new PermanentException(code, "HTTP " + code);
                            })
                            .push(new Batch("run-1", "s", records)))
                    .isInstanceOf(PermanentException.class);
            assertThat(requests.get()).as(code.name()).isEqualTo(1);
        }
    }

    @Test
    void theChangesOfOneRecordStayTogetherAndPartsGetDerivedIds() throws Exception {
        List<String> ids = new ArrayList<>();
        List<RecordChange> records = List.of(
                RecordChange.remove("L1", "a"),
                RecordChange.upsert("L1", "a", Map.of()),
                RecordChange.upsert("L2", "b", Map.of()),
                RecordChange.upsert("L3", "c", Map.of()));
        BatchResult result = new Bisection((b, a) -> a.call(b), b -> {
                    ids.add(b.id());
                    if (b.records().stream().anyMatch(c -> c.destinationKey().equals("a"))) {
                        throw new PermanentException(PermanentException.Code.INVALID_REQUEST, "HTTP 400");
                    }
                    return BatchResult.allConfirmed(b);
                })
                .push(new Batch("run-1", "s", records));
        assertThat(ids).containsExactly("run-1", "run-1.0", "run-1.1");
        assertThat(result.rejected()).extracting(RecordOutcome::destinationKey).containsExactly("a", "a");
        assertThat(result.confirmed()).extracting(RecordOutcome::destinationKey).containsExactly("b", "c");
    }

    @Test
    void theDataPointsOfSplitPartsAddUpAndAreDroppedWhenAPartHasNone() throws Exception {
        List<RecordChange> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(RecordChange.upsert("L" + i, "k" + i, Map.of("a", i, "b", i)));
        }
        PushPolicy direct = (b, attempt) -> attempt.call(b);
        // refuses any batch holding k3 as a whole; counts two points per confirmed record
        PushPolicy.Attempt counting = b -> {
            if (b.records().size() > 1
                    && b.records().stream().anyMatch(c -> c.destinationKey().equals("k3"))) {
                throw new PermanentException(PermanentException.Code.INVALID_REQUEST, "bad k3");
            }
            List<RecordOutcome> outcomes = b.records().stream()
                    .map(c -> c.destinationKey().equals("k3")
                            ? RecordOutcome.rejected("k3", "bad", "bad")
                            : RecordOutcome.confirmed(c.destinationKey()))
                    .toList();
            return new BatchResult(outcomes)
                    .withDataPoints(2L
                            * outcomes.stream()
                                    .filter(RecordOutcome::isConfirmed)
                                    .count());
        };
        BatchResult result = new Bisection(direct, counting).push(new Batch("run-1", "s", records));
        assertThat(result.confirmed()).hasSize(3);
        assertThat(result.dataPoints()).hasValue(6);

        PushPolicy.Attempt silent = b -> {
            BatchResult r = counting.call(b);
            return b.records().get(0).destinationKey().equals("k0") ? new BatchResult(r.outcomes()) : r;
        };
        assertThat(new Bisection(direct, silent)
                        .push(new Batch("run-2", "s", records))
                        .dataPoints())
                .as("one part without a count: the engine estimates")
                .isEmpty();
    }
}
