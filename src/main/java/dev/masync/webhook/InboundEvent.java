package dev.masync.webhook;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One event a CRM sent us, as its receiver parsed it: which record of which account changed how, and whatever the
 * payload said about who it is. Receivers produce these; the {@link WebhookInbox} stores them before the sender gets
 * its answer; the targeted sync maps them to learners.
 *
 * @param source      {@code hubspot}, {@code salesforce} or {@code generic:<source>}
 * @param account     the sender's account (HubSpot portal id, Salesforce organization id), or empty when unknown
 * @param dedupKey    the same for every delivery of the same event (senders retry), unique otherwise; at most 200
 *                    characters (receivers hash longer ones)
 * @param kind        what happened
 * @param objectType  the CRM object type as the sender names it ({@code contact}, {@code Contact}, {@code Lead})
 * @param objectId    the CRM's record id, or empty when the payload names the record only by identities
 * @param identities  field name → value the payload carries for the record (e.g. {@code email}, an external id field)
 * @param property    for a property change: the property that changed
 * @param value       for a property change: its new value as sent (for echo suppression)
 * @param occurredAt  when the sender says it happened (receive time when it does not say)
 * @param payload     the event's own part of the body (JSON or XML text), kept for the inbox listing
 */
public record InboundEvent(
        String source,
        Optional<String> account,
        String dedupKey,
        Kind kind,
        String objectType,
        Optional<String> objectId,
        Map<String, String> identities,
        Optional<String> property,
        Optional<String> value,
        Instant occurredAt,
        String payload) {

    /** What happened to the record. */
    public enum Kind {
        CREATED,
        CHANGED,
        DELETED,
        /** Records merged into {@code objectId}; the merged ids are in {@code identities} under {@code mergedIds}. */
        MERGED
    }

    public InboundEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
        identities = Map.copyOf(identities);
        if (dedupKey.isEmpty() || dedupKey.length() > 200)
            throw new IllegalArgumentException("dedupKey must have 1 to 200 characters");
    }
}
