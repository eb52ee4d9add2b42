package dev.masync.connector.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One change to one record at the destination.
 *
 * @param learnerKey     the learner's key in the warehouse
 * @param destinationKey the record's identity at the destination (e-mail, external id…); outcomes refer to it
 * @param kind           {@link Kind#UPSERT} or {@link Kind#REMOVE}
 * @param fields         for an upsert or update, only the fields that changed (a {@code null} value clears the field);
 *                       empty for a removal. Immutable, in the order given.
 */
public record RecordChange(String learnerKey, String destinationKey, Kind kind, Map<String, Object> fields) {

    public enum Kind {
        /** Create the record or update the given fields; other fields stay untouched. */
        UPSERT,
        /** Update the given fields of a record that already exists; never create one. */
        UPDATE,
        /** The learner left the segment: remove its membership (not necessarily the record). */
        REMOVE
    }

    public RecordChange {
        Objects.requireNonNull(learnerKey, "learnerKey");
        Objects.requireNonNull(destinationKey, "destinationKey");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fields, "fields");
        fields.keySet().forEach(name -> Objects.requireNonNull(name, "field name"));
        // LinkedHashMap keeps field order and allows null values (clearing a field).
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static RecordChange upsert(String learnerKey, String destinationKey, Map<String, Object> fields) {
        return new RecordChange(learnerKey, destinationKey, Kind.UPSERT, fields);
    }

    public static RecordChange update(String learnerKey, String destinationKey, Map<String, Object> fields) {
        return new RecordChange(learnerKey, destinationKey, Kind.UPDATE, fields);
    }

    public static RecordChange remove(String learnerKey, String destinationKey) {
        return new RecordChange(learnerKey, destinationKey, Kind.REMOVE, Map.of());
    }
}
