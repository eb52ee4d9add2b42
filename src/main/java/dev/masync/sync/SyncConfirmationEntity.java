package dev.masync.sync;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One row of a {@link JpaConfirmationJournal} entry: a range of one kind and (part of) its excluded learners. */
@Entity
@Table(name = "sync_confirmations")
public class SyncConfirmationEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "sync_key", nullable = false, length = 140)
    public String syncKey;

    /** The run that wrote the entry (0: written before runs were recorded). */
    @Column(name = "run_id", nullable = false)
    public long runId;

    /** {@code SENDING}, {@code CONFIRMED} or {@code UNCERTAIN}. */
    @Column(name = "kind", nullable = false, length = 16)
    public String kind;

    @Column(name = "from_seq", nullable = false)
    public long fromSeq;

    @Column(name = "to_seq", nullable = false)
    public long toSeq;

    /** 0 for the first row of an entry; 1, 2... for rows continuing its excluded keys. */
    @Column(name = "part_no", nullable = false)
    public int part;

    /** JSON array of learner keys. */
    @Column(name = "excluded_json", nullable = false, length = 1_000_000)
    public String excludedJson;

    @Column(name = "confirmed_at", nullable = false)
    public Instant confirmedAt;
}
