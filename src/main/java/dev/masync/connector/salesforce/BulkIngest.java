package dev.masync.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import okhttp3.RequestBody;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Upserts many records by external id through one Bulk API 2.0 ingest job: create ({@code POST jobs/ingest}), upload
 * the CSV ({@code PUT …/batches}), close ({@code PATCH state=UploadComplete}), poll the job, then read
 * {@code successfulResults}, {@code failedResults} and {@code unprocessedrecords} (rows in any order, matched by the
 * external id column). A confirmed outcome carries its row's {@code sf__Id}, the record id as Salesforce gives it.
 *
 * <p>Polling waits through the injected {@link Pause}, at most {@link Options#maxWait} per push: a job still running
 * then is remembered (by a digest of its changes) and the push fails retryably; the engine's retry resumes polling
 * that job instead of uploading again. Should the memory be gone (a restart), a new job upserts the same rows again,
 * which upsert by external id tolerates (it only spends allocation).
 *
 * <p>CSV cells: a field a change does not carry is empty (Salesforce leaves it unchanged); a {@code null} or empty
 * value is {@code #N/A} (Salesforce clears it).
 */
public final class BulkIngest {

    /** How a push waits between polls; tests inject one that advances a clock instead of sleeping. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;

        Pause REAL = d -> Thread.sleep(d.toMillis());
    }

    /**
     * @param maxWait       the longest one push polls a job before failing retryably (the job keeps running)
     * @param firstInterval the first wait between polls, doubled up to {@code maxInterval}
     */
    public record Options(Duration maxWait, Duration firstInterval, Duration maxInterval) {
        public Options {
            Objects.requireNonNull(maxWait, "maxWait");
            Objects.requireNonNull(firstInterval, "firstInterval");
            Objects.requireNonNull(maxInterval, "maxInterval");
        }

        public static Options defaults() {
            return new Options(Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(10));
        }
    }

    private static final Set<String> RUNNING = Set.of("Open", "UploadComplete", "InProgress");

    private final SalesforceApi api;
    private final String object;
    private final Clock clock;
    private final Pause pause;
    private final Options options;
    private final ResumeMemo<String> jobs;

    BulkIngest(SalesforceApi api, String object, Clock clock, Pause pause, Options options, ResumeMemo<String> jobs) {
        this.api = api;
        this.object = object;
        this.clock = clock;
        this.pause = pause;
        this.options = options;
        this.jobs = jobs;
    }

    CollectionsWriter.Written upsert(String scope, String externalIdField, List<RecordChange> changes) {
        String key = ResumeMemo.digest("bulk|" + scope + "|" + object + "|" + externalIdField, changes);
        String jobId = jobs.get(key).orElse(null);
        boolean resumed = jobId != null;
        if (jobId == null) {
            jobId = start(externalIdField, changes);
            jobs.put(key, jobId);
        }
        JsonNode job;
        try {
            job = poll(jobId);
        } catch (PermanentException gone) {
            if (!resumed) throw gone;
            jobs.remove(key); // the remembered job is gone (deleted after 7 days, another org…): upload again
            throw new RetryableException("the Salesforce Bulk job " + jobId + " cannot be read any more ("
                    + gone.getMessage() + "); the batch is sent again as a new job");
        }
        String state = job.path("state").asText("");
        if (state.equals("JobComplete")) {
            CollectionsWriter.Written results = results(jobId, externalIdField, changes);
            jobs.remove(key);
            return results;
        }
        jobs.remove(key);
        if (state.equals("Failed")) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "the Salesforce Bulk job " + jobId + " failed: "
                            + Redaction.text(job.path("errorMessage").asText("no reason given"))
                            + "; check that the sync's identity.field is an External ID field of " + object
                            + " and that every mapped field exists and is editable");
        }
        throw new RetryableException(
                "the Salesforce Bulk job " + jobId + " ended " + state + "; the batch is sent again");
    }

    private String start(String externalIdField, List<RecordChange> changes) {
        ObjectNode body = SalesforceApi.JSON.createObjectNode();
        body.put("object", object);
        body.put("operation", "upsert");
        body.put("externalIdFieldName", externalIdField);
        body.put("contentType", "CSV");
        body.put("columnDelimiter", "COMMA");
        body.put("lineEnding", "LF");
        JsonNode created = api.send("POST", api.url("jobs/ingest").build(), body);
        String jobId = created.path("id").asText(null);
        if (jobId == null || jobId.isBlank()) {
            throw new RetryableException("malformed_response: Salesforce created a Bulk job without an id; sent again");
        }
        try {
            api.sendRaw(
                    "PUT",
                    api.url("jobs/ingest/" + jobId + "/batches").build(),
                    RequestBody.create(csv(externalIdField, changes), SalesforceApi.CSV_TYPE));
            ObjectNode close = SalesforceApi.JSON.createObjectNode();
            close.put("state", "UploadComplete");
            api.send("PATCH", api.url("jobs/ingest/" + jobId).build(), close);
        } catch (RuntimeException e) {
            abort(jobId, e);
            throw e;
        }
        return jobId;
    }

    /** A job whose upload or close failed is aborted, so no half-uploaded job is left open; the retry starts anew. */
    private void abort(String jobId, RuntimeException cause) {
        ObjectNode state = SalesforceApi.JSON.createObjectNode();
        state.put("state", "Aborted");
        try {
            api.send("PATCH", api.url("jobs/ingest/" + jobId).build(), state);
        } catch (RuntimeException e) {
            cause.addSuppressed(e); // it stays Open; Salesforce deletes it with its other jobs after 7 days
        }
    }

    /** The job once it ended, or throws retryably when it still runs after {@link Options#maxWait}. */
    private JsonNode poll(String jobId) {
        Instant deadline = clock.instant().plus(options.maxWait());
        Duration interval = options.firstInterval();
        while (true) {
            JsonNode job = api.get(api.url("jobs/ingest/" + jobId).build());
            String state = job.path("state").asText(null);
            if (state == null) {
                throw new RetryableException(
                        "malformed_response: a Salesforce Bulk job answer has no state; sent again");
            }
            if (!RUNNING.contains(state)) return job;
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new RetryableException("the Salesforce Bulk job " + jobId + " is still " + state + " after "
                        + options.maxWait().toSeconds() + " s; the next attempt of this batch resumes it");
            }
            try {
                pause.sleep(interval.compareTo(left) < 0 ? interval : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableException("interrupted while the Salesforce Bulk job " + jobId + " ran; resumable");
            }
            interval = interval.multipliedBy(2);
            if (interval.compareTo(options.maxInterval()) > 0) interval = options.maxInterval();
        }
    }

    private CollectionsWriter.Written results(String jobId, String externalIdField, List<RecordChange> changes) {
        Map<String, RecordOutcome> byKey = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        String base = "jobs/ingest/" + jobId + "/";
        for (List<String> row :
                rows(api.getText(api.url(base + "successfulResults").build()), externalIdField)) {
            String key = row.get(2);
            byKey.put(key.toLowerCase(Locale.ROOT), RecordOutcome.confirmed(key, row.get(0)));
            if (!row.get(0).isBlank()) ids.put(key.toLowerCase(Locale.ROOT), row.get(0));
        }
        for (List<String> row : rows(api.getText(api.url(base + "failedResults").build()), externalIdField)) {
            String key = row.get(2);
            String error = row.get(1);
            int colon = error.indexOf(':');
            String code = colon > 0 ? error.substring(0, colon) : "bulk_error";
            String message = colon > 0 ? error.substring(colon + 1) : error;
            message = message.replaceFirst("\\s*--\\s*$", "").replaceFirst(":([A-Za-z0-9_,]*)$", " [$1]");
            byKey.put(key.toLowerCase(Locale.ROOT), RecordOutcome.rejected(key, code, Redaction.text(message)));
        }
        List<RecordOutcome> outcomes = new ArrayList<>();
        Map<String, String> written = new HashMap<>();
        for (RecordChange c : changes) {
            String lower = c.destinationKey().toLowerCase(Locale.ROOT);
            RecordOutcome o = byKey.get(lower);
            if (o == null) {
                outcomes.add(RecordOutcome.rejected(
                        c.destinationKey(),
                        "bulk_unprocessed",
                        "the Salesforce Bulk job " + jobId + " did not process this record; the next run sends it"));
                continue;
            }
            outcomes.add(new RecordOutcome(c.destinationKey(), o.status(), o.code(), o.message(), o.recordId()));
            if (ids.containsKey(lower)) written.put(c.destinationKey(), ids.get(lower));
        }
        return new CollectionsWriter.Written(outcomes, written);
    }

    /** Result rows as {@code [sf__Id, second sf__ column, external id]}. */
    private static List<List<String>> rows(String csv, String externalIdField) {
        List<List<String>> all = Csv.parse(csv);
        List<List<String>> out = new ArrayList<>();
        if (all.isEmpty()) return out;
        List<String> head = all.get(0);
        int id = head.indexOf("sf__Id");
        int second = head.contains("sf__Error") ? head.indexOf("sf__Error") : head.indexOf("sf__Created");
        int key = head.indexOf(externalIdField);
        if (id < 0 || second < 0 || key < 0) {
            throw new RetryableException("malformed_response: a Salesforce Bulk result CSV lacks sf__Id, sf__Created/"
                    + "sf__Error or " + externalIdField + "; sent again");
        }
        for (List<String> row : all.subList(1, all.size())) {
            if (row.size() <= Math.max(id, Math.max(second, key))) continue;
            out.add(List.of(row.get(id), row.get(second), row.get(key)));
        }
        return out;
    }

    /** The upload: the external id first, then every field any change carries, in first-seen order. */
    static String csv(String externalIdField, List<RecordChange> changes) {
        Set<String> columns = new LinkedHashSet<>();
        columns.add(externalIdField);
        for (RecordChange c : changes) columns.addAll(c.fields().keySet());
        StringBuilder out = new StringBuilder();
        Csv.line(out, new ArrayList<>(columns));
        List<String> cells = new ArrayList<>(columns.size());
        for (RecordChange c : changes) {
            cells.clear();
            for (String column : columns) {
                if (column.equals(externalIdField)) cells.add(c.destinationKey());
                else if (!c.fields().containsKey(column)) cells.add(""); // not changed: left as it is
                else cells.add(cell(c.fields().get(column)));
            }
            Csv.line(out, cells);
        }
        return out.toString();
    }

    private static String cell(Object value) {
        if (value == null) return "#N/A";
        String text = value instanceof BigDecimal b ? b.toPlainString() : String.valueOf(value);
        return text.isEmpty() ? "#N/A" : text;
    }
}
