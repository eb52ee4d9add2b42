package dev.masync.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The durable inbox of inbound CRM events (control DB). A receiver calls {@link #accept} and answers the sender only
 * after it returned: from then on a crash loses nothing. The targeted sync {@link #claim}s due events, processes
 * them, and reports each as {@link #processed} or {@link #failed}; an event that keeps failing is quarantined and
 * stays visible with its error until retention removes it.
 *
 * <p>Claims are leases: an event claimed by a process that died becomes due again when its lease ends, so every
 * accepted event is processed at least once; processing is idempotent (it re-evaluates learners), so at least once is
 * exactly once in effect.
 */
public interface WebhookInbox {

    /**
     * Stores the new events of one delivery in one transaction, durably before it returns; events whose
     * {@link InboundEvent#dedupKey} (per source) is already stored are counted as duplicates and not stored again.
     */
    Accepted accept(List<InboundEvent> events, Instant receivedAt);

    /** What {@link #accept} did. */
    record Accepted(int stored, int duplicates) {}

    /**
     * Claims up to {@code max} due events (pending, or leased by a claim that ended, or failed and past their
     * back-off), oldest first, for {@code leaseFor}; none is handed to two live claims.
     */
    List<InboxEvent> claim(int max, Instant now, Duration leaseFor);

    /** The event was handled; {@code outcome} says how (e.g. "synced 2 learners to 3 syncs", "echo", "ignored"). */
    void processed(long id, String outcome, Instant now);

    /** Handling failed; the event is retried after a back-off, or quarantined once it has failed too often. */
    void failed(long id, String error, Instant now);

    /**
     * Handling could not start (the sync runs elsewhere, the daemon is stopping): the event is due again at
     * {@code until}, and this claim does not count as an attempt, so waiting never quarantines an event.
     */
    void postpone(long id, Instant until);

    /** A stored event with its processing state. */
    record InboxEvent(long id, InboundEvent event, Instant receivedAt, int attempts) {}
}
