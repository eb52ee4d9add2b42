package dev.masync.connector.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Record changes pushed together.
 *
 * @param id      unique per batch and unchanged when the batch is sent again; connectors use it as an
 *                idempotency key
 * @param syncKey the sync the batch belongs to
 * @param records    at most {@link Destination#limits()} changes, never empty
 * @param membership where the sync's membership goes (which list, which field), when the sync shows membership;
 *                   the same for every batch of a sync
 * @param identityField the destination field whose values the records' {@link RecordChange#destinationKey()
 *                   destination keys} are (the sync's {@code identity.field}, e.g. {@code email} or a unique
 *                   property), when known; the same for every batch of a sync. Connectors that upsert by a
 *                   customer-chosen key read it here.
 */
public record Batch(
        String id,
        String syncKey,
        List<RecordChange> records,
        Optional<MembershipTarget> membership,
        Optional<String> identityField) {
    public Batch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(syncKey, "syncKey");
        records = List.copyOf(Objects.requireNonNull(records, "records"));
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(identityField, "identityField");
        if (id.isBlank()) throw new IllegalArgumentException("batch id is blank");
        if (records.isEmpty()) throw new IllegalArgumentException("batch " + id + " has no records");
        if (identityField.isPresent() && identityField.get().isBlank()) {
            throw new IllegalArgumentException("batch " + id + " has a blank identity field");
        }
    }

    /** A batch whose identity field is not known to the connector. */
    public Batch(String id, String syncKey, List<RecordChange> records, Optional<MembershipTarget> membership) {
        this(id, syncKey, records, membership, Optional.empty());
    }

    /** A batch of a sync without membership. */
    public Batch(String id, String syncKey, List<RecordChange> records) {
        this(id, syncKey, records, Optional.empty());
    }

    /** Part of this batch (when the engine splits it): same sync, membership target and identity, its own id. */
    public Batch part(String partId, List<RecordChange> partRecords) {
        return new Batch(partId, syncKey, partRecords, membership, identityField);
    }
}
