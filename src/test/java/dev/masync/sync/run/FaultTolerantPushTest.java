package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RetryableException;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retry, Retry-After, deferral and circuit breaking around a push (SmallRye Fault Tolerance needs the container). */
@QuarkusTest
class FaultTolerantPushTest {
    static final Batch BATCH = new Batch("run-1", "s", List.of(RecordChange.upsert("L1", "a@x.test", Map.of())));

    final PacerTest.FakeTime time = new PacerTest.FakeTime();
    final FaultTolerantPush.Hold hold = FaultTolerantPush.Hold.inMemory();

    FaultTolerantPush policy(String destination, int breakerVolume) {
        return policy(destination, breakerVolume, hold);
    }

    FaultTolerantPush policy(String destination, int breakerVolume, FaultTolerantPush.Hold hold) {
        return new FaultTolerantPush(
                destination,
                Pacer.unlimited(time, time.sleeper()),
                new FaultTolerantPush.Settings(
                        3,
                        Duration.ofMillis(1),
                        Duration.ofMillis(2),
                        Duration.ZERO,
                        Duration.ofSeconds(60),
                        breakerVolume,
                        0.8,
                        Duration.ofSeconds(30)),
                time,
                hold);
    }

    /** Answers the scripted outcomes in order; counts calls. */
    static final class Script implements PushPolicy.Attempt {
        final Deque<Supplier<BatchResult>> steps = new ArrayDeque<>();
        int calls;

        Script then(Supplier<BatchResult> step) {
            steps.add(step);
            return this;
        }

        @Override
        public BatchResult call(Batch batch) {
            calls++;
            Supplier<BatchResult> s = steps.size() > 1 ? steps.poll() : steps.peek();
            return s.get();
        }
    }

    static Supplier<BatchResult> fail(RuntimeException e) {
        return () -> {
            throw e;
        };
    }

    @Test
    void retriesOn429UsingRetryAfterThen503ThenSucceeds() throws Exception {
        Script script = new Script()
                .then(fail(new RetryableException("429", Duration.ofSeconds(7), null)))
                .then(fail(new RetryableException("503")))
                .then(() -> BatchResult.allConfirmed(BATCH));
        var start = time.now;
        BatchResult result = policy("d1", 20).push(BATCH, script);
        assertThat(result.confirmed()).hasSize(1);
        assertThat(script.calls).isEqualTo(3);
        // the second attempt waited for the Retry-After on the account's pacer, not in the connector
        assertThat(Duration.between(start, time.now)).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aBurstOfThrottlesIsWaitedOutWithoutSpendingRetries() throws Exception {
        Script script = new Script();
        for (int i = 0; i < 5; i++) script.then(fail(new RetryableException("429", Duration.ofSeconds(2), null)));
        script.then(fail(new RetryableException("503")))
                .then(fail(new RetryableException("503")))
                .then(fail(new RetryableException("503")))
                .then(() -> BatchResult.allConfirmed(BATCH));
        var start = time.now;
        BatchResult result = policy("d8", 4).push(BATCH, script);
        assertThat(result.confirmed()).hasSize(1);
        // 5 throttles waited out, then 3 retries of 503s (max 3) still left: 9 calls
        assertThat(script.calls).isEqualTo(9);
        assertThat(Duration.between(start, time.now)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aDestinationThatThrottlesForeverStillEnds() {
        Script script = new Script().then(fail(new RetryableException("429", Duration.ofSeconds(1), null)));
        assertThatThrownBy(() -> policy("d9", 100).push(BATCH, script)).isInstanceOf(RetryableException.class);
        // each of the 1 + 3 attempts honours MAX_WAITS_ASKED waits before its answer counts as a failure
        assertThat(script.calls).isEqualTo(4 * (FaultTolerantPush.MAX_WAITS_ASKED + 1));
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastFailure() {
        Script script = new Script().then(fail(new RetryableException("503")));
        assertThatThrownBy(() -> policy("d2", 20).push(BATCH, script)).isInstanceOf(RetryableException.class);
        assertThat(script.calls).isEqualTo(4);
    }

    @Test
    void neverRetriesAPermanentFailure() {
        Script script = new Script().then(fail(new PermanentException(PermanentException.Code.AUTH, "401")));
        assertThatThrownBy(() -> policy("d3", 20).push(BATCH, script)).isInstanceOf(PermanentException.class);
        assertThat(script.calls).isEqualTo(1);
    }

    @Test
    void aLongRetryAfterDefersTheBatchInsteadOfWaiting() {
        Script script = new Script().then(fail(new RetryableException("429", Duration.ofHours(1), null)));
        var start = time.now;
        assertThatThrownBy(() -> policy("d4", 20).push(BATCH, script))
                .isInstanceOf(DeferredException.class)
                .hasMessageContaining("not to be called before 2026-11-02T01:00:00Z");
        assertThat(script.calls).isEqualTo(1);
        assertThat(time.now).isEqualTo(start);
    }

    @Test
    void afterALongRetryAfterLaterPushesEndAtOnceWithoutCallingOrWaitingUntilTheInstantPasses() throws Exception {
        for (Duration wait : List.of(Duration.ofSeconds(61), Duration.ofHours(1), Duration.ofDays(1))) {
            FaultTolerantPush.Hold held = FaultTolerantPush.Hold.inMemory();
            Script script = new Script()
                    .then(fail(new RetryableException("429", wait, null)))
                    .then(() -> BatchResult.allConfirmed(BATCH));
            var start = time.now;
            FaultTolerantPush push = policy("d-hold-" + wait.toSeconds(), 20, held);
            assertThatThrownBy(() -> push.push(BATCH, script)).isInstanceOf(DeferredException.class);
            // later runs (and a restarted or other replica: a new policy over the same stored hold) end the same way
            for (FaultTolerantPush later : List.of(push, push, policy("d-other-" + wait.toSeconds(), 20, held))) {
                assertThatThrownBy(() -> later.push(BATCH, script))
                        .isInstanceOf(DeferredException.class)
                        .hasMessageContaining(start.plus(wait).toString().replace(":00Z", ":00Z"));
            }
            assertThat(script.calls).as("no call while held").isEqualTo(1);
            assertThat(time.now).as("no thread waited").isEqualTo(start);

            time.now = start.plus(wait).plusSeconds(1);
            assertThat(push.push(BATCH, script).confirmed()).hasSize(1);
            assertThat(script.calls).isEqualTo(2);
        }
    }

    @Test
    void aHoldEndingWithinMaxRetryAfterIsWaitedForOnThePacer() throws Exception {
        hold.holdUntil(time.now.plusSeconds(30), "short");
        Script script = new Script().then(() -> BatchResult.allConfirmed(BATCH));
        var start = time.now;
        assertThat(policy("d-short", 20).push(BATCH, script).confirmed()).hasSize(1);
        assertThat(Duration.between(start, time.now)).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndDefers() {
        FaultTolerantPush p = policy("d5", 4);
        Script failing = new Script().then(fail(new RetryableException("503")));
        assertThatThrownBy(() -> p.push(BATCH, failing)).isInstanceOf(RetryableException.class);
        Script ok = new Script().then(() -> BatchResult.allConfirmed(BATCH));
        assertThatThrownBy(() -> p.push(BATCH, ok))
                .isInstanceOf(DeferredException.class)
                .hasMessageContaining("circuit open");
        assertThat(ok.calls).isZero();
    }
}
