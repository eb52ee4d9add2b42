package dev.masync.connector.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Record changes pushed together.
 *
 * @param id            unique per batch and unchanged when the batch is sent again; connectors use it as an
 *                      idempotency key
 * @param syncKey       the sync the batch belongs to
 * @param records       at most {@link Destination#limits()} changes, never empty
 * @param membership    where the sync's membership goes (which list, which field), when the sync shows membership;
 *                      the same for every batch of a sync
 * @param identityField the destination's name for the identity {@link RecordChange#destinationKey()} holds (the
 *                      sync's {@code identity.field}: {@code email}, a Salesforce external id field…); the same for
 *                      every batch of a sync; empty when the engine does not say (plain tests)
 * @param runChanges    how many changes the whole run plans to push (a first sync or full resync plans every member),
 *                      so that a connector can pick a bulk path for big runs; a hint, empty when unknown
 */
public record Batch(
        String id,
        String syncKey,
        List<RecordChange> records,
        Optional<MembershipTarget> membership,
        Optional<String> identityField,
        OptionalLong runChanges) {
    public Batch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(syncKey, "syncKey");
        records = List.copyOf(Objects.requireNonNull(records, "records"));
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(identityField, "identityField");
        Objects.requireNonNull(runChanges, "runChanges");
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

    /** A batch with the identity field but without the run's planned changes. */
    public Batch(
            String id,
            String syncKey,
            List<RecordChange> records,
            Optional<MembershipTarget> membership,
            Optional<String> identityField) {
        this(id, syncKey, records, membership, identityField, OptionalLong.empty());
    }

    /** A batch of a sync without membership. */
    public Batch(String id, String syncKey, List<RecordChange> records) {
        this(id, syncKey, records, Optional.empty());
    }

    /** This batch with the sync's identity field and the run's planned changes. */
    public Batch withRun(String identityField, long runChanges) {
        return new Batch(id, syncKey, records, membership, Optional.of(identityField), OptionalLong.of(runChanges));
    }

    /** Part of this batch (when the engine splits it): same sync, membership target and hints, its own id. */
    public Batch part(String partId, List<RecordChange> partRecords) {
        return new Batch(partId, syncKey, partRecords, membership, identityField, runChanges);
    }
}
