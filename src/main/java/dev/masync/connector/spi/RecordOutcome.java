package dev.masync.connector.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one record of a batch.
 *
 * @param code     for a rejection, a short machine-readable reason (vendor code or connector code); else null
 * @param message  for a rejection, a human explanation; else null
 * @param recordId for a confirmed upsert, the destination's own id of the record when its answer names one (HubSpot
 *                 contact id, Salesforce record id, Marketo lead id); the engine remembers it so that events naming
 *                 only that id (a CRM webhook's object id) map back to the learner. Empty otherwise.
 */
public record RecordOutcome(
        String destinationKey, Status status, String code, String message, Optional<String> recordId) {

    public enum Status {
        CONFIRMED,
        REJECTED
    }

    public RecordOutcome {
        Objects.requireNonNull(destinationKey, "destinationKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(recordId, "recordId");
        if (recordId.isPresent()
                && (status != Status.CONFIRMED || recordId.get().isBlank())) {
            throw new IllegalArgumentException("recordId is a non-blank id of a confirmed record");
        }
        if (status == Status.REJECTED) {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** A rejection or confirmation without a record id. */
    public RecordOutcome(String destinationKey, Status status, String code, String message) {
        this(destinationKey, status, code, message, Optional.empty());
    }

    public static RecordOutcome confirmed(String destinationKey) {
        return new RecordOutcome(destinationKey, Status.CONFIRMED, null, null);
    }

    /** Confirmed, with the destination's id of the record (null or blank: none). */
    public static RecordOutcome confirmed(String destinationKey, String recordId) {
        Optional<String> id = recordId == null || recordId.isBlank() ? Optional.empty() : Optional.of(recordId.strip());
        return new RecordOutcome(destinationKey, Status.CONFIRMED, null, null, id);
    }

    public static RecordOutcome rejected(String destinationKey, String code, String message) {
        return new RecordOutcome(destinationKey, Status.REJECTED, code, message);
    }

    public boolean isConfirmed() {
        return status == Status.CONFIRMED;
    }
}
