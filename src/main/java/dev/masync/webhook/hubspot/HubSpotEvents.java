package dev.masync.webhook.hubspot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.masync.webhook.DedupKeys;
import dev.masync.webhook.Delivery;
import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.InboundEvent.Kind;
import dev.masync.webhook.WebhookRefusal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HubSpot's webhook body, a JSON array of events, as {@link InboundEvent}s. Contact events are kept, in the
 * {@code contact.*} form and the generic {@code object.*} form with {@code objectTypeId} {@code 0-1}: creation and
 * restore (CREATED), propertyChange (CHANGED), deletion and privacyDeletion (DELETED), merge (MERGED). Any other type
 * is counted as ignored. HubSpot's {@code eventId} alone is not unique, so the dedup key joins subscription, object,
 * time, event id and property.
 */
public final class HubSpotEvents {
    public static final String SOURCE = "hubspot";
    static final String CONTACTS_TYPE_ID = "0-1";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private HubSpotEvents() {}

    /** The events of a body; 400 {@code malformed_json} or {@code invalid_payload} when it is not HubSpot's shape. */
    public static Delivery parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw WebhookRefusal.badRequest(
                    "malformed_json", "The body is not valid JSON: " + e.getOriginalMessage() + ".");
        } catch (IOException e) {
            throw WebhookRefusal.badRequest("malformed_json", "The body is not valid JSON.");
        }
        if (root == null || root.isMissingNode()) {
            throw WebhookRefusal.badRequest("malformed_json", "The body is empty; send JSON.");
        }
        if (root == null || !root.isArray()) {
            throw invalid("", "HubSpot sends a JSON array of events");
        }
        List<InboundEvent> events = new ArrayList<>();
        int ignored = 0;
        for (int i = 0; i < root.size(); i++) {
            JsonNode event = root.get(i);
            String at = "/" + i;
            if (!event.isObject()) {
                throw invalid(at, "each event is a JSON object");
            }
            Optional<InboundEvent> parsed = event(event, at);
            if (parsed.isPresent()) {
                events.add(parsed.get());
            } else {
                ignored++;
            }
        }
        return new Delivery(events, ignored);
    }

    private static Optional<InboundEvent> event(JsonNode event, String at) {
        String type = text(event, "subscriptionType", at, true);
        Optional<Kind> kind = kind(type);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        if (type.startsWith("object.")) {
            String typeId = text(event, "objectTypeId", at, false);
            if (!CONTACTS_TYPE_ID.equals(typeId)) {
                return Optional.empty(); // another object type: not a learner
            }
        }
        String eventId = id(event, "eventId", at, true);
        String subscriptionId = id(event, "subscriptionId", at, true);
        String portalId = id(event, "portalId", at, true);
        JsonNode occurred = event.get("occurredAt");
        if (occurred == null || !occurred.canConvertToLong()) {
            throw invalid(at + "/occurredAt", "occurredAt (epoch milliseconds) is required");
        }
        Instant occurredAt = Instant.ofEpochMilli(occurred.longValue());
        Optional<String> property = Optional.ofNullable(text(event, "propertyName", at, false));
        Optional<String> value = Optional.ofNullable(scalar(event.get("propertyValue")));
        Map<String, String> identities = new LinkedHashMap<>();
        String rawObjectId = id(event, "objectId", at, kind.get() != Kind.MERGED);
        String objectId = rawObjectId;
        if (kind.get() == Kind.MERGED) {
            String primary = id(event, "primaryObjectId", at, false);
            String created = id(event, "newObjectId", at, false);
            List<String> merged = new ArrayList<>();
            JsonNode ids = event.get("mergedObjectIds");
            if (ids != null && ids.isArray()) {
                ids.forEach(n -> merged.add(n.asText()));
            }
            if (created != null && !created.equals("0") && primary != null && !primary.equals(created)) {
                merged.add(primary); // the merge made a new record: the primary's id is gone too
            }
            objectId = created != null && !created.equals("0") ? created : primary != null ? primary : rawObjectId;
            if (objectId == null) {
                throw invalid(at + "/primaryObjectId", "a merge names its surviving record (primaryObjectId)");
            }
            if (!merged.isEmpty()) {
                identities.put("mergedIds", String.join(",", merged));
            }
        }
        if (kind.get() == Kind.CHANGED && property.isEmpty()) {
            throw invalid(at + "/propertyName", "a property change names its property (propertyName)");
        }
        if (property.filter("email"::equals).isPresent()
                && value.filter(v -> !v.isBlank()).isPresent()) {
            identities.put("email", value.get());
        }
        String key = subscriptionId + "/" + (rawObjectId == null ? objectId : rawObjectId) + "/" + occurred.longValue()
                + "/" + eventId + property.map(p -> "/" + p).orElse("");
        return Optional.of(new InboundEvent(
                SOURCE,
                Optional.of(portalId),
                DedupKeys.of(key),
                kind.get(),
                "contact",
                Optional.of(objectId),
                identities,
                kind.get() == Kind.CHANGED ? property : Optional.empty(),
                kind.get() == Kind.CHANGED ? value : Optional.empty(),
                occurredAt,
                event.toString()));
    }

    /** The kind of a contact subscription type, or empty for a type we do not handle. */
    static Optional<Kind> kind(String subscriptionType) {
        String action;
        if (subscriptionType.startsWith("contact.")) {
            action = subscriptionType.substring("contact.".length());
        } else if (subscriptionType.startsWith("object.")) {
            action = subscriptionType.substring("object.".length());
        } else {
            return Optional.empty();
        }
        return switch (action) {
            case "creation", "restore" -> Optional.of(Kind.CREATED);
            case "propertyChange" -> Optional.of(Kind.CHANGED);
            case "deletion", "privacyDeletion" -> Optional.of(Kind.DELETED);
            case "merge" -> Optional.of(Kind.MERGED);
            default -> Optional.empty();
        };
    }

    private static String text(JsonNode event, String field, String at, boolean required) {
        JsonNode n = event.get(field);
        if (n == null || n.isNull()) {
            if (required) throw invalid(at + "/" + field, field + " is required");
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(at + "/" + field, field + " must be a string");
        }
        return n.textValue();
    }

    /** A numeric or string id as text. */
    private static String id(JsonNode event, String field, String at, boolean required) {
        JsonNode n = event.get(field);
        if (n == null || n.isNull()) {
            if (required) throw invalid(at + "/" + field, field + " is required");
            return null;
        }
        if (!(n.isIntegralNumber() || n.isTextual()) || n.asText().isBlank()) {
            throw invalid(at + "/" + field, field + " must be a number or a non-empty string");
        }
        return n.asText();
    }

    private static String scalar(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        return n.asText();
    }

    private static WebhookRefusal invalid(String pointer, String what) {
        return WebhookRefusal.badRequest(
                "invalid_payload",
                "The body is not a HubSpot webhook payload at '" + (pointer.isEmpty() ? "/" : pointer) + "': " + what
                        + ".");
    }
}
