package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;

/**
 * Sends one batch with the engine's retry, back-off, circuit breaking and pacing around it; the only place where a
 * push is retried.
 */
@FunctionalInterface
public interface PushPolicy {

    /**
     * @param attempt called with the batch before each attempt; performs the connector call
     * @return the destination's per-record outcomes
     * @throws dev.masync.connector.spi.RetryableException when retries are exhausted: nothing is confirmed
     * @throws dev.masync.connector.spi.PermanentException when retrying cannot help
     * @throws DeferredException when the destination asked to wait longer than a run should
     */
    BatchResult push(Batch batch, Attempt attempt) throws InterruptedException;

    /** One call to the connector. */
    @FunctionalInterface
    interface Attempt {
        BatchResult call(Batch batch);
    }
}
