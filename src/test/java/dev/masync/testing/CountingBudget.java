package dev.masync.testing;

import dev.masync.connector.spi.CallBudget;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A call budget for connector tests: counts permits (taken, closed, open at once) and keeps every observation. */
public final class CountingBudget implements CallBudget {
    public final AtomicInteger taken = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();
    public final AtomicInteger open = new AtomicInteger();
    public final AtomicInteger maxOpen = new AtomicInteger();
    public final List<Observation> observations = new CopyOnWriteArrayList<>();

    @Override
    public Permit take() {
        taken.incrementAndGet();
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        boolean[] done = {false};
        return () -> {
            if (!done[0]) {
                done[0] = true;
                open.decrementAndGet();
                closed.incrementAndGet();
            }
        };
    }

    @Override
    public void observe(Observation observation) {
        observations.add(observation);
    }
}
