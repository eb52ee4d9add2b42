package dev.masync.connector.hubspot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes contacts with {@code POST .../objects/contacts/batch/upsert}, at most {@value #INPUTS_PER_CALL} inputs per
 * call, each with an {@code objectWriteTraceId} so that HubSpot answers 207 with per-input errors instead of
 * refusing the whole batch for one bad input. Two ways to name a contact:
 *
 * <ul>
 *   <li>by key ({@code idProperty} = {@code email} or a unique property): creates or updates (upsert mode);</li>
 *   <li>by record id (plain {@code id}, no {@code idProperty}): updates only; HubSpot refuses an unknown id, so a
 *       contact is never created (update mode, clearing a membership field).</li>
 * </ul>
 *
 * Results are matched to inputs by key or id, not by position (HubSpot's result order is unconfirmed); the record id
 * of each matched result is remembered in {@link RecordIds} and kept as the contact's {@link ContactTarget#answeredId}
 * (reported with its outcome). An input confirmed only by the count of unmatched results gets no id: which result is
 * its own is unknown.
 */
final class ContactWriter {
    static final int INPUTS_PER_CALL = 100;
    static final String UPSERT = "objects/contacts/batch/upsert";
    private static final JsonFactory JSON = new JsonFactory();

    private final HubSpotCalls calls;
    private final RecordIds ids;
    private final String account;
    private final String idProperty;

    ContactWriter(HubSpotCalls calls, RecordIds ids, String account, String idProperty) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.account = Objects.requireNonNull(account, "account");
        this.idProperty = Objects.requireNonNull(idProperty, "idProperty");
    }

    /** Creates or updates each contact by its key. */
    void upsertByKey(Collection<ContactTarget> targets) {
        write(List.copyOf(targets), false);
    }

    /** Updates contacts by their {@link ContactTarget#recordId record ids}; never creates one. */
    void updateById(Collection<ContactTarget> targets) {
        write(List.copyOf(targets), true);
    }

    private void write(List<ContactTarget> targets, boolean byId) {
        for (int from = 0; from < targets.size(); from += INPUTS_PER_CALL) {
            List<ContactTarget> chunk = targets.subList(from, Math.min(targets.size(), from + INPUTS_PER_CALL));
            outcome(chunk, calls.post(UPSERT, body(chunk, byId)), byId);
        }
    }

    /** The call's body, written straight to bytes (no tree in between: this runs for every record). */
    private byte[] body(List<ContactTarget> chunk, boolean byId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 160 * chunk.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("inputs");
            for (int i = 0; i < chunk.size(); i++) {
                ContactTarget t = chunk.get(i);
                g.writeStartObject();
                if (byId) {
                    g.writeStringField("id", t.recordId);
                } else {
                    g.writeStringField("idProperty", idProperty);
                    g.writeStringField("id", t.key);
                }
                g.writeStringField("objectWriteTraceId", traceId(i));
                g.writeObjectFieldStart("properties");
                for (Map.Entry<String, String> p : t.properties.entrySet()) {
                    if (!byId && p.getKey().equals(idProperty)) continue; // written once, below
                    g.writeStringField(p.getKey(), p.getValue());
                }
                if (!byId) g.writeStringField(idProperty, t.key); // the key is a property of the record it creates
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_REQUEST, "cannot serialize a HubSpot contact batch", e);
        }
        return out.toByteArray();
    }

    private static String traceId(int index) {
        return "r" + index;
    }

    /** Confirms, rejects or marks not found each input of one call from its 200/207 answer. */
    private void outcome(List<ContactTarget> chunk, JsonNode answer, boolean byId) {
        JsonNode results = answer.path("results");
        JsonNode errors = answer.path("errors");
        if (results.isEmpty() && errors.isEmpty()) {
            // RS isSilentFailure: HubSpot said nothing happened; never take that as success
            throw new RetryableException("malformed_response: HubSpot answered a contact batch with neither results"
                    + " nor errors; the outcome is unknown, so the batch is sent again");
        }
        Map<String, ContactTarget> byTrace = new HashMap<>();
        Map<String, ContactTarget> byMatch = new HashMap<>();
        for (int i = 0; i < chunk.size(); i++) {
            ContactTarget t = chunk.get(i);
            byTrace.put(traceId(i), t);
            byMatch.put(byId ? t.recordId : t.key, t);
        }
        List<String> unmapped = new ArrayList<>();
        for (JsonNode error : errors) {
            List<ContactTarget> failed = new ArrayList<>();
            for (JsonNode trace : error.path("context").path("objectWriteTraceId")) {
                ContactTarget t = byTrace.get(trace.asText());
                if (t != null) failed.add(t);
            }
            String code = code(error);
            String message = message(error);
            if (failed.isEmpty()) {
                unmapped.add(code + ": " + message);
                continue;
            }
            for (ContactTarget t : failed) {
                if (byId
                        && (code.equals("OBJECT_NOT_FOUND")
                                || error.path("category").asText("").equals("OBJECT_NOT_FOUND"))) {
                    t.notFound = true;
                    ids.forget(account, idProperty, t.key);
                } else {
                    t.reject(code, "HubSpot refused the contact: " + message);
                }
            }
        }
        int unmatchedResults = 0;
        for (JsonNode result : results) {
            JsonNode id = result.path("id");
            String recordId = id.isTextual() || id.isIntegralNumber() ? id.asText() : null;
            ContactTarget t = byId
                    ? byMatch.get(recordId)
                    : match(byMatch, result.path("properties").path(idProperty).asText(null));
            if (t == null || !t.open()) {
                unmatchedResults++;
                continue;
            }
            t.confirmed = true;
            if (recordId != null && !recordId.isBlank()) {
                t.recordId = recordId;
                t.answeredId = recordId;
                ids.put(account, idProperty, t.key, recordId);
            }
        }
        // HubSpot answers one result per input it applied; when it does not echo the key, the count still tells
        List<ContactTarget> open = chunk.stream().filter(ContactTarget::open).toList();
        if (open.isEmpty()) return;
        if (unmatchedResults >= open.size()) {
            open.forEach(t -> t.confirmed = true);
        } else {
            String why = unmapped.isEmpty() ? "" : " (unattributed errors: " + String.join("; ", unmapped) + ")";
            open.forEach(t -> t.reject(
                    "missing_result", "HubSpot returned neither a result nor an error for this contact" + why));
        }
    }

    private ContactTarget match(Map<String, ContactTarget> byKey, String value) {
        return value == null ? null : byKey.get(ContactTarget.key(idProperty, value));
    }

    /** The vendor's code: the first inner {@code errors[].code}, else the category. */
    private static String code(JsonNode error) {
        for (JsonNode inner : error.path("errors")) {
            String code = inner.path("code").asText(null);
            if (code != null && !code.isBlank()) return code;
        }
        return error.path("category").asText("VALIDATION_ERROR");
    }

    /** The error's words and each inner problem's, without e-mail addresses or credentials. */
    private static String message(JsonNode error) {
        StringBuilder out = new StringBuilder(error.path("message").asText("refused"));
        for (JsonNode inner : error.path("errors")) {
            String text = inner.path("message").asText(null);
            if (text != null && !out.toString().contains(text)) {
                out.append("; ").append(text);
                if (inner.hasNonNull("in"))
                    out.append(" (").append(inner.path("in").asText()).append(')');
            }
        }
        return Redaction.text(out.toString());
    }
}
