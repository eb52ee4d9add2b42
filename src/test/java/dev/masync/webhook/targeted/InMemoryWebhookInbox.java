package dev.masync.webhook.targeted;

import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.WebhookInbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link WebhookInbox} in memory, for tests of the targeted sync (not a bean: the application's inbox is the durable
 * one). Claims are leases; a failed event is due again at once (no back-off here). Thread-safe.
 */
final class InMemoryWebhookInbox implements WebhookInbox {
    /** An event and what became of it. */
    static final class Stored {
        final long id;
        final InboundEvent event;
        final Instant receivedAt;
        int attempts;
        Instant leasedUntil;
        String outcome;
        String error;

        Stored(long id, InboundEvent event, Instant receivedAt) {
            this.id = id;
            this.event = event;
            this.receivedAt = receivedAt;
        }
    }

    private final Map<Long, Stored> events = new LinkedHashMap<>();
    private long next = 1;

    @Override
    public synchronized Accepted accept(List<InboundEvent> batch, Instant receivedAt) {
        int stored = 0;
        int duplicates = 0;
        for (InboundEvent e : batch) {
            boolean known = events.values().stream()
                    .anyMatch(s -> s.event.source().equals(e.source())
                            && s.event.dedupKey().equals(e.dedupKey()));
            if (known) {
                duplicates++;
            } else {
                long id = next++;
                events.put(id, new Stored(id, e, receivedAt));
                stored++;
            }
        }
        return new Accepted(stored, duplicates);
    }

    /** Stores one event; returns its id. */
    synchronized long add(InboundEvent event, Instant receivedAt) {
        accept(List.of(event), receivedAt);
        return next - 1;
    }

    @Override
    public synchronized List<InboxEvent> claim(int max, Instant now, Duration leaseFor) {
        List<InboxEvent> out = new ArrayList<>();
        for (Stored s : events.values()) {
            if (out.size() >= max) {
                break;
            }
            boolean due = s.outcome == null && (s.leasedUntil == null || !s.leasedUntil.isAfter(now));
            if (due) {
                s.attempts++;
                s.leasedUntil = now.plus(leaseFor);
                out.add(new InboxEvent(s.id, s.event, s.receivedAt, s.attempts));
            }
        }
        return out;
    }

    @Override
    public synchronized void processed(long id, String outcome, Instant now) {
        Stored s = events.get(id);
        s.outcome = outcome;
        s.error = null;
    }

    @Override
    public synchronized void failed(long id, String error, Instant now) {
        Stored s = events.get(id);
        s.error = error;
        s.leasedUntil = null;
    }

    @Override
    public synchronized void postpone(long id, Instant until) {
        Stored s = events.get(id);
        s.attempts--;
        s.leasedUntil = until;
    }

    synchronized Stored get(long id) {
        return events.get(id);
    }
}
