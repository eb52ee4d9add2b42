package dev.masync.connector.spi;

import java.util.Objects;

/**
 * What happened to one record of a batch.
 *
 * @param code    for a rejection, a short machine-readable reason (vendor code or connector code); else null
 * @param message for a rejection, a human explanation; else null
 */
public record RecordOutcome(String destinationKey, Status status, String code, String message) {

    public enum Status {
        CONFIRMED,
        REJECTED
    }

    public RecordOutcome {
        Objects.requireNonNull(destinationKey, "destinationKey");
        Objects.requireNonNull(status, "status");
        if (status == Status.REJECTED) {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    public static RecordOutcome confirmed(String destinationKey) {
        return new RecordOutcome(destinationKey, Status.CONFIRMED, null, null);
    }

    public static RecordOutcome rejected(String destinationKey, String code, String message) {
        return new RecordOutcome(destinationKey, Status.REJECTED, code, message);
    }

    public boolean isConfirmed() {
        return status == Status.CONFIRMED;
    }
}
