package dev.masync.sync.run;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting for a run's end on its signal: never a sleep, never longer than asked. */
class RunCompletionsTest {

    @Test
    void aRunNotRegisteredHereHasEnded() {
        assertThat(new RunCompletions().await(7, Duration.ofHours(1))).isTrue();
    }

    @Test
    void aRunningRunIsNotEndedAfterAZeroWait() {
        RunCompletions c = new RunCompletions();
        c.started(7);
        assertThat(c.await(7, Duration.ZERO)).isFalse();
        c.ended(7);
        assertThat(c.await(7, Duration.ZERO)).isTrue();
        assertThat(c.pending()).isZero();
    }

    @Test
    void aWaiterWakesOnTheSignalNotOnItsTimeout() throws Exception {
        RunCompletions c = new RunCompletions();
        c.started(7);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> c.await(7, Duration.ofHours(1)));
        c.ended(7);
        // an hour's timeout: only the signal can end the wait within the test's bound
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void endingTwiceOrAnUnknownRunIsHarmless() {
        RunCompletions c = new RunCompletions();
        c.ended(1);
        c.started(2);
        c.ended(2);
        c.ended(2);
        assertThat(c.pending()).isZero();
    }
}
