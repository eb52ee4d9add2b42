package dev.masync.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the HubSpot record ids of contacts by key: remembered ids first ({@link RecordIds}), then
 * {@code POST .../objects/contacts/batch/read} with {@code idProperty} for the rest, {@value #INPUTS_PER_CALL} keys a
 * call. A key HubSpot does not know is marked {@link ContactTarget#notFound not found}.
 */
final class RecordIdResolver {
    static final int INPUTS_PER_CALL = 100;
    static final String READ = "objects/contacts/batch/read";

    private final HubSpotCalls calls;
    private final RecordIds ids;
    private final String account;
    private final String idProperty;

    RecordIdResolver(HubSpotCalls calls, RecordIds ids, String account, String idProperty) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.account = Objects.requireNonNull(account, "account");
        this.idProperty = Objects.requireNonNull(idProperty, "idProperty");
    }

    /** Sets {@link ContactTarget#recordId} of every target without one, or marks it not found. */
    void resolve(Collection<ContactTarget> targets) {
        List<ContactTarget> missing = targets.stream()
                .filter(t -> t.recordId == null && !t.notFound)
                .filter(t -> {
                    Optional<String> known = ids.get(account, idProperty, t.key);
                    known.ifPresent(id -> {
                        t.recordId = id;
                        t.remembered = true;
                    });
                    return known.isEmpty();
                })
                .toList();
        for (int from = 0; from < missing.size(); from += INPUTS_PER_CALL) {
            read(missing.subList(from, Math.min(missing.size(), from + INPUTS_PER_CALL)));
        }
    }

    private void read(List<ContactTarget> chunk) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("idProperty", idProperty);
        body.putArray("properties").add(idProperty);
        ArrayNode inputs = body.putArray("inputs");
        chunk.forEach(t -> inputs.addObject().put("id", t.key));
        JsonNode answer = calls.post(READ, body);
        if (!answer.has("results") && !answer.has("errors")) {
            throw new dev.masync.connector.spi.RetryableException(
                    "malformed_response: HubSpot answered a batch read with neither results nor errors");
        }
        java.util.Map<String, ContactTarget> byKey = new java.util.HashMap<>();
        chunk.forEach(t -> byKey.put(t.key, t));
        for (JsonNode result : answer.path("results")) {
            String value = result.path("properties").path(idProperty).asText(null);
            String recordId = result.path("id").asText(null);
            ContactTarget t = value == null ? null : byKey.get(ContactTarget.key(idProperty, value));
            if (t != null && recordId != null) {
                t.recordId = recordId;
                t.remembered = false;
                ids.put(account, idProperty, t.key, recordId);
            }
        }
        // keys HubSpot reported missing (207 OBJECT_NOT_FOUND), or that no result answered (e.g. a secondary e-mail)
        chunk.stream().filter(t -> t.recordId == null).forEach(t -> t.notFound = true);
    }
}
