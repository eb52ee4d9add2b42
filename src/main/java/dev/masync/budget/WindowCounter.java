package dev.masync.budget;

import java.time.Duration;
import java.time.Instant;

/** Counts events in the last window in 20 buckets (bounded memory whatever the window's size). Thread-safe. */
final class WindowCounter {
    private static final int BUCKETS = 20;
    private final long bucketNanos;
    private final long[] ids = new long[BUCKETS];
    private final long[] counts = new long[BUCKETS];

    WindowCounter(Duration window) {
        this.bucketNanos = Math.max(1, window.toNanos() / BUCKETS);
    }

    private long bucket(Instant t) {
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        return Math.floorDiv(nanos, bucketNanos);
    }

    synchronized void add(Instant t) {
        long b = bucket(t);
        int i = (int) Math.floorMod(b, BUCKETS);
        if (ids[i] != b) {
            ids[i] = b;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** Events in the buckets overlapping the window that ends at {@code now}. */
    synchronized long count(Instant now) {
        long b = bucket(now);
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (ids[i] > b - BUCKETS && ids[i] <= b) n += counts[i];
        }
        return n;
    }
}
