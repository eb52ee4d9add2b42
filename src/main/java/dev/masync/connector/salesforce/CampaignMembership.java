package dev.masync.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Segment membership as {@code CampaignMember} rows of one campaign (the sync's membership field is the campaign id):
 * members are added with sObject Collections create (an existing member answers {@code DUPLICATE_VALUE}, which
 * confirms it), leavers are found by SOQL and deleted with sObject Collections delete (one already gone confirms).
 * At most 200 records per call.
 */
final class CampaignMembership {
    private final SalesforceApi api;
    private final CollectionsWriter records;
    private final String object;
    private final String campaignId;

    CampaignMembership(SalesforceApi api, CollectionsWriter records, String object, String campaignId) {
        this.api = api;
        this.records = records;
        this.object = object;
        this.campaignId = campaignId;
    }

    private String whoField() {
        return object + "Id"; // ContactId or LeadId
    }

    /** Adds the records (key to Salesforce id, at most 200) to the campaign; the outcome of each key that failed. */
    Map<String, RecordOutcome> add(Map<String, String> idsByKey) {
        Map<String, RecordOutcome> failed = new HashMap<>();
        if (idsByKey.isEmpty()) return failed;
        List<String> keys = new ArrayList<>(idsByKey.keySet());
        ObjectNode body = SalesforceApi.JSON.createObjectNode();
        body.put("allOrNone", false);
        ArrayNode rows = body.putArray("records");
        for (String key : keys) {
            ObjectNode r = rows.addObject();
            r.putObject("attributes").put("type", "CampaignMember");
            r.put("CampaignId", campaignId);
            r.put(whoField(), idsByKey.get(key));
        }
        JsonNode answer = api.send("POST", api.url("composite/sobjects").build(), body);
        if (!answer.isArray() || answer.size() != keys.size()) {
            throw new RetryableException("malformed_response: Salesforce answered a campaign member create with "
                    + (answer.isArray() ? answer.size() : 0) + " results for " + keys.size() + " rows; sent again");
        }
        for (int i = 0; i < keys.size(); i++) {
            JsonNode result = answer.get(i);
            if (result.path("success").asBoolean(false)) continue;
            JsonNode errors = result.path("errors");
            JsonNode first = errors.isArray() && !errors.isEmpty() ? errors.get(0) : null;
            String code =
                    first == null ? "unknown_error" : first.path("statusCode").asText("unknown_error");
            if (code.equals("DUPLICATE_VALUE")) continue; // already a member
            if (CollectionsWriter.TRANSIENT_CODES.contains(code)) {
                throw new RetryableException("Salesforce refused a campaign member for a passing reason (" + code
                        + "); the batch is sent again");
            }
            if (first != null && first.path("fields").toString().contains("CampaignId")) {
                throw new PermanentException(
                        PermanentException.Code.INVALID_CONFIG,
                        "Salesforce refused campaign " + campaignId + " (" + code + "): set the sync's membership field"
                                + " to the 15- or 18-character id of an active campaign the integration user can edit");
            }
            failed.put(
                    keys.get(i),
                    RecordOutcome.rejected(
                            keys.get(i),
                            code,
                            "the record was written but not added to campaign " + campaignId + ": "
                                    + CollectionsWriter.message(errors)));
        }
        return failed;
    }

    /** Removes the records with these external ids (at most 200) from the campaign; failures by key. */
    Map<String, RecordOutcome> remove(String externalIdField, List<String> keys) {
        Map<String, RecordOutcome> failed = new HashMap<>();
        Map<String, String> ids = records.findIds(externalIdField, keys);
        if (ids.isEmpty()) return failed; // no such records: not members
        Map<String, String> keyById = new HashMap<>();
        ids.forEach((k, id) -> keyById.put(id, k));
        Map<String, String> members = records.query(
                "CampaignMember",
                "Id, " + whoField(),
                "CampaignId = '" + campaignId.replace("'", "\\'") + "' AND " + whoField() + " IN ("
                        + CollectionsWriter.quoted(ids.values()) + ")",
                whoField());
        if (members.isEmpty()) return failed;
        // query() keys by the lower-cased record id; map back to the record's id as Salesforce wrote it
        List<String> memberIds = new ArrayList<>();
        List<String> memberKeys = new ArrayList<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
            String memberId = members.get(e.getValue().toLowerCase(java.util.Locale.ROOT));
            if (memberId != null) {
                memberIds.add(memberId);
                memberKeys.add(e.getKey());
            }
        }
        if (memberIds.isEmpty()) return failed;
        HttpUrl url = api.url("composite/sobjects")
                .addQueryParameter("ids", String.join(",", memberIds))
                .addQueryParameter("allOrNone", "false")
                .build();
        JsonNode answer = api.delete(url);
        if (!answer.isArray() || answer.size() != memberIds.size()) {
            throw new RetryableException("malformed_response: Salesforce answered a campaign member delete with "
                    + (answer.isArray() ? answer.size() : 0) + " results for " + memberIds.size()
                    + " rows; sent again");
        }
        for (int i = 0; i < memberIds.size(); i++) {
            JsonNode result = answer.get(i);
            if (result.path("success").asBoolean(false)) continue;
            JsonNode errors = result.path("errors");
            JsonNode first = errors.isArray() && !errors.isEmpty() ? errors.get(0) : null;
            String code =
                    first == null ? "unknown_error" : first.path("statusCode").asText("unknown_error");
            if (code.equals("ENTITY_IS_DELETED")) continue; // removed meanwhile
            failed.put(
                    memberKeys.get(i),
                    RecordOutcome.rejected(
                            memberKeys.get(i),
                            code,
                            "not removed from campaign " + campaignId + ": " + CollectionsWriter.message(errors)));
        }
        return failed;
    }
}
