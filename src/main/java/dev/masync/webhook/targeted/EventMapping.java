package dev.masync.webhook.targeted;

import dev.masync.destination.DestinationDefinition;
import dev.masync.sync.SyncDefinition;
import dev.masync.webhook.InboundEvent;

import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which syncs an inbound event concerns and which destination keys it names for them; whether a property change is
 * the echo of our own push. Plain functions.
 *
 * <p>A destination is concerned when it is the sender: a {@code hubspot} destination whose {@code portalId} is the
 * event's account (any, when the event names none) for {@code contact} events; a {@code salesforce} destination whose
 * {@code object} (default Contact) is the event's object type (the receiver checks the organization against
 * configuration, so every Salesforce event comes from the configured org); for {@code generic:<type>}, destinations
 * of that type.
 */
public final class EventMapping {
    /** The identities entry of a merge holding the merged-away record ids (comma or semicolon separated). */
    static final String MERGED_IDS = "mergedIds";

    private EventMapping() {}

    /** Whether the event comes from the system the destination writes to. */
    public static boolean concerns(DestinationDefinition destination, InboundEvent event) {
        String type = destination.type();
        String source = event.source();
        if (source.equals("hubspot") && type.equals("hubspot")) {
            String portal = destination.settings().getOrDefault("portalId", "").strip();
            return event.objectType().equalsIgnoreCase("contact")
                    && event.account().map(a -> a.strip().equals(portal)).orElse(true);
        }
        if (source.equals("salesforce") && type.equals("salesforce")) {
            String object = destination.settings().getOrDefault("object", "Contact");
            return event.objectType().equalsIgnoreCase(object);
        }
        return source.startsWith("generic:")
                && source.substring("generic:".length()).equals(type);
    }

    /**
     * The values under which the event's record may be known for a sync: the value of the sync's identity field
     * among the event's identities (the field's name matched without regard to case; the value is matched so too,
     * see {@link dev.masync.sync.state.StateStore#learnersOf}), and the CRM record id, which is the destination key of
     * syncs keyed on it and, for the others, the id the destination answered an earlier push with (remembered, see
     * {@link dev.masync.sync.run.RecordIds}). For a merge, only the surviving record.
     */
    public static Set<String> keys(SyncDefinition sync, InboundEvent event) {
        Set<String> out = new LinkedHashSet<>();
        identity(event.identities(), sync.identity().field()).ifPresent(out::add);
        event.objectId().filter(id -> !id.isBlank()).ifPresent(out::add);
        return out;
    }

    /** The merged-away record ids of a merge (their learners are forgotten like deleted ones). */
    public static Set<String> mergedAway(InboundEvent event) {
        Set<String> out = new LinkedHashSet<>();
        if (event.kind() != InboundEvent.Kind.MERGED) {
            return out;
        }
        identity(event.identities(), MERGED_IDS).ifPresent(ids -> {
            for (String id : ids.split("[,;\\s]+")) {
                if (!id.isBlank()) {
                    out.add(id.strip());
                }
            }
        });
        return out;
    }

    private static Optional<String> identity(Map<String, String> identities, String field) {
        for (Map.Entry<String, String> e : identities.entrySet()) {
            if (e.getKey().equalsIgnoreCase(field)
                    && e.getValue() != null
                    && !e.getValue().isBlank()) {
                return Optional.of(e.getValue().strip());
            }
        }
        return Optional.empty();
    }

    /** The mapped target field a property change is about, if the sync maps one (compared without regard to case). */
    public static Optional<String> mappedField(SyncDefinition sync, InboundEvent event) {
        if (event.kind() != InboundEvent.Kind.CHANGED || event.property().isEmpty()) {
            return Optional.empty();
        }
        String property = event.property().get();
        return sync.mapping().stream()
                .map(SyncDefinition.FieldMapping::target)
                .filter(t -> t.equalsIgnoreCase(property))
                .findFirst();
    }

    /**
     * Whether a value a CRM reports is the one we sent: equal text, equal numbers ({@code 5} and {@code 5.0}),
     * booleans without regard to case, and an empty text for a cleared field.
     */
    public static boolean sameValue(Optional<Object> sent, Optional<String> reported) {
        String r = reported.orElse("");
        if (sent.isEmpty()) {
            return r.isEmpty();
        }
        Object s = sent.get();
        if (s instanceof Boolean b) {
            return r.equalsIgnoreCase(b.toString());
        }
        if (s instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).compareTo(new BigDecimal(r.strip())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (s instanceof java.util.List<?> list) {
            // multi-value fields come back joined (HubSpot: "a;b")
            return String.join(";", list.stream().map(String::valueOf).toList()).equals(r);
        }
        return String.valueOf(s).equals(r);
    }
}
