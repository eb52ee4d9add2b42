package dev.masync.connector.spi;

import java.util.List;
import java.util.Objects;

/**
 * Record changes pushed together.
 *
 * @param id      unique per batch and unchanged when the batch is sent again; connectors use it as an
 *                idempotency key
 * @param syncKey the sync the batch belongs to
 * @param records at most {@link Destination#limits()} changes, never empty
 */
public record Batch(String id, String syncKey, List<RecordChange> records) {
    public Batch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(syncKey, "syncKey");
        records = List.copyOf(Objects.requireNonNull(records, "records"));
        if (id.isBlank()) throw new IllegalArgumentException("batch id is blank");
        if (records.isEmpty()) throw new IllegalArgumentException("batch " + id + " has no records");
    }
}
