package dev.masync.sync;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A record of a sync that the destination (or the engine) refused: retried by every run until it is confirmed,
 * quarantined after {@code masync.sync.quarantine-after} attempts until an operator retries or skips it.
 */
@Entity
@Table(name = "record_errors")
@IdClass(RecordErrorEntity.Key.class)
public class RecordErrorEntity extends PanacheEntityBase {
    public static final String RETRYING = "retrying";
    public static final String QUARANTINED = "quarantined";
    public static final String SKIPPED = "skipped";

    public static class Key implements Serializable {
        public String syncKey;
        public String learnerKey;

        public Key() {}

        public Key(String syncKey, String learnerKey) {
            this.syncKey = syncKey;
            this.learnerKey = learnerKey;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(syncKey, k.syncKey) && Objects.equals(learnerKey, k.learnerKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(syncKey, learnerKey);
        }
    }

    @Id
    @Column(name = "sync_key", length = 100)
    public String syncKey;

    @Id
    @Column(name = "learner_key", length = 500)
    public String learnerKey;

    @Column(name = "destination_key", length = 500)
    public String destinationKey;

    @Column(name = "error_class", nullable = false, length = 32)
    public String errorClass;

    @Column(nullable = false, length = 100)
    public String code;

    @Column(nullable = false, length = 2000)
    public String message;

    @Column(nullable = false)
    public int attempts;

    @Column(nullable = false, length = 16)
    public String status;

    /** Hash of the record's values when last refused; a skipped record is tried again once they change. */
    @Column(name = "row_hash", length = 40)
    public String rowHash;

    @Column(name = "first_seen", nullable = false)
    public Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    public Instant lastSeen;
}
