package dev.masync.testing.receiver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One record of a webhook batch as the receiver parsed it.
 *
 * @param key        the destination key ({@code records[].key}); state, receipts and results refer to it
 * @param learnerKey {@code records[].learnerKey}, or {@code null} when absent
 * @param kind       {@code UPSERT} or {@code REMOVE}, as sent
 * @param fields     the fields as sent, in order; a {@code null} value clears the field
 */
public record ReceivedRecord(String key, String learnerKey, String kind, Map<String, Object> fields) {
    public ReceivedRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(fields, "fields")));
    }

    public boolean isRemove() {
        return "REMOVE".equals(kind);
    }
}
