package dev.masync.webhook;

import java.util.List;

/** One parsed delivery: the events for the inbox, and how many events were of types we ignore (not stored). */
public record Delivery(List<InboundEvent> events, int ignored) {
    public Delivery {
        events = List.copyOf(events);
        if (ignored < 0) throw new IllegalArgumentException("ignored must not be negative");
    }
}
