package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.SettingProblem;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A test connector ({@code faults}) that throws what a test sets, or holds a push until released: for the daemon's
 * own faults (a connector throwing an Error, a run still pushing at shutdown).
 */
@ApplicationScoped
public class FaultConnector implements Destination {
    /** What the next pushes throw; null accepts every record. */
    public static volatile Supplier<Throwable> fault;
    /** When set, a push counts {@link #entered} down and waits for this latch (at most 30 s). */
    public static volatile CountDownLatch hold;

    public static volatile CountDownLatch entered = new CountDownLatch(1);

    public static void reset() {
        fault = null;
        hold = null;
        entered = new CountDownLatch(1);
    }

    @Override
    public String type() {
        return "faults";
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return List.of();
    }

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        CountDownLatch h = hold;
        if (h != null) {
            entered.countDown();
            try {
                h.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Supplier<Throwable> f = fault;
        if (f != null) {
            Throwable t = f.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
        return BatchResult.allConfirmed(batch);
    }

    @Override
    public BatchLimits limits() {
        return new BatchLimits(100, 1_000_000);
    }
}
