package dev.masync.testing.receiver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The receiver's books: the rate-limit window, the counters and the state per key. Every method takes the one
 * lock, so a snapshot is consistent and a batch is applied atomically (last write wins in the order batches are
 * applied).
 */
final class ReceiverLedger {

    /** One record's answer, in the connector's {@code results} shape. */
    record Result(String key, boolean ok, String code, String message) {}

    private static final class KeyEntry {
        int receipts;
        /** Fingerprints of the distinct changes: a short array, a set once a key has many. */
        long[] changes = new long[2];

        Set<Long> manyChanges;
        int distinctChanges;
        /** Applied fields; {@code null} until the first applied upsert and after a remove. */
        Map<String, Object> fields;

        boolean removed;

        /** True when this change was not seen before for this key. */
        boolean addChange(long fingerprint) {
            if (manyChanges != null) {
                if (!manyChanges.add(fingerprint)) return false;
                distinctChanges++;
                return true;
            }
            for (int i = 0; i < distinctChanges; i++) {
                if (changes[i] == fingerprint) return false;
            }
            if (distinctChanges == changes.length) {
                if (changes.length < 16) {
                    changes = Arrays.copyOf(changes, changes.length * 2);
                } else {
                    manyChanges = new HashSet<>();
                    for (long change : changes) manyChanges.add(change);
                    manyChanges.add(fingerprint);
                    changes = null;
                    distinctChanges++;
                    return true;
                }
            }
            changes[distinctChanges++] = fingerprint;
            return true;
        }
    }

    private long requests;
    private long ok;
    private long tooManyRequests;
    private long clientErrors;
    private long serverErrors;
    private long dropped;
    private long oversizedBatches;
    private long unauthorized;
    private long payloadTooLarge;
    private long records;
    private long recordsConfirmed;
    private long recordsRejected;
    private long distinctChanges;
    private long keysReceivedMoreThanOnce;
    private long repeatedBatches;
    private long bytes;
    private Instant firstRequestAt;
    private Instant lastRequestAt;
    private Instant lastOkAt;
    private long windowMillis = -1;
    private long windowIndex;
    private long arrivalsInWindow;
    private long admittedInWindow;
    private long maxRequestsInWindow;
    private long maxAdmittedInWindow;
    private int inFlight;
    private int maxInFlight;
    private final Map<String, KeyEntry> keys = new HashMap<>();
    private final Map<String, Integer> batches = new HashMap<>();

    /** An ingest request arrived. */
    synchronized void begin(Instant now) {
        requests++;
        if (firstRequestAt == null) firstRequestAt = now;
        lastRequestAt = now;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
    }

    /**
     * Counts the request's body and its arrival in the current window, and admits it if the window has room.
     *
     * @return {@link Duration#ZERO} when admitted, else the time left in the window (the 429's Retry-After)
     */
    synchronized Duration admit(Instant now, long bodyBytes, int limit, Duration window) {
        bytes += bodyBytes;
        long length = window.toMillis();
        long epochMillis = now.toEpochMilli();
        long index = Math.floorDiv(epochMillis, length);
        if (length != windowMillis || index != windowIndex) {
            windowMillis = length;
            windowIndex = index;
            arrivalsInWindow = 0;
            admittedInWindow = 0;
        }
        arrivalsInWindow++;
        maxRequestsInWindow = Math.max(maxRequestsInWindow, arrivalsInWindow);
        if (admittedInWindow >= limit) {
            return Duration.ofMillis((index + 1) * length - epochMillis);
        }
        admittedInWindow++;
        maxAdmittedInWindow = Math.max(maxAdmittedInWindow, admittedInWindow);
        return Duration.ZERO;
    }

    /** The request was answered with {@code status}. */
    synchronized void answered(int status, Instant now) {
        inFlight--;
        if (status >= 200 && status < 300) {
            ok++;
            lastOkAt = now;
        } else if (status == 429) {
            tooManyRequests++;
        } else if (status >= 400 && status < 500) {
            clientErrors++;
            if (status == 401) unauthorized++;
            if (status == 413) payloadTooLarge++;
        } else if (status >= 500) {
            serverErrors++;
        }
    }

    /** The connection was closed without an answer. */
    synchronized void dropped() {
        inFlight--;
        dropped++;
    }

    synchronized void oversizedBatch() {
        oversizedBatches++;
    }

