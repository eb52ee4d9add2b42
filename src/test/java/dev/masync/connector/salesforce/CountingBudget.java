package dev.masync.connector.salesforce;

import dev.masync.connector.spi.CallBudget;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A call budget that counts permits (taken, open at once) and keeps every observation. */
final class CountingBudget implements CallBudget {
    final AtomicInteger taken = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    final List<Observation> observed = new CopyOnWriteArrayList<>();

    @Override
    public Permit take() {
        taken.incrementAndGet();
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        boolean[] closed = {false};
        return () -> {
            if (!closed[0]) {
                closed[0] = true;
                open.decrementAndGet();
            }
        };
    }

    @Override
    public void observe(Observation observation) {
        observed.add(observation);
    }
}
