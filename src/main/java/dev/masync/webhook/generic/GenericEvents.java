package dev.masync.webhook.generic;

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
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Our own event shape for Standard Webhooks senders: one event object, or an array of them.
 *
 * <pre>{@code
 * {"type": "record.changed",                 // record.created | record.changed | record.deleted | record.merged
 *  "objectType": "contact",                  // optional, default "contact"
 *  "objectId": "5101",                       // the CRM's record id; optional when identities are given
 *  "identities": {"email": "ada@example.com"},
 *  "property": "plan_tier", "value": "pro",  // optional, for record.changed
 *  "occurredAt": "2026-12-01T10:00:00Z",     // optional ISO-8601 instant; default: receive time
 *  "mergedIds": ["5099"]}                    // for record.merged: the ids merged into objectId
 * }</pre>
 *
 * Other types are accepted and ignored; other fields are ignored. The dedup key is the {@code webhook-id}, with
 * {@code #<index>} for events of an array.
 */
public final class GenericEvents {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private GenericEvents() {}

    public static Delivery parse(String source, String webhookId, byte[] body, Instant receivedAt) {
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
        if (root == null || !(root.isObject() || root.isArray())) {
            throw invalid("", "the body is an event object or an array of them");
        }
        List<InboundEvent> events = new ArrayList<>();
        int ignored = 0;
        boolean many = root.isArray();
        for (int i = 0; i < (many ? root.size() : 1); i++) {
            JsonNode node = many ? root.get(i) : root;
            String at = many ? "/" + i : "";
            if (!node.isObject()) {
                throw invalid(at, "each event is a JSON object");
            }
            String key = many ? webhookId + "#" + i : webhookId;
            Optional<InboundEvent> event = event(source, key, node, at, receivedAt);
            if (event.isPresent()) {
                events.add(event.get());
            } else {
                ignored++;
            }
        }
        return new Delivery(events, ignored);
    }

    private static Optional<InboundEvent> event(
            String source, String key, JsonNode node, String at, Instant receivedAt) {
        String type = text(node, "type", at);
        if (type == null) {
            throw invalid(at + "/type", "type is required");
        }
        Kind kind;
        switch (type) {
            case "record.created" -> kind = Kind.CREATED;
            case "record.changed" -> kind = Kind.CHANGED;
            case "record.deleted" -> kind = Kind.DELETED;
            case "record.merged" -> kind = Kind.MERGED;
            default -> {
                return Optional.empty();
            }
        }
        String objectType = Optional.ofNullable(text(node, "objectType", at)).orElse("contact");
        Optional<String> objectId = Optional.ofNullable(id(node, "objectId", at));
        Map<String, String> identities = new LinkedHashMap<>();
        JsonNode ids = node.get("identities");
        if (ids != null && !ids.isNull()) {
            if (!ids.isObject()) {
                throw invalid(at + "/identities", "identities is an object of field name to string value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = ids.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual() && !e.getValue().isNumber()) {
                    throw invalid(at + "/identities/" + e.getKey(), "identity values are strings");
                }
                identities.put(e.getKey(), e.getValue().asText());
            }
        }
        if (objectId.isEmpty() && identities.isEmpty()) {
            throw invalid(at + "/objectId", "an event names its record by objectId or identities");
        }
        JsonNode merged = node.get("mergedIds");
        if (merged != null && !merged.isNull()) {
            if (!merged.isArray()) {
                throw invalid(at + "/mergedIds", "mergedIds is an array of ids");
            }
            List<String> list = new ArrayList<>();
            merged.forEach(n -> list.add(n.asText()));
            if (!list.isEmpty()) {
                identities.put("mergedIds", String.join(",", list));
            }
        }
        if (kind == Kind.MERGED && objectId.isEmpty()) {
            throw invalid(at + "/objectId", "a merge names the surviving record (objectId)");
        }
        Optional<String> property = Optional.ofNullable(text(node, "property", at));
        JsonNode v = node.get("value");
        if (v != null && v.isContainerNode()) {
            throw invalid(at + "/value", "value is a string, number, boolean or null");
        }
        Optional<String> value = v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
        Instant occurredAt = receivedAt;
        String when = text(node, "occurredAt", at);
        if (when != null) {
            try {
                occurredAt = Instant.parse(when);
            } catch (DateTimeParseException e) {
                throw invalid(at + "/occurredAt", "occurredAt is an ISO-8601 instant such as 2026-12-01T10:00:00Z");
            }
        }
        return Optional.of(new InboundEvent(
                source,
                Optional.empty(),
                DedupKeys.of(key),
                kind,
                objectType,
                objectId,
                identities,
                property,
                value,
                occurredAt,
                node.toString()));
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.textValue().isBlank()) {
            throw invalid(at + "/" + field, field + " must be a non-empty string");
        }
        return n.textValue();
    }

    private static String id(JsonNode node, String field, String at) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!(n.isTextual() || n.isIntegralNumber()) || n.asText().isBlank()) {
            throw invalid(at + "/" + field, field + " must be a non-empty string or an integer");
        }
        return n.asText();
    }

    private static WebhookRefusal invalid(String pointer, String what) {
        return WebhookRefusal.badRequest(
                "invalid_payload",
                "The body is not an ma-sync webhook event at '" + (pointer.isEmpty() ? "/" : pointer) + "': " + what
                        + " (README, \"Inbound CRM webhooks\").");
    }
}
