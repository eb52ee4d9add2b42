package dev.masync.sync.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A record one run could not deliver, with the destination's reason. */
@Entity
@Table(name = "run_rejections")
public class RunRejectionEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "run_id", nullable = false)
    public long runId;

    @Column(name = "learner_key", nullable = false, length = 500)
    public String learnerKey;

    @Column(name = "destination_key", length = 500)
    public String destinationKey;

    @Column(name = "error_class", nullable = false, length = 32)
    public String errorClass;

    @Column(nullable = false, length = 100)
    public String code;

    @Column(nullable = false, length = 2000)
    public String message;

    @Column(name = "rejected_at", nullable = false)
    public Instant rejectedAt;
}
