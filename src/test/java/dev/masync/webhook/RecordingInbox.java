package dev.masync.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An in-memory {@link WebhookInbox} that records what receivers hand it, dedups per source like the real one, and can
 * be told to fail. Enabled only by {@link WebhookTestProfile}, so it never replaces the real inbox elsewhere.
 */
@Alternative
@ApplicationScoped
public class RecordingInbox implements WebhookInbox {
    private final List<InboundEvent> stored = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private int calls;
    private RuntimeException failure;

    @Override
    public synchronized Accepted accept(List<InboundEvent> events, Instant receivedAt) {
        calls++;
        if (failure != null) {
            throw failure;
        }
        int fresh = 0;
        int duplicates = 0;
        for (InboundEvent e : events) {
            if (keys.add(e.source() + "\u0000" + e.dedupKey())) {
                stored.add(e);
                fresh++;
            } else {
                duplicates++;
            }
        }
        return new Accepted(fresh, duplicates);
    }

    @Override
    public List<InboxEvent> claim(int max, Instant now, Duration leaseFor) {
        return List.of(); // nothing is processed in receiver tests
    }

    @Override
    public void processed(long id, String outcome, Instant now) {}

    @Override
    public void failed(long id, String error, Instant now) {}

    @Override
    public void postpone(long id, Instant until) {}

    public synchronized List<InboundEvent> stored() {
        return List.copyOf(stored);
    }

    /** How often {@link #accept} was called. */
    public synchronized int calls() {
        return calls;
    }

    public synchronized void failWith(RuntimeException e) {
        failure = e;
    }

    public synchronized void reset() {
        stored.clear();
        keys.clear();
        calls = 0;
        failure = null;
    }
}
