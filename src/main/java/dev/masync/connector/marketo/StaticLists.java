package dev.masync.connector.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static-list membership: {@code POST} (add) and {@code DELETE} (remove) {@code /rest/v1/lists/{id}/leads.json} with
 * at most {@value #MAX_IDS} lead ids as {@code id} query parameters. {@code added} and {@code removed} confirm;
 * removing a non-member ({@code skipped} 1015) is done already; any other skip rejects the record.
 */
final class StaticLists {
    static final int MAX_IDS = 300;

    private final MarketoApi api;
    private final String listId;

    StaticLists(MarketoApi api, String listId) {
        this.api = api;
        this.listId = listId;
    }

    /** Adds the leads; returns the refused ones (by key). */
    Map<String, RecordOutcome> add(Map<String, Long> idsByKey) {
        return send(true, idsByKey);
    }

    /** Removes the leads; returns the refused ones (by key). */
    Map<String, RecordOutcome> remove(Map<String, Long> idsByKey) {
        return send(false, idsByKey);
    }

    private Map<String, RecordOutcome> send(boolean add, Map<String, Long> idsByKey) {
        Map<String, RecordOutcome> refused = new HashMap<>();
        List<Map.Entry<String, Long>> all = new ArrayList<>(idsByKey.entrySet());
        for (int from = 0; from < all.size(); from += MAX_IDS) {
            List<Map.Entry<String, Long>> part = all.subList(from, Math.min(all.size(), from + MAX_IDS));
            HttpUrl.Builder url = api.url("/rest/v1/lists/" + listId + "/leads.json");
            Map<Long, List<String>> keysById = new HashMap<>();
            for (Map.Entry<String, Long> e : part) {
                url.addQueryParameter("id", Long.toString(e.getValue()));
                keysById.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
            }
            JsonNode answer = add ? api.post(url.build(), new byte[0]) : api.delete(url.build());
            if (answer.path("result").size() != part.size()) {
                throw new RetryableException("malformed_response: Marketo answered "
                        + answer.path("result").size() + " results for " + part.size() + " list "
                        + (add ? "additions" : "removals") + "; nothing is marked synced, the call is sent again");
            }
            for (JsonNode r : answer.path("result")) {
                String status = r.path("status").asText("");
                if (status.equals("added") || status.equals("removed")) continue;
                String reason = r.path("reasons").path(0).path("code").asText("");
                if (!add && reason.equals("1015")) continue; // not a member: removed already
                for (String key : keysById.getOrDefault(r.path("id").asLong(), List.of())) {
                    refused.put(key, LeadWriter.rejection(key, r));
                }
            }
        }
        return refused;
    }
}
