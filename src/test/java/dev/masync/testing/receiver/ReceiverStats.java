package dev.masync.testing.receiver;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link PacedReceiver} has seen, as one consistent snapshot. Only ingest requests (POSTs of batches)
 * count; {@code GET /stats} and the like do not.
 *
 * <p>Requests and responses: every request is exactly one of {@code ok} (2xx), {@code tooManyRequests} (429),
 * {@code clientErrors} (other 4xx: 400, 401, 405, 413), {@code serverErrors} (5xx) or {@code dropped} (connection
 * closed without an answer), once it has been answered; {@code requests} also counts those still in flight.
 *
 * <p>Records: {@code records} counts the records of every batch the receiver <em>processed</em> (answered 2xx, or
 * applied and then dropped by {@code faultDropAfterApply}); batches answered 4xx/5xx or dropped before applying
 * were not processed, and resending them is the client's duty, not a duplicate. Of those, {@code recordsConfirmed}
 * were applied to the state and {@code recordsRejected} were refused by a rejection rule.
 *
 * <p>Duplicates — what "sent twice" means: a record is a duplicate when the same change (same key, kind and
 * fields, field order ignored) was already processed before. A new value for a key is a legitimate second change,
 * not a duplicate; so {@code duplicateRecords = records − distinctChanges}. (A key that goes A → B → A counts its
 * second A as a duplicate; a test that reverts values on purpose should look at receipts instead.)
 * {@code keysReceivedMoreThanOnce} counts keys with more than one receipt whatever the payloads, and
 * {@link PacedReceiver#receipts()} gives the receipts per key. {@code repeatedBatches} counts batches processed
 * again under a {@code webhook-id} already processed.
 *
 * @param firstRequestAt       first ingest request, receiver clock; {@code null} before any
 * @param lastRequestAt        last ingest request; {@code null} before any
 * @param lastOkAt             last request answered 2xx; {@code null} before any
 * @param window               the fixed window of the rate limit (or of the stats, when unlimited)
 * @param limit                the configured requests per window ({@link Integer#MAX_VALUE} = unlimited)
 * @param maxRequestsInWindow  the most requests that arrived in one window, admitted or not
 * @param maxAdmittedInWindow  the most requests admitted in one window (never above {@code limit})
 * @param maxInFlight          the most requests handled at the same time
 * @param bytes                request body bytes of ingest requests, as read (a 413 body is read up to the limit + 1)
 */
public record ReceiverStats(
        long requests,
        long ok,
        long tooManyRequests,
        long clientErrors,
        long serverErrors,
        long dropped,
        long oversizedBatches,
        long unauthorized,
        long payloadTooLarge,
        long records,
        long recordsConfirmed,
        long recordsRejected,
        long distinctKeys,
        long distinctChanges,
        long duplicateRecords,
        long keysReceivedMoreThanOnce,
        long distinctBatches,
        long repeatedBatches,
        long bytes,
        Instant firstRequestAt,
        Instant lastRequestAt,
        Instant lastOkAt,
        Duration window,
        int limit,
        long maxRequestsInWindow,
        long maxAdmittedInWindow,
        int maxInFlight) {

    /** From the first request to the last 2xx; zero before any. */
    public Duration activeSpan() {
        return firstRequestAt == null || lastOkAt == null ? Duration.ZERO : Duration.between(firstRequestAt, lastOkAt);
    }

    /** 429s ÷ requests (0 before any request). */
    public double tooManyRequestsFraction() {
        return requests == 0 ? 0 : (double) tooManyRequests / requests;
    }

    /** Flat, JSON-friendly: instants and durations as ISO-8601 strings, absent instants as {@code null}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", requests);
        m.put("ok", ok);
        m.put("tooManyRequests", tooManyRequests);
        m.put("clientErrors", clientErrors);
        m.put("serverErrors", serverErrors);
        m.put("dropped", dropped);
        m.put("oversizedBatches", oversizedBatches);
        m.put("unauthorized", unauthorized);
        m.put("payloadTooLarge", payloadTooLarge);
        m.put("records", records);
        m.put("recordsConfirmed", recordsConfirmed);
        m.put("recordsRejected", recordsRejected);
        m.put("distinctKeys", distinctKeys);
        m.put("distinctChanges", distinctChanges);
        m.put("duplicateRecords", duplicateRecords);
        m.put("keysReceivedMoreThanOnce", keysReceivedMoreThanOnce);
        m.put("distinctBatches", distinctBatches);
        m.put("repeatedBatches", repeatedBatches);
        m.put("bytes", bytes);
        m.put("firstRequestAt", firstRequestAt == null ? null : firstRequestAt.toString());
        m.put("lastRequestAt", lastRequestAt == null ? null : lastRequestAt.toString());
        m.put("lastOkAt", lastOkAt == null ? null : lastOkAt.toString());
        m.put("window", window.toString());
        m.put("limit", limit);
        m.put("maxRequestsInWindow", maxRequestsInWindow);
        m.put("maxAdmittedInWindow", maxAdmittedInWindow);
        m.put("maxInFlight", maxInFlight);
        return m;
    }

    /** The inverse of {@link #toMap()}, e.g. for {@code GET /stats} read by a client of a receiver process. */
    public static ReceiverStats fromMap(Map<String, ?> m) {
        return new ReceiverStats(
                n(m, "requests"),
                n(m, "ok"),
                n(m, "tooManyRequests"),
                n(m, "clientErrors"),
                n(m, "serverErrors"),
                n(m, "dropped"),
                n(m, "oversizedBatches"),
                n(m, "unauthorized"),
                n(m, "payloadTooLarge"),
                n(m, "records"),
                n(m, "recordsConfirmed"),
                n(m, "recordsRejected"),
                n(m, "distinctKeys"),
                n(m, "distinctChanges"),
                n(m, "duplicateRecords"),
                n(m, "keysReceivedMoreThanOnce"),
                n(m, "distinctBatches"),
                n(m, "repeatedBatches"),
                n(m, "bytes"),
                instant(m, "firstRequestAt"),
                instant(m, "lastRequestAt"),
                instant(m, "lastOkAt"),
                Duration.parse((String) m.get("window")),
                (int) n(m, "limit"),
                n(m, "maxRequestsInWindow"),
                n(m, "maxAdmittedInWindow"),
                (int) n(m, "maxInFlight"));
    }

    private static long n(Map<String, ?> m, String name) {
        Object v = m.get(name);
        if (!(v instanceof Number number)) throw new IllegalArgumentException("stats field " + name + " is " + v);
        return number.longValue();
    }

    private static Instant instant(Map<String, ?> m, String name) {
        Object v = m.get(name);
        return v == null ? null : Instant.parse((String) v);
    }
}