    /**
     * Processes a batch: counts receipts and changes, applies the records no rule rejects, and returns one result
     * per record in order.
     */
    synchronized List<Result> apply(String batchId, List<ReceivedRecord> batch, List<ReceiverConfig.RejectRule> rules) {
        if (batchId != null && batches.merge(batchId, 1, Integer::sum) > 1) repeatedBatches++;
        List<Result> results = new ArrayList<>(batch.size());
        for (ReceivedRecord record : batch) {
            records++;
            KeyEntry entry = keys.computeIfAbsent(record.key(), k -> new KeyEntry());
            if (++entry.receipts == 2) keysReceivedMoreThanOnce++;
            if (entry.addChange(fingerprint(record))) distinctChanges++;
            Result rejection = rejection(record, rules);
            if (rejection != null) {
                recordsRejected++;
                results.add(rejection);
                continue;
            }
            recordsConfirmed++;
            if (record.isRemove()) {
                entry.removed = true;
                entry.fields = null;
            } else {
                entry.removed = false;
                if (entry.fields == null) entry.fields = new LinkedHashMap<>();
                record.fields().forEach((name, value) -> {
                    if (value == null) {
                        entry.fields.remove(name);
                    } else {
                        entry.fields.put(name, value);
                    }
                });
            }
            results.add(new Result(record.key(), true, null, null));
        }
        return results;
    }

    private static Result rejection(ReceivedRecord record, List<ReceiverConfig.RejectRule> rules) {
        if (!record.isRemove() && !"UPSERT".equals(record.kind())) {
            return new Result(
                    record.key(), false, "unknown_kind", "kind must be UPSERT or REMOVE, not " + record.kind());
        }
        for (ReceiverConfig.RejectRule rule : rules) {
            if (rule.matches().test(record)) return new Result(record.key(), false, rule.code(), rule.message());
        }
        return null;
    }

    synchronized ReceiverStats snapshot(ReceiverConfig config) {
        return new ReceiverStats(
                requests,
                ok,
                tooManyRequests,
                clientErrors,
                serverErrors,
                dropped,
                oversizedBatches,
                unauthorized,
                payloadTooLarge,
                records,
                recordsConfirmed,
                recordsRejected,
                keys.size(),
                distinctChanges,
                records - distinctChanges,
                keysReceivedMoreThanOnce,
                batches.size(),
                repeatedBatches,
                bytes,
                firstRequestAt,
                lastRequestAt,
                lastOkAt,
                config.window(),
                config.limit(),
                maxRequestsInWindow,
                maxAdmittedInWindow,
                maxInFlight);
    }

    /** Present keys (applied at least once, not removed since) and their merged fields, sorted by key. */
    synchronized Map<String, Map<String, Object>> state() {
        Map<String, Map<String, Object>> state = new TreeMap<>();
        keys.forEach((key, entry) -> {
            if (entry.fields != null && !entry.removed) {
                state.put(key, Collections.unmodifiableMap(new LinkedHashMap<>(entry.fields)));
            }
        });
        return Collections.unmodifiableMap(state);
    }

    /** Keys whose last applied change is a remove, sorted. */
    synchronized List<String> removed() {
        TreeSet<String> removed = new TreeSet<>();
        keys.forEach((key, entry) -> {
            if (entry.removed) removed.add(key);
        });
        return List.copyOf(removed);
    }

    /** Receipts per key (records processed, confirmed or rejected), sorted by key. */
    synchronized Map<String, Integer> receipts() {
        Map<String, Integer> receipts = new TreeMap<>();
        keys.forEach((key, entry) -> receipts.put(key, entry.receipts));
        return Collections.unmodifiableMap(receipts);
    }

    synchronized int receipts(String key) {
        KeyEntry entry = keys.get(key);
        return entry == null ? 0 : entry.receipts;
    }

    /** Forgets everything except requests in flight. */
    synchronized void reset() {
        int stillInFlight = inFlight;
        requests = ok = tooManyRequests = clientErrors = serverErrors = dropped = 0;
        oversizedBatches = unauthorized = payloadTooLarge = 0;
        records = recordsConfirmed = recordsRejected = distinctChanges = keysReceivedMoreThanOnce = 0;
        repeatedBatches = bytes = 0;
        firstRequestAt = lastRequestAt = lastOkAt = null;
        windowMillis = -1;
        arrivalsInWindow = admittedInWindow = maxRequestsInWindow = maxAdmittedInWindow = 0;
        inFlight = stillInFlight;
        maxInFlight = stillInFlight;
        keys.clear();
        batches.clear();
    }

    /** FNV-1a 64 of kind and fields in a canonical form (map keys sorted, types kept apart). */
    static long fingerprint(ReceivedRecord record) {
        StringBuilder canonical = new StringBuilder(64).append(record.kind()).append('|');
        canonical(record.fields(), canonical);
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < canonical.length(); i++) {
            hash ^= canonical.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static void canonical(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            new TreeMap<>(map).forEach((k, v) -> {
                out.append('"').append(k).append("\":");
                canonical(v, out);
                out.append(',');
            });
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            list.forEach(v -> {
                canonical(v, out);
                out.append(',');
            });
            out.append(']');
        } else if (value instanceof String s) {
            out.append('"')
                    .append(s.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        } else if (value == null) {
            out.append("null");
        } else {
            out.append(value.getClass().getSimpleName()).append(':').append(value);
        }
    }
}
