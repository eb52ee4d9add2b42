package dev.masync.sync.run;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The end of the runs this process executes, as a signal: a caller waits for a run to end without polling. A run is
 * registered before its worker starts and signalled once its outcome is recorded; a run not registered here is not
 * running in this process (it ended, or another replica runs it).
 */
final class RunCompletions {
    private final Map<Long, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

    /** Registers a run about to start (before its worker can end it). */
    void started(long runId) {
        running.put(runId, new CompletableFuture<>());
    }

    /** Signals that the run's outcome is recorded; idempotent, and harmless for runs never registered. */
    void ended(long runId) {
        CompletableFuture<Void> f = running.remove(runId);
        if (f != null) {
            f.complete(null);
        }
    }

    /**
     * Waits at most {@code timeout} for the run to end.
     *
     * @return true if it ended (or does not run in this process), false if it still runs after {@code timeout}
     */
    boolean await(long runId, Duration timeout) {
        CompletableFuture<Void> f = running.get(runId);
        if (f == null) {
            return true;
        }
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** Runs registered and not yet ended. */
    int pending() {
        return running.size();
    }
}
