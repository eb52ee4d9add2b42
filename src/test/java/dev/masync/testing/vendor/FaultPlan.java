package dev.masync.testing.vendor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Random;

/**
 * What a vendor fake spoils, drawn once per API request (token endpoints excluded): first any scripted faults, in
 * order ({@link #next}, {@link #burst}), then a seeded random 5xx at {@link #serverErrorRate}. Thread-safe.
 */
public final class FaultPlan {
    private final Deque<Fault> scripted = new ArrayDeque<>();
    private final Random random;
    private double serverErrorRate;
    private int serverErrorStatus = 503;

    public FaultPlan(long seed) {
        this.random = new Random(seed);
    }

    /** The next API request gets {@code fault} (after earlier scripted ones). */
    public synchronized FaultPlan next(Fault fault) {
        scripted.addLast(Objects.requireNonNull(fault, "fault"));
        return this;
    }

    /** The next {@code count} API requests get {@code fault}, e.g. a throttle burst. */
    public synchronized FaultPlan burst(int count, Fault fault) {
        for (int i = 0; i < count; i++) next(fault);
        return this;
    }

    /** A fraction in [0, 1] of API requests (without a scripted fault) answers {@code status} (5xx). */
    public synchronized FaultPlan serverErrorRate(double rate, int status) {
        if (rate < 0 || rate > 1) throw new IllegalArgumentException("a rate is in [0, 1], got " + rate);
        Fault.serverError(status); // validates the status
        this.serverErrorRate = rate;
        this.serverErrorStatus = status;
        return this;
    }

    public synchronized void clear() {
        scripted.clear();
        serverErrorRate = 0;
    }

    public synchronized int pending() {
        return scripted.size();
    }

    /** The fault for this request, or {@code null}. */
    synchronized Fault draw() {
        Fault f = scripted.pollFirst();
        if (f != null) return f;
        if (serverErrorRate > 0 && random.nextDouble() < serverErrorRate) return Fault.serverError(serverErrorStatus);
        return null;
    }
}
