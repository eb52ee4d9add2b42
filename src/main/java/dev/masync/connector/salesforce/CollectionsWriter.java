package dev.masync.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes records through sObject Collections, at most {@link #MAX_RECORDS} per call, {@code allOrNone=false}, results
 * read in input order: upserts by external id ({@code PATCH composite/sobjects/{object}/{field}}) and updates that
 * never create (the ids found by a SOQL query on the external id, then {@code PATCH composite/sobjects} by id; a
 * record not found is refused as {@code not_found}). A confirmed outcome carries the record id its result names.
 */
final class CollectionsWriter {
    static final int MAX_RECORDS = 200;
    /** Per-record codes that pass by themselves: the batch is sent again (upserts by external id replay safely). */
    static final Set<String> TRANSIENT_CODES = Set.of("UNABLE_TO_LOCK_ROW");

    /** Outcomes of one call's records in input order, and the Salesforce id of each record written. */
    record Written(List<RecordOutcome> outcomes, Map<String, String> ids) {}

    private final SalesforceApi api;
    private final String object;

    CollectionsWriter(SalesforceApi api, String object) {
        this.api = api;
        this.object = object;
    }

    /** Upserts at most 200 records by {@code externalIdField}. */
    Written upsert(String externalIdField, List<RecordChange> chunk) {
        ObjectNode body = SalesforceApi.JSON.createObjectNode();
        body.put("allOrNone", false);
        ArrayNode records = body.putArray("records");
        for (RecordChange change : chunk) {
            ObjectNode r = records.addObject();
            r.putObject("attributes").put("type", object);
            change.fields().forEach((name, value) -> r.set(name, SalesforceApi.JSON.valueToTree(value)));
            r.put(externalIdField, change.destinationKey());
        }
        HttpUrl url =
                api.url("composite/sobjects/" + object + "/" + externalIdField).build();
        return read(chunk, api.send("PATCH", url, body), Map.of());
    }

    /** Updates at most 200 existing records found by {@code externalIdField}; creates none. */
    Written update(String externalIdField, List<RecordChange> chunk) {
        Map<String, String> ids = findIds(externalIdField, keys(chunk));
        List<RecordChange> found = new ArrayList<>();
        Map<String, RecordOutcome> missing = new HashMap<>();
        for (RecordChange c : chunk) {
            if (ids.containsKey(c.destinationKey())) found.add(c);
            else {
                missing.put(
                        c.destinationKey(),
                        RecordOutcome.rejected(
                                c.destinationKey(),
                                "not_found",
                                "no " + object + " has " + externalIdField + " = this key; the sync's mode is update,"
                                        + " which never creates records"));
            }
        }
        List<RecordOutcome> outcomes = new ArrayList<>();
        Map<String, String> written = new HashMap<>();
        if (!found.isEmpty()) {
            ObjectNode body = SalesforceApi.JSON.createObjectNode();
            body.put("allOrNone", false);
            ArrayNode records = body.putArray("records");
            for (RecordChange change : found) {
                ObjectNode r = records.addObject();
                r.putObject("attributes").put("type", object);
                r.put("Id", ids.get(change.destinationKey()));
                change.fields().forEach((name, value) -> r.set(name, SalesforceApi.JSON.valueToTree(value)));
            }
            Written w =
                    read(found, api.send("PATCH", api.url("composite/sobjects").build(), body), ids);
            outcomes.addAll(w.outcomes());
            written.putAll(w.ids());
        }
        outcomes.addAll(missing.values());
        return new Written(outcomes, written);
    }

    /** Salesforce ids of the records whose {@code field} is one of {@code keys}, by key (at most 200 keys). */
    Map<String, String> findIds(String field, Collection<String> keys) {
        return byKey(keys, query(object, "Id, " + field, field + " IN (" + quoted(keys) + ")", field));
    }

    /**
     * {@code SELECT Id, keyField FROM sObject WHERE condition}: the ids by the value of {@code keyField} (matched
     * without case, as Salesforce matches external ids).
     */
    Map<String, String> query(String sObject, String select, String where, String keyField) {
        HttpUrl url = api.url("query")
                .addQueryParameter("q", "SELECT " + select + " FROM " + sObject + " WHERE " + where)
                .build();
        Map<String, String> out = new HashMap<>();
        JsonNode page = api.get(url);
        while (true) {
            JsonNode records = page.get("records");
            if (records == null || !records.isArray()) {
                throw new RetryableException(
                        "malformed_response: a Salesforce query answer has no records array; it is sent again");
            }
            for (JsonNode r : records) {
                String key = r.path(keyField).asText(null);
                String id = r.path("Id").asText(null);
                if (key != null && id != null) out.put(key.toLowerCase(Locale.ROOT), id);
            }
            String next = page.path("nextRecordsUrl").asText(null);
            if (page.path("done").asBoolean(true) || next == null) break;
            page = api.get(api.url("query/" + next.substring(next.lastIndexOf('/') + 1))
                    .build());
        }
        return out;
    }

    /** The result of {@link #query}, looked up by the original keys (case kept as the batch has it). */
    static Map<String, String> byKey(Collection<String> keys, Map<String, String> lowerCased) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            String id = lowerCased.get(k.toLowerCase(Locale.ROOT));
            if (id != null) out.put(k, id);
        }
        return out;
    }

    private Written read(List<RecordChange> sent, JsonNode answer, Map<String, String> knownIds) {
        if (!answer.isArray() || answer.size() != sent.size()) {
            throw new RetryableException(
                    "malformed_response: Salesforce answered " + (answer.isArray() ? answer.size() : 0)
                            + " results for " + sent.size() + " records; the batch is sent again");
        }
        List<RecordOutcome> outcomes = new ArrayList<>(sent.size());
        Map<String, String> ids = new HashMap<>();
        String transientError = null;
        for (int i = 0; i < sent.size(); i++) {
            String key = sent.get(i).destinationKey();
            JsonNode result = answer.get(i);
            if (result.path("success").asBoolean(false)) {
                String answered = id(result);
                outcomes.add(RecordOutcome.confirmed(key, answered)); // the id exactly as answered (18 characters)
                String id = answered != null ? answered : knownIds.get(key);
                if (id != null) ids.put(key, id);
                continue;
            }
            JsonNode errors = result.path("errors");
            JsonNode first = errors.isArray() && !errors.isEmpty() ? errors.get(0) : null;
            String code =
                    first == null ? "unknown_error" : first.path("statusCode").asText("unknown_error");
            if (TRANSIENT_CODES.contains(code)) transientError = code;
            outcomes.add(RecordOutcome.rejected(key, code, message(errors)));
        }
        if (transientError != null) {
            throw new RetryableException("Salesforce refused a record for a passing reason (" + transientError
                    + "); the batch is sent again");
        }
        return new Written(outcomes, ids);
    }

    /** The record's Salesforce id in one result, or null when the result names none. */
    private static String id(JsonNode result) {
        JsonNode id = result.path("id");
        return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
    }

    /** Every error of one record: {@code "message [Field]; …"}, without e-mail addresses. */
    static String message(JsonNode errors) {
        if (!errors.isArray() || errors.isEmpty()) return "Salesforce refused the record without saying why";
        StringBuilder out = new StringBuilder();
        for (JsonNode e : errors) {
            if (!out.isEmpty()) out.append("; ");
            out.append(e.path("message").asText(e.path("statusCode").asText()));
            JsonNode fields = e.path("fields");
            if (fields.isArray() && !fields.isEmpty()) out.append(" ").append(fields);
        }
        return Redaction.text(out.toString());
    }

    static List<String> keys(List<RecordChange> chunk) {
        return chunk.stream().map(RecordChange::destinationKey).toList();
    }

    /** {@code 'a', 'b'}: SOQL string literals, quotes and backslashes escaped. */
    static String quoted(Collection<String> values) {
        StringBuilder out = new StringBuilder();
        for (String v : values) {
            if (!out.isEmpty()) out.append(", ");
            out.append('\'').append(v.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return out.toString();
    }
}
