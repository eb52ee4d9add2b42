package dev.masync.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ArrivalsTest {
    @Test
    void anArrivalIsConsumedOnceAndAWaitWithoutOneRunsOut() throws Exception {
        Arrivals arrivals = new Arrivals();
        assertThat(arrivals.await(Duration.ZERO)).as("nothing arrived").isFalse();
        arrivals.arrived();
        arrivals.arrived(); // two deliveries before the batch: one signal
        assertThat(arrivals.await(Duration.ZERO)).isTrue();
        assertThat(arrivals.await(Duration.ZERO)).as("consumed").isFalse();
    }

    @Test
    void aWaitingLoopWakesWhenEventsArrive() throws Exception {
        Arrivals arrivals = new Arrivals();
        Thread receiver = new Thread(arrivals::arrived);
        receiver.start();
        // bounded by a minute only so a broken signal fails instead of hanging; it returns at the arrival
        assertThat(arrivals.await(Duration.ofMinutes(1))).isTrue();
        receiver.join();
    }
}
