package dev.masync.connector.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import okhttp3.FormBody;
import okhttp3.HttpUrl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lead writes: {@code POST /rest/v1/leads.json} with {@code createOrUpdate} or {@code updateOnly} by the lookup field,
 * at most {@link #MAX_RECORDS} records and {@link #MAX_BYTES} per call, and lead ids by lookup value. Results come
 * in input order; {@code created}/{@code updated} confirm a record (with the lead {@code id} the result names),
 * {@code skipped} rejects it with its first reason's code; a result list that does not answer every input confirms
 * nothing (retryable).
 */
final class LeadWriter {
    static final int MAX_RECORDS = 300;
    /** Under the 1 MB REST payload cap, with room for the envelope. */
    static final int MAX_BYTES = 1_000_000;

    /** Outcomes by destination key, and the lead id of each confirmed one. */
    record Written(List<RecordOutcome> outcomes, Map<String, Long> ids) {}

    private final MarketoApi api;
    private final String lookupField;

    LeadWriter(MarketoApi api, String lookupField) {
        this.api = api;
        this.lookupField = lookupField;
    }

    /**
     * Writes {@code records} in as many calls as the caps need, up to {@code parallel} calls at once on {@code
     * executor} (each still waits for its permit of the account's budget, which holds the instance's concurrency).
     * When a call fails, the first failure is thrown after every call ended (the engine resends the batch; {@code
     * createOrUpdate} and {@code updateOnly} replays are harmless).
     */
    Written write(String action, List<RecordChange> records, Executor executor, int parallel) {
        List<List<RecordChange>> parts = new ArrayList<>();
        List<List<byte[]>> encodedParts = new ArrayList<>();
        List<RecordChange> part = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        int bytes = 0;
        for (RecordChange c : records) {
            byte[] one = encode(c);
            if (!part.isEmpty() && (part.size() == MAX_RECORDS || bytes + one.length + 1 > MAX_BYTES - 200)) {
                parts.add(part);
                encodedParts.add(encoded);
                part = new ArrayList<>();
                encoded = new ArrayList<>();
                bytes = 0;
            }
            part.add(c);
            encoded.add(one);
            bytes += one.length + 1;
        }
        if (!part.isEmpty()) {
            parts.add(part);
            encodedParts.add(encoded);
        }
        List<RecordOutcome> outcomes = Collections.synchronizedList(new ArrayList<>(records.size()));
        Map<String, Long> ids = new ConcurrentHashMap<>();
        int workers = Math.max(1, Math.min(parallel, parts.size()));
        if (workers == 1 || executor == null) {
            for (int i = 0; i < parts.size(); i++) send(action, parts.get(i), encodedParts.get(i), outcomes, ids);
            return new Written(List.copyOf(outcomes), Map.copyOf(ids));
        }
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            running.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = next.getAndIncrement(); i < parts.size(); i = next.getAndIncrement()) {
                            send(action, parts.get(i), encodedParts.get(i), outcomes, ids);
                        }
                    },
                    executor));
        }
        RuntimeException first = null;
        for (CompletableFuture<Void> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.set(parts.size()); // the workers stop after their current call
                throw new RetryableException("interrupted while writing leads to Marketo; the batch is sent again");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                RuntimeException failure = cause instanceof RuntimeException r
                        ? r
                        : new IllegalStateException("writing leads failed", cause);
                if (first == null) first = failure;
                next.set(parts.size());
            }
        }
        if (first != null) throw first;
        return new Written(List.copyOf(outcomes), Map.copyOf(ids));
    }

    private void send(
            String action,
            List<RecordChange> part,
            List<byte[]> encoded,
            List<RecordOutcome> outcomes,
            Map<String, Long> ids) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("{\"action\":" + MarketoApi.JSON.writeValueAsString(action) + ",\"lookupField\":"
                            + MarketoApi.JSON.writeValueAsString(lookupField) + ",\"input\":[")
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < encoded.size(); i++) {
                if (i > 0) body.write(',');
                body.write(encoded.get(i));
            }
            body.write(']');
            body.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode answer = api.post(api.url("/rest/v1/leads.json").build(), body.toByteArray());
        JsonNode result = answer.path("result");
        if (!result.isArray() || result.size() != part.size()) {
            throw new RetryableException("malformed_response: Marketo answered " + result.size() + " results for "
                    + part.size() + " leads; nothing is marked synced, the call is sent again");
        }
        for (int i = 0; i < part.size(); i++) {
            JsonNode r = result.get(i);
            int seq = r.path("seq").asInt(i);
            RecordChange c = part.get(seq >= 0 && seq < part.size() ? seq : i);
            String status = r.path("status").asText("");
            if (status.equals("created") || status.equals("updated")) {
                JsonNode id = r.path("id");
                boolean named =
                        id.isIntegralNumber() || (id.isTextual() && !id.asText().isBlank());
                // the lead id as Marketo answers it (the same id on every later update of the lead)
                outcomes.add(RecordOutcome.confirmed(c.destinationKey(), named ? id.asText() : null));
                if (named && id.asText().matches("\\d{1,18}")) ids.put(c.destinationKey(), id.asLong());
            } else {
                outcomes.add(rejection(c.destinationKey(), r));
            }
        }
    }

    static RecordOutcome rejection(String key, JsonNode r) {
        JsonNode reason = r.path("reasons").path(0);
        String code = reason.path("code").asText("");
        String status = r.path("status").asText("");
        if (code.isEmpty()) {
            return RecordOutcome.rejected(
                    key, "skipped", "Marketo answered status '" + Redaction.text(status) + "' without a reason");
        }
        return RecordOutcome.rejected(
                key,
                MarketoSignals.recordCode(code),
                "Marketo skipped the lead (" + code + ": "
                        + Redaction.text(reason.path("message").asText("")) + ")");
    }

    /** One input object: the changed fields, then the lookup field set to the record's key. */
    private byte[] encode(RecordChange c) {
        Map<String, Object> fields = new LinkedHashMap<>(c.fields());
        fields.keySet().removeIf(k -> k.equalsIgnoreCase(lookupField));
        fields.put(lookupField, c.destinationKey());
        try {
            return MarketoApi.JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalArgumentException("a record value cannot be written as JSON", e);
        }
    }

    /**
     * Lead ids by lookup value, {@value #MAX_RECORDS} values per call, sent as {@code POST ?_method=GET} with a form
     * body so that keys (e-mail addresses) never appear in a URL. Keys without a lead are absent.
     */
    Map<String, Long> ids(List<String> keys) {
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, String> byLower = new LinkedHashMap<>();
        keys.forEach(k -> byLower.put(k.toLowerCase(Locale.ROOT), k));
        List<String> all = new ArrayList<>(byLower.values());
        HttpUrl url = api.url("/rest/v1/leads.json")
                .addQueryParameter("_method", "GET")
                .build();
        for (int from = 0; from < all.size(); from += MAX_RECORDS) {
            List<String> part = all.subList(from, Math.min(all.size(), from + MAX_RECORDS));
            FormBody form = new FormBody.Builder()
                    .add("filterType", lookupField)
                    .add("filterValues", String.join(",", part))
                    .add("fields", "id," + lookupField)
                    .build();
            JsonNode answer = api.post(url, form);
            for (JsonNode lead : answer.path("result")) {
                String value = lead.path(lookupField).asText(null);
                if (value == null) continue;
                String key = byLower.get(value.toLowerCase(Locale.ROOT));
                if (key != null && lead.has("id"))
                    out.putIfAbsent(key, lead.path("id").asLong());
            }
        }
        return out;
    }
}
