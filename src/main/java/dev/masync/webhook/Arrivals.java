package dev.masync.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Tells the targeted sync that a receiver stored events, so a micro-batch starts within its gathering window instead
 * of at the next sweep. In-process only: events stored by another replica are found by that replica's signal or by
 * the periodic sweep.
 */
@ApplicationScoped
public class Arrivals {
    private final Object lock = new Object();
    private boolean signalled;

    /** Events were stored durably. */
    public void arrived() {
        synchronized (lock) {
            signalled = true;
            lock.notifyAll();
        }
    }

    /**
     * Waits up to {@code max} for an arrival and consumes it.
     *
     * @return whether events arrived (false: the wait ran out)
     */
    public boolean await(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (!signalled) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                lock.wait(Math.max(1, left / 1_000_000));
            }
            signalled = false;
            return true;
        }
    }
}
